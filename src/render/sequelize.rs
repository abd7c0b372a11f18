//! Sequelize (sequelize-cli): `migrations/YYYYMMDDHHmmss-<name>.js` exporting `up` and `down`.
//! Sequelize runs a migration without a transaction, so a transactional phase wraps its
//! statements in `queryInterface.sequelize.transaction(async (transaction) => …)`; a phase that
//! must run outside one (CONCURRENTLY) simply does not.

use super::idiom::{comments, dir, header, js_string, migrations, sql, Direction, Migration};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;

pub struct Sequelize;

impl Renderer for Sequelize {
    fn name(&self) -> &'static str {
        "sequelize"
    }

    fn display_name(&self) -> &'static str {
        "Sequelize"
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);
        migrations(plan, cx)
            .iter()
            .map(|m| RenderedFile {
                path: format!("{dir}/{}-{}.js", m.version, m.name),
                contents: file(plan, m, cx),
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        FrameworkCommands {
            apply: vec!["npx sequelize-cli db:migrate".into()],
            rollback: files
                .iter()
                .map(|_| "npx sequelize-cli db:migrate:undo".into())
                .collect(),
        }
    }
}

fn file(plan: &Plan, m: &Migration, cx: &RenderContext) -> String {
    let mut out = String::from("'use strict';\n\n");
    out.push_str(&comments(&header(plan, m, cx), "//", ""));
    out.push_str("\n/** @type {import('sequelize-cli').Migration} */\nmodule.exports = {\n");
    out.push_str(&direction(m, Direction::Up));
    out.push('\n');
    out.push_str(&direction(m, Direction::Down));
    out.push_str("};\n");
    out
}

fn direction(m: &Migration, d: Direction) -> String {
    let name = match d {
        Direction::Up => "up",
        Direction::Down => "down",
    };
    let mut out = format!("  async {name}(queryInterface, Sequelize) {{\n");
    let statements = sql(m.phase, d);
    if m.phase.transactional {
        out.push_str("    await queryInterface.sequelize.transaction(async (transaction) => {\n");
        for s in statements {
            out.push_str(&format!(
                "      await queryInterface.sequelize.query({}, {{ transaction }});\n",
                js_string(s)
            ));
        }
        out.push_str("    });\n");
    } else {
        for s in statements {
            out.push_str(&format!(
                "    await queryInterface.sequelize.query({});\n",
                js_string(s)
            ));
        }
    }
    out.push_str("  },\n");
    out
}
