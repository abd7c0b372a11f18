//! `prefer-jsonb`: `json` instead of `jsonb`.

use super::{column_specs, Hit, Level, Rule, Stmt};
use crate::dialect::postgres::spell_type_name;

pub static RULE: Rule = Rule {
    id: "prefer-jsonb",
    level: Level::Warning,
    title: "json instead of jsonb",
    why: "`json` stores the text as written and reparses it on every access; it has no equality operator \
          (no DISTINCT, GROUP BY, UNIQUE) and no GIN indexing.",
    alternative: "`jsonb`, unless key order and duplicate keys must be preserved verbatim.",
    bad: include_str!("examples/prefer-jsonb.bad.sql"),
    good: include_str!("examples/prefer-jsonb.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    column_specs(s)
        .iter()
        .filter(|c| spell_type_name(c.type_name).trim_end_matches("[]") == "json")
        .map(|c| Hit {
            message: format!("`{}.{}` is json; use jsonb", c.table, c.name),
            table: Some(c.table.clone()),
            level: None,
        })
        .collect()
}
