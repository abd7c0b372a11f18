//! PostgreSQL spelling of `change_column_type`: `ALTER TABLE t ALTER COLUMN c TYPE …`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{ChangeColumnType, Statement};

pub(crate) fn statements(op: &ChangeColumnType) -> Vec<Statement> {
    let mut text = format!(
        "ALTER TABLE {} ALTER COLUMN {} TYPE {}",
        sql::table(&op.table),
        sql::ident(&op.column),
        op.to_type
    );
    if let Some(using) = &op.using {
        text.push_str(" USING ");
        text.push_str(using);
    }
    let stmt = Statement::metadata(text, LockMode::AccessExclusive, &op.table);
    vec![if op.in_place() {
        stmt.since(crate::dialect::postgres::capabilities::BINARY_COERCIBLE_TYPE_CHANGE)
    } else {
        stmt.rewriting()
    }]
}
