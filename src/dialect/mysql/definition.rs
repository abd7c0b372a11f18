//! Spelling of model objects as MySQL DDL fragments: a full column definition (what
//! `MODIFY COLUMN` must restate), index key parts with prefix lengths, foreign keys, and
//! `CREATE TABLE` with engine, charset and collation.

use super::quote::{ident, ident_list, literal, table as table_name};
use super::types;
use crate::schema::{Column, FkAction, ForeignKey, Index, IndexKey, Schema, Table};

/// `` `c` type [CHARACTER SET …] [COLLATE …] [AS (…) STORED] NOT NULL [DEFAULT …]
/// [ON UPDATE …] [AUTO_INCREMENT] [COMMENT '…'] `` — everything, so a `MODIFY COLUMN` built
/// from it changes only what the operation changes.
pub fn column(c: &Column, schema: &Schema) -> String {
    let ty = types::column_type(&c.data_type, schema);
    let mut out = format!("{} {ty}", ident(&c.name));
    if let Some(cs) = &c.options.charset {
        out.push_str(&format!(" CHARACTER SET {cs}"));
    }
    if let Some(co) = &c.options.collation {
        out.push_str(&format!(" COLLATE {co}"));
    }
    if let Some(g) = &c.options.generated {
        out.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expression,
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
    }
    out.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
    if c.options.generated.is_none() {
        if let Some(d) = c
            .default
            .as_deref()
            .and_then(|d| types::default_expr(d, &ty))
        {
            if c.nullable || !d.eq_ignore_ascii_case("null") {
                out.push_str(&format!(" DEFAULT {d}"));
            }
        }
    }
    if let Some(u) = &c.options.on_update {
        out.push_str(&format!(" ON UPDATE {u}"));
    }
    if auto_increment(c) {
        out.push_str(" AUTO_INCREMENT");
    }
    if let Some(comment) = &c.comment {
        out.push_str(&format!(" COMMENT {}", literal(comment)));
    }
    out
}

/// Whether the column is auto-numbered (MySQL `AUTO_INCREMENT`, PostgreSQL identity/serial).
pub fn auto_increment(c: &Column) -> bool {
    c.options.auto_increment
        || c.identity.is_some()
        || c.serial_sequence.is_some()
        || types::is_serial(&c.data_type)
        || c.default
            .as_deref()
            .is_some_and(|d| d.trim_start().to_ascii_lowercase().starts_with("nextval("))
}

/// `` (`a`, `b`(10)) `` for an index, with prefix lengths and expression parts.
pub fn key_parts(index: &Index) -> String {
    let parts: Vec<String> = index
        .columns
        .iter()
        .map(|k| match k {
            IndexKey::Column(c) => match index.prefix_lengths.get(c) {
                Some(n) => format!("{}({n})", ident(c)),
                None => ident(c),
            },
            IndexKey::Expression { expression } => format!("({expression})"),
        })
        .collect();
    format!("({})", parts.join(", "))
}

/// The index kind word: `UNIQUE INDEX`, `FULLTEXT INDEX`, `SPATIAL INDEX`, `INDEX`.
pub fn index_kind(index: &Index) -> &'static str {
    match index.method.to_ascii_lowercase().as_str() {
        "fulltext" => "FULLTEXT INDEX",
        "spatial" => "SPATIAL INDEX",
        _ if index.unique => "UNIQUE INDEX",
        _ => "INDEX",
    }
}

/// `INDEX `name` (…)` as an `ALTER TABLE … ADD` / `CREATE TABLE` element.
pub fn index(index: &Index) -> String {
    let using = match index.method.to_ascii_lowercase().as_str() {
        "hash" => " USING HASH",
        _ => "",
    };
    format!(
        "{} {} {}{using}",
        index_kind(index),
        ident(&index.name),
        key_parts(index)
    )
}

fn action(a: FkAction) -> Option<&'static str> {
    match a {
        FkAction::NoAction => None,
        other => Some(other.sql()),
    }
}

/// `CONSTRAINT `fk` FOREIGN KEY (…) REFERENCES `t` (…) [ON DELETE …] [ON UPDATE …]`.
pub fn foreign_key(fk: &ForeignKey) -> String {
    let mut out = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        ident(&fk.name),
        ident_list(&fk.columns),
        table_name(&fk.ref_table),
        ident_list(&fk.ref_columns)
    );
    if let Some(a) = action(fk.on_delete) {
        out.push_str(&format!(" ON DELETE {a}"));
    }
    if let Some(a) = action(fk.on_update) {
        out.push_str(&format!(" ON UPDATE {a}"));
    }
    out
}

/// `CREATE TABLE` with every column, key, index, constraint and the table options.
pub fn create_table(key: &str, t: &Table, schema: &Schema) -> String {
    let mut items: Vec<String> = t.columns.iter().map(|c| column(c, schema)).collect();
    if let Some(pk) = &t.primary_key {
        items.push(format!("PRIMARY KEY ({})", ident_list(&pk.columns)));
    }
    for u in &t.unique_constraints {
        items.push(format!(
            "CONSTRAINT {} UNIQUE ({})",
            ident(&u.name),
            ident_list(&u.columns)
        ));
    }
    for i in &t.indexes {
        items.push(index(i));
    }
    for c in &t.check_constraints {
        items.push(format!(
            "CONSTRAINT {} CHECK ({})",
            ident(&c.name),
            c.expression
        ));
    }
    for fk in &t.foreign_keys {
        items.push(foreign_key(fk));
    }
    let mut out = format!(
        "CREATE TABLE {} (\n  {}\n)",
        table_name(key),
        items.join(",\n  ")
    );
    let o = &t.options;
    out.push_str(&format!(
        " ENGINE={}",
        o.engine.as_deref().unwrap_or("InnoDB")
    ));
    if let Some(cs) = &o.charset {
        out.push_str(&format!(" DEFAULT CHARSET={cs}"));
    }
    if let Some(co) = &o.collation {
        out.push_str(&format!(" COLLATE={co}"));
    }
    if let Some(rf) = &o.row_format {
        out.push_str(&format!(" ROW_FORMAT={rf}"));
    }
    if let Some(c) = &t.comment {
        out.push_str(&format!(" COMMENT={}", literal(c)));
    }
    out
}

/// Bytes per character of the column's character set (4 for utf8mb4, the default).
pub fn bytes_per_char(c: &Column, t: &Table) -> u32 {
    let cs = c
        .options
        .charset
        .as_deref()
        .or(c.options.collation.as_deref())
        .or(t.options.charset.as_deref())
        .or(t.options.collation.as_deref())
        .unwrap_or("utf8mb4")
        .to_ascii_lowercase();
    if cs.starts_with("utf8mb4") {
        4
    } else if cs.starts_with("utf8") {
        3
    } else if cs.starts_with("ucs2") || cs.starts_with("utf16") || cs.starts_with("utf32") {
        4
    } else {
        1
    }
}
