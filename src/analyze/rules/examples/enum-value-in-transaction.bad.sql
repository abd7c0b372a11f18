-- Checked as for PostgreSQL 11.
BEGIN;
ALTER TYPE mood ADD VALUE 'calm';
COMMIT;
