//! TypeORM: `<13-digit ms timestamp>-<Name>.ts` (or `.js` in a JavaScript project) holding a
//! class `<Name><timestamp>` that implements `MigrationInterface`. TypeORM runs every migration
//! in a transaction by default; a phase that cannot (CONCURRENTLY) sets `transaction = false`,
//! which TypeORM honours when the data source says `migrationsTransactionMode: 'each'`.

use super::idiom::{
    comments, dir, header, js_string, migrations_after, pascal_case, sql, Direction, Migration,
};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::Plan;
use chrono::{NaiveDateTime, TimeZone, Utc};

pub struct TypeOrm;

/// The class field that runs a migration outside a transaction.
const NO_TRANSACTION: &str = "transaction = false";

/// How the project writes its migrations.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Language {
    TypeScript,
    /// CommonJS (`module.exports = class …`).
    CommonJs,
    /// ES modules (`export class …`), when package.json says `"type": "module"`.
    EsModule,
}

impl Renderer for TypeOrm {
    fn name(&self) -> &'static str {
        "typeorm"
    }

    fn display_name(&self) -> &'static str {
        "TypeORM"
    }

    fn wraps_in_transaction(&self) -> bool {
        true
    }

    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile> {
        let dir = dir(cx);
        let language = language(cx);
        let ext = if language == Language::TypeScript {
            "ts"
        } else {
            "js"
        };
        let existing = existing_versions(cx);
        migrations_after(plan, cx, &existing)
            .iter()
            .map(|m| {
                let millis = millis(&m.version);
                let name = pascal_case(&m.name);
                RenderedFile {
                    path: format!("{dir}/{millis}-{name}.{ext}"),
                    contents: file(plan, m, cx, &format!("{name}{millis}"), language),
                }
            })
            .collect()
    }

    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands {
        let cli = if files.iter().any(|f| f.path.ends_with(".ts")) {
            "npx typeorm-ts-node-commonjs"
        } else {
            "npx typeorm"
        };
        FrameworkCommands {
            apply: vec![format!("{cli} migration:run -d <your data source file>")],
            // `migration:revert` ignores a migration's `transaction = false`: those are reverted
            // with `-t none` (one at a time, newest first).
            rollback: files
                .iter()
                .rev()
                .map(|f| {
                    let none = if f.contents.contains(NO_TRANSACTION) {
                        " -t none"
                    } else {
                        ""
                    };
                    format!("{cli} migration:revert -d <your data source file>{none}")
                })
                .collect(),
        }
    }
}

/// TypeScript when the project has a `tsconfig.json` (or no project files at all); JavaScript
/// otherwise, as ES modules when package.json has `"type": "module"`.
fn language(cx: &RenderContext) -> Language {
    let root = &cx.project_dir;
    let package = std::fs::read_to_string(root.join("package.json")).ok();
    if root.join("tsconfig.json").exists() || package.is_none() {
        return Language::TypeScript;
    }
    let module = package
        .and_then(|p| serde_json::from_str::<serde_json::Value>(&p).ok())
        .is_some_and(|v| v.get("type").and_then(|t| t.as_str()) == Some("module"));
    if module {
        Language::EsModule
    } else {
        Language::CommonJs
    }
}

/// Existing migrations' 13-digit millisecond timestamps, as `YYYYMMDDHHMMSS` versions.
fn existing_versions(cx: &RenderContext) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(cx.project_dir.join(&cx.migrations_dir)) else {
        return vec![];
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let digits: String = name.chars().take_while(|c| c.is_ascii_digit()).collect();
            let ms: i64 = (digits.len() == 13).then(|| digits.parse().ok())??;
            // Round up: a new migration must sort after the existing one.
            let secs = (ms + 999) / 1000;
            Utc.timestamp_opt(secs, 0)
                .single()
                .map(|t| t.format("%Y%m%d%H%M%S").to_string())
        })
        .collect()
}

fn millis(version: &str) -> i64 {
    NaiveDateTime::parse_from_str(version, "%Y%m%d%H%M%S")
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or_default()
}

fn file(plan: &Plan, m: &Migration, cx: &RenderContext, class: &str, lang: Language) -> String {
    let mut out = String::new();
    match lang {
        Language::TypeScript => {
            out.push_str("import { MigrationInterface, QueryRunner } from \"typeorm\";\n\n")
        }
        Language::CommonJs | Language::EsModule => out.push_str(
            "/** @typedef {import('typeorm').MigrationInterface} MigrationInterface */\n\n",
        ),
    }
    out.push_str(&comments(&header(plan, m, cx), "//", ""));
    out.push('\n');
    match lang {
        Language::TypeScript => out.push_str(&format!(
            "export class {class} implements MigrationInterface {{\n"
        )),
        Language::CommonJs => out.push_str(&format!(
            "/** @implements {{MigrationInterface}} */\nmodule.exports = class {class} {{\n"
        )),
        Language::EsModule => out.push_str(&format!(
            "/** @implements {{MigrationInterface}} */\nexport class {class} {{\n"
        )),
    }
    let semi = if lang == Language::TypeScript {
        ";"
    } else {
        ""
    };
    out.push_str(&format!("    name = '{class}'{semi}\n"));
    if !m.phase.transactional {
        out.push_str(&format!(
            "    // Needs migrationsTransactionMode: 'each' in the data source.\n    {NO_TRANSACTION}{semi}\n"
        ));
    }
    for d in [Direction::Up, Direction::Down] {
        let name = match d {
            Direction::Up => "up",
            Direction::Down => "down",
        };
        out.push('\n');
        match lang {
            Language::TypeScript => out.push_str(&format!(
                "    public async {name}(queryRunner: QueryRunner): Promise<void> {{\n"
            )),
            _ => out.push_str(&format!("    async {name}(queryRunner) {{\n")),
        }
        for s in sql(m.phase, d) {
            out.push_str(&format!(
                "        await queryRunner.query({});\n",
                js_string(s)
            ));
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}
