//! Django: `<app>/migrations/000N_<name>.py`, numbered after the app's latest migration and
//! depending on it; a phase that cannot run in a transaction sets `atomic = False`. The app
//! label is the app's `AppConfig.label` (its `apps.py`), else the directory holding
//! `migrations/`. [`choose_app`] picks the app a change belongs to: the one whose migrations
//! create the first table it touches (a new table: the app whose label prefixes its name).
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
use crate::schema::django::apps::{find_apps, App};
use state::State;
use std::path::{Path, PathBuf};

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
        let app = label_for(&cx.project_dir, &cx.migrations_dir);
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
        // The label the file depends on (its app's `AppConfig.label`), else the directory's.
        let app = first
            .contents
            .lines()
            .find_map(|l| l.strip_prefix(LABEL_NOTE))
            .map(str::to_string)
            .unwrap_or_else(|| app_label(dir));
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

/// The Django apps of the project `migrations_dir` belongs to (the `manage.py` root), with
/// their migrations directories relative to `project_dir`.
fn project_apps(project_dir: &Path, migrations_dir: &Path) -> (PathBuf, Vec<App>) {
    let root = crate::schema::django::project_root(project_dir, migrations_dir);
    let prefix = root
        .strip_prefix(project_dir)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let apps = find_apps(&root)
        .into_iter()
        .map(|a| App {
            migrations_dir: prefix.join(&a.migrations_dir),
            ..a
        })
        .collect();
    (root, apps)
}

/// The label of the app whose migrations are in `migrations_dir` (relative to `project_dir`):
/// its `AppConfig.label`, else the directory name.
fn label_for(project_dir: &Path, migrations_dir: &Path) -> String {
    let (_, apps) = project_apps(project_dir, migrations_dir);
    let same = |a: &Path| a.components().eq(migrations_dir.components());
    apps.into_iter()
        .find(|a| same(&a.migrations_dir))
        .map(|a| a.label)
        .unwrap_or_else(|| app_label(migrations_dir))
}

/// The app a Django change is written into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppChoice {
    /// Its migrations directory, relative to the project directory; `None`: keep the detected
    /// one.
    pub migrations_dir: Option<PathBuf>,
    /// Why, for the report's "Decided on your behalf" (and a note when the change also
    /// touches tables of other apps).
    pub decisions: Vec<String>,
}

/// Which app's migrations directory a plan goes to, when `--migrations-dir` does not say: the
/// app whose migrations create the first table the plan touches; for a table no app's
/// migrations create (a new one), the app whose label, followed by `_`, starts its name
/// (`shop_product` → `shop`; the longest label wins); else `detected` (the first app found).
/// Tables of other apps the plan also touches are noted (their changes run as `RunSQL`, outside
/// those apps' Django state).
pub fn choose_app(plan: &Plan, project_dir: &Path, detected: &Path) -> AppChoice {
    let (root, apps) = project_apps(project_dir, detected);
    let mut tables: Vec<&str> = vec![];
    for t in plan.operations.iter().filter_map(Operation::table) {
        if !tables.contains(&t) {
            tables.push(t);
        }
    }
    let prefix = root
        .strip_prefix(project_dir)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    // One app per thread (each app's state is built from its own files, in order).
    let states: Vec<State> = crate::par::map_ordered(&apps, 1, |a| {
        let rel = a
            .migrations_dir
            .strip_prefix(&prefix)
            .unwrap_or(&a.migrations_dir);
        State::load(&a.label, &root.join(rel))
    });
    let owner = |t: &str| (0..apps.len()).find(|&i| states[i].model_for_table(t).is_some());
    let Some(first) = tables.first().copied() else {
        return AppChoice {
            migrations_dir: None,
            decisions: vec![],
        };
    };
    let show = |a: &App| format!("`{}` (`{}/`)", a.label, a.migrations_dir.display());
    let mut decisions = vec![];
    let chosen = match owner(first) {
        Some(i) => {
            decisions.push(format!(
                "Django app {}: its migrations create `{first}`",
                show(&apps[i])
            ));
            Some(i)
        }
        None => {
            let by_prefix = (0..apps.len())
                .filter(|&i| first.starts_with(&format!("{}_", apps[i].label)))
                .max_by_key(|&i| apps[i].label.len());
            match by_prefix {
                Some(i) => decisions.push(format!(
                    "Django app {}: no app's migrations create `{first}`, and its name starts with the label `{}_`",
                    show(&apps[i]),
                    apps[i].label
                )),
                None => {
                    let label = label_for(project_dir, detected);
                    decisions.push(format!(
                        "Django app `{label}` (`{}/`), the first app found: no app's migrations create `{first}` and no app label prefixes its name (pass --migrations-dir to choose another)",
                        detected.display()
                    ))
                }
            }
            by_prefix
        }
    };
    let chosen_label = chosen
        .map(|i| apps[i].label.clone())
        .unwrap_or_else(|| label_for(project_dir, detected));
    for t in tables.iter().skip(1) {
        if let Some(i) = owner(t).filter(|&i| apps[i].label != chosen_label) {
            decisions.push(format!(
                "`{t}` belongs to Django app {}, but the change is written into `{chosen_label}`'s migration (its changes to `{t}` run as RunSQL, outside `{}`'s state): run a separate change with --migrations-dir `{}` to keep that app's state",
                show(&apps[i]),
                apps[i].label,
                apps[i].migrations_dir.display()
            ));
        }
    }
    AppChoice {
        migrations_dir: chosen.map(|i| apps[i].migrations_dir.clone()),
        decisions,
    }
}

