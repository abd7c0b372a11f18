//! PostgreSQL spelling of `drop_not_null`: `ALTER TABLE t ALTER COLUMN c DROP NOT NULL`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{DropNotNull, Statement};

pub(crate) fn statements(op: &DropNotNull) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL",
            sql::table(&op.table),
            sql::ident(&op.column)
        ),
        LockMode::AccessExclusive,
        &op.table,
    )]
}
