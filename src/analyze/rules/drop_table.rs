//! `drop-table`: dropping an existing table.

use super::{Hit, Level, Rule, Stmt};
use crate::dialect::postgres::locks::dotted_name;
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "drop-table",
    level: Level::Warning,
    title: "DROP TABLE",
    why: "Deletes every row for good (the down migration can only recreate it empty) and breaks code \
          that still uses the table.",
    alternative: "Deploy code that no longer uses the table first; keep a backup (`pg_dump -t TABLE`) or \
                  rename it away and drop it in a later release. Acknowledge with `-- migsmith:ignore drop-table`.",
    bad: include_str!("examples/drop-table.bad.sql"),
    good: include_str!("examples/drop-table.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    let NodeEnum::DropStmt(d) = s.node else {
        return vec![];
    };
    if d.remove_type != ObjectType::ObjectTable as i32 {
        return vec![];
    }
    d.objects
        .iter()
        .filter_map(|o| match o.node.as_ref() {
            Some(NodeEnum::List(l)) => Some(dotted_name(&l.items)),
            _ => None,
        })
        .filter(|t| s.existing(t))
        .flat_map(|t| {
            Hit::on(
                &t,
                format!("dropping `{t}` deletes every row and breaks code that still uses it"),
            )
        })
        .collect()
}
