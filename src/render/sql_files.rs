//! What every SQL-file framework renderer shares: the comment header of a migration, the
//! statements of a phase in each direction (session settings first), migration names and
//! versions, and the split of non-transactional phases for frameworks that send a whole file
//! to the server as one query.
//!
//! Each framework file (`flyway.rs`, `dbmate.rs`, …) only spells its own layout: file names,
//! section markers and its transaction opt-out. Nothing here re-plans.

use super::naming::{slug, timestamp_versions};
use super::{RenderContext, RenderedFile};
use crate::plan::{Operation, Phase, Plan, Step};
use chrono::{DateTime, Utc};
use std::path::Path;

/// The statement of a split migration's direction that has nothing to do.
pub const NOOP: &str = "SELECT 1";

/// Up or down.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    Up,
    Down,
}

/// How a framework sends a migration's SQL to the server.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Batching {
    /// The framework splits the file and runs statement by statement (Flyway, Liquibase, goose),
    /// so a non-transactional phase can hold several statements.
    PerStatement,
    /// The framework sends the file as one query string (golang-migrate, dbmate, Prisma, diesel,
    /// sqlx). PostgreSQL runs a multi-statement query string as one implicit transaction, where
    /// `CREATE INDEX CONCURRENTLY` fails; so each statement of a non-transactional phase gets a
    /// migration of its own.
    OneQuery,
}

/// One migration a framework writes: a phase, or one statement of a split phase.
#[derive(Debug, Clone)]
pub struct Unit<'a> {
    pub phase: &'a Phase,
    /// Position of the phase in the plan, 0-based.
    pub phase_index: usize,
    /// `(k, of)` when the phase was split into `of` single-statement migrations.
    pub part: Option<(usize, usize)>,
    /// The name part of the migration (`add_email_to_users`, `…_concurrent_indexes_2`).
    pub name: String,
    pub transactional: bool,
    /// Settings then steps, without trailing `;`.
    pub up: Vec<String>,
    pub down: Vec<String>,
}

/// The statements of a phase in one direction: its session settings first, then its steps.
pub fn statements(phase: &Phase, direction: Direction) -> Vec<String> {
    let steps: &[Step] = match direction {
        Direction::Up => &phase.up,
        Direction::Down => &phase.down,
    };
    phase
        .settings
        .iter()
        .cloned()
        .chain(steps.iter().map(|s| s.statement.sql.clone()))
        .collect()
}

/// The migrations for a plan: one per phase, and under [`Batching::OneQuery`] one per statement
/// of a non-transactional phase with more than one statement. A split migration holds its one
/// statement only: a session `SET` before it would make the file a multi-statement query
/// again, so the phase's settings are named in its header instead (see [`standard_header`]).
pub fn units(plan: &Plan, batching: Batching) -> Vec<Unit<'_>> {
    let base = slug(&plan.description);
    let multi = plan.phases.len() > 1;
    let mut out = vec![];
    for (i, phase) in plan.phases.iter().enumerate() {
        let name = if multi {
            format!("{base}_{}", phase.name)
        } else {
            base.clone()
        };
        let up = statements(phase, Direction::Up);
        let down = statements(phase, Direction::Down);
        let steps = phase.up.len().max(phase.down.len());
        if batching == Batching::OneQuery && !phase.transactional && up.len().max(down.len()) > 1 {
            // Downs run in reverse order of the migrations, so the last migration holds the
            // phase's first down statement: the downs then run in the phase's order, and with
            // as many downs as ups, step k's down is the one that undoes it. A direction with
            // fewer statements than parts gets a no-op in the remaining parts (some frameworks
            // refuse an empty migration).
            let of = steps.max(1);
            let noop = || Some(NOOP.to_string());
            for k in 0..of {
                let up_k = phase
                    .up
                    .get(k)
                    .map(|s| s.statement.sql.clone())
                    .or_else(noop);
                let down_k = phase
                    .down
                    .get(of - 1 - k)
                    .map(|s| s.statement.sql.clone())
                    .or_else(noop);
                out.push(Unit {
                    phase,
                    phase_index: i,
                    part: Some((k + 1, of)),
                    name: format!("{name}_{}", k + 1),
                    transactional: false,
                    up: up_k.into_iter().collect(),
                    down: down_k.into_iter().collect(),
                });
            }
            continue;
        }
        out.push(Unit {
            phase,
            phase_index: i,
            part: None,
            name,
            transactional: phase.transactional,
            up,
            down,
        });
    }
    out
}

