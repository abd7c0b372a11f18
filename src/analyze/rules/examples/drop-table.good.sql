SET lock_timeout = '5s';
-- Nothing has used posts since the previous release; a backup was taken with pg_dump -t posts.
-- migsmith:ignore drop-table
DROP TABLE posts;
