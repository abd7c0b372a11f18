//! `constraint-without-not-valid`: ADD CONSTRAINT … CHECK validated under ACCESS EXCLUSIVE.

use super::{cmds_of, Hit, Level, Rule, Stmt};
use pg_query::protobuf::{AlterTableType, ConstrType};
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "constraint-without-not-valid",
    level: Level::Error,
    title: "CHECK constraint added without NOT VALID",
    why: "Adding a CHECK constraint checks every existing row while holding ACCESS EXCLUSIVE on the \
          table: reads and writes wait for the whole scan.",
    alternative: "`ADD CONSTRAINT … CHECK (…) NOT VALID` (instant; new rows are checked), then \
                  `VALIDATE CONSTRAINT …` in a later statement or migration (SHARE UPDATE EXCLUSIVE: \
                  reads and writes continue).",
    bad: include_str!("examples/constraint-without-not-valid.bad.sql"),
    good: include_str!("examples/constraint-without-not-valid.good.sql"),
    size_sensitive: true,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    let Some((table, cmds)) = s.altered_existing_table() else {
        return vec![];
    };
    cmds_of(cmds, AlterTableType::AtAddConstraint)
        .filter_map(|cmd| match cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
            Some(NodeEnum::Constraint(c))
                if (c.contype == ConstrType::ConstrCheck as i32
                    || c.contype == ConstrType::ConstrNotnull as i32)
                    && !c.skip_validation =>
            {
                Some(c)
            }
            _ => None,
        })
        .flat_map(|c| {
            let name = if c.conname.is_empty() { "the constraint" } else { &c.conname };
            Hit::on(
                table,
                format!("`{name}` is checked against every row of `{table}` under ACCESS EXCLUSIVE; add it NOT VALID and VALIDATE it separately"),
            )
        })
        .collect()
}
