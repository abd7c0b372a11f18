//! Django: `<app>/migrations/000N_<name>.py`, numbered after the app's latest migration and
//! depending on it; a phase that cannot run in a transaction sets `atomic = False`. The app
//! label is the directory holding `migrations/`.
//!
//! Operations on tables the app's migrations declare as models (`django/state.rs`) become
//! Django operations: run as they are when Django's SQL both ways is exactly the plan's
//! (`AddField`, `RenameField`, `CreateModel`, `AlterModelTable`, `AddIndex`,
//! `AddIndexConcurrently`), otherwise `RunSQL(sql, reverse_sql, state_operations=[…])` so the
//! state still follows. Everything else is `RunSQL(sql=[…], reverse_sql=[…])` (Django runs the
//! lists one statement at a time). Session settings run first both ways: a `RunSQL` with a
//! no-op reverse opens the list and one with a no-op forward closes it.

mod ops;
mod state;

use super::idiom::{comments, dir, header, migrations, py_string, Migration};
use super::op_groups::{group, Item};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::ops::sql::drop_index;
use crate::plan::ops::Operation;
use crate::plan::Plan;
use state::State;
use std::path::Path;

pub struct Django;

impl Renderer for Django {
    fn name(&self) -> &'static str {
        "django"
    }

    fn display_name(&self) -> &'static str {
        "Django"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);
        let app = app_label(&cx.migrations_dir);
        let latest = latest_migration(&cx.project_dir.join(&cx.migrations_dir));
        let mut number = latest.as_ref().map_or(0, |(n, _)| *n);
        let mut previous = latest.map(|(_, name)| name);
        let mut state = State::load(&app, &cx.project_dir.join(&cx.migrations_dir));
        migrations(plan, cx)
            .iter()
            .map(|m| {
                number += 1;
                let name = format!("{number:04}_{}", m.name);
                let contents = file(plan, m, cx, &app, previous.as_deref(), &mut state);
                previous = Some(name.clone());
                RenderedFile {
                    path: format!("{dir}/{name}.py"),
                    contents,
                }
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let Some(first) = files.first() else {
            return FrameworkCommands::default();
        };
        let dir = Path::new(&first.path).parent().unwrap_or(Path::new(""));
        let app = app_label(dir);
        let number = Path::new(&first.path)
            .file_name()
            .and_then(|n| n.to_str()?.get(..4)?.parse::<u32>().ok())
            .unwrap_or(1);
        let before = if number <= 1 {
            "zero".to_string()
        } else {
            format!("{:04}", number - 1)
        };
        FrameworkCommands {
            apply: vec![format!("python manage.py migrate {app}")],
            rollback: vec![format!("python manage.py migrate {app} {before}")],
        }
    }
}

/// `shop/migrations` → `shop`.
fn app_label(migrations_dir: &Path) -> String {
    let mut parts: Vec<String> = migrations_dir
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "migrations") {
        parts.pop();
    }
    parts.pop().unwrap_or_else(|| "app".into())
}

/// The highest-numbered `NNNN_name.py` in the directory: its number and name (without `.py`).
fn latest_migration(dir: &Path) -> Option<(u32, String)> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().to_string();
            let stem = file.strip_suffix(".py")?;
            let number: u32 = stem.get(..4)?.parse().ok()?;
            (stem.as_bytes().get(4) == Some(&b'_')).then(|| (number, stem.to_string()))
        })
        .max()
}

