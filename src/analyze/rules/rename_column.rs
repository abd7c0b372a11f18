//! `rename-column`: renaming a column of an existing table.

use super::{Hit, Level, Rule, Stmt};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "rename-column",
    level: Level::Warning,
    title: "RENAME COLUMN",
    why: "The rename is instant, but every running instance of the application still uses the old \
          name and fails from that moment until the new code is deployed.",
    alternative:
        "Expand-contract: add the new column, keep both in sync with a trigger, backfill, deploy \
                  code that uses the new name, drop the old column in a later migration \
                  (`migsmith generate \"rename column … --strategy expand-contract\"`).",
    bad: include_str!("examples/rename-column.bad.sql"),
    good: include_str!("examples/rename-column.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    match s.node {
        NodeEnum::RenameStmt(r) if r.rename_type == ObjectType::ObjectColumn as i32 => {
            match s.effect.table.as_deref() {
                Some(t) if s.existing(t) => Hit::on(
                    t,
                    format!(
                        "renaming `{t}.{}` to `{}` breaks running code that still uses `{}`",
                        r.subname, r.newname, r.subname
                    ),
                ),
                _ => vec![],
            }
        }
        _ => vec![],
    }
}
