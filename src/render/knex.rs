//! Knex: `migrations/YYYYMMDDHHmmss_<name>.js` exporting `up` and `down`. Knex runs each
//! migration in a transaction (the `knex` it passes is the transaction); a phase that cannot
//! (CONCURRENTLY) exports `config = { transaction: false }`.
//!
//! Operations in their plain form become schema-builder calls (`knex.schema.alterTable(…, (t) =>
//! { t.boolean('x').notNullable().defaultTo(false) })`, `dropColumn`, `renameColumn`, `index` /
//! `unique` with an index name, `dropIndex`, `foreign`, `dropNullable` / `setNullable`,
//! `dropTable`, `renameTable`) when Knex writes exactly the plain SQL's catalog; the rest —
//! session settings, rewritten statements, CONCURRENTLY (the builder has no such option),
//! `.alter()` (it re-sets nullability and default), types and defaults Knex spells differently,
//! tables with identity columns — stays `knex.raw` with the SQL.

use super::idiom::{comments, dir, header, js_string, migrations, Direction, Migration};
use super::js_idiom::{js_list, js_quote, plain_index_columns, unqualified, JsDefault, JsType};
use super::op_groups::{items, Item};
use super::{FrameworkCommands, RenderContext, RenderedFile, Renderer};
use crate::plan::ops::Operation;
use crate::plan::Plan;
use crate::schema::{Column, FkAction};

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
        for piece in items(m.phase, d) {
            let call = match &piece {
                // Knex makes every `?` of the SQL it builds a bind parameter, even inside a
                // quoted name or string: such an operation stays raw SQL, with `?` escaped.
                Item::Op { op, .. } => call(op).filter(|c| !c.contains('?')),
                Item::Sql(_) => None,
            };
            let lines = match (call, piece) {
                (Some(call), _) => vec![call],
                (None, Item::Sql(s)) => vec![raw(s)],
                (None, Item::Op { sql, .. }) => sql.iter().map(|s| raw(s)).collect(),
            };
            for line in lines {
                out.push_str(&format!("  await {line};\n"));
            }
        }
        out.push_str("};\n");
    }
    if !m.phase.transactional {
        out.push_str("\nexports.config = { transaction: false };\n");
    }
    out
}

fn raw(sql: &str) -> String {
    // Knex turns every `?` into a bind parameter unless it is escaped.
    format!("knex.raw({})", js_string(&sql.replace('?', "\\?")))
}

/// `knex.schema.alterTable('users', (t) => { <body>; })`.
fn alter(table: &str, body: String) -> String {
    format!(
        "knex.schema.alterTable({}, (t) => {{ {body}; }})",
        js_quote(table)
    )
}

/// The schema-builder call that does exactly what `op`'s plain statements do, if there is one.
fn call(op: &Operation) -> Option<String> {
    let table = op.table()?;
    if !unqualified(table) {
        return None;
    }
    Some(match op {
        Operation::AddColumn(a) => alter(&a.table, column(&a.column)?),
        Operation::DropColumn(d) => {
            alter(&d.table, format!("t.dropColumn({})", js_quote(&d.column)))
        }
        Operation::RenameColumn(r) => alter(
            &r.table,
            format!("t.renameColumn({}, {})", js_quote(&r.from), js_quote(&r.to)),
        ),
        Operation::AddIndex(a) if !a.concurrently => {
            let columns = js_list(&plain_index_columns(&a.index)?);
            let name = js_quote(&a.index.name);
            alter(
                &a.table,
                if a.index.unique {
                    // A unique index, not Knex's default unique constraint.
                    format!("t.unique({columns}, {{ indexName: {name}, useConstraint: false }})")
                } else {
                    format!("t.index({columns}, {name})")
                },
            )
        }
        Operation::DropIndex(d) if !d.concurrently => alter(
            &d.table,
            format!("t.dropIndex([], {})", js_quote(&d.index.name)),
        ),
        Operation::AddForeignKey(a) => {
            let fk = &a.foreign_key;
            if !fk.validated || fk.deferrable || !unqualified(&fk.ref_table) {
                return None;
            }
            let mut chain = format!(
                "t.foreign({}, {}).references({}).inTable({})",
                js_list(&fk.columns),
                js_quote(&fk.name),
                js_list(&fk.ref_columns),
                js_quote(&fk.ref_table)
            );
            for (method, action) in [("onDelete", fk.on_delete), ("onUpdate", fk.on_update)] {
                if action != FkAction::default() {
                    chain.push_str(&format!(".{method}({})", js_quote(action.sql())));
                }
            }
            alter(&a.table, chain)
        }
        Operation::SetNotNull(s) => {
            alter(&s.table, format!("t.dropNullable({})", js_quote(&s.column)))
        }
        Operation::DropNotNull(d) => {
            alter(&d.table, format!("t.setNullable({})", js_quote(&d.column)))
        }
        Operation::DropTable(d) => format!("knex.schema.dropTable({})", js_quote(&d.table)),
        Operation::RenameTable(r) if unqualified(&r.to) => format!(
            "knex.schema.renameTable({}, {})",
            js_quote(&r.from),
            js_quote(&r.to)
        ),
        _ => return None,
    })
}

/// `t.boolean('x').notNullable().defaultTo(false)`, when Knex writes exactly the column's type
/// and default (no identity, serial or comment).
fn column(column: &Column) -> Option<String> {
    if column.identity.is_some() || column.serial_sequence.is_some() || column.comment.is_some() {
        return None;
    }
    let ty = JsType::parse(&column.data_type)?;
    let name = js_quote(&column.name);
    let mut out = match ty {
        JsType::Boolean => format!("t.boolean({name})"),
        JsType::Text => format!("t.text({name})"),
        JsType::Varchar(n) => format!("t.string({name}, {n})"),
        JsType::SmallInt => format!("t.smallint({name})"),
        JsType::Integer => format!("t.integer({name})"),
        JsType::BigInt => format!("t.bigInteger({name})"),
        JsType::Numeric(p, s) => format!("t.decimal({name}, {p}, {s})"),
        JsType::Real => format!("t.float({name})"),
        JsType::Double => format!("t.double({name})"),
        JsType::Date => format!("t.date({name})"),
        JsType::Timestamp => format!("t.timestamp({name}, {{ useTz: false }})"),
        JsType::Timestamptz => format!("t.timestamp({name}, {{ useTz: true }})"),
        JsType::Json => format!("t.json({name})"),
        JsType::Jsonb => format!("t.jsonb({name})"),
        JsType::Uuid => format!("t.uuid({name})"),
    };
    if !column.nullable {
        out.push_str(".notNullable()");
    }
    if let Some(default) = &column.default {
        let value = match JsDefault::parse(default, ty)? {
            // Knex writes `'0'`/`'1'`, which PostgreSQL stores as `false`/`true`.
            JsDefault::Bool(b) => b.to_string(),
            JsDefault::Text(t) => js_quote(&t),
            JsDefault::CurrentTimestamp => "knex.fn.now()".into(),
            // Knex would quote a number (`'5'`, stored as `'5'::bigint`): keep it verbatim.
            JsDefault::Integer(n) => format!("knex.raw({})", js_quote(&n)),
            JsDefault::Now => "knex.raw('now()')".into(),
        };
        out.push_str(&format!(".defaultTo({value})"));
    }
    Some(out)
}
