//! ActiveRecord's own migration methods (`add_column`, `add_index`, …) for the operations whose
//! plain statements ActiveRecord (6.1 and later, PostgreSQL adapter) writes with exactly the
//! same catalog effect. `None` means "no exact idiom": the renderer writes `execute` instead.
//!
//! Deliberately left raw:
//! - `rename_table`: ActiveRecord also renames `<table>_pkey`, the `<table>_<pk>_seq` sequence and
//!   `index_<table>_on_…` indexes, which the plan (like PostgreSQL) leaves as they are;
//! - `rename_column` when the table has an index named `index_<table>_on_…` (ActiveRecord
//!   renames those to follow the column);
//! - identity and serial columns (ActiveRecord has no option that writes them exactly), arrays,
//!   enums, domains, comments, schema-qualified tables, `ON … SET DEFAULT`, deferrable and
//!   multi-column foreign keys, expression indexes and `INCLUDE`.

use crate::plan::ops::Operation;
use crate::plan::Plan;
use crate::render::idiom::single_quoted;
use crate::render::op_groups::{plain_table, type_parts};
use crate::schema::{Column, FkAction, ForeignKey, Index, Table};

/// The Ruby statement (possibly several lines, unindented) that performs `op`, when
/// ActiveRecord writes it exactly.
pub fn call(op: &Operation, plan: &Plan) -> Option<String> {
    match op {
        Operation::AddColumn(o) => Some(format!(
            "add_column {}, {}, {}{}",
            name(plain_table(&o.table)?),
            name(&o.column.name),
            column_type(&o.column.data_type)?,
            column_options(&o.column)?
        )),
        Operation::DropColumn(o) => {
            // The type and options make the call reversible on its own, as Rails recommends;
            // they do not change what it runs.
            let shape = column_type(&o.definition.data_type)
                .zip(column_options(&o.definition))
                .filter(|_| {
                    o.definition.identity.is_none() && o.definition.serial_sequence.is_none()
                })
                .map(|(t, opts)| format!(", {t}{opts}"))
                .unwrap_or_default();
            Some(format!(
                "remove_column {}, {}{shape}",
                name(plain_table(&o.table)?),
                name(&o.column)
            ))
        }
        Operation::RenameColumn(o) => {
            let prefix = format!("index_{}_on_", plain_table(&o.table)?);
            let renames_indexes = [&plan.before, &plan.after].iter().any(|s| {
                s.table(&o.table)
                    .is_some_and(|t| t.indexes.iter().any(|i| i.name.starts_with(&prefix)))
            });
            (!renames_indexes).then(|| {
                format!(
                    "rename_column {}, {}, {}",
                    name(&o.table),
                    name(&o.from),
                    name(&o.to)
                )
            })
        }
        Operation::ChangeColumnType(o) => {
            let mut out = format!(
                "change_column {}, {}, {}",
                name(plain_table(&o.table)?),
                name(&o.column),
                column_type(&o.to_type)?
            );
            if let Some(using) = &o.using {
                out.push_str(&format!(", using: {}", single_quoted(using)));
            }
            Some(out)
        }
        Operation::SetNotNull(o) => Some(format!(
            "change_column_null {}, {}, false",
            name(plain_table(&o.table)?),
            name(&o.column)
        )),
        Operation::DropNotNull(o) => Some(format!(
            "change_column_null {}, {}, true",
            name(plain_table(&o.table)?),
            name(&o.column)
        )),
        Operation::SetDefault(o) => Some(format!(
            "change_column_default {}, {}, {}",
            name(plain_table(&o.table)?),
            name(&o.column),
            default(
                &o.default,
                column_type_in(plan, &o.table, &o.column).as_deref()
            )
        )),
        Operation::DropDefault(o) => Some(format!(
            "change_column_default {}, {}, nil",
            name(plain_table(&o.table)?),
            name(&o.column)
        )),
        Operation::AddIndex(o) => add_index(&o.index, &o.table, o.concurrently),
        Operation::DropIndex(o) => {
            let mut out = format!(
                "remove_index {}, name: {}",
                name(plain_table(&o.table)?),
                single_quoted(&o.index.name)
            );
            if o.concurrently {
                out.push_str(", algorithm: :concurrently");
            }
            Some(out)
        }
        Operation::AddForeignKey(o) => add_foreign_key(&o.table, &o.foreign_key),
        Operation::DropForeignKey(o) => Some(format!(
            "remove_foreign_key {}, name: {}",
            name(plain_table(&o.table)?),
            single_quoted(&o.foreign_key.name)
        )),
        Operation::CreateTable(o) => create_table(&o.table, &o.definition),
        Operation::DropTable(o) => Some(format!("drop_table {}", name(plain_table(&o.table)?))),
        _ => None,
    }
}

/// `:users` when the name is a plain Ruby symbol, else `'Users'`.
fn name(n: &str) -> String {
    let plain = n.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && n.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if plain {
        format!(":{n}")
    } else {
        single_quoted(n)
    }
}

