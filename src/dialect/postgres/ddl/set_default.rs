//! PostgreSQL spelling of `set_default`: `ALTER TABLE t ALTER COLUMN c SET DEFAULT …`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{SetDefault, Statement};

pub(crate) fn statements(op: &SetDefault) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}",
            sql::table(&op.table),
            sql::ident(&op.column),
            op.default
        ),
        LockMode::AccessExclusive,
        &op.table,
    )]
}