/// The comment line a file carries when its app's label is not its directory's name (the
/// label the report's `migrate` commands name).
const LABEL_NOTE: &str = "# App label (AppConfig.label): ";

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
    if app != app_label(&cx.migrations_dir) {
        out.push_str(&format!("{LABEL_NOTE}{app}\n"));
    }
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

    fn write(root: &Path, path: &str, text: &str) {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn model(name: &str) -> String {
        format!(
            "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = []\n    operations = [\n        migrations.CreateModel(\n            name=\"{name}\",\n            fields=[\n                (\"id\", models.BigAutoField(primary_key=True, serialize=False)),\n                (\"total\", models.IntegerField()),\n            ],\n        ),\n    ]\n"
        )
    }

    /// Two apps; the second (`shop/orders`, label `shop_orders` from its `apps.py`) owns
    /// `shop_orders_order`.
    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        write(r, "manage.py", "");
        write(
            r,
            "shop/accounts/migrations/0001_initial.py",
            &model("User"),
        );
        write(
            r,
            "shop/orders/apps.py",
            "class OrdersConfig(AppConfig):\n    name = \"shop.orders\"\n    label = \"shop_orders\"\n",
        );
        write(r, "shop/orders/migrations/0001_initial.py", &model("Order"));
        dir
    }

    fn plan_for(root: &Path, description: &str) -> Plan {
        let (schema, _) = crate::schema::django::load(root).unwrap();
        let intents = crate::intent::parse(description).unwrap();
        let resolved = crate::plan::resolve(&intents, &schema).unwrap();
        crate::plan::build_with(description, &schema, resolved, &Default::default())
    }

    #[test]
    fn a_change_goes_to_the_app_owning_its_first_table_with_its_label() {
        let dir = project();
        let r = dir.path();
        let detected = Path::new("shop/accounts/migrations");
        let plan = plan_for(
            r,
            "add column note text to shop_orders_order; add column bio text to accounts_user",
        );
        let choice = choose_app(&plan, r, detected);
        assert_eq!(
            choice.migrations_dir.as_deref(),
            Some(Path::new("shop/orders/migrations"))
        );
        assert_eq!(choice.decisions.len(), 2, "{:?}", choice.decisions);
        assert!(choice.decisions[0].starts_with(
            "Django app `shop_orders` (`shop/orders/migrations/`): its migrations create `shop_orders_order`"
        ));
        assert!(choice.decisions[1].starts_with(
            "`accounts_user` belongs to Django app `accounts` (`shop/accounts/migrations/`)"
        ));
        let cx = RenderContext {
            now: chrono::Utc::now(),
            migrations_dir: PathBuf::from("shop/orders/migrations"),
            existing_versions: vec![],
            project_dir: r.to_path_buf(),
        };
        let files = Django.render(&plan, &cx);
        assert!(files[0]
            .path
            .starts_with("shop/orders/migrations/0002_add_column_note"));
        let text = &files[0].contents;
        assert!(
            text.contains("        (\"shop_orders\", \"0001_initial\"),\n"),
            "{text}"
        );
        assert!(text.contains("model_name=\"order\""), "{text}");
        assert!(
            text.contains("\n# App label (AppConfig.label): shop_orders\n"),
            "{text}"
        );
        let commands = Django.commands(&files);
        assert_eq!(
            commands.rollback,
            ["python manage.py migrate shop_orders 0001"]
        );
    }

    #[test]
    fn a_new_table_goes_to_the_app_its_name_is_prefixed_with_else_the_detected_one() {
        let dir = project();
        let r = dir.path();
        let detected = Path::new("shop/accounts/migrations");
        let plan = plan_for(r, "create table shop_orders_refund (id bigint primary key)");
        let choice = choose_app(&plan, r, detected);
        assert_eq!(
            choice.migrations_dir.as_deref(),
            Some(Path::new("shop/orders/migrations"))
        );
        assert!(choice.decisions[0].contains("starts with the label `shop_orders_`"));
        let plan = plan_for(r, "create table refunds (id bigint primary key)");
        let choice = choose_app(&plan, r, detected);
        assert_eq!(choice.migrations_dir, None);
        assert!(
            choice.decisions[0].starts_with(
                "Django app `accounts` (`shop/accounts/migrations/`), the first app found"
            ),
            "{:?}",
            choice.decisions
        );
    }
}
