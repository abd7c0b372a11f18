//! `unique-constraint-without-index`: UNIQUE / PRIMARY KEY built under ACCESS EXCLUSIVE.

use super::{cmds_of, has_constraint, Hit, Level, Rule, Stmt};
use pg_query::protobuf::{AlterTableType, ConstrType};
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "unique-constraint-without-index",
    level: Level::Error,
    title: "UNIQUE or PRIMARY KEY constraint without a prebuilt index",
    why: "`ADD CONSTRAINT … UNIQUE (…)` (or PRIMARY KEY) builds its index while holding ACCESS \
          EXCLUSIVE: reads and writes wait for the whole build.",
    alternative:
        "`CREATE UNIQUE INDEX CONCURRENTLY name ON t (…)` in a non-transactional migration, then \
                  `ALTER TABLE t ADD CONSTRAINT name UNIQUE USING INDEX name` (instant).",
    bad: include_str!("examples/unique-constraint-without-index.bad.sql"),
    good: include_str!("examples/unique-constraint-without-index.good.sql"),
    size_sensitive: true,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    let Some((table, cmds)) = s.altered_existing_table() else {
        return vec![];
    };
    let mut hits = vec![];
    for cmd in cmds_of(cmds, AlterTableType::AtAddConstraint) {
        if let Some(NodeEnum::Constraint(c)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
            let keyed = c.contype == ConstrType::ConstrUnique as i32
                || c.contype == ConstrType::ConstrPrimary as i32;
            if keyed && c.indexname.is_empty() {
                hits.extend(Hit::on(
                    table,
                    format!("the constraint builds a unique index on `{table}` under ACCESS EXCLUSIVE; build it CONCURRENTLY first and add the constraint USING INDEX"),
                ));
            }
        }
    }
    for cmd in cmds_of(cmds, AlterTableType::AtAddColumn) {
        if let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
            if has_constraint(def, ConstrType::ConstrUnique)
                || has_constraint(def, ConstrType::ConstrPrimary)
            {
                hits.extend(Hit::on(
                    table,
                    format!("the inline UNIQUE/PRIMARY KEY on `{table}.{}` builds its index under ACCESS EXCLUSIVE", def.colname),
                ));
            }
        }
    }
    hits
}
