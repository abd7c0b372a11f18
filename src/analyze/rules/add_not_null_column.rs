//! `add-not-null-column-without-default`: ADD COLUMN … NOT NULL with no default.

use super::{cmds_of, has_constraint, Hit, Level, Rule, Stmt};
use crate::dialect::postgres::locks::column_default;
use pg_query::protobuf::{AlterTableType, ConstrType};
use pg_query::NodeEnum;

pub static RULE: Rule = Rule {
    id: "add-not-null-column-without-default",
    level: Level::Error,
    title: "ADD COLUMN … NOT NULL without a default",
    why: "Existing rows have no value for the new column, so PostgreSQL refuses it \
          (`column … contains null values`) on any table that has rows: the migration fails in production \
          even though it passed on an empty development database.",
    alternative: "Add the column with a constant default (metadata-only from PostgreSQL 11): \
                  `ADD COLUMN c boolean NOT NULL DEFAULT false`; or add it nullable, backfill in batches, \
                  then set NOT NULL through a validated CHECK.",
    bad: include_str!("examples/add-not-null-column-without-default.bad.sql"),
    good: include_str!("examples/add-not-null-column-without-default.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    let Some((table, cmds)) = s.altered_existing_table() else {
        return vec![];
    };
    let mut hits = vec![];
    for cmd in cmds_of(cmds, AlterTableType::AtAddColumn) {
        let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else {
            continue;
        };
        let not_null = def.is_not_null || has_constraint(def, ConstrType::ConstrNotnull);
        let filled = column_default(def).is_some()
            || has_constraint(def, ConstrType::ConstrIdentity)
            || has_constraint(def, ConstrType::ConstrGenerated)
            || has_constraint(def, ConstrType::ConstrPrimary);
        if not_null && !filled {
            hits.extend(Hit::on(
                table,
                format!(
                    "`{table}.{}` is added NOT NULL without a default: PostgreSQL refuses this when `{table}` has rows",
                    def.colname
                ),
            ));
        }
    }
    hits
}
