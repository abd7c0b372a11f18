SET lock_timeout = '5s';
-- Expand: a new column next to the old one; a trigger keeps them in sync and a backfill copies
-- old rows; the old column is dropped after the application uses full_name.
ALTER TABLE users ADD COLUMN full_name text;
