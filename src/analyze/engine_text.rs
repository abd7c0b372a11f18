//! What the report tells an operator that differs per engine besides the lock itself: how to
//! back up a table, what a lock wait timeout looks like and what to do then, how to inspect a
//! table, and how to watch a migration run. PostgreSQL's texts stay where they were
//! (`phases::retry_text`, the report's Markdown); this file holds MySQL/MariaDB and SQLite's.

use crate::plan::ops::sql::bare_name;
use crate::plan::StrategyOptions;
use crate::schema::Engine;

/// The command that backs up one table before it is dropped.
pub fn backup_table(engine: Engine, table: &str) -> String {
    let t = bare_name(table);
    match engine {
        Engine::Postgres => format!("pg_dump -t {table}"),
        Engine::Mysql | Engine::Mariadb => format!("mysqldump \"$DB\" {t} > {t}.sql"),
        Engine::Sqlite => format!("sqlite3 app.db '.dump {t}' > {t}.sql"),
    }
}

/// The whole database backup command of the staging step (`$URL_VAR` names the target).
pub fn backup_database(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => {
            "pg_dump \"$STAGING_DATABASE_URL\" > backup_staging_$(date +%Y%m%d_%H%M%S).sql"
        }
        Engine::Mysql | Engine::Mariadb => {
            "mysqldump --single-transaction \"$STAGING_DB\" > backup_staging_$(date +%Y%m%d_%H%M%S).sql"
        }
        Engine::Sqlite => "sqlite3 staging.db \".backup backup_staging_$(date +%Y%m%d_%H%M%S).db\"",
    }
}

/// How to look at one table after the migration.
pub fn describe_table(engine: Engine, table: &str) -> String {
    let t = bare_name(table);
    match engine {
        Engine::Postgres => format!("psql \"$DATABASE_URL\" -c '\\d {t}'"),
        Engine::Mysql | Engine::Mariadb => format!("mysql \"$DB\" -e 'SHOW CREATE TABLE `{t}`\\G'"),
        Engine::Sqlite => format!("sqlite3 app.db '.schema {t}'"),
    }
}

/// The production step's "fail fast instead of queueing" advice, before the apply commands.
pub fn fail_fast(engine: Engine) -> &'static str {
    match engine {
        Engine::Postgres => "# Fail fast instead of queueing behind a long transaction: set a lock timeout for the session\nexport PGOPTIONS='-c lock_timeout=5s'",
        Engine::Mysql | Engine::Mariadb => "# Fail fast instead of queueing behind a long transaction: every file starts with SET SESSION lock_wait_timeout,\n# so a statement that cannot get its metadata lock fails instead of blocking the table's queries behind it",
        Engine::Sqlite => "# Fail fast instead of waiting for another writer: the sqlite3 CLI waits busy_timeout ms for the database write lock\n# (.timeout 5000 in ~/.sqliterc), then fails with SQLITE_BUSY (database is locked)",
    }
}

/// What to do when a MySQL/MariaDB statement cannot get its metadata lock in time.
pub fn mysql_retry_text(opts: &StrategyOptions) -> String {
    format!(
        "Every migration starts with {}: if a statement cannot get its metadata lock in that time (an open transaction on the table holds one) it fails with `Lock wait timeout exceeded; try restarting transaction` (error 1205) instead of queueing every other query on the table behind it. MySQL DDL is not transactional: the statements before the failing one have committed. Find the blocker (SHOW PROCESSLIST shows the migration `Waiting for table metadata lock`; SELECT OBJECT_NAME, LOCK_TYPE, LOCK_STATUS, OWNER_THREAD_ID FROM performance_schema.metadata_locks WHERE OBJECT_SCHEMA = DATABASE() shows who holds it), let it finish or KILL it, then run the statements that did not apply, with backoff (e.g. after 10 s, 30 s, 60 s); or run the down, then the up again.",
        crate::dialect::mysql::lock_wait_timeout(opts.lock_timeout_ms)
    )
}

/// The report's "Monitoring After Deployment" queries: (title, SQL) pairs for `tables`.
pub fn monitoring(engine: Engine, tables: &[String], indexes: bool) -> Vec<(String, String)> {
    let bare: Vec<&str> = tables.iter().map(|t| bare_name(t)).collect();
    let mut out = vec![];
    match engine {
        Engine::Postgres => {}
        Engine::Mysql | Engine::Mariadb => {
            let in_list = bare
                .iter()
                .map(|t| crate::dialect::mysql::quote::literal(t))
                .collect::<Vec<_>>()
                .join(", ");
            out.push((
                "Sessions waiting on a metadata lock (run while the migration runs; rows here mean queries are queued behind it)".into(),
                "SELECT ID, TIME, STATE, LEFT(INFO, 80) AS query\nFROM information_schema.PROCESSLIST\nWHERE STATE LIKE 'Waiting for%metadata lock'\nORDER BY TIME DESC".into(),
            ));
            if !in_list.is_empty() {
                out.push((
                    "Table size".into(),
                    format!("SELECT TABLE_NAME, TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH AS bytes\nFROM information_schema.TABLES\nWHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ({in_list})"),
                ));
                if indexes {
                    out.push((
                        "Indexes".into(),
                        format!("SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, CARDINALITY\nFROM information_schema.STATISTICS\nWHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ({in_list})\nORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"),
                    ));
                }
            }
        }
        Engine::Sqlite => {
            for t in &bare {
                let lit = crate::dialect::sqlite::literal(t);
                out.push((
                    format!("Rows in `{t}`"),
                    format!(
                        "SELECT count(*) AS n FROM {}",
                        crate::dialect::sqlite::ident(t)
                    ),
                ));
                if indexes {
                    out.push((
                        format!("Indexes of `{t}`"),
                        format!("SELECT name, \"unique\", origin FROM pragma_index_list({lit})"),
                    ));
                }
            }
            out.push((
                "Integrity after a rebuild (must return `ok`)".into(),
                "PRAGMA integrity_check".into(),
            ));
        }
    }
    out
}
