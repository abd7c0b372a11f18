//! Sequelize (sequelize-cli): `migrations/YYYYMMDDHHmmss-<name>.js` exporting `up` and `down`.
//! Sequelize runs a migration without a transaction, so a transactional phase wraps its
//! statements in `queryInterface.sequelize.transaction(async (transaction) => …)` and passes
//! `{ transaction }` to every call; a phase that must run outside one (CONCURRENTLY) does not.
//!
//! Operations in their plain form become `queryInterface` calls (`addColumn`, `removeColumn`,
//! `renameColumn`, `addIndex` with `concurrently`, `removeIndex`, `addConstraint`, `dropTable`,
//! `renameTable`) when the call yields exactly the plain SQL's catalog; everything else — session
//! settings, statements a strategy rewrote, types and defaults Sequelize spells differently,
//! `changeColumn` (it always re-sets the type, nullability and default) — stays
//! `queryInterface.sequelize.query` with the SQL.

use super::idiom::{comments, dir, header, js_string, migrations, Direction, Migration};
use super::js_idiom::{js_list, js_quote, plain_index_columns, unqualified, JsDefault, JsType};
use super::op_groups::{items, Item};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::ops::Operation;
use crate::plan::Plan;
use crate::schema::{Column, FkAction};

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
    let transactional = m.phase.transactional;
    let indent = if transactional { "      " } else { "    " };
    if transactional {
        out.push_str("    await queryInterface.sequelize.transaction(async (transaction) => {\n");
    }
    for piece in items(m.phase, d) {
        let call = match &piece {
            Item::Op { op, .. } => call(op, transactional),
            Item::Sql(_) => None,
        };
        let lines = match (call, piece) {
            (Some(call), _) => vec![call],
            (None, Item::Sql(s)) => vec![raw(s, transactional)],
            (None, Item::Op { sql, .. }) => sql.iter().map(|s| raw(s, transactional)).collect(),
        };
        for line in lines {
            out.push_str(&format!("{indent}await {line};\n"));
        }
    }
    if transactional {
        out.push_str("    });\n");
    }
    out.push_str("  },\n");
    out
}

fn raw(sql: &str, transactional: bool) -> String {
    if transactional {
        format!(
            "queryInterface.sequelize.query({}, {{ transaction }})",
            js_string(sql)
        )
    } else {
        format!("queryInterface.sequelize.query({})", js_string(sql))
    }
}

/// The `queryInterface` call that does exactly what `op`'s plain statements do, if there is one.
fn call(op: &Operation, transactional: bool) -> Option<String> {
    // The options argument: `{ transaction }` inside a transaction, plus `extra` options.
    let options = |extra: &[String]| -> Option<String> {
        let mut parts: Vec<String> = extra.to_vec();
        if transactional {
            parts.push("transaction".into());
        }
        (!parts.is_empty()).then(|| format!("{{ {} }}", parts.join(", ")))
    };
    let with = |args: Vec<String>, extra: &[String]| -> String {
        let mut args = args;
        args.extend(options(extra));
        args.join(", ")
    };
    let table_ok = |t: &str| unqualified(t).then_some(());
    Some(match op {
        Operation::AddColumn(a) => {
            table_ok(&a.table)?;
            let attributes = attributes(&a.column)?;
            format!(
                "queryInterface.addColumn({})",
                with(
                    vec![js_quote(&a.table), js_quote(&a.column.name), attributes],
                    &[]
                )
            )
        }
        Operation::DropColumn(d) => {
            table_ok(&d.table)?;
            format!(
                "queryInterface.removeColumn({})",
                with(vec![js_quote(&d.table), js_quote(&d.column)], &[])
            )
        }
        Operation::RenameColumn(r) => {
            table_ok(&r.table)?;
            format!(
                "queryInterface.renameColumn({})",
                with(
                    vec![js_quote(&r.table), js_quote(&r.from), js_quote(&r.to)],
                    &[]
                )
            )
        }
        Operation::AddIndex(a) => {
            table_ok(&a.table)?;
            let columns = plain_index_columns(&a.index)?;
            let mut extra = vec![format!("name: {}", js_quote(&a.index.name))];
            if a.index.unique {
                extra.push("unique: true".into());
            }
            if a.concurrently {
                extra.push("concurrently: true".into());
            }
            format!(
                "queryInterface.addIndex({})",
                with(vec![js_quote(&a.table), js_list(&columns)], &extra)
            )
        }
        Operation::DropIndex(d) => {
            table_ok(&d.table)?;
            // `DROP INDEX [CONCURRENTLY] IF EXISTS name`: the same catalog once it ran.
            let extra = if d.concurrently {
                vec!["concurrently: true".to_string()]
            } else {
                vec![]
            };
            format!(
                "queryInterface.removeIndex({})",
                with(vec![js_quote(&d.table), js_quote(&d.index.name)], &extra)
            )
        }
        Operation::AddForeignKey(a) => {
            let fk = &a.foreign_key;
            table_ok(&a.table)?;
            table_ok(&fk.ref_table)?;
            if !fk.validated || fk.deferrable {
                return None;
            }
            let mut extra = vec![
                "type: 'foreign key'".to_string(),
                format!("name: {}", js_quote(&fk.name)),
                format!("fields: {}", js_list(&fk.columns)),
                format!(
                    "references: {{ table: {}, fields: {} }}",
                    js_quote(&fk.ref_table),
                    js_list(&fk.ref_columns)
                ),
            ];
            for (key, action) in [("onDelete", fk.on_delete), ("onUpdate", fk.on_update)] {
                if action != FkAction::default() {
                    extra.push(format!("{key}: {}", js_quote(action.sql())));
                }
            }
            format!(
                "queryInterface.addConstraint({})",
                with(vec![js_quote(&a.table)], &extra)
            )
        }
        Operation::DropTable(d) => {
            table_ok(&d.table)?;
            // `DROP TABLE IF EXISTS`: the same catalog once it ran.
            format!(
                "queryInterface.dropTable({})",
                with(vec![js_quote(&d.table)], &[])
            )
        }
        Operation::RenameTable(r) => {
            table_ok(&r.from)?;
            table_ok(&r.to)?;
            format!(
                "queryInterface.renameTable({})",
                with(vec![js_quote(&r.from), js_quote(&r.to)], &[])
            )
        }
        _ => return None,
    })
}

