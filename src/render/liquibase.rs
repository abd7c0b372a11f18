//! Liquibase formatted SQL: one changelog file per plan (`db/changelog/<ts>_<name>.sql`) that
//! starts with `--liquibase formatted sql`, with one changeset per phase (`--changeset
//! migsmith:<ts>-<n>`), `runInTransaction:false` on a phase that cannot run in a transaction,
//! and its down statements as `--rollback` lines. Liquibase runs statement by statement, so
//! phases stay whole.

use super::sql_files::{
    body, dir, next_timestamps, standard_header, statements, units, Batching, Direction,
};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;

/// Liquibase changelogs in its formatted SQL syntax.
pub struct Liquibase;

impl Renderer for Liquibase {
    fn name(&self) -> &'static str {
        "liquibase"
    }

    fn display_name(&self) -> &'static str {
        "Liquibase (formatted SQL)"
    }

    fn default_migrations_dir(&self) -> &'static str {
        "db/changelog"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let version = next_timestamps(cx, 1).remove(0);
        let mut out = String::from("--liquibase formatted sql\n");
        for (n, unit) in units(plan, Batching::PerStatement).iter().enumerate() {
            let option = if unit.transactional {
                ""
            } else {
                " runInTransaction:false"
            };
            out.push_str(&format!(
                "\n--changeset migsmith:{version}-{}{option}\n",
                n + 1
            ));
            out.push_str(&standard_header(plan, unit, Direction::Up, cx));
            out.push_str(&body(&unit.up));
            let down = statements(unit.phase, Direction::Down);
            if unit.phase.down.is_empty() {
                out.push_str("--rollback empty\n");
            }
            if !unit.phase.down.is_empty() {
                for line in body(&down).lines().filter(|l| !l.is_empty()) {
                    out.push_str("--rollback ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        vec![RenderedFile {
            path: format!(
                "{}/{version}_{}.sql",
                dir(cx),
                crate::render::naming::slug(&plan.description)
            ),
            contents: out,
        }]
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let mut apply = vec![];
        let mut rollback = vec![];
        for f in files {
            let changesets = f.contents.matches("\n--changeset ").count();
            apply.push(format!(
                "liquibase --url=jdbc:postgresql://HOST:5432/DB --username=USER --changelog-file={} update",
                f.path
            ));
            rollback.push(format!(
                "liquibase --url=jdbc:postgresql://HOST:5432/DB --username=USER --changelog-file={} rollback-count --count={changesets}",
                f.path
            ));
        }
        FrameworkCommands { apply, rollback }
    }
}
