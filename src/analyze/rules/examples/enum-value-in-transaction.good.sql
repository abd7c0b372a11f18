-- Checked as for PostgreSQL 11: a migration of its own, outside a transaction block.
ALTER TYPE mood ADD VALUE 'calm';
