-- No BEGIN/COMMIT: psql runs each statement on its own.
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