/// `{ type: Sequelize.BOOLEAN, allowNull: false, defaultValue: false }`, when Sequelize writes
/// exactly the column's type and default (no identity, serial or comment).
fn attributes(column: &Column) -> Option<String> {
    if column.identity.is_some() || column.serial_sequence.is_some() || column.comment.is_some() {
        return None;
    }
    let ty = JsType::parse(&column.data_type)?;
    let mut parts = vec![format!("type: {}", data_type(ty)?)];
    if !column.nullable {
        parts.push("allowNull: false".into());
    }
    if let Some(default) = &column.default {
        let value = match JsDefault::parse(default, ty)? {
            JsDefault::Bool(b) => b.to_string(),
            JsDefault::Integer(n) => n,
            JsDefault::Text(t) => js_quote(&t),
            JsDefault::Now => "Sequelize.fn('now')".into(),
            JsDefault::CurrentTimestamp => "Sequelize.literal('CURRENT_TIMESTAMP')".into(),
        };
        parts.push(format!("defaultValue: {value}"));
    }
    Some(format!("{{ {} }}", parts.join(", ")))
}

/// The `Sequelize.*` data type PostgreSQL receives as exactly `ty` (Sequelize has no
/// `timestamp without time zone`).
fn data_type(ty: JsType) -> Option<String> {
    Some(match ty {
        JsType::Boolean => "Sequelize.BOOLEAN".into(),
        JsType::Text => "Sequelize.TEXT".into(),
        JsType::Varchar(255) => "Sequelize.STRING".into(),
        JsType::Varchar(n) => format!("Sequelize.STRING({n})"),
        JsType::SmallInt => "Sequelize.SMALLINT".into(),
        JsType::Integer => "Sequelize.INTEGER".into(),
        JsType::BigInt => "Sequelize.BIGINT".into(),
        JsType::Numeric(p, s) => format!("Sequelize.DECIMAL({p}, {s})"),
        JsType::Real => "Sequelize.REAL".into(),
        JsType::Double => "Sequelize.DOUBLE".into(),
        JsType::Date => "Sequelize.DATEONLY".into(),
        JsType::Timestamptz => "Sequelize.DATE".into(),
        JsType::Json => "Sequelize.JSON".into(),
        JsType::Jsonb => "Sequelize.JSONB".into(),
        JsType::Uuid => "Sequelize.UUID".into(),
        JsType::Timestamp => return None,
    })
}
