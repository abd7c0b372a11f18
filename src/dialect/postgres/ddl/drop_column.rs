//! PostgreSQL spelling of `drop_column`: `ALTER TABLE t DROP COLUMN c`; the inverse restores the column's exact

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{DropColumn, Statement};

pub(crate) fn statements(op: &DropColumn) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} DROP COLUMN {}{}",
            sql::table(&op.table),
            sql::ident(&op.column),
            if op.cascade { " CASCADE" } else { "" }
        ),
        LockMode::AccessExclusive,
        &op.table,
    )]
}
