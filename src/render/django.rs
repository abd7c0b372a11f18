//! Django: `<app>/migrations/000N_<name>.py`, numbered after the app's latest migration and
//! depending on it. Each phase is one `migrations.RunSQL(sql=[…], reverse_sql=[…])` (Django
//! runs the list one statement at a time); a phase that cannot run in a transaction sets
//! `atomic = False`. The app label is the directory holding `migrations/`.

use super::idiom::{comments, dir, header, migrations, py_string, sql, Direction, Migration};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;
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
        migrations(plan, cx)
            .iter()
            .map(|m| {
                number += 1;
                let name = format!("{number:04}_{}", m.name);
                let contents = file(plan, m, cx, &app, previous.as_deref());
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
) -> String {
    let mut out = comments(&header(plan, m, cx), "#", "");
    out.push_str(
        "\nfrom django.db import migrations\n\n\nclass Migration(migrations.Migration):\n",
    );
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
    out.push_str("    ]\n\n    operations = [\n        migrations.RunSQL(\n");
    for (d, arg) in [(Direction::Up, "sql"), (Direction::Down, "reverse_sql")] {
        out.push_str(&format!("            {arg}=[\n"));
        for s in sql(m.phase, d) {
            out.push_str(&format!("                {},\n", py_string(s)));
        }
        out.push_str("            ],\n");
    }
    out.push_str("        ),\n    ]\n");
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
