//! Unique constraints on large tables: build the unique index CONCURRENTLY (writes continue),
//! then `ADD CONSTRAINT … UNIQUE USING INDEX` (catalog-only), in one non-transactional
//! migration. A failed concurrent build leaves an INVALID index; the down drops it.

use super::{Cx, Size, Stage};
use crate::dialect::LockMode;
use crate::plan::ops::{sql, AddUniqueConstraint, Operation, Statement};

pub(crate) fn stages(op: &AddUniqueConstraint, cx: &mut Cx) -> Option<Vec<Stage>> {
    let form = "a unique index built CONCURRENTLY, then ADD CONSTRAINT … USING INDEX";
    if cx.size(&op.table, &format!("unique constraint `{}`", op.name), form) == Size::Small {
        return None;
    }
    let (t, n) = (sql::table(&op.table), sql::ident(&op.name));
    let build = Statement::metadata(
        format!(
            "CREATE UNIQUE INDEX CONCURRENTLY {n} ON {t} ({})",
            sql::ident_list(&op.columns)
        ),
        LockMode::ShareUpdateExclusive,
        &op.table,
    )
    .scanning()
    .non_transactional();
    let attach = Statement::metadata(
        format!("ALTER TABLE {t} ADD CONSTRAINT {n} UNIQUE USING INDEX {n}"),
        LockMode::AccessExclusive,
        &op.table,
    );
    let mut down: Vec<Statement> = Operation::from(op.clone())
        .inverse()
        .iter()
        .flat_map(Operation::statements)
        .collect();
    for s in &mut down {
        s.set_sql(
            s.sql
                .replacen("DROP CONSTRAINT", "DROP CONSTRAINT IF EXISTS", 1),
        );
    }
    down.push(
        Statement::metadata(
            format!(
                "DROP INDEX CONCURRENTLY IF EXISTS {}",
                sql::drop_index(&op.name, &op.table, false).trim_start_matches("DROP INDEX ")
            ),
            LockMode::ShareUpdateExclusive,
            &op.table,
        )
        .non_transactional(),
    );
    Some(vec![Stage {
        name: "concurrent_indexes",
        wave: 0,
        transactional: false,
        reason: Some(invalid_index_reason(&op.name)),
        up: vec![build, attach],
        down,
        caveat: None,
        deploy: None,
    }])
}

/// What to do when a concurrent build fails (the phase's reason, shown in both files).
pub(crate) fn invalid_index_reason(index: &str) -> String {
    format!(
        "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, so this migration runs without BEGIN/COMMIT. If the build fails (duplicates, lock_timeout, cancel) it leaves `{index}` INVALID: run this migration's down (it drops the index with DROP INDEX CONCURRENTLY IF EXISTS), fix the cause, and run the up again"
    )
}
