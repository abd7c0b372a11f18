//! The PostgreSQL DDL interpreter (being written).
use super::Schema;
use std::path::{Path, PathBuf};

/// A schema file or migration that could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct LoadError {
    /// File path (or `<input>`).
    pub origin: String,
    /// 1-based line of the statement that failed (0 when unknown).
    pub line: usize,
    pub message: String,
}

/// Load a schema from SQL text (a `pg_dump --schema-only` file or any DDL script).
pub fn load_str(sql: &str, origin: &str) -> Result<Schema, LoadError> {
    let mut schema = Schema::default();
    apply_str(&mut schema, sql, origin)?;
    Ok(schema)
}

/// Apply DDL statements to an existing schema model.
pub fn apply_str(schema: &mut Schema, sql: &str, origin: &str) -> Result<(), LoadError> {
    todo!("{schema:?} {sql} {origin}")
}

/// Load a schema dump file.
pub fn load_file(path: &Path) -> Result<Schema, LoadError> {
    todo!("{path:?}")
}

/// Replay the `*.up.sql` files of a migrations directory in file-name order.
pub fn load_migrations_dir(dir: &Path) -> Result<(Schema, Vec<PathBuf>), LoadError> {
    todo!("{dir:?}")
}
