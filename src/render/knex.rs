//! Knex: `migrations/YYYYMMDDHHmmss_<name>.js` exporting `up` and `down`. Knex runs each
//! migration in a transaction (the `knex` it passes is the transaction); a phase that cannot
//! (CONCURRENTLY) exports `config = { transaction: false }`.

use super::idiom::{comments, dir, header, js_string, migrations, sql, Direction, Migration};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;

pub struct Knex;

impl Renderer for Knex {
    fn name(&self) -> &'static str {
        "knex"
    }

    fn display_name(&self) -> &'static str {
        "Knex"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);
        migrations(plan, cx)
            .iter()
            .map(|m| RenderedFile {
                path: format!("{dir}/{}_{}.js", m.version, m.name),
                contents: file(plan, m, cx),
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        FrameworkCommands {
            apply: vec!["npx knex migrate:latest".into()],
            rollback: files
                .iter()
                .map(|_| "npx knex migrate:down".into())
                .collect(),
        }
    }
}

fn file(plan: &Plan, m: &Migration, cx: &RenderContext) -> String {
    let mut out = comments(&header(plan, m, cx), "//", "");
    for (d, name) in [(Direction::Up, "up"), (Direction::Down, "down")] {
        out.push_str(&format!(
            "\n/** @param {{import('knex').Knex}} knex */\nexports.{name} = async function (knex) {{\n"
        ));
        for s in sql(m.phase, d) {
            // Knex turns every `?` into a bind parameter unless it is escaped.
            let s = s.replace('?', "\\?");
            out.push_str(&format!("  await knex.raw({});\n", js_string(&s)));
        }
        out.push_str("};\n");
    }
    if !m.phase.transactional {
        out.push_str("\nexports.config = { transaction: false };\n");
    }
    out
}
