//! Batched backfills: one `DO` block that walks the primary key in keyset batches of at most
//! `--batch-size` rows (`… WHERE k >= next ORDER BY k LIMIT n`, so gaps in the key neither make
//! a batch larger nor leave empty batches to sleep through), updates the batch, commits (row
//! locks are held for one batch only), pauses, and only touches rows still pending — so it can
//! be stopped and run again. It runs outside a transaction block (PostgreSQL 11+ allows COMMIT
//! in DO there).

use super::{Cx, Size, Stage};
use crate::dialect::postgres::capabilities::COMMIT_IN_DO;
use crate::dialect::postgres::is_volatile_expr;
use crate::dialect::LockMode;
use crate::plan::ops::{sql, Backfill, Statement};

const INTEGER_TYPES: &[&str] = &["smallint", "integer", "bigint"];

pub(crate) fn stages(op: &Backfill, cx: &mut Cx) -> Option<Vec<Stage>> {
    let form = "committed keyset batches by primary key";
    if cx.size(&op.table, &format!("the backfill of `{}`", op.column), form) == Size::Small {
        return None;
    }
    let c = sql::ident(&op.column);
    // Rows already holding the value are done: a re-run skips them.
    let mut pending = if is_volatile_expr(&op.value) {
        String::new()
    } else {
        format!("{c} IS DISTINCT FROM ({})", op.value)
    };
    if let Some(condition) = &op.condition {
        pending = if pending.is_empty() {
            format!("({condition})")
        } else {
            format!("({condition}) AND {pending}")
        };
    }
    if pending.is_empty() {
        pending = "true".into();
    }
    let fill = batched(cx, &op.table, &op.column, &op.value, &pending)?;
    let mut stage = stage(fill, 0, &op.table, &pending);
    stage.caveat = Some(format!(
        "the values the backfill wrote to `{}.{}` stay: the down migration does not restore the previous values",
        op.table, op.column
    ));
    Some(vec![stage])
}

/// The single integer primary-key column of `table`, if it has one.
fn integer_key(cx: &Cx, table: &str) -> Option<String> {
    let t = cx.before.table(table)?;
    let pk = t.primary_key.as_ref()?;
    let [column] = pk.columns.as_slice() else {
        return None;
    };
    let ty = &t.column(column)?.data_type;
    INTEGER_TYPES.contains(&ty.as_str()).then(|| column.clone())
}

/// The batched `DO` statement, or `None` (simple form) when the table has no integer primary
/// key to range over.
pub(crate) fn batched(
    cx: &mut Cx,
    table: &str,
    column: &str,
    value: &str,
    pending: &str,
) -> Option<Statement> {
    let Some(key) = integer_key(cx, table) else {
        cx.decisions.push(format!(
            "`{table}` has no single integer primary key to batch by, so the backfill of `{column}` runs as one UPDATE (its rows stay locked until it commits)"
        ));
        return None;
    };
    let (t, c, k) = (sql::table(table), sql::ident(column), sql::ident(&key));
    let batch = cx.opts.batch_size.max(1);
    let pause = cx.opts.batch_pause_ms as f64 / 1000.0;
    let text = format!(
        "DO $migsmith$\n\
         DECLARE\n    next_key bigint;\n    batch_end bigint;\n\
         BEGIN\n\
         \x20   SELECT min({k}) INTO next_key FROM {t};\n\
         \x20   WHILE next_key IS NOT NULL LOOP\n\
         \x20       SELECT max({k}) INTO batch_end FROM\n\
         \x20           (SELECT {k} FROM {t} WHERE {k} >= next_key ORDER BY {k} LIMIT {batch}) AS batch;\n\
         \x20       UPDATE {t} SET {c} = {value}\n\
         \x20        WHERE {k} >= next_key AND {k} <= batch_end AND {pending};\n\
         \x20       COMMIT;\n\
         \x20       PERFORM pg_sleep({pause});\n\
         \x20       SELECT min({k}) INTO next_key FROM {t} WHERE {k} > batch_end;\n\
         \x20   END LOOP;\n\
         END\n\
         $migsmith$"
    );
    Some(
        Statement::metadata(text, LockMode::RowExclusive, table)
            .scanning()
            .non_transactional()
            .since(COMMIT_IN_DO),
    )
}

/// The stage running `fill`, at `wave`.
pub(crate) fn stage(fill: Statement, wave: usize, table: &str, pending: &str) -> Stage {
    Stage {
        name: "backfill",
        wave,
        transactional: false,
        reason: Some(format!(
            "the backfill commits after every batch (COMMIT inside DO), so it runs outside a transaction block; stop it any time and run it again: it skips finished rows. Progress: {}",
            progress_query(table, pending)
        )),
        up: vec![fill],
        down: vec![],
        caveat: None,
        deploy: None,
    }
}

/// A query that shows how many rows are still pending.
pub fn progress_query(table: &str, pending: &str) -> String {
    format!(
        "SELECT count(*) FILTER (WHERE {pending}) AS pending, count(*) AS total FROM {}",
        sql::table(table)
    )
}
