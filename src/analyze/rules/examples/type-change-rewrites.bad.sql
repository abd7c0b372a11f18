SET lock_timeout = '5s';
-- users.score is integer.
ALTER TABLE users ALTER COLUMN score TYPE bigint;
