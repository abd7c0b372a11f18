//! MySQL statements for each operation kind, with the online-DDL form each runs in.
//!
//! Enums: MySQL has no named enum types, so `create_enum` and `drop_enum` produce no SQL (the
//! type lives on in the model, and a column of that type is spelled inline as
//! `enum('a','b')`); `add_enum_value` and `remove_enum_value` become a `MODIFY COLUMN` of every
//! column using the type, with the new value list (appending is INSTANT, anything else COPY).

use super::definition::{self, column as column_def};
use super::online::{Online, Version};
use super::quote::{ident, ident_list, literal_list, table as tname};
use super::{strip_casts, value_expr, Ddl};
use crate::plan::ops::{ConstraintDefinition, Operation};
use crate::plan::PlanError;
use crate::schema::{Column, Schema, Table};

fn lookup<'a>(schema: &'a Schema, key: &str) -> Result<&'a Table, PlanError> {
    schema.table(key).ok_or_else(|| PlanError::UnknownTable {
        table: key.to_string(),
        suggestions: vec![],
    })
}

fn col<'a>(t: &'a Table, name: &str) -> Result<&'a Column, PlanError> {
    t.column(name).ok_or_else(|| PlanError::UnknownColumn {
        table: t.key(),
        column: name.to_string(),
        suggestions: vec![],
    })
}

fn is_integer_type(mysql_type: &str) -> bool {
    let base = mysql_type.split(['(', ' ']).next().unwrap_or("");
    matches!(
        base,
        "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint"
    )
}

/// Whether a unique index keys a whole TEXT/BLOB column (no prefix length).
fn long_unique(t: &Table, index: &crate::schema::Index, schema: &Schema) -> bool {
    index.columns.iter().any(|k| match k {
        crate::schema::IndexKey::Column(name) => {
            !index.prefix_lengths.contains_key(name)
                && t.column(name).is_some_and(|c| {
                    let ty = super::types::column_type(&c.data_type, schema).to_ascii_lowercase();
                    ty.contains("text") || ty.contains("blob")
                })
        }
        _ => false,
    })
}

fn alter(table: &str, body: String, online: Online) -> Ddl {
    Ddl::alter(
        format!("ALTER TABLE {} {body}{}", tname(table), online.clause()),
        table,
        online,
    )
}

/// `MODIFY COLUMN` restating the whole column `c` (already changed by the caller).
fn modify(table: &str, c: &Column, schema: &Schema, online: Online) -> Ddl {
    alter(
        table,
        format!("MODIFY COLUMN {}", column_def(c, schema)),
        online,
    )
}

/// Whether rows beyond `small` are known: the large-table forms apply.
fn large(t: &Table, small: u64) -> bool {
    t.stats.is_some_and(|s| s.rows > small)
}

/// Where `column` of `table` stood in `origin`: ` AFTER `prev``, ` FIRST`, or nothing when it
/// was last (or `origin` does not have it).
fn position(origin: Option<&Schema>, table: &str, column: &str) -> String {
    let Some(t) = origin.and_then(|o| o.table(table)) else {
        return String::new();
    };
    match t.columns.iter().position(|c| c.name == column) {
        Some(i) if i + 1 == t.columns.len() => String::new(),
        Some(0) => " FIRST".into(),
        Some(i) => format!(" AFTER {}", ident(&t.columns[i - 1].name)),
        None => String::new(),
    }
}

