//! PostgreSQL spelling of `drop_default`: `ALTER TABLE t ALTER COLUMN c DROP DEFAULT`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{DropDefault, Statement};

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
