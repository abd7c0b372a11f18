//! `rename-table`: renaming an existing table.

use super::{Hit, Level, Rule, Stmt};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "rename-table",
    level: Level::Warning,
    title: "RENAME TABLE",
    why: "The rename is instant, but running code still queries the old name and fails until the new \
          code is deployed.",
    alternative: "Rename, and in the same transaction create a view under the old name \
                  (`CREATE VIEW old AS SELECT * FROM new`: simple views are updatable), deploy code that uses \
                  the new name, drop the view in a later migration.",
    bad: include_str!("examples/rename-table.bad.sql"),
    good: include_str!("examples/rename-table.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    match s.node {
        NodeEnum::RenameStmt(r) if r.rename_type == ObjectType::ObjectTable as i32 => {
            match s.effect.table.as_deref() {
                Some(t) if s.existing(t) => Hit::on(
                    t,
                    format!(
                        "renaming `{t}` to `{}` breaks running code that still uses `{t}`; keep a view under the old name during the transition",
                        r.newname
                    ),
                ),
                _ => vec![],
            }
        }
        _ => vec![],
    }
}
