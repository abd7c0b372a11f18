//! TypeORM: `<13-digit ms timestamp>-<Name>.ts` (or `.js` in a JavaScript project) holding a
//! class `<Name><timestamp>` that implements `MigrationInterface`. TypeORM runs every migration
//! in a transaction by default; a phase that cannot (CONCURRENTLY) sets `transaction = false`,
//! which TypeORM honours when the data source says `migrationsTransactionMode: 'each'`.
//!
//! Operations in their plain form become `queryRunner` calls (`addColumn(t, new TableColumn)`,
//! `dropColumn`, `renameColumn`, `createIndex(t, new TableIndex)` with `isConcurrent`,
//! `dropIndex`, `createForeignKey`, `createTable(new Table)`, `dropTable`, `renameTable`, and
//! `changeColumn` on a clone of the loaded column for NOT NULL and defaults) when TypeORM writes
//! exactly the plain SQL's catalog. The rest stays `queryRunner.query` with the SQL: session
//! settings, rewritten statements, type changes (`changeColumn` drops and re-adds the column),
//! types TypeORM spells differently, and renames on tables where TypeORM would also rename a
//! serial sequence, an enum type or a constraint named by its naming strategy.

use super::idiom::{
    comments, dir, header, js_string, migrations_after, pascal_case, Direction, Migration,
};
use super::js_idiom::{js_list, js_quote, plain_index_columns, unqualified, JsDefault, JsType};
use super::op_groups::{items, Item};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::ops::Operation;
use crate::plan::Plan;
use crate::schema::{Column, FkAction, Identity, Table};
use chrono::{NaiveDateTime, TimeZone, Utc};
use std::collections::BTreeSet;

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
    let ts = lang == Language::TypeScript;
    let mut classes = BTreeSet::new();
    let bodies: Vec<(Direction, Vec<String>)> = [Direction::Up, Direction::Down]
        .into_iter()
        .map(|d| (d, body(plan, m, d, ts, &mut classes)))
        .collect();
    let classes: Vec<&str> = classes.into_iter().collect();
    let mut out = String::new();
    match lang {
        Language::TypeScript => {
            let mut names = vec!["MigrationInterface", "QueryRunner"];
            names.extend(&classes);
            names.sort();
            out.push_str(&format!(
                "import {{ {} }} from \"typeorm\";\n\n",
                names.join(", ")
            ));
        }
        Language::CommonJs | Language::EsModule => {
            if !classes.is_empty() {
                let names = classes.join(", ");
                out.push_str(&if lang == Language::CommonJs {
                    format!("const {{ {names} }} = require(\"typeorm\");\n")
                } else {
                    format!("import {{ {names} }} from \"typeorm\";\n")
                });
            }
            out.push_str(
                "/** @typedef {import('typeorm').MigrationInterface} MigrationInterface */\n\n",
            );
        }
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
    let semi = if ts { ";" } else { "" };
    out.push_str(&format!("    name = '{class}'{semi}\n"));
    if !m.phase.transactional {
        out.push_str(&format!(
            "    // Needs migrationsTransactionMode: 'each' in the data source.\n    {NO_TRANSACTION}{semi}\n"
        ));
    }
    for (d, lines) in bodies {
        let name = match d {
            Direction::Up => "up",
            Direction::Down => "down",
        };
        out.push('\n');
        if ts {
            out.push_str(&format!(
                "    public async {name}(queryRunner: QueryRunner): Promise<void> {{\n"
            ));
        } else {
            out.push_str(&format!("    async {name}(queryRunner) {{\n"));
        }
        for line in lines {
            out.push_str(&format!("        await {line};\n"));
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}

/// One direction's statements: a `queryRunner` call per operation that has an exact one, else
/// `queryRunner.query` with the SQL. Records the TypeORM classes the calls use.
fn body(
    plan: &Plan,
    m: &Migration,
    d: Direction,
    ts: bool,
    classes: &mut BTreeSet<&'static str>,
) -> Vec<String> {
    let raw = |sql: &str| format!("queryRunner.query({})", js_string(sql));
    let mut out = vec![];
    for piece in items(m.phase, d) {
        match piece {
            Item::Op { op, sql } => match call(plan, op, ts) {
                Some((call, class)) => {
                    classes.extend(class);
                    out.push(call);
                }
                None => out.extend(sql.into_iter().map(raw)),
            },
            Item::Sql(sql) => out.push(raw(sql)),
        }
    }
    out
}

/// The `queryRunner` call that does exactly what `op`'s plain statements do, with the TypeORM
/// class it constructs, if there is one.
fn call(plan: &Plan, op: &Operation, ts: bool) -> Option<(String, Option<&'static str>)> {
    let table = op.table()?;
    if !unqualified(table) {
        return None;
    }
    let t = js_quote(table);
    let bang = if ts { "!" } else { "" };
    // `changeColumn` on a clone of the loaded column with `change` applied: TypeORM compares
    // the two and alters only what differs.
    let change_column = |column: &str, change: String| {
        let c = js_quote(column);
        format!(
            "queryRunner.changeColumn({t}, {c}, Object.assign((await queryRunner.getTable({t})){bang}.findColumnByName({c}){bang}.clone(), {{ {change} }}))"
        )
    };
    Some(match op {
        Operation::AddColumn(a) => (
            format!(
                "queryRunner.addColumn({t}, new TableColumn({}))",
                column_options(&a.column, None)?
            ),
            Some("TableColumn"),
        ),
        Operation::DropColumn(d) => {
            JsType::parse(&d.definition.data_type)?;
            (
                format!("queryRunner.dropColumn({t}, {})", js_quote(&d.column)),
                None,
            )
        }
        Operation::RenameColumn(r) => {
            renames_exactly(plan, &r.table)?;
            (
                format!(
                    "queryRunner.renameColumn({t}, {}, {})",
                    js_quote(&r.from),
                    js_quote(&r.to)
                ),
                None,
            )
        }
        Operation::RenameTable(r) => {
            renames_exactly(plan, &r.from)?;
            renames_exactly(plan, &r.to)?;
            if !unqualified(&r.to) {
                return None;
            }
            (
                format!("queryRunner.renameTable({t}, {})", js_quote(&r.to)),
                None,
            )
        }
        Operation::AddIndex(a) => {
            let mut options = vec![
                format!("name: {}", js_quote(&a.index.name)),
                format!("columnNames: {}", js_list(&plain_index_columns(&a.index)?)),
            ];
            if a.index.unique {
                options.push("isUnique: true".into());
            }
            if a.concurrently {
                options.push("isConcurrent: true".into());
            }
            (
                format!(
                    "queryRunner.createIndex({t}, new TableIndex({{ {} }}))",
                    options.join(", ")
                ),
                Some("TableIndex"),
            )
        }
        Operation::DropIndex(d) if d.concurrently => (
            format!(
                "queryRunner.dropIndex({t}, new TableIndex({{ name: {}, columnNames: {}, isConcurrent: true }}))",
                js_quote(&d.index.name),
                js_list(&plain_index_columns(&d.index)?)
            ),
            Some("TableIndex"),
        ),
        Operation::DropIndex(d) => (
            format!("queryRunner.dropIndex({t}, {})", js_quote(&d.index.name)),
            None,
        ),
        Operation::AddForeignKey(a) => {
            let fk = &a.foreign_key;
            if !fk.validated || fk.deferrable || !unqualified(&fk.ref_table) {
                return None;
            }
            let mut options = vec![
                format!("name: {}", js_quote(&fk.name)),
                format!("columnNames: {}", js_list(&fk.columns)),
                format!("referencedTableName: {}", js_quote(&fk.ref_table)),
                format!("referencedColumnNames: {}", js_list(&fk.ref_columns)),
            ];
            for (key, action) in [("onDelete", fk.on_delete), ("onUpdate", fk.on_update)] {
                if action != FkAction::default() {
                    options.push(format!("{key}: {}", js_quote(action.sql())));
                }
            }
            (
                format!(
                    "queryRunner.createForeignKey({t}, new TableForeignKey({{ {} }}))",
                    options.join(", ")
                ),
                Some("TableForeignKey"),
            )
        }
        Operation::CreateTable(c) => (
            format!("queryRunner.createTable({})", new_table(&c.table, &c.definition)?),
            Some("Table"),
        ),
        Operation::DropTable(_) => (format!("queryRunner.dropTable({t})"), None),
        Operation::SetNotNull(s) => (change_column(&s.column, "isNullable: false".into()), None),
        Operation::DropNotNull(d) => (change_column(&d.column, "isNullable: true".into()), None),
        Operation::SetDefault(s) => (
            change_column(&s.column, format!("default: {}", js_quote(&s.default))),
            None,
        ),
        Operation::DropDefault(d) => (change_column(&d.column, "default: undefined".into()), None),
        _ => return None,
    })
}

/// `{ name: 'x', type: 'varchar', length: '20', isNullable: false, default: "'a'" }`, when
/// TypeORM writes exactly the column's type (no serial, comment or array). `primary` names the
/// primary key the column belongs to (in `createTable`).
fn column_options(column: &Column, primary: Option<&str>) -> Option<String> {
    if column.serial_sequence.is_some() || column.comment.is_some() {
        return None;
    }
    let ty = JsType::parse(&column.data_type)?;
    let mut parts = vec![format!("name: {}", js_quote(&column.name))];
    parts.push(match ty {
        JsType::Varchar(n) => format!("type: 'varchar', length: '{n}'"),
        JsType::Numeric(p, s) => format!("type: 'numeric', precision: {p}, scale: {s}"),
        _ => format!("type: {}", js_quote(&column.data_type)),
    });
    // TableColumn is NOT NULL unless told otherwise.
    parts.push(format!("isNullable: {}", column.nullable));
    if let Some(default) = &column.default {
        // TypeORM writes `default` verbatim after DEFAULT.
        JsDefault::parse(default, ty)?;
        parts.push(format!("default: {}", js_quote(default)));
    }
    if let Some(identity) = column.identity {
        let kind = match identity {
            Identity::Always => "ALWAYS",
            Identity::ByDefault => "BY DEFAULT",
        };
        parts.push(format!(
            "isGenerated: true, generationStrategy: 'identity', generatedIdentity: '{kind}'"
        ));
    }
    if let Some(pk) = primary {
        parts.push(format!(
            "isPrimary: true, primaryKeyConstraintName: {}",
            js_quote(pk)
        ));
    }
    Some(format!("{{ {} }}", parts.join(", ")))
}

/// `new Table({ name, columns: [...] })` for a table of plain columns and a primary key, or
/// `None` when it has anything else (constraints and indexes stay raw SQL).
fn new_table(key: &str, t: &Table) -> Option<String> {
    if !t.unique_constraints.is_empty()
        || !t.check_constraints.is_empty()
        || !t.foreign_keys.is_empty()
        || !t.exclusion_constraints.is_empty()
        || !t.indexes.is_empty()
        || t.comment.is_some()
    {
        return None;
    }
    let columns: Vec<String> = t
        .columns
        .iter()
        .map(|c| {
            let pk = t
                .primary_key
                .as_ref()
                .filter(|pk| pk.columns.contains(&c.name))
                .map(|pk| pk.name.as_str());
            column_options(c, pk)
        })
        .collect::<Option<_>>()?;
    // The primary key's columns in table order, as TypeORM writes them.
    if let Some(pk) = &t.primary_key {
        let in_order: Vec<&String> = t
            .columns
            .iter()
            .map(|c| &c.name)
            .filter(|n| pk.columns.contains(n))
            .collect();
        if in_order != pk.columns.iter().collect::<Vec<_>>() {
            return None;
        }
    }
    Some(format!(
        "new Table({{ name: {}, columns: [\n            {},\n        ] }})",
        js_quote(key),
        columns.join(",\n            ")
    ))
}

/// `Some` when TypeORM's `renameTable`/`renameColumn` on `table` renames nothing but the table
/// or column: it also renames serial sequences, enum types and every constraint or index whose
/// name matches its naming strategy (`PK_…`, `UQ_…`, `IDX_…`, `FK_…`, `REL_…`, `CHK_…`).
fn renames_exactly(plan: &Plan, table: &str) -> Option<()> {
    let prefixes = ["PK_", "UQ_", "IDX_", "FK_", "REL_", "CHK_"];
    for schema in [&plan.before, &plan.after] {
        let Some(t) = schema.table(table) else {
            continue;
        };
        let serial = t.columns.iter().any(|c| {
            c.serial_sequence.is_some()
                || c.default
                    .as_deref()
                    .is_some_and(|d| d.starts_with("nextval("))
        });
        let enum_typed = t.columns.iter().any(|c| {
            schema
                .enums
                .contains_key(c.data_type.trim_end_matches("[]"))
        });
        let names = t
            .primary_key
            .iter()
            .map(|pk| pk.name.as_str())
            .chain(t.constraint_names())
            .chain(t.indexes.iter().map(|i| i.name.as_str()));
        if serial
            || enum_typed
            || names
                .into_iter()
                .any(|n| prefixes.iter().any(|p| n.starts_with(p)))
        {
            return None;
        }
    }
    Some(())
}
