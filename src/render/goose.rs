//! goose: `<YYYYMMDDHHMMSS>_<name>.sql` with `-- +goose Up` and `-- +goose Down` sections,
//! `-- +goose StatementBegin` / `StatementEnd` around statements goose's splitter must not cut
//! (several lines or a `;` inside), and `-- +goose NO TRANSACTION` at the top of a migration
//! that cannot run in a transaction. goose runs statement by statement, so phases stay whole.

use super::sql_files::{
    dir, files_dir, repeat, standard_header, timestamped_units, Batching, Direction,
};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;

/// goose's annotated SQL migrations.
pub struct Goose;

impl Renderer for Goose {
    fn name(&self) -> &'static str {
        "goose"
    }

    fn display_name(&self) -> &'static str {
        "goose"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);
        timestamped_units(plan, cx, Batching::PerStatement)
            .into_iter()
            .map(|(unit, version)| {
                let unit = &unit;
                let mut out = String::new();
                if !unit.transactional {
                    out.push_str("-- +goose NO TRANSACTION\n");
                }
                out.push_str("-- +goose Up\n");
                out.push_str(&standard_header(plan, unit, Direction::Up, cx));
                out.push_str(&section(&unit.up));
                out.push_str("\n-- +goose Down\n");
                out.push_str(&standard_header(plan, unit, Direction::Down, cx));
                out.push_str(&section(&unit.down));
                RenderedFile {
                    path: format!("{dir}/{version}_{}.sql", unit.name),
                    contents: out,
                }
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let dir = files_dir(files);
        FrameworkCommands {
            apply: vec![format!("goose -dir {dir} postgres \"$DATABASE_URL\" up")],
            rollback: repeat(
                &format!("goose -dir {dir} postgres \"$DATABASE_URL\" down"),
                files.len(),
            ),
        }
    }
}

/// The statements of one section, each ending in `;` on its last line (goose splits there),
/// wrapped in StatementBegin/End when goose's splitter would cut it.
fn section(statements: &[String]) -> String {
    let mut out = String::new();
    if statements.is_empty() {
        out.push_str("\n-- Nothing to undo in the schema.\nSELECT 1;\n");
    }
    for s in statements {
        out.push('\n');
        if s.contains('\n') || s.contains(';') {
            out.push_str("-- +goose StatementBegin\n");
            out.push_str(s);
            out.push_str(";\n-- +goose StatementEnd\n");
        } else {
            out.push_str(s);
            out.push_str(";\n");
        }
    }
    out
}
