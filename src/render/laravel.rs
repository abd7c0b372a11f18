//! Laravel: `database/migrations/YYYY_MM_DD_HHMMSS_<name>.php` returning an anonymous
//! `Migration` class (Laravel ≥ 8.37) with `up()` and `down()`. Statements go through
//! `DB::unprepared` (sent as they are: no `?` placeholders, DO blocks allowed). Laravel wraps
//! each migration in a transaction on PostgreSQL; a phase that cannot run in one sets
//! `public $withinTransaction = false;`.

use super::idiom::{comments, dir, header, migrations, single_quoted, sql, Direction, Migration};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;

pub struct Laravel;

impl Renderer for Laravel {
    fn name(&self) -> &'static str {
        "laravel"
    }

    fn display_name(&self) -> &'static str {
        "Laravel"
    }

    fn default_migrations_dir(&self) -> &'static str {
        "database/migrations"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);
        migrations(plan, cx)
            .iter()
            .map(|m| {
                let v = &m.version;
                let stamp = format!("{}_{}_{}_{}", &v[..4], &v[4..6], &v[6..8], &v[8..]);
                RenderedFile {
                    path: format!("{dir}/{stamp}_{}.php", m.name),
                    contents: file(plan, m, cx),
                }
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        FrameworkCommands {
            apply: vec!["php artisan migrate --force".into()],
            rollback: vec![format!(
                "php artisan migrate:rollback --step={} --force",
                files.len()
            )],
        }
    }
}

fn file(plan: &Plan, m: &Migration, cx: &RenderContext) -> String {
    let mut out = String::from("<?php\n\n");
    out.push_str("use Illuminate\\Database\\Migrations\\Migration;\n");
    out.push_str("use Illuminate\\Support\\Facades\\DB;\n\n");
    out.push_str(&comments(&header(plan, m, cx), "//", ""));
    out.push_str("return new class extends Migration\n{\n");
    if !m.phase.transactional {
        out.push_str("    public $withinTransaction = false;\n\n");
    }
    for (i, (d, name)) in [(Direction::Up, "up"), (Direction::Down, "down")]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("    public function {name}()\n    {{\n"));
        for s in sql(m.phase, d) {
            out.push_str(&format!("        DB::unprepared({});\n", single_quoted(s)));
        }
        out.push_str("    }\n");
    }
    out.push_str("};\n");
    out
}
