//! Raw SQL migrations: `migrations/<YYYYMMDDHHMMSS>_<slug>.up.sql` and `.down.sql`, one pair per
//! phase, wrapped in `BEGIN; … COMMIT;` unless the phase cannot run in a transaction.

use super::naming::{slug, timestamp_versions};
use super::sql_files::{comment, concurrent_build_notes, header, reason, Direction};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::{Phase, Plan, Step};

/// Plain `.up.sql` / `.down.sql` pairs, applied with `psql -f` (or any runner of SQL files).
pub struct RawSql;

impl Renderer for RawSql {
    fn name(&self) -> &'static str {
        "sql"
    }

    fn display_name(&self) -> &'static str {
        "Raw SQL"
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let versions = timestamp_versions(cx.now, &cx.existing_versions, plan.phases.len());
        let base = slug(&plan.description);
        let multi = plan.phases.len() > 1;
        let dir = cx
            .migrations_dir
            .to_string_lossy()
            .trim_end_matches('/')
            .to_string();
        plan.phases
            .iter()
            .zip(versions)
            .enumerate()
            .flat_map(|(n, (phase, version))| {
                let stem = if multi {
                    format!("{version}_{base}_{}", phase.name)
                } else {
                    format!("{version}_{base}")
                };
                let position = multi.then(|| (n + 1, plan.phases.len()));
                [
                    RenderedFile {
                        path: format!("{dir}/{stem}.up.sql"),
                        contents: file(plan, phase, Direction::Up, position, cx, &stem),
                    },
                    RenderedFile {
                        path: format!("{dir}/{stem}.down.sql"),
                        contents: file(plan, phase, Direction::Down, position, cx, &stem),
                    },
                ]
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let ups = files.iter().filter(|f| f.path.ends_with(".up.sql"));
        let downs = files.iter().rev().filter(|f| f.path.ends_with(".down.sql"));
        let psql =
            |f: &RenderedFile| format!("psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f {}", f.path);
        FrameworkCommands {
            apply: ups.map(psql).collect(),
            rollback: downs.map(psql).collect(),
        }
    }
}

/// The apply and rollback commands for `engine`'s own client: `psql -f` (as
/// [`RawSql::commands`]), `mysql "$DB" < file`, `sqlite3 app.db < file`.
pub fn engine_commands(engine: crate::schema::Engine, files: &[RenderedFile]) -> FrameworkCommands {
    use crate::schema::Engine;
    let run = |f: &RenderedFile| match engine {
        Engine::Postgres => format!("psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f {}", f.path),
        Engine::Mysql | Engine::Mariadb => format!("mysql \"$DB\" < {}", f.path),
        Engine::Sqlite => format!("sqlite3 -bail app.db < {}", f.path),
    };
    FrameworkCommands {
        apply: files
            .iter()
            .filter(|f| f.path.ends_with(".up.sql"))
            .map(run)
            .collect(),
        rollback: files
            .iter()
            .rev()
            .filter(|f| f.path.ends_with(".down.sql"))
            .map(run)
            .collect(),
    }
}

fn file(
    plan: &Plan,
    phase: &Phase,
    direction: Direction,
    position: Option<(usize, usize)>,
    cx: &RenderContext,
    stem: &str,
) -> String {
    let undo = format!("Undo with: {stem}.down.sql");
    let mut lines = header(plan, phase, position, direction, cx.now, Some(&undo));
    if phase.reason.is_some() {
        lines.extend(reason(phase));
        lines.push(format!(
            "Run it with a client that sends statements one at a time ({} does).",
            match plan.before.engine {
                crate::schema::Engine::Postgres => "psql -f",
                crate::schema::Engine::Sqlite => "sqlite3 < file",
                _ => "mysql < file",
            }
        ));
    }
    // Only PostgreSQL leaves an INVALID index behind a failed concurrent build.
    if direction == Direction::Up && plan.before.engine == crate::schema::Engine::Postgres {
        lines.extend(concurrent_build_notes(plan, phase));
    }
    let mut out = comment(&lines, "-- ");
    out.push('\n');
    let steps: &[Step] = match direction {
        Direction::Up => &phase.up,
        Direction::Down => &phase.down,
    };
    if phase.transactional {
        out.push_str("BEGIN;\n\n");
    }
    for setting in &phase.settings {
        out.push_str(setting);
        out.push_str(";\n");
    }
    if !phase.settings.is_empty() {
        out.push('\n');
    }
    if steps.is_empty() {
        out.push_str("-- Nothing to undo in the schema.\n\n");
    }
    for step in steps {
        out.push_str(&step.statement.sql);
        out.push_str(";\n\n");
    }
    if phase.transactional {
        out.push_str("COMMIT;\n");
    } else {
        out.pop();
    }
    out
}
