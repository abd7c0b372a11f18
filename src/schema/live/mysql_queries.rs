//! The `information_schema` queries of the MySQL/MariaDB reader. Each takes the database name
//! as its only parameter and reads one object kind for every table at once. Columns that exist
//! on only one of the two servers (MySQL's `STATISTICS.EXPRESSION`, MariaDB's
//! `CHECK_CONSTRAINTS.LEVEL`) are read by the variant for that server.

/// Base tables (not views): name, engine, collation, its character set, create options,
/// comment, row estimate, data and index bytes.
pub const TABLES: &str = "
SELECT t.TABLE_NAME, t.ENGINE, t.TABLE_COLLATION, c.CHARACTER_SET_NAME, t.CREATE_OPTIONS,
       t.TABLE_COMMENT, t.TABLE_ROWS, t.DATA_LENGTH, t.INDEX_LENGTH
FROM information_schema.TABLES t
LEFT JOIN information_schema.COLLATIONS c ON c.COLLATION_NAME = t.TABLE_COLLATION
WHERE t.TABLE_SCHEMA = ? AND t.TABLE_TYPE = 'BASE TABLE'
ORDER BY t.TABLE_NAME";

/// Columns of base tables in their physical order.
pub const COLUMNS: &str = "
SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE, c.COLUMN_DEFAULT, c.EXTRA,
       c.GENERATION_EXPRESSION, c.CHARACTER_SET_NAME, c.COLLATION_NAME, c.COLUMN_COMMENT
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t
  ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND t.TABLE_TYPE = 'BASE TABLE'
WHERE c.TABLE_SCHEMA = ?
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION";

/// Index key parts, `COLLATION` `D` for a descending one (MariaDB: no functional key parts, so no `EXPRESSION` column).
pub const INDEXES_MARIADB: &str = "
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE,
       NULL AS EXPRESSION, COLLATION
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = ?
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

/// Index key parts with MySQL 8's functional key parts.
pub const INDEXES_MYSQL: &str = "
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, INDEX_TYPE,
       EXPRESSION, COLLATION
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = ?
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

/// Foreign keys, one row per column pair, with their rules.
pub const FOREIGN_KEYS: &str = "
SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA,
       k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
 AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.TABLE_SCHEMA = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// CHECK constraints (MariaDB 10.2+ and MySQL 8.0.16+ both have the view; MariaDB lists a
/// column-level check under the column's name).
pub const CHECKS_MARIADB: &str = "
SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = ?
ORDER BY TABLE_NAME, CONSTRAINT_NAME";

/// MySQL 8's view has no table name: it comes from `TABLE_CONSTRAINTS`.
pub const CHECKS_MYSQL: &str = "
SELECT t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE
FROM information_schema.CHECK_CONSTRAINTS c
JOIN information_schema.TABLE_CONSTRAINTS t
  ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME
 AND t.CONSTRAINT_TYPE = 'CHECK'
WHERE c.CONSTRAINT_SCHEMA = ?
ORDER BY t.TABLE_NAME, c.CONSTRAINT_NAME";

/// Views, triggers and routines, noted (not modelled).
pub const OTHER_OBJECTS: &str = "
SELECT 'view' AS kind, TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ?
UNION ALL
SELECT 'trigger', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?
UNION ALL
SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?
ORDER BY 1, 2";
