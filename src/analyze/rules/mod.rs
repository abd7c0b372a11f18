//! Lint rules for hand-written PostgreSQL migrations (`migsmith check`): one file per rule,
//! each a [`Rule`] value holding its id, level, explanation, safe alternative, `include_str!`
//! bad/good example SQL and a check function — and one registry, [`RULES`]. The docs pages
//! (`docs/rules/*.md`) and the rule table of `docs/check.md` are rendered from this data ([`docs`]).
//!
//! Rules see one statement at a time with what the runner knows about the file so far
//! ([`Stmt`]); they never read files or print. Findings are data ([`Hit`]), not errors.

pub mod docs;

mod add_not_null_column;
mod concurrent_index_in_transaction;
mod constraint_without_not_valid;
mod create_index;
mod drop_column;
mod drop_index;
mod drop_table;
mod enum_value_in_transaction;
mod foreign_key_without_not_valid;
mod missing_lock_timeout;
mod prefer_bigint_primary_key;
mod prefer_jsonb;
mod prefer_text;
mod rename_column;
mod rename_table;
mod set_not_null;
mod statements_after_access_exclusive;
mod timestamp_without_time_zone;
mod truncate_cascade;
mod type_change_rewrites;
mod unique_constraint_without_index;
mod vacuum_full_or_cluster;
mod volatile_default;

use crate::dialect::postgres::locks::{constraints, Effect};
use pg_query::protobuf::{AlterTableCmd, AlterTableType, ColumnDef, ConstrType, TypeName};
use pg_query::NodeEnum;
use serde::Serialize;
use std::collections::BTreeSet;

/// How serious a finding is. `Error` makes `migsmith check` exit 1; `Note` is what an error or
/// warning becomes when the table is known to be small (it says why).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One lint rule: data plus a check function.
pub struct Rule {
    /// Stable id, used in output and in `-- migsmith:ignore ID`.
    pub id: &'static str,
    pub level: Level,
    /// One line: what the rule catches.
    pub title: &'static str,
    /// Why it matters (Markdown).
    pub why: &'static str,
    /// What to write instead (Markdown).
    pub alternative: &'static str,
    /// SQL the rule flags, and the safe SQL it passes.
    pub bad: &'static str,
    pub good: &'static str,
    /// Whether the finding is moot on a small table (fewer rows than `--small-table-rows`):
    /// then it becomes a note that says so.
    pub size_sensitive: bool,
    /// `server_version_num` the examples are checked against (the default target is 15).
    pub examples_on: u32,
    pub check: fn(&Stmt) -> Vec<Hit>,
}

/// What a rule found in one statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub message: String,
    /// The table the finding is about (its size may downgrade the finding).
    pub table: Option<String>,
    /// A level other than the rule's (e.g. a warning when the rule had to assume).
    pub level: Option<Level>,
}

impl Hit {
    pub fn on(table: &str, message: String) -> Vec<Hit> {
        vec![Hit {
            message,
            table: Some(table.to_string()),
            level: None,
        }]
    }
}

/// One statement, with what the runner knows at that point of the file.
pub struct Stmt<'a> {
    pub node: &'a NodeEnum,
    pub effect: &'a Effect,
    /// Target `server_version_num`.
    pub pg_version: u32,
    /// Whether the statement runs inside a transaction block.
    pub in_transaction: bool,
    /// Whether `SET lock_timeout` ran earlier (in this session, or in this transaction).
    pub lock_timeout_set: bool,
    /// An earlier statement of the same transaction took ACCESS EXCLUSIVE on this existing
    /// table, at this line.
    pub holding_access_exclusive: Option<(&'a str, usize)>,
    /// Tables created earlier in the file (they are empty: no lock or index rule applies).
    pub new_tables: &'a BTreeSet<String>,
}

