//! PostgreSQL spelling of `create_table`: `CREATE TABLE t (…)`, with its constraints, comments and indexes.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{CreateTable, Statement};

pub(crate) fn statements(op: &CreateTable) -> Vec<Statement> {
    let t = &op.definition;
    let key = &op.table;
    let mut parts: Vec<String> = t
        .columns
        .iter()
        .map(|c| sql::column_definition(c, key))
        .collect();
    if let Some(pk) = &t.primary_key {
        parts.push(format!(
            "CONSTRAINT {} PRIMARY KEY ({})",
            sql::ident(&pk.name),
            sql::ident_list(&pk.columns)
        ));
    }
    for u in &t.unique_constraints {
        parts.push(format!(
            "CONSTRAINT {} UNIQUE ({})",
            sql::ident(&u.name),
            sql::ident_list(&u.columns)
        ));
    }
    for c in &t.check_constraints {
        parts.push(format!(
            "CONSTRAINT {} {}",
            sql::ident(&c.name),
            sql::check_body(c)
        ));
    }
    for fk in &t.foreign_keys {
        parts.push(format!(
            "CONSTRAINT {} {}",
            sql::ident(&fk.name),
            sql::foreign_key_body(fk)
        ));
    }
    let body = parts
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join(",\n");
    // A new table has no readers yet; the only lock others can feel is the SHARE ROW
    // EXCLUSIVE a foreign key takes on the table it references.
    let create = match t.foreign_keys.iter().find(|fk| &fk.ref_table != key) {
        Some(fk) => Statement::metadata(
            format!("CREATE TABLE {} (\n{body}\n)", sql::table(key)),
            LockMode::ShareRowExclusive,
            &fk.ref_table,
        ),
        None => Statement::metadata(
            format!("CREATE TABLE {} (\n{body}\n)", sql::table(key)),
            LockMode::None,
            key,
        ),
    };
    // A serial column whose sequence kept an older name (the column or table was renamed)
    // cannot use the `serial` shorthand: create the sequence, then tie it to the column.
    let renamed_serials: Vec<(&str, &str)> = t
        .columns
        .iter()
        .filter(|c| !sql::is_default_serial(c, key))
        .filter_map(|c| {
            c.serial_sequence
                .as_deref()
                .map(|seq| (c.name.as_str(), seq))
        })
        .collect();
    let mut out: Vec<Statement> = renamed_serials
        .iter()
        .map(|(_, seq)| {
            Statement::metadata(
                format!("CREATE SEQUENCE {}", sql::table(seq)),
                LockMode::None,
                key,
            )
        })
        .collect();
    out.push(create);
    for (column, seq) in &renamed_serials {
        out.push(Statement::metadata(
            format!(
                "ALTER SEQUENCE {} OWNED BY {}.{}",
                sql::table(seq),
                sql::table(key),
                sql::ident(column)
            ),
            LockMode::None,
            key,
        ));
    }
    if t.comment.is_some() {
        out.push(Statement::metadata(
            sql::comment_on_table(key, t.comment.as_deref()),
            LockMode::None,
            key,
        ));
    }
    for c in t.columns.iter().filter(|c| c.comment.is_some()) {
        out.push(Statement::metadata(
            sql::comment_on_column(key, &c.name, c.comment.as_deref()),
            LockMode::None,
            key,
        ));
    }
    for index in &t.indexes {
        out.push(Statement::metadata(
            sql::create_index(index, key, false),
            LockMode::None,
            key,
        ));
    }
    out
}
