//! PostgreSQL spelling of `rename_column`: `ALTER TABLE t RENAME COLUMN a TO b`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{RenameColumn, Statement};

pub(crate) fn statements(op: &RenameColumn) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            sql::table(&op.table),
            sql::ident(&op.from),
            sql::ident(&op.to)
        ),
        LockMode::AccessExclusive,
        &op.table,
    )]
}
