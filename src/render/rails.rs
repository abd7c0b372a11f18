//! Rails / ActiveRecord: `db/migrate/YYYYMMDDHHMMSS_<name>.rb` holding
//! `class <Name> < ActiveRecord::Migration[<version>]` with `up` and `down`. The class name comes
//! from the description (made unique among the existing migrations, as Rails requires); the
//! version bracket is `MIGSMITH_RAILS_VERSION` (default 6.1, the ActiveRecord Debian ships). A
//! phase that cannot run in a transaction declares `disable_ddl_transaction!`.
//!
//! `up` and `down` are each other's exact reverse, as planned (never `change`, whose automatic
//! reversal could differ). Each operation ActiveRecord writes exactly is its own method
//! (`add_column`, `add_index … algorithm: :concurrently`, …, in `rails/ops.rs`); settings and
//! every other statement are `execute`.

mod ops;

use super::idiom::{
    comments, dir, header, migrations, pascal_case, single_quoted, Direction, Migration,
};
use super::op_groups::{items, string_spans_lines, Item};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;
use std::collections::BTreeSet;

pub struct Rails;

/// The migration version bracket when `MIGSMITH_RAILS_VERSION` does not name one.
pub const DEFAULT_RAILS_VERSION: &str = "6.1";

impl Renderer for Rails {
    fn name(&self) -> &'static str {
        "rails"
    }

    fn display_name(&self) -> &'static str {
        "Rails (ActiveRecord)"
    }

    fn default_migrations_dir(&self) -> &'static str {
        "db/migrate"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);
        let version = rails_version(std::env::var("MIGSMITH_RAILS_VERSION").ok().as_deref());
        let mut taken = existing_names(cx);
        migrations(plan, cx)
            .iter()
            .map(|m| {
                let name = unique(&m.name, &mut taken);
                RenderedFile {
                    path: format!("{dir}/{}_{name}.rb", m.version),
                    contents: file(plan, m, cx, &pascal_case(&name), &version),
                }
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        FrameworkCommands {
            apply: vec!["bin/rails db:migrate".into()],
            rollback: vec![format!("bin/rails db:rollback STEP={}", files.len())],
        }
    }
}

/// `7.1` and `6.1` are brackets; anything else falls back to the default.
fn rails_version(configured: Option<&str>) -> String {
    match configured.map(str::trim) {
        Some(v)
            if v.split('.').count() == 2
                && v.split('.')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            v.to_string()
        }
        _ => DEFAULT_RAILS_VERSION.to_string(),
    }
}

/// Names (`add_x_to_y`) of the migrations already in the directory.
fn existing_names(cx: &RenderContext) -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir(cx.project_dir.join(&cx.migrations_dir)) else {
        return BTreeSet::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().to_string();
            let stem = file.strip_suffix(".rb")?;
            let (version, name) = stem.split_once('_')?;
            version
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| name.to_string())
        })
        .collect()
}

/// `name`, or `name_2`, `name_3`… when a migration already has it (Rails refuses two
/// migrations with one class name).
fn unique(name: &str, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.to_string();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{name}_{n}");
    }
    taken.insert(candidate.clone());
    candidate
}

fn file(plan: &Plan, m: &Migration, cx: &RenderContext, class: &str, version: &str) -> String {
    let mut out = comments(&header(plan, m, cx), "#", "");
    out.push('\n');
    out.push_str(&format!(
        "class {class} < ActiveRecord::Migration[{version}]\n"
    ));
    if !m.phase.transactional {
        out.push_str("  disable_ddl_transaction!\n\n");
    }
    for (i, (d, name)) in [(Direction::Up, "up"), (Direction::Down, "down")]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("  def {name}\n"));
        for item in items(m.phase, d) {
            let call = match &item {
                Item::Op { op, .. } => ops::call(op, plan).filter(|c| !string_spans_lines(c, '\'')),
                Item::Sql(_) => None,
            };
            match call {
                Some(call) => call
                    .lines()
                    .for_each(|l| out.push_str(&format!("    {l}\n"))),
                None => item
                    .sql()
                    .into_iter()
                    .for_each(|s| out.push_str(&format!("    execute {}\n", single_quoted(s)))),
            }
        }
        out.push_str("  end\n");
    }
    out.push_str("end\n");
    out
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn version_bracket_is_configurable() {
        assert_eq!(rails_version(None), "6.1");
        assert_eq!(rails_version(Some("7.1")), "7.1");
        assert_eq!(rails_version(Some("seven")), "6.1");
    }

    #[test]
    fn class_names_stay_unique() {
        let mut taken = BTreeSet::from(["add_x_to_users".to_string()]);
        assert_eq!(unique("add_x_to_users", &mut taken), "add_x_to_users_2");
        assert_eq!(unique("add_x_to_users", &mut taken), "add_x_to_users_3");
        assert_eq!(unique("other", &mut taken), "other");
    }
}
