//! diesel: `migrations/YYYY-MM-DD-HHMMSS-0000_<name>/{up.sql,down.sql}`, plus `metadata.toml`
//! with `run_in_transaction = false` for a phase that cannot run in a transaction. diesel sends
//! a file as one query, so such a phase is split into one migration per statement.

use super::sql_files::{dir, repeat, sql_file, timestamped_units, Batching, Direction};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;

/// diesel_cli's SQL migrations.
pub struct Diesel;

impl Renderer for Diesel {
    fn name(&self) -> &'static str {
        "diesel"
    }

    fn display_name(&self) -> &'static str {
        "diesel"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);

        let mut files = vec![];
        for (unit, v) in &timestamped_units(plan, cx, Batching::OneQuery) {
            let folder = format!(
                "{dir}/{}-{}-{}-{}-0000_{}",
                &v[0..4],
                &v[4..6],
                &v[6..8],
                &v[8..14],
                unit.name
            );
            for (file, direction) in [("up.sql", Direction::Up), ("down.sql", Direction::Down)] {
                files.push(RenderedFile {
                    path: format!("{folder}/{file}"),
                    contents: sql_file(plan, unit, direction, cx, None),
                });
            }
            if !unit.transactional {
                files.push(RenderedFile {
                    path: format!("{folder}/metadata.toml"),
                    contents: "run_in_transaction = false\n".into(),
                });
            }
        }
        files
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let n = files.iter().filter(|f| f.path.ends_with("/up.sql")).count();
        FrameworkCommands {
            apply: vec!["diesel migration run".into()],
            rollback: repeat("diesel migration revert", n),
        }
    }
}
