//! `volatile-default`: ADD COLUMN whose default is computed per row, rewriting the table.

use super::{cmds_of, Hit, Level, Rule, Stmt};
use pg_query::protobuf::AlterTableType;
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "volatile-default",
    level: Level::Error,
    title: "ADD COLUMN with a volatile default (or serial/identity/stored generated)",
    why: "A default evaluated per row (`random()`, `gen_random_uuid()`, `clock_timestamp()`, a sequence) \
          makes `ADD COLUMN` rewrite the whole table under ACCESS EXCLUSIVE (1.3 s at 1M rows, 8.8 s at 5M; \
          uuid 3.1 s / 18.5 s here). Constant defaults and `now()` are metadata-only from PostgreSQL 11; \
          before 11 every default rewrites.",
    alternative: "Add the column without a default, `ALTER COLUMN … SET DEFAULT …` (affects new rows only), \
                  then backfill existing rows in batches of ~10,000, each its own transaction.",
    bad: include_str!("examples/volatile-default.bad.sql"),
    good: include_str!("examples/volatile-default.good.sql"),
    size_sensitive: true,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    let Some((table, cmds)) = s.altered_existing_table() else {
        return vec![];
    };
    if !s.effect.rewrites {
        return vec![];
    }
    cmds_of(cmds, AlterTableType::AtAddColumn)
        .filter_map(|cmd| match cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
            Some(NodeEnum::ColumnDef(def)) => Some(def),
            _ => None,
        })
        .flat_map(|def| {
            let why = s
                .effect
                .reasons
                .first()
                .cloned()
                .unwrap_or_else(|| "the table is rewritten".into());
            Hit::on(table, format!("adding `{table}.{}`: {why}", def.colname))
        })
        .collect()
}
