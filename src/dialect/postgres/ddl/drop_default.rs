//! PostgreSQL spelling of `drop_default`: `ALTER TABLE t ALTER COLUMN c DROP DEFAULT`.

use crate::dialect::LockMode;
use crate::plan::ops::*;

pub(crate) fn statements(op: &DropDefault) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
            sql::table(&op.table),
            sql::ident(&op.column)
        ),
        LockMode::AccessExclusive,
        &op.table,
    )]
}
