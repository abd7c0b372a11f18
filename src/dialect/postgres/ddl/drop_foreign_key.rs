//! PostgreSQL spelling of `drop_foreign_key`: `ALTER TABLE t DROP CONSTRAINT <fk>`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{DropForeignKey, Statement};

pub(crate) fn statements(op: &DropForeignKey) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            sql::table(&op.table),
            sql::ident(&op.foreign_key.name)
        ),
        LockMode::AccessExclusive,
        &op.table,
    )]
}
