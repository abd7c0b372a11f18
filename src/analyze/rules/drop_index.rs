//! `drop-index-non-concurrently`: DROP INDEX without CONCURRENTLY.

use super::{Hit, Level, Rule, Stmt};
use crate::dialect::postgres::locks::dotted_name;
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "drop-index-non-concurrently",
    level: Level::Warning,
    title: "DROP INDEX without CONCURRENTLY",
    why: "A plain `DROP INDEX` takes ACCESS EXCLUSIVE on the index's table. The drop itself is quick, \
          but the lock request queues behind running queries and every new read and write queues behind it.",
    alternative: "`DROP INDEX CONCURRENTLY`, outside a transaction block.",
    bad: include_str!("examples/drop-index-non-concurrently.bad.sql"),
    good: include_str!("examples/drop-index-non-concurrently.good.sql"),
    size_sensitive: true,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    let NodeEnum::DropStmt(d) = s.node else {
        return vec![];
    };
    if d.concurrent || d.remove_type != ObjectType::ObjectIndex as i32 {
        return vec![];
    }
    if let Some(t) = s.effect.table.as_deref() {
        if !s.existing(t) {
            return vec![];
        }
    }
    d.objects
        .iter()
        .filter_map(|o| match o.node.as_ref() {
            Some(NodeEnum::List(l)) => Some(dotted_name(&l.items)),
            _ => None,
        })
        .map(|index| Hit {
            message: format!(
                "DROP INDEX `{index}` takes ACCESS EXCLUSIVE on its table; every query on it waits"
            ),
            table: s.effect.table.clone(),
            level: None,
        })
        .collect()
}