/// Timestamp versions (`YYYYMMDDHHMMSS`) for `count` new migrations, after the newest one in
/// the migrations directory (whatever its separators: `2026-11-22-120000-0000_x` counts).
pub fn next_timestamps(cx: &RenderContext, count: usize) -> Vec<String> {
    let mut existing = cx.existing_versions.clone();
    existing.extend(timestamps_in(&cx.project_dir.join(&cx.migrations_dir)));
    timestamp_versions(cx.now, &existing, count)
}

/// The migrations for a plan with their timestamp versions, in order.
pub fn timestamped_units<'p>(
    plan: &'p Plan,
    cx: &RenderContext,
    batching: Batching,
) -> Vec<(Unit<'p>, String)> {
    let units = units(plan, batching);
    let versions = next_timestamps(cx, units.len());
    units.into_iter().zip(versions).collect()
}

/// `<dir>/<stem>.up.sql` and `<dir>/<stem>.down.sql` for a migration (golang-migrate, sqlx).
pub fn up_down_pair(
    plan: &Plan,
    unit: &Unit<'_>,
    cx: &RenderContext,
    stem: &str,
    first_line: Option<&str>,
) -> [RenderedFile; 2] {
    let dir = dir(cx);
    [("up", Direction::Up), ("down", Direction::Down)].map(|(suffix, direction)| RenderedFile {
        path: format!("{dir}/{stem}.{suffix}.sql"),
        contents: sql_file(plan, unit, direction, cx, first_line),
    })
}

/// The directory the first file was written to (for commands that take it).
pub fn files_dir(files: &[RenderedFile]) -> String {
    files
        .first()
        .and_then(|f| f.path.rsplit_once('/'))
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// The 14-digit timestamps that start the entries of `dir` (digits only, separators skipped).
pub fn timestamps_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let head: String = name
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-')
                .filter(|c| c.is_ascii_digit())
                .collect();
            (head.len() >= 14).then(|| head[..14].to_string())
        })
        .collect()
}

/// The migrations directory as a `/`-separated prefix without trailing slash.
pub fn dir(cx: &RenderContext) -> String {
    cx.migrations_dir
        .to_string_lossy()
        .trim_end_matches('/')
        .to_string()
}

/// The comment lines (without comment markers) that open a migration file: what it does or
/// undoes, when it was generated, why it runs outside a transaction, and what to do when a
/// concurrent index build fails.
pub fn header(
    plan: &Plan,
    unit_phase: &Phase,
    position: Option<(usize, usize)>,
    direction: Direction,
    now: DateTime<Utc>,
    undo_hint: Option<&str>,
) -> Vec<String> {
    let mut out = vec![];
    let title = match direction {
        Direction::Up => "Migration",
        Direction::Down => "Rollback",
    };
    out.push(format!("{title}: {}", plan.description));
    if let Some((n, of)) = position {
        out.push(format!("Phase {n} of {of} ({})", unit_phase.name));
    }
    out.push(format!(
        "Generated by migsmith at {}",
        now.format("%Y-%m-%d %H:%M:%S UTC")
    ));
    let summaries = unit_phase
        .operations
        .iter()
        .map(|&i| plan.operations[i].summary());
    match direction {
        Direction::Up => {
            out.push("Does:".into());
            out.extend(summaries.map(|s| format!("  - {s}")));
            if let Some(hint) = undo_hint {
                out.push(hint.to_string());
            }
        }
        Direction::Down => {
            out.push("Undoes:".into());
            out.extend(summaries.map(|s| format!("  - {s}")));
            out.extend(unit_phase.down_caveats.iter().map(|c| format!("Note: {c}")));
        }
    }
    out
}