/// The type argument (and its size options) that ActiveRecord turns into exactly this type, on
/// every migration version (so never `:datetime`, whose precision changed in 7.0).
fn column_type(data_type: &str) -> Option<String> {
    let (type_name, args) = type_parts(data_type)?;
    Some(match (type_name, args.as_slice()) {
        ("text", []) => ":text".into(),
        ("boolean", []) => ":boolean".into(),
        ("integer", []) => ":integer".into(),
        ("bigint", []) => ":bigint".into(),
        ("varchar", []) => ":string".into(),
        ("varchar", [n]) => format!(":string, limit: {n}"),
        ("numeric", []) => ":decimal".into(),
        ("numeric", [p, s]) => format!(":decimal, precision: {p}, scale: {s}"),
        ("timestamptz", []) => ":timestamptz".into(),
        ("date", []) => ":date".into(),
        ("jsonb", []) => ":jsonb".into(),
        ("json", []) => ":json".into(),
        ("uuid", []) => ":uuid".into(),
        ("bytea", []) => ":binary".into(),
        _ => return None,
    })
}

/// A default for a column of `data_type` (when known) as ActiveRecord writes it back exactly:
/// booleans, integers and string constants as Ruby values on columns of their own type
/// (ActiveRecord casts a value to the column's type, so `0` on a numeric column would become
/// `0.0`), any other expression as a lambda (`-> { 'now()' }`), which it inserts verbatim.
fn default(expression: &str, data_type: Option<&str>) -> String {
    let integer = expression
        .strip_prefix('-')
        .unwrap_or(expression)
        .bytes()
        .all(|b| b.is_ascii_digit())
        && !expression.trim_start_matches('-').is_empty();
    let type_name = data_type.and_then(type_parts).map(|(n, _)| n);
    match (expression, type_name) {
        ("true" | "false", Some("boolean")) => expression.to_string(),
        (_, Some("smallint" | "integer" | "bigint")) if integer => expression.to_string(),
        (_, Some("text" | "varchar")) if string_constant(expression).is_some() => {
            single_quoted(&string_constant(expression).unwrap_or_default())
        }
        _ => format!("-> {{ {} }}", single_quoted(expression)),
    }
}

/// The type of `table.column` in the plan's schema before or after it.
fn column_type_in(plan: &Plan, table: &str, column: &str) -> Option<String> {
    [&plan.before, &plan.after]
        .iter()
        .find_map(|s| s.table(table)?.column(column).map(|c| c.data_type.clone()))
}

/// `, null: false, default: false` (nothing for an identity or serial column: `None`).
fn column_options(c: &Column) -> Option<String> {
    if c.identity.is_some() || c.serial_sequence.is_some() || c.comment.is_some() {
        return None;
    }
    let mut out = String::new();
    if !c.nullable {
        out.push_str(", null: false");
    }
    if let Some(d) = &c.default {
        out.push_str(&format!(", default: {}", default(d, Some(&c.data_type))));
    }
    Some(out)
}

/// The value of a string constant default (`'active'`, `'it''s'::text`), which ActiveRecord
/// quotes back to the same constant on a text or varchar column.
fn string_constant(expression: &str) -> Option<String> {
    let literal = ["::text", "::varchar", "::character varying"]
        .iter()
        .find_map(|cast| expression.strip_suffix(cast))
        .unwrap_or(expression);
    let inner = literal.strip_prefix('\'')?.strip_suffix('\'')?;
    (!inner.replace("''", "").contains('\'') && !inner.contains('\\'))
        .then(|| inner.replace("''", "'"))
}

fn add_index(index: &Index, table_key: &str, concurrently: bool) -> Option<String> {
    if !index.include.is_empty() {
        return None;
    }
    let columns: Vec<String> = index
        .columns
        .iter()
        .map(|k| k.column().map(name))
        .collect::<Option<_>>()?;
    let columns = match columns.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    let mut out = format!(
        "add_index {}, {columns}, name: {}",
        name(plain_table(table_key)?),
        single_quoted(&index.name)
    );
    if index.unique {
        out.push_str(", unique: true");
    }
    if index.method != "btree" {
        out.push_str(&format!(", using: {}", name(&index.method)));
    }
    if let Some(predicate) = &index.predicate {
        out.push_str(&format!(", where: {}", single_quoted(predicate)));
    }
    if concurrently {
        out.push_str(", algorithm: :concurrently");
    }
    Some(out)
}

fn action(a: FkAction) -> Option<Option<&'static str>> {
    match a {
        FkAction::NoAction => Some(None),
        FkAction::Cascade => Some(Some(":cascade")),
        FkAction::SetNull => Some(Some(":nullify")),
        FkAction::Restrict => Some(Some(":restrict")),
        FkAction::SetDefault => None,
    }
}

fn add_foreign_key(table_key: &str, fk: &ForeignKey) -> Option<String> {
    let ([column], [ref_column]) = (fk.columns.as_slice(), fk.ref_columns.as_slice()) else {
        return None;
    };
    if fk.deferrable || !fk.validated {
        return None;
    }
    let mut out = format!(
        "add_foreign_key {}, {}, column: {}, primary_key: {}, name: {}",
        name(plain_table(table_key)?),
        name(plain_table(&fk.ref_table)?),
        name(column),
        name(ref_column),
        single_quoted(&fk.name)
    );
    if let Some(a) = action(fk.on_delete)? {
        out.push_str(&format!(", on_delete: {a}"));
    }
    if let Some(a) = action(fk.on_update)? {
        out.push_str(&format!(", on_update: {a}"));
    }
    Some(out)
}

