//! `truncate-cascade`: TRUNCATE … CASCADE empties tables the statement does not name.

use super::{Hit, Level, Rule, Stmt};
use pg_query::protobuf::DropBehavior;
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "truncate-cascade",
    level: Level::Error,
    title: "TRUNCATE … CASCADE",
    why: "CASCADE also empties every table with a foreign key to the named ones, recursively — tables \
          the migration never names — under ACCESS EXCLUSIVE; the data cannot be recovered after commit.",
    alternative: "Name every table to empty explicitly (`TRUNCATE a, b`), so the statement fails when it \
                  would reach further, or delete the rows you mean in batches.",
    bad: include_str!("examples/truncate-cascade.bad.sql"),
    good: include_str!("examples/truncate-cascade.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    match s.node {
        NodeEnum::TruncateStmt(t) if t.behavior == DropBehavior::DropCascade as i32 => vec![Hit {
            message: format!(
                "TRUNCATE {} CASCADE also empties every table that references it",
                s.effect.table.as_deref().unwrap_or("")
            ),
            table: s.effect.table.clone(),
            level: None,
        }],
        _ => vec![],
    }
}
