SET lock_timeout = '5s';
ALTER TABLE posts ADD CONSTRAINT posts_author_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE posts VALIDATE CONSTRAINT posts_author_fkey;
