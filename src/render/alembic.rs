//! Alembic: `<versions dir>/<revision>_<name>.py` with `revision`, `down_revision` (the current
//! head, read from the existing revisions; a tuple when there are several heads), `upgrade()`
//! and `downgrade()`. Each operation SQLAlchemy can render exactly is Alembic's own call
//! (`op.add_column`, `op.create_index`, … in `alembic/ops.rs`); settings and every other
//! statement go through `op.execute`, with the colons SQLAlchemy's `text()` would take for bind
//! parameters escaped. Alembic runs migrations in a transaction; a phase that cannot runs
//! inside `with op.get_context().autocommit_block():`.

mod ops;

use super::idiom::{comments, dir, header, migrations, py_string, Direction, Migration};
use super::op_groups::{items, string_spans_lines, Item};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;
use std::collections::BTreeSet;
use std::path::Path;

pub struct Alembic;

impl Renderer for Alembic {
    fn name(&self) -> &'static str {
        "alembic"
    }

    fn display_name(&self) -> &'static str {
        "Alembic"
    }

    fn default_migrations_dir(&self) -> &'static str {
        "alembic/versions"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);
        let mut down: Vec<String> = heads(&cx.project_dir.join(&cx.migrations_dir));
        migrations(plan, cx)
            .iter()
            .map(|m| {
                let revision = revision_id(&format!("{}_{}", m.version, m.name));
                let contents = file(plan, m, cx, &revision, &down);
                down = vec![revision.clone()];
                RenderedFile {
                    path: format!("{dir}/{revision}_{}.py", m.name),
                    contents,
                }
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        FrameworkCommands {
            apply: vec!["alembic upgrade head".into()],
            rollback: vec![format!("alembic downgrade -{}", files.len())],
        }
    }
}

/// A 12-hex-digit revision id (Alembic's length), derived from the version and name so output
/// stays deterministic under `--now` (FNV-1a).
fn revision_id(seed: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

/// Revisions in the directory that no other revision revises.
fn heads(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    let mut revisions = BTreeSet::new();
    let mut revised = BTreeSet::new();
    for entry in entries.filter_map(|e| e.ok()) {
        if entry.path().extension().is_none_or(|e| e != "py") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let key = key.split(':').next().unwrap_or_default().trim();
            match key {
                "revision" => revisions.extend(quoted(value).into_iter().take(1)),
                "down_revision" => revised.extend(quoted(value)),
                _ => {}
            }
        }
    }
    revisions.difference(&revised).cloned().collect()
}

/// The quoted strings in a Python expression (`'a'`, `("a", "b")`).
fn quoted(value: &str) -> Vec<String> {
    let mut out = vec![];
    let mut chars = value.chars();
    while let Some(c) = chars.by_ref().find(|&c| c == '"' || c == '\'') {
        let s: String = chars.by_ref().take_while(|&d| d != c).collect();
        out.push(s);
    }
    out
}

/// Escape the colons SQLAlchemy's `text()` reads as bind parameters (`:name` not preceded by a
/// colon, word character or backslash): `\:` stands for a literal colon.
fn escape_binds(sql: &str) -> String {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len());
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1);
        let bind = c == ':'
            && !before.is_some_and(|b| b == ':' || b == '\\' || b.is_alphanumeric() || b == '_')
            && after.is_some_and(|a| a.is_alphanumeric() || *a == '_');
        if bind {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn file(plan: &Plan, m: &Migration, cx: &RenderContext, revision: &str, down: &[String]) -> String {
    let title = match m.count {
        1 => plan.description.clone(),
        _ => format!("{} ({})", plan.description, m.phase.name),
    };
    let mut out = format!(
        "\"\"\"{}\n\nRevision ID: {revision}\nRevises: {}\nCreate Date: {}\n\n\"\"\"\n",
        title
            .replace('\\', "\\\\")
            .replace("\"\"\"", "\\\"\\\"\\\""),
        down.join(", "),
        cx.now.format("%Y-%m-%d %H:%M:%S")
    );
    out.push_str(&comments(&header(plan, m, cx), "#", ""));
    let bodies: Vec<Vec<String>> = [Direction::Up, Direction::Down]
        .into_iter()
        .map(|d| body(m, d))
        .collect();
    let uses = |prefix: &str| bodies.iter().flatten().any(|l| l.contains(prefix));
    out.push_str("\nfrom alembic import op\n");
    if uses("sa.") {
        out.push_str("import sqlalchemy as sa\n");
    }
    if uses("postgresql.") {
        out.push_str("from sqlalchemy.dialects import postgresql\n");
    }
    out.push('\n');
    out.push_str(&format!("revision = {}\n", py_string(revision)));
    let down_revision = match down {
        [] => "None".to_string(),
        [one] => py_string(one),
        many => format!(
            "({},)",
            many.iter()
                .map(|r| py_string(r))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    out.push_str(&format!("down_revision = {down_revision}\n"));
    out.push_str("branch_labels = None\ndepends_on = None\n");
    for (lines, name) in bodies.iter().zip(["upgrade", "downgrade"]) {
        out.push_str(&format!("\n\ndef {name}() -> None:\n"));
        let indent = if m.phase.transactional {
            "    "
        } else {
            out.push_str("    with op.get_context().autocommit_block():\n");
            "        "
        };
        if lines.is_empty() {
            out.push_str(&format!("{indent}pass\n"));
        }
        for line in lines {
            out.push_str(&format!("{indent}{line}\n"));
        }
    }
    out
}

/// The Python lines of one direction (unindented): Alembic's call for each operation it can
/// spell exactly, `op.execute` for the rest.
fn body(m: &Migration, direction: Direction) -> Vec<String> {
    let mut lines = vec![];
    for item in items(m.phase, direction) {
        let call = match &item {
            Item::Op { op, .. } => ops::call(op).filter(|c| !string_spans_lines(c, '"')),
            Item::Sql(_) => None,
        };
        match call {
            Some(call) => lines.extend(call.lines().map(str::to_string)),
            None => lines.extend(
                item.sql()
                    .into_iter()
                    .map(|s| format!("op.execute({})", py_string(&escape_binds(s)))),
            ),
        }
    }
    lines
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn only_bind_like_colons_are_escaped() {
        assert_eq!(
            escape_binds("SELECT age::bigint, ':x', a:b"),
            "SELECT age::bigint, '\\:x', a:b"
        );
    }

    #[test]
    fn revision_ids_are_stable_and_short() {
        assert_eq!(revision_id("a"), revision_id("a"));
        assert_eq!(revision_id("a").len(), 12);
        assert_ne!(revision_id("a"), revision_id("b"));
    }

    #[test]
    fn heads_are_revisions_nobody_revises() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a_x.py"),
            "revision = 'a'\ndown_revision = None\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b_y.py"),
            "revision: str = \"b\"\ndown_revision: Union[str, None] = \"a\"\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("c_z.py"),
            "revision = 'c'\ndown_revision = 'a'\n",
        )
        .unwrap();
        assert_eq!(heads(dir.path()), ["b", "c"]);
    }
}
