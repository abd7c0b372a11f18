//! PostgreSQL spelling of `backfill`: `UPDATE t SET c = … [WHERE …]`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{Backfill, Statement};

pub(crate) fn statements(op: &Backfill) -> Vec<Statement> {
    let mut text = format!(
        "UPDATE {} SET {} = {}",
        sql::table(&op.table),
        sql::ident(&op.column),
        op.value
    );
    if let Some(condition) = &op.condition {
        text.push_str(" WHERE ");
        text.push_str(condition);
    }
    vec![Statement::metadata(text, LockMode::RowExclusive, &op.table).scanning()]
}
