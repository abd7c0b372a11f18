SET lock_timeout = '5s';
BEGIN;
ALTER TABLE users ADD COLUMN bio text;
UPDATE users SET bio = '' WHERE bio IS NULL;
COMMIT;
