//! Liquibase formatted SQL: one changelog file per plan (`db/changelog/<ts>_<name>.sql`) that
//! starts with `--liquibase formatted sql`, with one changeset per phase (`--changeset
//! migsmith:<ts>-<n>`), `runInTransaction:false` on a phase that cannot run in a transaction,
//! and its down statements as `--rollback` lines. Liquibase runs statement by statement, so
//! phases stay whole.
//!
//! Liquibase splits a changeset's SQL on `;` without knowing PostgreSQL's dollar quoting, so a
//! statement with a dollar-quoted body (the batched backfill's `DO $migsmith$ … $migsmith$`, a
//! `CREATE FUNCTION … $$ … $$`) would be cut at its first inner `;`. Such a statement gets a
//! changeset of its own with `splitStatements:false`, holding that statement only: Liquibase
//! then sends it as one JDBC statement, and a `COMMIT` inside a `DO` block still runs outside
//! any transaction block. The phase's session settings (`SET lock_timeout …`) run in a
//! changeset just before it; Liquibase keeps one connection for the whole update, so they stay
//! in force. The phase's rollback goes on its first changeset, so rolling back that changeset
//! (the last one `rollback-count` reaches) undoes the whole phase.

use super::sql_files::{
    body, dir, next_timestamps, standard_header, statements, units, Batching, Direction, Unit,
};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;

/// Liquibase changelogs in its formatted SQL syntax.
pub struct Liquibase;

/// Whether `sql` holds a dollar-quoted string (`$$` or `$tag$`), which Liquibase's `;` splitter
/// would cut. `$1`-style parameters are not dollar quotes.
pub fn has_dollar_quote(sql: &str) -> bool {
    let bytes = sql.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'$' {
            continue;
        }
        if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
            continue;
        }
        let tag_len = bytes[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        let tag = &bytes[i + 1..i + 1 + tag_len];
        if tag.first().is_some_and(u8::is_ascii_digit) {
            continue;
        }
        if bytes.get(i + 1 + tag_len) == Some(&b'$') {
            return true;
        }
    }
    false
}

/// One changeset of a phase: its statements (without `;`) and whether it must be sent whole.
struct Changeset {
    statements: Vec<String>,
    whole: bool,
}

/// A phase's up statements as changesets: plain statements together (with the phase's settings
/// first, as today), each dollar-quoted statement alone and whole, its settings in a changeset
/// before it.
fn changesets(unit: &Unit<'_>) -> Vec<Changeset> {
    let settings = &unit.phase.settings;
    let steps = unit.up.get(settings.len()..).unwrap_or(&[]);
    if !steps.iter().any(|s| has_dollar_quote(s)) {
        return vec![Changeset {
            statements: unit.up.clone(),
            whole: false,
        }];
    }
    let mut out: Vec<Changeset> = vec![];
    let mut plain: Vec<String> = vec![];
    let flush = |plain: &mut Vec<String>, out: &mut Vec<Changeset>| {
        if !plain.is_empty() || (out.is_empty() && !settings.is_empty()) {
            let mut statements = settings.clone();
            statements.append(plain);
            out.push(Changeset {
                statements,
                whole: false,
            });
        }
    };
    for step in steps {
        if has_dollar_quote(step) {
            flush(&mut plain, &mut out);
            out.push(Changeset {
                statements: vec![step.clone()],
                whole: true,
            });
        } else {
            plain.push(step.clone());
        }
    }
    if !plain.is_empty() {
        flush(&mut plain, &mut out);
    }
    out
}

impl Renderer for Liquibase {
    fn name(&self) -> &'static str {
        "liquibase"
    }

    fn display_name(&self) -> &'static str {
        "Liquibase (formatted SQL)"
    }

    fn default_migrations_dir(&self) -> &'static str {
        "db/changelog"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let version = next_timestamps(cx, 1).remove(0);
        let mut out = String::from("--liquibase formatted sql\n");
        let mut n = 0;
        for unit in units(plan, Batching::PerStatement) {
            let sets = changesets(&unit);
            let count = sets.len();
            for (k, set) in sets.into_iter().enumerate() {
                n += 1;
                let mut options = String::new();
                if !unit.transactional {
                    options.push_str(" runInTransaction:false");
                }
                if set.whole {
                    options.push_str(" splitStatements:false");
                }
                let down = statements(unit.phase, Direction::Down);
                // The rollback is split on `;` too: when it holds a dollar-quoted statement
                // (the contract's batched rebuild), statements end with a line holding only
                // `/` instead, which no statement contains.
                let down_quoted = k == 0 && down.iter().any(|s| has_dollar_quote(s));
                if down_quoted {
                    options.push_str(" rollbackEndDelimiter:/");
                }
                out.push_str(&format!("\n--changeset migsmith:{version}-{n}{options}\n"));
                out.push_str(&standard_header(plan, &unit, Direction::Up, cx));
                if count > 1 {
                    // Not "-- Changeset …": Liquibase reads any comment starting with that
                    // word as a changeset directive.
                    out.push_str(&format!(
                        "-- Part {} of {count} of this phase: a statement with a dollar-quoted body is a changeset of its own (splitStatements:false), so Liquibase does not cut it at its inner `;`; the phase's session settings run in the changeset before it, and its rollback is on the first\n",
                        k + 1
                    ));
                }
                out.push_str(&body(&set.statements));
                if k > 0 || unit.phase.down.is_empty() {
                    out.push_str("--rollback empty\n");
                    continue;
                }
                if down_quoted {
                    for statement in &down {
                        for line in statement.lines().filter(|l| !l.trim().is_empty()) {
                            out.push_str("--rollback ");
                            out.push_str(line);
                            out.push('\n');
                        }
                        out.push_str("--rollback /\n");
                    }
                    continue;
                }
                for line in body(&down).lines().filter(|l| !l.is_empty()) {
                    out.push_str("--rollback ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        vec![RenderedFile {
            path: format!(
                "{}/{version}_{}.sql",
                dir(cx),
                crate::render::naming::slug(&plan.description)
            ),
            contents: out,
        }]
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let mut apply = vec![];
        let mut rollback = vec![];
        for f in files {
            let changesets = f.contents.matches("\n--changeset ").count();
            apply.push(format!(
                "liquibase --url=jdbc:postgresql://HOST:5432/DB --username=USER --changelog-file={} update",
                f.path
            ));
            rollback.push(format!(
                "liquibase --url=jdbc:postgresql://HOST:5432/DB --username=USER --changelog-file={} rollback-count --count={changesets}",
                f.path
            ));
        }
        FrameworkCommands { apply, rollback }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn dollar_quotes_are_found_and_parameters_are_not() {
        assert!(has_dollar_quote("DO $migsmith$ BEGIN NULL; END $migsmith$"));
        assert!(has_dollar_quote(
            "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql"
        ));
        assert!(!has_dollar_quote("SELECT $1, $2 FROM t"));
        assert!(!has_dollar_quote("SELECT price$ FROM t"));
        assert!(!has_dollar_quote("ALTER TABLE users ADD COLUMN x uuid"));
    }
}
