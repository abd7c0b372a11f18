-- A migration of its own, run outside a transaction block.
SET lock_timeout = '5s';
DROP INDEX CONCURRENTLY posts_title_idx;
