SET lock_timeout = '5s';
-- A constant default is metadata-only from PostgreSQL 11.
ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
