//! PostgreSQL spelling of `add_column`: `ALTER TABLE t ADD COLUMN …`.

use crate::dialect::postgres::sql;
use crate::dialect::postgres::{capabilities, is_volatile_expr};
use crate::dialect::LockMode;
use crate::plan::ops::{AddColumn, Statement};

pub(crate) fn statements(op: &AddColumn) -> Vec<Statement> {
    let add = Statement::metadata(
        format!(
            "ALTER TABLE {} ADD COLUMN {}",
            sql::table(&op.table),
            sql::column_definition(&op.column, &op.table)
        ),
        LockMode::AccessExclusive,
        &op.table,
    );
    // A volatile default (random(), clock_timestamp()…) is evaluated per row: the table is
    // rewritten. Constants and now() are stored once in the catalog (PostgreSQL 11+).
    let volatile = op.column.default.as_deref().is_some_and(is_volatile_expr)
        || op.column.identity.is_some()
        || op.column.serial_sequence.is_some();
    let add = match (&op.column.default, volatile) {
        (_, true) => add.rewriting(),
        (Some(_), false) => add.since(capabilities::FAST_DEFAULT),
        (None, false) => add,
    };
    let mut out = vec![add];
    if let Some(comment) = &op.column.comment {
        out.push(Statement::metadata(
            sql::comment_on_column(&op.table, &op.column.name, Some(comment)),
            LockMode::AccessExclusive,
            &op.table,
        ));
    }
    out
}
