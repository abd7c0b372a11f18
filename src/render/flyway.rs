//! Flyway: `V<n>__<desc>.sql` numbered after the newest existing version, the undo script
//! `U<n>__<desc>.sql` beside it, and for a phase that cannot run in a transaction a sibling
//! `V<n>__<desc>.sql.conf` (and `U…sql.conf`) with `executeInTransaction=false`.

use super::sql_files::{dir, sql_file, units, Batching, Direction};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;
use std::path::Path;

/// Flyway's versioned SQL migrations with undo scripts.
pub struct Flyway;

impl Renderer for Flyway {
    fn name(&self) -> &'static str {
        "flyway"
    }

    fn display_name(&self) -> &'static str {
        "Flyway"
    }

    fn default_migrations_dir(&self) -> &'static str {
        "db/migration"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);
        let first = next_version(&cx.project_dir.join(&cx.migrations_dir));
        let mut files = vec![];
        for (k, unit) in units(plan, Batching::PerStatement).iter().enumerate() {
            let n = first + k as u64;
            for (prefix, direction) in [("V", Direction::Up), ("U", Direction::Down)] {
                let path = format!("{dir}/{prefix}{n}__{}.sql", unit.name);
                files.push(RenderedFile {
                    contents: sql_file(plan, unit, direction, cx, None),
                    path: path.clone(),
                });
                if !unit.transactional {
                    files.push(RenderedFile {
                        path: format!("{path}.conf"),
                        contents: "executeInTransaction=false\n".into(),
                    });
                }
            }
        }
        files
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let location = files
            .first()
            .and_then(|f| Path::new(&f.path).parent())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| self.default_migrations_dir().into());
        let mut rollback = vec![format!(
            "flyway -locations=filesystem:{location} undo   # Flyway Teams/Enterprise; with the free edition, per migration, newest first:"
        )];
        for f in files.iter().rev().filter(|f| is_script(&f.path, "U")) {
            let version = version_of(file_name(&f.path)).unwrap_or_default();
            rollback.push(format!(
                "psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f {} && psql \"$DATABASE_URL\" -c \"DELETE FROM flyway_schema_history WHERE version = '{version}'\"",
                f.path
            ));
        }
        FrameworkCommands {
            apply: vec![format!(
                "flyway -url=jdbc:postgresql://HOST:5432/DB -user=USER -locations=filesystem:{location} migrate"
            )],
            rollback,
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn is_script(path: &str, prefix: &str) -> bool {
    let name = file_name(path);
    name.starts_with(prefix) && name.ends_with(".sql")
}

/// The major version of a Flyway file name: `V12__x.sql` and `V12.1__x.sql` → 12.
fn version_of(name: &str) -> Option<u64> {
    let rest = name.strip_prefix('V').or_else(|| name.strip_prefix('U'))?;
    let (version, _) = rest.split_once("__")?;
    version.split(['.', '_']).next()?.parse().ok()
}

/// The next `V` number: one after the highest in `dir` (1 when there is none).
pub fn next_version(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| version_of(&e.file_name().to_string_lossy()))
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
        + 1
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn versions_continue_after_the_highest() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(next_version(dir.path()), 1);
        for name in [
            "V1__init.sql",
            "V9.2__b.sql",
            "V3__c.sql",
            "R__view.sql",
            "U9__b.sql",
        ] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        assert_eq!(next_version(dir.path()), 10);
    }
}
