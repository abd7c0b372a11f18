//! sqlx: reversible migrations `<YYYYMMDDHHMMSS>_<desc>.up.sql` / `.down.sql`, with
//! `-- no-transaction` as the first line of both files of a phase that cannot run in a
//! transaction. sqlx sends a file as one query, so such a phase is split into one migration per
//! statement.

use super::sql_files::{repeat, timestamped_units, up_down_pair, Batching};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;

/// sqlx-cli's reversible SQL migrations.
pub struct Sqlx;

impl Renderer for Sqlx {
    fn name(&self) -> &'static str {
        "sqlx"
    }

    fn display_name(&self) -> &'static str {
        "sqlx"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        timestamped_units(plan, cx, Batching::OneQuery)
            .iter()
            .flat_map(|(unit, version)| {
                let first = (!unit.transactional).then_some("-- no-transaction");
                up_down_pair(plan, unit, cx, &format!("{version}_{}", unit.name), first)
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let n = files.iter().filter(|f| f.path.ends_with(".up.sql")).count();
        FrameworkCommands {
            apply: vec!["sqlx migrate run".into()],
            rollback: repeat("sqlx migrate revert", n),
        }
    }
}