/// `create_table :t, id: false do |t| … end` with every column and the primary key spelled out
/// (ActiveRecord's implicit `id bigserial` is turned off), then `add_index` for each index.
fn create_table(key: &str, t: &Table) -> Option<String> {
    let table = plain_table(key)?;
    let pk_inline = match &t.primary_key {
        None => None,
        Some(pk) if pk.columns.len() == 1 && pk.name == format!("{table}_pkey") => {
            Some(pk.columns[0].as_str())
        }
        Some(_) => return None,
    };
    if t.comment.is_some()
        || !t.unique_constraints.is_empty()
        || !t.check_constraints.is_empty()
        || !t.foreign_keys.is_empty()
        || !t.exclusion_constraints.is_empty()
    {
        return None;
    }
    let mut out = format!("create_table {}, id: false do |t|\n", name(table));
    for c in &t.columns {
        // ActiveRecord makes an integer primary key `bigserial`/`serial` unless it is given a
        // default (`nil` writes none: the column is NOT NULL).
        let pk = match (pk_inline == Some(c.name.as_str()), &c.default) {
            (false, _) => "",
            (true, None) if matches!(c.data_type.as_str(), "integer" | "bigint") => {
                ", primary_key: true, default: nil"
            }
            (true, _) => ", primary_key: true",
        };
        out.push_str(&format!(
            "  t.column {}, {}{}{pk}\n",
            name(&c.name),
            column_type(&c.data_type)?,
            column_options(c)?
        ));
    }
    out.push_str("end");
    for index in &t.indexes {
        out.push('\n');
        out.push_str(&add_index(index, key, false)?);
    }
    Some(out)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::plan::ops::{CreateTable, RenameColumn};
    use crate::schema::Schema;

    fn plan(sql: &str) -> Plan {
        let mut before = Schema::default();
        crate::schema::sql::apply_str(&mut before, sql, "test").unwrap();
        Plan {
            description: String::new(),
            operations: vec![],
            phases: vec![],
            decisions: vec![],
            already_true: vec![],
            after: before.clone(),
            before,
        }
    }

    #[test]
    fn rename_column_is_raw_when_activerecord_would_rename_an_index_too() {
        let rename = Operation::from(RenameColumn {
            table: "users".into(),
            from: "name".into(),
            to: "full_name".into(),
        });
        let plain =
            plan("CREATE TABLE users (name text); CREATE INDEX users_name_idx ON users (name);");
        assert_eq!(
            call(&rename, &plain).as_deref(),
            Some("rename_column :users, :name, :full_name")
        );
        let rails_named = plan(
            "CREATE TABLE users (name text); CREATE INDEX index_users_on_name ON users (name);",
        );
        assert_eq!(call(&rename, &rails_named), None);
    }

    #[test]
    fn create_table_spells_out_the_primary_key_and_refuses_identity() {
        let p = plan(
            "CREATE TABLE labels (id bigint PRIMARY KEY, code varchar(20) NOT NULL DEFAULT 'x');
             CREATE TABLE events (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);",
        );
        let create = |t: &str| {
            Operation::from(CreateTable {
                table: t.into(),
                definition: p.before.table(t).unwrap().clone(),
            })
        };
        assert_eq!(
            call(&create("labels"), &p).unwrap(),
            "create_table :labels, id: false do |t|\n  \
             t.column :id, :bigint, null: false, primary_key: true, default: nil\n  \
             t.column :code, :string, limit: 20, null: false, default: 'x'\nend"
        );
        assert_eq!(call(&create("events"), &p), None);
    }

    #[test]
    fn names_are_symbols_when_they_can_be() {
        assert_eq!(name("users"), ":users");
        assert_eq!(name("Users"), "'Users'");
        assert_eq!(name("2fa"), "'2fa'");
    }

    #[test]
    fn defaults_are_values_or_verbatim_sql() {
        assert_eq!(default("false", Some("boolean")), "false");
        assert_eq!(default("-1", Some("bigint")), "-1");
        assert_eq!(default("0", Some("numeric(10,2)")), "-> { '0' }");
        assert_eq!(default("0", None), "-> { '0' }");
        assert_eq!(default("now()", Some("timestamptz")), "-> { 'now()' }");
        assert_eq!(default("'a''b'::text", Some("text")), "'a\\'b'");
        assert_eq!(
            default("'a''b'::text", None),
            "-> { '\\'a\\'\\'b\\'::text' }"
        );
    }

    #[test]
    fn types_map_only_when_exact() {
        assert_eq!(
            column_type("varchar(20)").as_deref(),
            Some(":string, limit: 20")
        );
        assert_eq!(column_type("timestamp"), None);
        assert_eq!(column_type("integer[]"), None);
    }
}
