//! PostgreSQL spelling of `set_not_null`: `ALTER TABLE t ALTER COLUMN c SET NOT NULL`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{SetNotNull, Statement};

pub(crate) fn statements(op: &SetNotNull) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL",
            sql::table(&op.table),
            sql::ident(&op.column)
        ),
        LockMode::AccessExclusive,
        &op.table,
    )
    .scanning()]
}