impl Stmt<'_> {
    /// Whether `table` existed before this file (anything not created earlier in it).
    pub fn existing(&self, table: &str) -> bool {
        !self.new_tables.contains(table)
    }

    /// The table of an ALTER TABLE, if it existed before this file.
    pub fn altered_existing_table(&self) -> Option<(&str, &[pg_query::Node])> {
        match self.node {
            NodeEnum::AlterTableStmt(a) => {
                let table = self.effect.table.as_deref()?;
                self.existing(table).then_some((table, a.cmds.as_slice()))
            }
            _ => None,
        }
    }
}

/// Every rule, in documentation order.
pub static RULES: &[&Rule] = &[
    &create_index::RULE,
    &drop_index::RULE,
    &concurrent_index_in_transaction::RULE,
    &add_not_null_column::RULE,
    &set_not_null::RULE,
    &constraint_without_not_valid::RULE,
    &foreign_key_without_not_valid::RULE,
    &unique_constraint_without_index::RULE,
    &type_change_rewrites::RULE,
    &volatile_default::RULE,
    &drop_column::RULE,
    &drop_table::RULE,
    &rename_column::RULE,
    &rename_table::RULE,
    &missing_lock_timeout::RULE,
    &statements_after_access_exclusive::RULE,
    &prefer_bigint_primary_key::RULE,
    &timestamp_without_time_zone::RULE,
    &prefer_text::RULE,
    &prefer_jsonb::RULE,
    &enum_value_in_transaction::RULE,
    &vacuum_full_or_cluster::RULE,
    &truncate_cascade::RULE,
];

/// The rule with this id.
pub fn by_id(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// The ALTER TABLE sub-commands of one kind.
pub fn cmds_of(
    cmds: &[pg_query::Node],
    kind: AlterTableType,
) -> impl Iterator<Item = &AlterTableCmd> {
    cmds.iter().filter_map(move |c| match c.node.as_ref() {
        Some(NodeEnum::AlterTableCmd(cmd)) if cmd.subtype == kind as i32 => Some(cmd.as_ref()),
        _ => None,
    })
}

/// A column a statement defines or retypes: its name, table, type and constraints.
pub struct ColumnSpec<'a> {
    pub table: String,
    pub name: String,
    pub type_name: &'a TypeName,
    pub def: &'a ColumnDef,
}

/// Every column definition of a CREATE TABLE, ALTER TABLE … ADD COLUMN or … ALTER COLUMN TYPE.
pub fn column_specs<'a>(stmt: &'a Stmt) -> Vec<ColumnSpec<'a>> {
    let mut out = vec![];
    let table = stmt.effect.table.clone().unwrap_or_default();
    let mut push = |name: &str, def: &'a ColumnDef| {
        if let Some(t) = def.type_name.as_ref() {
            out.push(ColumnSpec {
                table: table.clone(),
                name: name.to_string(),
                type_name: t,
                def,
            });
        }
    };
    match stmt.node {
        NodeEnum::CreateStmt(c) => {
            for elt in &c.table_elts {
                if let Some(NodeEnum::ColumnDef(def)) = elt.node.as_ref() {
                    push(&def.colname, def);
                }
            }
        }
        NodeEnum::AlterTableStmt(a) => {
            for cmd in &a.cmds {
                let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() else {
                    continue;
                };
                let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_ref().and_then(|d| d.node.as_ref())
                else {
                    continue;
                };
                if cmd.subtype == AlterTableType::AtAddColumn as i32 {
                    push(&def.colname, def);
                } else if cmd.subtype == AlterTableType::AtAlterColumnType as i32 {
                    push(&cmd.name, def);
                }
            }
        }
        _ => {}
    }
    out
}

/// Whether a column definition carries a constraint of this kind.
pub fn has_constraint(def: &ColumnDef, kind: ConstrType) -> bool {
    constraints(&def.constraints).any(|c| c.contype == kind as i32)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = BTreeSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
            assert!(
                rule.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                rule.id
            );
            assert!(
                !rule.bad.trim().is_empty() && !rule.good.trim().is_empty(),
                "{}",
                rule.id
            );
        }
    }
}