/// The phase's reason for running outside a transaction, as comment lines.
pub fn reason(phase: &Phase) -> Vec<String> {
    phase
        .reason
        .iter()
        .flat_map(|r| r.lines())
        .map(str::to_string)
        .collect()
}

/// "If building `x` fails…" lines for the indexes a phase builds concurrently.
pub fn concurrent_build_notes(plan: &Plan, phase: &Phase) -> Vec<String> {
    phase
        .operations
        .iter()
        .filter_map(|&i| match &plan.operations[i] {
            Operation::AddIndex(a) if a.concurrently => Some(format!(
                "If building `{}` fails, it is left INVALID: run DROP INDEX CONCURRENTLY IF EXISTS {}; then this file again.",
                a.index.name,
                crate::plan::ops::sql::ident(&a.index.name)
            )),
            _ => None,
        })
        .collect()
}

/// Comment lines with a prefix (`-- `), one per line of text.
pub fn comment(lines: &[String], prefix: &str) -> String {
    let mut out = String::new();
    for text in lines {
        for l in text.lines() {
            out.push_str(prefix);
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// The standard header of a SQL-file framework's migration, as `-- ` comments: description,
/// phase, generation time, what it does or undoes, and (up) the non-transactional notes.
pub fn standard_header(
    plan: &Plan,
    unit: &Unit<'_>,
    direction: Direction,
    cx: &RenderContext,
) -> String {
    let position = (plan.phases.len() > 1).then(|| (unit.phase_index + 1, plan.phases.len()));
    let mut lines = header(plan, unit.phase, position, direction, cx.now, None);
    if let Some((k, of)) = unit.part {
        lines.push(format!(
            "Statement {k} of {of} of this phase: the framework sends a file as one query, and PostgreSQL runs a multi-statement query as one transaction"
        ));
        for setting in &unit.phase.settings {
            lines.push(format!(
                "Not run here (it would share the query): {setting}; set it for the connection instead, e.g. with `options=-c ...` in the database URL"
            ));
        }
    }
    if !unit.transactional {
        lines.extend(reason(unit.phase));
        if direction == Direction::Up {
            lines.extend(concurrent_build_notes(plan, unit.phase));
        }
    }
    comment(&lines, "-- ")
}

/// A whole migration file in one direction: an optional first line (a framework's marker such
/// as sqlx's `-- no-transaction`), the standard header, a blank line, the statements.
pub fn sql_file(
    plan: &Plan,
    unit: &Unit<'_>,
    direction: Direction,
    cx: &RenderContext,
    first_line: Option<&str>,
) -> String {
    let mut out = String::new();
    if let Some(line) = first_line {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&standard_header(plan, unit, direction, cx));
    out.push('\n');
    out.push_str(&body(match direction {
        Direction::Up => &unit.up,
        Direction::Down => &unit.down,
    }));
    out
}

/// `cmd` once per migration, for frameworks that roll back one migration per command.
pub fn repeat(cmd: &str, times: usize) -> Vec<String> {
    vec![cmd.to_string(); times]
}

/// Statements as SQL text: each followed by `;` and a blank line; a comment when there are
/// none (a down with nothing to undo in the schema).
pub fn body(statements: &[String]) -> String {
    if statements.is_empty() {
        return "-- Nothing to undo in the schema.\n".into();
    }
    let mut out = String::new();
    for (i, s) in statements.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(s);
        out.push_str(";\n");
    }
    out
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn body_separates_statements_and_says_when_empty() {
        assert_eq!(
            body(&["SELECT 1".into(), "SELECT 2".into()]),
            "SELECT 1;\n\nSELECT 2;\n"
        );
        assert!(body(&[]).starts_with("--"));
    }

    #[test]
    fn timestamps_in_reads_separated_versions() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("2030-01-02-030405-0000_x")).unwrap();
        std::fs::write(dir.path().join("20290101000000_y.sql"), "").unwrap();
        std::fs::write(dir.path().join("V3__z.sql"), "").unwrap();
        let mut found = timestamps_in(dir.path());
        found.sort();
        assert_eq!(found, ["20290101000000", "20300102030405"]);
    }
}