/// The statements for `op` against `before`, for server `v`. `restore_to` is the schema a
/// down migration restores (so a re-added column goes back to its place), `None` for an up.
pub fn statements(
    v: &Version,
    op: &Operation,
    before: &Schema,
    restore_to: Option<&Schema>,
    small_table_rows: u64,
) -> Result<Vec<Ddl>, PlanError> {
    Ok(match op {
        Operation::CreateTable(o) => vec![Ddl::plain(
            definition::create_table(&o.table, &o.definition, before),
            &o.table,
        )],
        Operation::DropTable(o) => vec![Ddl::plain(
            format!("DROP TABLE {}", tname(&o.table)),
            &o.table,
        )],
        Operation::RenameTable(o) => vec![Ddl {
            online: Some(Online::INSTANT),
            ..Ddl::plain(
                format!("RENAME TABLE {} TO {}", tname(&o.from), tname(&o.to)),
                &o.from,
            )
        }],
        Operation::AddColumn(o) => {
            let t = lookup(before, &o.table)?;
            let at = position(restore_to, &o.table, &o.column.name);
            let online = v.add_column(t, definition::auto_increment(&o.column), !at.is_empty());
            vec![alter(
                &o.table,
                format!("ADD COLUMN {}{at}", column_def(&o.column, before)),
                online,
            )]
        }
        Operation::DropColumn(o) => {
            let t = lookup(before, &o.table)?;
            let mut out = vec![];
            for fk in &o.foreign_keys {
                out.extend(drop_foreign_key(v, t, &o.table, &fk.name, &fk.columns));
            }
            let mut parts = vec![];
            for i in &o.indexes {
                parts.push(format!("DROP INDEX {}", ident(&i.name)));
            }
            for u in &o.unique_constraints {
                parts.push(format!("DROP INDEX {}", ident(&u.name)));
            }
            for c in &o.check_constraints {
                parts.push(format!("DROP CONSTRAINT {}", ident(&c.name)));
            }
            let indexed = !parts.is_empty()
                || t.indexes.iter().any(|i| {
                    i.columns
                        .iter()
                        .any(|k| k.column() == Some(o.column.as_str()))
                });
            parts.push(format!("DROP COLUMN {}", ident(&o.column)));
            out.push(alter(&o.table, parts.join(", "), v.drop_column(t, indexed)));
            out
        }
        Operation::RenameColumn(o) => {
            let t = lookup(before, &o.table)?;
            let referenced = t.foreign_keys.iter().any(|f| f.columns.contains(&o.from))
                || before.tables.values().any(|other| {
                    other
                        .foreign_keys
                        .iter()
                        .any(|f| f.ref_table == o.table && f.ref_columns.contains(&o.from))
                });
            vec![alter(
                &o.table,
                format!("RENAME COLUMN {} TO {}", ident(&o.from), ident(&o.to)),
                v.rename_column(referenced),
            )]
        }
        Operation::ChangeColumnType(o) => {
            let t = lookup(before, &o.table)?;
            let mut c = col(t, &o.column)?.clone();
            let from = super::types::column_type(&c.data_type, before).to_ascii_lowercase();
            c.data_type = super::types::column_type(&o.to_type, before);
            let to = c.data_type.to_ascii_lowercase();
            if c.options.auto_increment && !is_integer_type(&to) {
                return Err(PlanError::Invalid(format!(
                    "`{}`.`{}` is AUTO_INCREMENT, which only an integer column can be: drop AUTO_INCREMENT first to make it `{}`",
                    o.table, o.column, c.data_type
                )));
            }
            let online = v.change_type(t, &from, &to, definition::bytes_per_char(&c, t));
            vec![modify(&o.table, &c, before, online)]
        }
        Operation::SetNotNull(o) => {
            let t = lookup(before, &o.table)?;
            let mut c = col(t, &o.column)?.clone();
            c.nullable = false;
            vec![modify(&o.table, &c, before, v.set_not_null()).scanning()]
        }
        Operation::DropNotNull(o) => {
            let t = lookup(before, &o.table)?;
            let mut c = col(t, &o.column)?.clone();
            c.nullable = true;
            vec![modify(&o.table, &c, before, v.drop_not_null())]
        }
        Operation::SetDefault(o) => {
            let t = lookup(before, &o.table)?;
            let c = col(t, &o.column)?;
            if c.options.auto_increment {
                // MariaDB accepts the ALTER and keeps no default; MySQL refuses it.
                return Err(PlanError::Invalid(format!(
                    "`{}`.`{}` is AUTO_INCREMENT: MySQL keeps no default on it (MariaDB ignores one, MySQL refuses it)",
                    o.table, o.column
                )));
            }
            let ty = super::types::column_type(&c.data_type, before);
            let d = super::types::default_expr(&o.default, &ty).unwrap_or_else(|| "NULL".into());
            vec![alter(
                &o.table,
                format!("ALTER COLUMN {} SET DEFAULT {d}", ident(&o.column)),
                v.set_default(),
            )]
        }
        Operation::DropDefault(o) => vec![alter(
            &o.table,
            format!("ALTER COLUMN {} DROP DEFAULT", ident(&o.column)),
            v.set_default(),
        )],
        Operation::AddIndex(o) => {
            if o.index.predicate.is_some() {
                return Err(PlanError::Invalid(format!(
                    "MySQL has no partial indexes: index `{}` has a WHERE clause; index a generated column instead",
                    o.index.name
                )));
            }
            if !o.index.include.is_empty() {
                return Err(PlanError::Invalid(format!(
                    "MySQL has no INCLUDE columns (index `{}`); add them as key columns instead",
                    o.index.name
                )));
            }
            let t = lookup(before, &o.table)?;
            let mut online = v.add_index(&o.index.method);
            if o.index.unique && long_unique(t, &o.index, before) {
                if v.engine != crate::schema::Engine::Mariadb {
                    return Err(PlanError::Invalid(format!(
                        "MySQL cannot index a whole TEXT/BLOB column (index `{}`): give it a prefix length",
                        o.index.name
                    )));
                }
                // MariaDB enforces it with a hidden hash column, which only the copy adds.
                online = Online::COPY;
            }
            vec![alter(
                &o.table,
                format!("ADD {}", definition::index(&o.index)),
                online,
            )]
        }
        Operation::DropIndex(o) => vec![alter(
            &o.table,
            format!("DROP INDEX {}", ident(&o.index.name)),
            v.drop_index(),
        )],
        Operation::AddForeignKey(o) => {
            let t = lookup(before, &o.table)?;
            let fk = &o.foreign_key;
            let mut parts = vec![];
            if !has_index_on(t, &fk.columns) {
                parts.push(format!(
                    "ADD INDEX {} ({})",
                    ident(&fk.name),
                    ident_list(&fk.columns)
                ));
            }
            parts.push(format!("ADD {}", definition::foreign_key(fk)));
            if large(t, small_table_rows) {
                let check = format!(
                    "SELECT COUNT(*) FROM {child} c LEFT JOIN {parent} p ON {on} WHERE {notnull} AND p.{first} IS NULL",
                    child = tname(&o.table),
                    parent = tname(&fk.ref_table),
                    on = fk
                        .columns
                        .iter()
                        .zip(&fk.ref_columns)
                        .map(|(a, b)| format!("c.{} = p.{}", ident(a), ident(b)))
                        .collect::<Vec<_>>()
                        .join(" AND "),
                    notnull = fk
                        .columns
                        .iter()
                        .map(|a| format!("c.{} IS NOT NULL", ident(a)))
                        .collect::<Vec<_>>()
                        .join(" AND "),
                    first = ident(&fk.ref_columns[0]),
                );
                let mut add = alter(&o.table, parts.join(", "), v.add_foreign_key(true));
                add.note = Some(format!(
                    "existing rows are not checked with foreign_key_checks = 0; run `{check}` afterwards, it must return 0"
                ));
                vec![
                    Ddl::setting("SET SESSION foreign_key_checks = 0"),
                    add,
                    Ddl::setting("SET SESSION foreign_key_checks = 1"),
                ]
            } else {
                vec![alter(&o.table, parts.join(", "), v.add_foreign_key(false))]
            }
        }
        Operation::DropForeignKey(o) => {
            let t = lookup(before, &o.table)?;
            drop_foreign_key(v, t, &o.table, &o.foreign_key.name, &o.foreign_key.columns)
        }
        Operation::AddUniqueConstraint(o) => vec![alter(
            &o.table,
            format!(
                "ADD CONSTRAINT {} UNIQUE ({})",
                ident(&o.name),
                ident_list(&o.columns)
            ),
            v.add_index("btree"),
        )],
        Operation::AddCheckConstraint(o) => {
            let t = lookup(before, &o.table)?;
            if let Some(c) = t.columns.iter().find(|c| {
                c.options.auto_increment
                    && crate::schema::live::sqlite::mentions(&o.expression, &c.name)
            }) {
                return Err(PlanError::Invalid(format!(
                    "MySQL allows no CHECK on the AUTO_INCREMENT column `{}`.`{}`",
                    o.table, c.name
                )));
            }
            vec![alter(
                &o.table,
                format!(
                    "ADD CONSTRAINT {} CHECK ({})",
                    ident(&o.name),
                    strip_casts(&o.expression)
                ),
                v.add_check(),
            )
            .scanning()]
        }
        Operation::DropConstraint(o) => match &o.definition {
            ConstraintDefinition::Unique { .. } => vec![alter(
                &o.table,
                format!("DROP INDEX {}", ident(&o.name)),
                v.drop_index(),
            )],
            ConstraintDefinition::Check { .. } => vec![alter(
                &o.table,
                format!("DROP CONSTRAINT {}", ident(&o.name)),
                v.drop_check(),
            )],
        },
        Operation::Backfill(o) => {
            let mut sql = format!(
                "UPDATE {} SET {} = {}",
                tname(&o.table),
                ident(&o.column),
                value_expr(&o.value)
            );
            if let Some(c) = &o.condition {
                sql.push_str(&format!(" WHERE {}", strip_casts(c)));
            }
            vec![Ddl::plain(sql, &o.table).scanning()]
        }
        Operation::CreateEnum(_) | Operation::DropEnum(_) => vec![],
        Operation::AddEnumValue(o) => {
            let mut values = o.existing.clone();
            let at = o
                .after
                .as_ref()
                .and_then(|a| values.iter().position(|x| x == a))
                .map(|p| p + 1)
                .unwrap_or(values.len());
            values.insert(at, o.value.clone());
            enum_columns(v, before, &o.name, &o.existing, &values, &o.columns)?
        }
        Operation::RemoveEnumValue(o) => {
            let mut old = o.remaining.clone();
            let at = o
                .after
                .as_ref()
                .and_then(|a| old.iter().position(|x| x == a))
                .map(|p| p + 1)
                .unwrap_or(old.len());
            old.insert(at, o.value.clone());
            enum_columns(v, before, &o.name, &old, &o.remaining, &o.columns)?
        }
    })
}

