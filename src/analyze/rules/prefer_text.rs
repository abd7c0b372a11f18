//! `prefer-text`: `char(n)` / `varchar(n)` where `text` fits.

use super::{column_specs, Hit, Level, Rule, Stmt};
use crate::dialect::postgres::spell_type_name;

pub static RULE: Rule = Rule {
    id: "prefer-text",
    level: Level::Warning,
    title: "char(n) or varchar(n) instead of text",
    why: "In PostgreSQL `text` and `varchar(n)` perform the same; the length limit only adds an error \
          when data grows, and shrinking it later rewrites the table. `char(n)` pads with spaces and \
          compares surprisingly.",
    alternative: "`text`, with `CHECK (char_length(col) <= n)` when a limit is a real rule (a CHECK can \
                  be changed with NOT VALID + VALIDATE, without a rewrite).",
    bad: include_str!("examples/prefer-text.bad.sql"),
    good: include_str!("examples/prefer-text.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    column_specs(s)
        .iter()
        .filter_map(|c| {
            let ty = spell_type_name(c.type_name);
            let base = ty.split('(').next().unwrap_or("");
            let flagged = (base == "varchar" && ty.contains('(')) || base == "char";
            flagged.then(|| Hit {
                message: format!(
                    "`{}.{}` is {ty}; use text (with a CHECK on char_length if the limit matters)",
                    c.table, c.name
                ),
                table: Some(c.table.clone()),
                level: None,
            })
        })
        .collect()
}
