SET lock_timeout = '5s';
-- users.email is varchar(50): varchar → text is binary-coercible, no rewrite.
ALTER TABLE users ALTER COLUMN email TYPE text;
