SET lock_timeout = '5s';
ALTER TABLE posts RENAME TO articles;
