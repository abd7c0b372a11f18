SET lock_timeout = '5s';
BEGIN;
-- Old code keeps working through a view under the old name until it is deployed.
-- migsmith:ignore rename-table
ALTER TABLE posts RENAME TO articles;
CREATE VIEW posts AS SELECT * FROM articles;
COMMIT;
