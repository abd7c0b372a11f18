SET lock_timeout = '5s';
-- The application stopped using users.name in the previous release.
-- migsmith:ignore drop-column
ALTER TABLE users DROP COLUMN name;