/// Whether some index (or the primary key) starts with `columns`, so InnoDB needs no new one
/// for a foreign key on them.
fn has_index_on(t: &Table, columns: &[String]) -> bool {
    let starts = |keys: Vec<&str>| {
        keys.len() >= columns.len() && keys.iter().zip(columns).all(|(k, c)| *k == c.as_str())
    };
    t.indexes
        .iter()
        .any(|i| starts(i.columns.iter().filter_map(|k| k.column()).collect()))
        || t.unique_constraints
            .iter()
            .any(|u| starts(u.columns.iter().map(String::as_str).collect()))
        || t.primary_key
            .as_ref()
            .is_some_and(|p| starts(p.columns.iter().map(String::as_str).collect()))
}

/// `DROP FOREIGN KEY`, and the index InnoDB (or `add_foreign_key`) made for it when the model
/// has none of its own on those columns, so a down leaves the table as it was.
fn drop_foreign_key(
    v: &Version,
    t: &Table,
    table: &str,
    name: &str,
    columns: &[String],
) -> Vec<Ddl> {
    let mut out = vec![alter(
        table,
        format!("DROP FOREIGN KEY {}", ident(name)),
        v.drop_foreign_key(),
    )];
    if !has_index_on(t, columns) {
        out.push(alter(
            table,
            format!("DROP INDEX {}", ident(name)),
            v.drop_index(),
        ));
    }
    out
}

/// `MODIFY COLUMN … enum(new)` for every column of enum type `name` (by the model's type name,
/// by the captured column list, or by an inline type equal to `old`).
fn enum_columns(
    v: &Version,
    before: &Schema,
    name: &str,
    old: &[String],
    new: &[String],
    captured: &[crate::plan::ops::EnumColumn],
) -> Result<Vec<Ddl>, PlanError> {
    let old_inline = format!("enum({})", literal_list(old));
    let new_inline = format!("enum({})", literal_list(new));
    let bare = name.rsplit('.').next().unwrap_or(name);
    let mut out = vec![];
    for (key, t) in &before.tables {
        for c in &t.columns {
            let of_type = c.data_type == name
                || c.data_type == bare
                || c.data_type.eq_ignore_ascii_case(&old_inline)
                || captured
                    .iter()
                    .any(|e| &e.table == key && e.column == c.name);
            if !of_type {
                continue;
            }
            let mut changed = c.clone();
            changed.data_type = new_inline.clone();
            let online = v.change_type(t, &old_inline, &new_inline, 1);
            out.push(modify(key, &changed, before, online));
        }
    }
    Ok(out)
}
