SET lock_timeout = '5s';
ALTER TABLE posts ADD CONSTRAINT posts_author_fkey FOREIGN KEY (user_id) REFERENCES users (id);
