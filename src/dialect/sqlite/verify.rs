//! `--verify` for SQLite: the plan's up, down and up again run on a COPY of the database file
//! (never the file itself), or on an in-memory database built from the schema when it came
//! from schema text; after each step the schema read back must be the one planned.

use super::{run, schema_sql};
use crate::plan::Plan;
use crate::schema::live::sqlite::{load_connection, Counts};
use crate::schema::Schema;
use rusqlite::Connection;
use std::path::Path;

/// What the run showed.
#[derive(Debug, Clone, PartialEq)]
pub struct SqliteVerification {
    /// `copy of FILE` or `in-memory database from the schema`.
    pub on: String,
    /// Seconds each direction took (up, down, up again).
    pub seconds: [f64; 3],
}

fn without_stats(mut s: Schema) -> Schema {
    for t in s.tables.values_mut() {
        t.stats = None;
    }
    s.server = None;
    s
}

/// Run up → down → up on a copy of `database` (or in memory from `plan.before` when `None`).
pub fn verify(plan: &Plan, database: Option<&Path>) -> Result<SqliteVerification, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (conn, on) = match database {
        Some(file) => {
            let copy = dir.path().join("copy.db");
            std::fs::copy(file, &copy)
                .map_err(|e| format!("cannot copy {}: {e}", file.display()))?;
            for suffix in ["-wal", "-shm"] {
                let side = file.with_file_name(format!(
                    "{}{suffix}",
                    file.file_name().unwrap_or_default().to_string_lossy()
                ));
                if side.is_file() {
                    let _ = std::fs::copy(&side, dir.path().join(format!("copy.db{suffix}")));
                }
            }
            let conn = Connection::open(&copy).map_err(|e| e.to_string())?;
            (conn, format!("a copy of {}", file.display()))
        }
        None => {
            let conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
            run(&conn, &schema_sql(&plan.before))?;
            (
                conn,
                "an in-memory database built from the schema".to_string(),
            )
        }
    };
    let read = |conn: &Connection| load_connection(conn, Counts::None).map(without_stats);
    let start = read(&conn)?;
    let expected_after = without_stats(plan.after.clone());
    let up: Vec<String> = plan
        .phases
        .iter()
        .flat_map(|p| &p.up)
        .map(|s| s.statement.sql.clone())
        .collect();
    let down: Vec<String> = plan
        .phases
        .iter()
        .rev()
        .flat_map(|p| &p.down)
        .map(|s| s.statement.sql.clone())
        .collect();
    let mut seconds = [0.0; 3];
    let mut timed = |i: usize, sql: &[String], what: &str| -> Result<Schema, String> {
        let t = std::time::Instant::now();
        run(&conn, sql).map_err(|e| format!("{what}: {e}"))?;
        seconds[i] = t.elapsed().as_secs_f64();
        read(&conn)
    };
    let after = timed(0, &up, "up")?;
    if after != expected_after {
        return Err("up: the schema read back is not the planned one".into());
    }
    if timed(1, &down, "down")? != start {
        return Err("down: the schema read back is not the one before up".into());
    }
    if timed(2, &up, "up again")? != after {
        return Err("up again: the schema differs from the first up".into());
    }
    Ok(SqliteVerification { on, seconds })
}
