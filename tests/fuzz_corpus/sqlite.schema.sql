CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email varchar(255) NOT NULL COLLATE NOCASE,
  name TEXT, -- a comment
  age integer CHECK (age >= 0),
  bio text DEFAULT 'none',
  created_at datetime DEFAULT CURRENT_TIMESTAMP,
  "weird ""name""" text,
  CONSTRAINT users_email_key UNIQUE (email)
);
CREATE TABLE sqlite_sequence(name,seq);
CREATE INDEX users_name_idx ON users (name);
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  user_id integer REFERENCES users (id) ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,
  title TEXT NOT NULL,
  status TEXT DEFAULT 'draft',
  score real,
  body text /* block */,
  slug text GENERATED ALWAYS AS (lower(title)) VIRTUAL,
  [bracketed] blob,
  `backticked` numeric(10,2) DEFAULT (1.5 * 2)
);
CREATE INDEX posts_user_id_idx ON posts (user_id);
CREATE INDEX posts_lower_title_idx ON posts (lower(title)) WHERE status <> 'draft';
CREATE UNIQUE INDEX posts_user_title ON posts (user_id, title DESC);
CREATE TABLE tags (name text PRIMARY KEY, n int) WITHOUT ROWID;
CREATE TABLE kv (k TEXT NOT NULL, v ANY, PRIMARY KEY (k)) STRICT;
CREATE TABLE post_tags (post_id int NOT NULL, tag text NOT NULL, PRIMARY KEY (post_id, tag), FOREIGN KEY (post_id) REFERENCES posts(id) ON DELETE CASCADE, FOREIGN KEY (tag) REFERENCES tags(name));
CREATE VIEW published AS SELECT id, title FROM posts WHERE status = 'published'
/* published(id,title) */;
CREATE TRIGGER posts_touch AFTER UPDATE OF title ON posts BEGIN UPDATE posts SET score = 0 WHERE id = NEW.id; END;
