//! NOT NULL on an existing large table without a long ACCESS EXCLUSIVE scan:
//! `ADD CONSTRAINT … CHECK (c IS NOT NULL) NOT VALID` (catalog-only) in one migration, then
//! `VALIDATE CONSTRAINT` (scans under SHARE UPDATE EXCLUSIVE: reads and writes go on),
//! `SET NOT NULL` (PostgreSQL 12+ skips its scan because the validated check proves it) and
//! dropping the check, in the next.

use super::{Cx, Size, Stage};
use crate::dialect::postgres::capabilities::NOT_NULL_FROM_CHECK;
use crate::dialect::LockMode;
use crate::plan::ops::{sql, SetNotNull, Statement};

const FORM: &str = "CHECK (… IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT, then SET NOT NULL without a scan (PostgreSQL 12+)";

pub(crate) fn stages(op: &SetNotNull, cx: &mut Cx) -> Option<Vec<Stage>> {
    let change = format!("SET NOT NULL on `{}`", op.column);
    if cx.size(&op.table, &change, FORM) == Size::Small {
        return None;
    }
    Some(via_check(&op.table, &op.column, cx, 0))
}

/// A constraint name free on `table` (in the schema before the plan), at most 63 bytes.
pub(crate) fn free_constraint_name(cx: &Cx, table: &str, base: &str) -> String {
    let taken: Vec<String> = cx
        .before
        .relation_names()
        .map(str::to_string)
        .chain(
            cx.before
                .table(table)
                .into_iter()
                .flat_map(|t| t.constraint_names().map(str::to_string)),
        )
        .collect();
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut name = cut(base, 63);
    let mut k = 1;
    while taken.contains(&name) {
        let suffix = format!("_{k}");
        name = format!("{}{suffix}", cut(base, 63 - suffix.len()));
        k += 1;
    }
    name
}

/// The two stages, starting at `wave`.
pub(crate) fn via_check(table: &str, column: &str, cx: &Cx, wave: usize) -> Vec<Stage> {
    let name = free_constraint_name(
        cx,
        table,
        &format!("{}_{column}_not_null", sql::bare_name(table)),
    );
    let t = sql::table(table);
    let (c, n) = (sql::ident(column), sql::ident(&name));
    let add_check = || {
        Statement::metadata(
            format!("ALTER TABLE {t} ADD CONSTRAINT {n} CHECK ({c} IS NOT NULL) NOT VALID"),
            LockMode::AccessExclusive,
            table,
        )
    };
    let drop_check = || {
        Statement::metadata(
            format!("ALTER TABLE {t} DROP CONSTRAINT {n}"),
            LockMode::AccessExclusive,
            table,
        )
    };
    let validate = Statement::metadata(
        format!("ALTER TABLE {t} VALIDATE CONSTRAINT {n}"),
        LockMode::ShareUpdateExclusive,
        table,
    )
    .scanning();
    let set_not_null = Statement::metadata(
        format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL"),
        LockMode::AccessExclusive,
        table,
    );
    let set_not_null = if cx.opts.pg_version.has(NOT_NULL_FROM_CHECK) {
        set_not_null.since(NOT_NULL_FROM_CHECK)
    } else {
        set_not_null.scanning()
    };
    let drop_not_null = Statement::metadata(
        format!("ALTER TABLE {t} ALTER COLUMN {c} DROP NOT NULL"),
        LockMode::AccessExclusive,
        table,
    );
    vec![
        Stage {
            name: "not_null_check",
            wave,
            transactional: true,
            reason: Some(format!(
                "adds `{name}` NOT VALID (catalog-only, brief lock); the next migration validates it without blocking writes"
            )),
            up: vec![add_check()],
            down: vec![drop_check()],
            caveat: None,
            deploy: Some(format!(
                "before this migration: deploy code that never writes NULL to `{table}.{column}` (from here on NULL is rejected)"
            )),
        },
        Stage {
            name: "validate",
            wave: wave + 1,
            transactional: true,
            reason: Some(format!(
                "VALIDATE CONSTRAINT scans `{table}` under SHARE UPDATE EXCLUSIVE (reads and writes continue); SET NOT NULL then skips its scan. If rows with NULL exist, VALIDATE fails (`check constraint … is violated by some row`) and nothing is changed: backfill them first (migsmith generate \"backfill {table}.{column} with …\"), then run this migration again"
            )),
            up: vec![validate, set_not_null, drop_check()],
            down: vec![drop_not_null, add_check()],
            caveat: None,
            deploy: None,
        },
    ]
}
