//! The rule documentation, rendered from the rule data: one Markdown page per rule
//! (`docs/rules/<id>.md`, also printed by `migsmith check --explain ID`) and the rule table of
//! the book's check page (`docs/check.md`). `tests/check_rules.rs` fails when the committed
//! files differ from this output.

use super::{Level, Rule, RULES};

/// The Markdown page of one rule.
pub fn page(rule: &Rule) -> String {
    let level = match rule.level {
        Level::Error => "error (makes `migsmith check` exit 1)",
        _ => "warning",
    };
    let size = if rule.size_sensitive {
        "\nOn a table known to be small (fewer rows than `--small-table-rows`, default 10,000, from \
         `--rows` or `--database-url`) the finding becomes a note that says so.\n"
    } else {
        ""
    };
    format!(
        "<!-- Generated from src/analyze/rules/ by `MIGSMITH_UPDATE_DOCS=1 cargo test --test check_rules`; do not edit. -->\n\
         # `{id}`: {title}\n\n\
         Level: {level}.\n\n\
         ## Why\n\n{why}\n{size}\n\
         ## Instead\n\n{alternative}\n\n\
         ## Flagged\n\n```sql\n{bad}```\n\n\
         ## Passes\n\n```sql\n{good}```\n\n\
         Silence one finding with `-- migsmith:ignore {id}` on the line before the statement, or for the \
         whole file at its top.\n{mysql}",
        mysql = crate::check::mysql_rules::section(rule.id),
        id = rule.id,
        title = rule.title,
        why = rule.why,
        alternative = rule.alternative,
        bad = rule.bad,
        good = rule.good,
    )
}

/// The table of every rule, as `docs/check.md` holds it (links relative to `docs/`).
pub fn table() -> String {
    let mut out = String::from("| rule | level | catches |\n|---|---|---|\n");
    for rule in RULES {
        out.push_str(&format!(
            "| [`{id}`](rules/{id}.md) | {level} | {title} |\n",
            id = rule.id,
            level = rule.level.as_str(),
            title = rule.title
        ));
    }
    out
}
