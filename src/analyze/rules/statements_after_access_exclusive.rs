//! `statements-after-access-exclusive`: more work in a transaction that holds ACCESS EXCLUSIVE.

use super::{Hit, Level, Rule, Stmt};
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "statements-after-access-exclusive",
    level: Level::Warning,
    title: "statements after an ACCESS EXCLUSIVE lock in the same transaction",
    why: "Locks are held until the transaction ends. After a statement takes ACCESS EXCLUSIVE on an \
          existing table, everything that follows in the same transaction runs while no one can read \
          or write that table: a quick ALTER becomes as long as the slowest statement after it. Flagged: \
          statements that scan or rewrite a table, write rows, or lock another existing table.",
    alternative: "Commit right after the statement that takes ACCESS EXCLUSIVE (split the migration), or \
                  move that statement to the end of the transaction.",
    bad: include_str!("examples/statements-after-access-exclusive.bad.sql"),
    good: include_str!("examples/statements-after-access-exclusive.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    let Some((table, line)) = s.holding_access_exclusive else {
        return vec![];
    };
    // Catalog-only statements on the same table (or on nothing existing) add no real hold time;
    // scans, rewrites, row writes and locks on other existing tables do.
    let writes_rows = matches!(
        s.node,
        NodeEnum::InsertStmt(_) | NodeEnum::UpdateStmt(_) | NodeEnum::DeleteStmt(_)
    );
    let locks_another = s
        .effect
        .locks
        .iter()
        .any(|l| l.relation != table && s.existing(&l.relation));
    if !(writes_rows || locks_another || s.effect.scans || s.effect.rewrites) {
        return vec![];
    }
    vec![Hit {
        message: format!(
            "runs while the ACCESS EXCLUSIVE lock on `{table}` taken at line {line} is still held: reads and writes on `{table}` wait for it too"
        ),
        table: Some(table.to_string()),
        level: None,
    }]
}
