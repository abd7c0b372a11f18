//! `vacuum-full-or-cluster`: VACUUM FULL and CLUSTER rewrite the table under ACCESS EXCLUSIVE.

use super::{Hit, Level, Rule, Stmt};
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "vacuum-full-or-cluster",
    level: Level::Error,
    title: "VACUUM FULL or CLUSTER",
    why: "Both write a new copy of the table and its indexes while holding ACCESS EXCLUSIVE: no reads or \
          writes for the whole rewrite (0.6–1.1 s per million rows here), and they need room for a second copy.",
    alternative: "Plain `VACUUM` (no blocking) or `pg_repack`/`pg_squeeze`, which rebuild online; do not put \
                  maintenance in migrations.",
    bad: include_str!("examples/vacuum-full-or-cluster.bad.sql"),
    good: include_str!("examples/vacuum-full-or-cluster.good.sql"),
    size_sensitive: true,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    let what = match s.node {
        NodeEnum::VacuumStmt(_) if s.effect.rewrites => "VACUUM FULL",
        NodeEnum::ClusterStmt(_) => "CLUSTER",
        _ => return vec![],
    };
    let target = s.effect.table.clone();
    if target.as_deref().is_some_and(|t| !s.existing(t)) {
        return vec![];
    }
    vec![Hit {
        message: match &target {
            Some(t) => format!("{what} rewrites `{t}` under ACCESS EXCLUSIVE"),
            None => format!("{what} rewrites every table under ACCESS EXCLUSIVE"),
        },
        table: target,
        level: None,
    }]
}
