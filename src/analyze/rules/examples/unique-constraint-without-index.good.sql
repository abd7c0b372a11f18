-- Outside a transaction block: the index is built without blocking writes.
SET lock_timeout = '5s';
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