fn file(
    plan: &Plan,
    m: &Migration,
    cx: &RenderContext,
    app: &str,
    previous: Option<&str>,
    state: &mut State,
) -> String {
    let mut out = comments(&header(plan, m, cx), "#", "");
    let unknown: Vec<String> = m
        .phase
        .operations
        .iter()
        .map(|&i| &plan.operations[i])
        .filter(|op| !matches!(op, Operation::CreateTable(_)))
        .filter_map(|op| op.table())
        .filter(|t| state.model_for_table(t).is_none())
        .map(|t| format!("`{t}`"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !unknown.is_empty() {
        out.push_str(&comments(
            &[format!(
                "No model in {app}'s migrations stores {}: changes to it run as RunSQL only, outside Django's state.",
                unknown.join(", ")
            )],
            "#",
            "",
        ));
    }
    let operations = operations(m, state);
    out.push_str("\nfrom django.db import migrations");
    if operations.iter().any(|o| o.contains("models.")) {
        out.push_str(", models");
    }
    out.push('\n');
    if operations
        .iter()
        .any(|o| o.contains("AddIndexConcurrently("))
    {
        out.push_str("from django.contrib.postgres.operations import AddIndexConcurrently\n");
    }
    out.push_str("\n\nclass Migration(migrations.Migration):\n");
    if !m.phase.transactional {
        out.push_str("    atomic = False\n\n");
    }
    out.push_str("    dependencies = [\n");
    if let Some(previous) = previous {
        out.push_str(&format!(
            "        ({}, {}),\n",
            py_string(app),
            py_string(previous)
        ));
    }
    out.push_str("    ]\n\n    operations = [\n");
    for o in &operations {
        out.push_str(&indent(o, "        "));
        out.insert(out.len() - 1, ',');
    }
    out.push_str("    ]\n");
    out
}

/// The phase's Django operations, in order. Django reverses the list, undoing each operation in
/// turn, so up item *i* is paired with down item *n−1−i* (the plan's down undoes the up in
/// reverse order); when the two directions do not pair up item for item, or no table of the
/// phase is a model, the phase is one `RunSQL` carrying the state operations of what it does.
fn operations(m: &Migration, state: &mut State) -> Vec<String> {
    let phase = m.phase;
    let up = group(&phase.up.iter().map(|s| &s.statement).collect::<Vec<_>>());
    let down = group(&phase.down.iter().map(|s| &s.statement).collect::<Vec<_>>());
    let settings: Vec<&str> = phase.settings.iter().map(String::as_str).collect();
    let mut out = vec![];
    let mut probe = state.clone();
    let any_model = up.iter().any(
        |item| matches!(item, Item::Op { op, .. } if ops::translate(op, &mut probe).is_some()),
    );
    // Nothing Django knows (or directions that do not pair up): one RunSQL, as plain as can be.
    if up.len() != down.len() || !any_model {
        let state_ops: Vec<String> = up
            .iter()
            .filter_map(|item| match item {
                Item::Op { op, .. } => ops::translate(op, state).map(|d| d.code),
                Item::Sql(_) => None,
            })
            .collect();
        let all = |items: &[Item]| -> Vec<String> {
            settings
                .iter()
                .map(|s| s.to_string())
                .chain(items.iter().flat_map(|i| i.sql()).map(str::to_string))
                .collect()
        };
        out.push(run_sql(Some(&all(&up)), Some(&all(&down)), &state_ops));
        return out;
    }
    if !settings.is_empty() {
        out.push(run_sql(Some(&strings(&settings)), None, &[]));
    }
    for (u, d) in up.iter().zip(down.iter().rev()) {
        let django = match u {
            Item::Op { op, .. } => ops::translate(op, state),
            Item::Sql(_) => None,
        };
        match django {
            Some(o) if o.exact && reverses(u, d) => out.push(o.code),
            Some(o) => out.push(run_sql(
                Some(&strings(&u.sql())),
                Some(&strings(&d.sql())),
                &[o.code],
            )),
            None => out.push(run_sql(
                Some(&strings(&u.sql())),
                Some(&strings(&d.sql())),
                &[],
            )),
        }
    }
    if !settings.is_empty() {
        out.push(run_sql(None, Some(&strings(&settings)), &[]));
    }
    out
}

/// Whether `d` is what Django runs to undo its operation for `u`: the inverse operation's plain
/// statements, or for a concurrent index build the strategy's `DROP INDEX CONCURRENTLY IF
/// EXISTS` (which is exactly `AddIndexConcurrently`'s reverse).
fn reverses(u: &Item, d: &Item) -> bool {
    match (u, d) {
        (Item::Op { op: a, .. }, Item::Op { op: b, .. }) => a.inverse() == [(*b).clone()],
        (
            Item::Op {
                op: Operation::AddIndex(a),
                ..
            },
            Item::Sql(sql),
        ) if a.concurrently => {
            *sql == drop_index(&a.index.name, &a.table, true).replacen(
                "DROP INDEX CONCURRENTLY ",
                "DROP INDEX CONCURRENTLY IF EXISTS ",
                1,
            )
        }
        _ => false,
    }
}

/// `code` with `prefix` before every line that does not continue a triple-quoted string (whose
/// text must stay as it is), each line ending in a newline.
fn indent(code: &str, prefix: &str) -> String {
    let mut out = String::new();
    let mut in_string = false;
    for line in code.lines() {
        if !in_string {
            out.push_str(prefix);
        }
        out.push_str(line);
        out.push('\n');
        if line.matches("\"\"\"").count() % 2 == 1 {
            in_string = !in_string;
        }
    }
    out
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// `migrations.RunSQL(sql=[…], reverse_sql=[…], state_operations=[…])`; `None` is
/// `migrations.RunSQL.noop`.
fn run_sql(sql: Option<&[String]>, reverse: Option<&[String]>, state_ops: &[String]) -> String {
    let mut out = String::from("migrations.RunSQL(\n");
    for (arg, list) in [("sql", sql), ("reverse_sql", reverse)] {
        match list {
            None => out.push_str(&format!("    {arg}=migrations.RunSQL.noop,\n")),
            Some(list) => {
                out.push_str(&format!("    {arg}=[\n"));
                for s in list {
                    out.push_str(&format!("        {},\n", py_string(s)));
                }
                out.push_str("    ],\n");
            }
        }
    }
    if !state_ops.is_empty() {
        out.push_str("    state_operations=[\n");
        for o in state_ops {
            out.push_str(&indent(o, "        "));
            out.insert(out.len() - 1, ',');
        }
        out.push_str("    ],\n");
    }
    out.push(')');
    out
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn app_label_is_the_directory_holding_migrations() {
        assert_eq!(app_label(Path::new("shop/migrations")), "shop");
        assert_eq!(app_label(Path::new("src/blog/migrations/")), "blog");
    }
}
