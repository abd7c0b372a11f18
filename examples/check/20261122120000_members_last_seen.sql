-- A hand-written migration for `migsmith check` to review (see docs/check.md): it adds a
-- column, indexes it and tightens another, the way many migrations are first written.
ALTER TABLE members ADD COLUMN last_seen_at timestamp;
CREATE INDEX members_last_seen_at ON members (last_seen_at);
ALTER TABLE tasks ALTER COLUMN priority SET NOT NULL;
