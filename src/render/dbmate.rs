//! dbmate: `db/migrations/<YYYYMMDDHHMMSS>_<name>.sql` with `-- migrate:up` and
//! `-- migrate:down` sections; `transaction:false` on both markers of a phase that cannot run in
//! a transaction. dbmate sends a section as one query, so such a phase is split into one
//! migration per statement.

use super::sql_files::{
    body, dir, files_dir, repeat, standard_header, timestamped_units, Batching, Direction,
};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;

/// dbmate's single-file migrations.
pub struct Dbmate;

impl Renderer for Dbmate {
    fn name(&self) -> &'static str {
        "dbmate"
    }

    fn display_name(&self) -> &'static str {
        "dbmate"
    }

    fn default_migrations_dir(&self) -> &'static str {
        "db/migrations"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);
        timestamped_units(plan, cx, Batching::OneQuery)
            .into_iter()
            .map(|(unit, version)| {
                let unit = &unit;
                let option = if unit.transactional {
                    ""
                } else {
                    " transaction:false"
                };
                let contents = format!(
                    "-- migrate:up{option}\n{}\n{}\n-- migrate:down{option}\n{}\n{}",
                    standard_header(plan, unit, Direction::Up, cx),
                    body(&unit.up),
                    standard_header(plan, unit, Direction::Down, cx),
                    body(&unit.down),
                );
                RenderedFile {
                    path: format!("{dir}/{version}_{}.sql", unit.name),
                    contents,
                }
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let dir = files_dir(files);
        FrameworkCommands {
            apply: vec![format!("dbmate --migrations-dir {dir} up")],
            rollback: repeat(
                &format!("dbmate --migrations-dir {dir} rollback"),
                files.len(),
            ),
        }
    }
}
