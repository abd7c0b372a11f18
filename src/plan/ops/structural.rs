//! The dialect-free effect of each operation on the schema model: the model is changed
//! directly (add/drop/rename a column, table, index or constraint, set a type, default or
//! nullability, change an enum), with no SQL involved. Engines other than PostgreSQL use it
//! through `Dialect::apply`'s default; PostgreSQL keeps running its own SQL through the DDL
//! interpreter, and `tests/structural_apply.rs` checks that both give the same model.
//!
//! Expressions (checks, index expressions) are rewritten with [`idents`], a tokenizer that
//! knows quotes and comments but no grammar, so it works for every engine's spelling.

use super::{Operation, PlanError};
use crate::schema::sql::names;
use crate::schema::{CheckConstraint, EnumType, IndexKey, Schema, Table, UniqueConstraint};

/// Apply `op`'s effect to `schema` (the caller validated it).
pub fn apply_structural(op: &Operation, schema: &mut Schema) -> Result<(), PlanError> {
    match op {
        Operation::CreateTable(o) => {
            schema.tables.insert(o.table.clone(), o.definition.clone());
        }
        Operation::DropTable(o) => {
            schema.tables.remove(&o.table);
            for t in schema.tables.values_mut() {
                t.foreign_keys.retain(|fk| fk.ref_table != o.table);
            }
            schema.forget_table_dependents(&o.table);
        }
        Operation::RenameTable(o) => {
            let mut t = schema
                .tables
                .remove(&o.from)
                .ok_or_else(|| super::lookup::unknown_table(schema, &o.from))?;
            let (ns, name) = names::split_key(&o.to);
            t.schema = ns.to_string();
            t.name = name.to_string();
            schema.tables.insert(o.to.clone(), t);
            schema.rename_table_dependents(&o.from, &o.to);
            for t in schema.tables.values_mut() {
                for fk in &mut t.foreign_keys {
                    if fk.ref_table == o.from {
                        fk.ref_table = o.to.clone();
                    }
                }
            }
        }
        Operation::AddColumn(o) => table(schema, &o.table)?.columns.push(o.column.clone()),
        Operation::DropColumn(o) => drop_column(schema, &o.table, &o.column),
        Operation::RenameColumn(o) => rename_column(schema, &o.table, &o.from, &o.to)?,
        Operation::ChangeColumnType(o) => {
            column(schema, &o.table, &o.column)?.data_type = o.to_type.clone();
        }
        Operation::SetNotNull(o) => column(schema, &o.table, &o.column)?.nullable = false,
        Operation::DropNotNull(o) => column(schema, &o.table, &o.column)?.nullable = true,
        Operation::SetDefault(o) => {
            column(schema, &o.table, &o.column)?.default = Some(o.default.clone());
        }
        Operation::DropDefault(o) => column(schema, &o.table, &o.column)?.default = None,
        Operation::AddIndex(o) => table(schema, &o.table)?.indexes.push(o.index.clone()),
        Operation::DropIndex(o) => {
            table(schema, &o.table)?
                .indexes
                .retain(|i| i.name != o.index.name);
        }
        Operation::AddForeignKey(o) => {
            let mut fk = o.foreign_key.clone();
            fk.validated = true;
            table(schema, &o.table)?.foreign_keys.push(fk);
        }
        Operation::DropForeignKey(o) => {
            table(schema, &o.table)?
                .foreign_keys
                .retain(|f| f.name != o.foreign_key.name);
        }
        Operation::AddUniqueConstraint(o) => {
            table(schema, &o.table)?
                .unique_constraints
                .push(UniqueConstraint {
                    name: o.name.clone(),
                    columns: o.columns.clone(),
                });
        }
        Operation::AddCheckConstraint(o) => {
            table(schema, &o.table)?
                .check_constraints
                .push(CheckConstraint {
                    name: o.name.clone(),
                    expression: o.expression.clone(),
                    validated: true,
                });
        }
        Operation::DropConstraint(o) => {
            let t = table(schema, &o.table)?;
            if t.primary_key.as_ref().is_some_and(|p| p.name == o.name) {
                t.primary_key = None;
            }
            t.unique_constraints.retain(|c| c.name != o.name);
            t.check_constraints.retain(|c| c.name != o.name);
            t.foreign_keys.retain(|c| c.name != o.name);
            t.exclusion_constraints.retain(|c| c.name != o.name);
        }
        Operation::Backfill(_) => {}
        Operation::CreateEnum(o) => {
            let (ns, name) = names::split_key(&o.name);
            schema.enums.insert(
                o.name.clone(),
                EnumType {
                    schema: ns.to_string(),
                    name: name.to_string(),
                    values: o.values.clone(),
                },
            );
        }
        Operation::DropEnum(o) => {
            schema.enums.remove(&o.name);
        }
        Operation::AddEnumValue(o) => {
            let e = enum_type(schema, &o.name)?;
            let at = o
                .after
                .as_ref()
                .and_then(|a| e.values.iter().position(|v| v == a))
                .map_or(e.values.len(), |p| p + 1);
            e.values.insert(at, o.value.clone());
        }
        Operation::RemoveEnumValue(o) => {
            enum_type(schema, &o.name)?.values = o.remaining.clone();
        }
    }
    Ok(())
}

fn table<'a>(schema: &'a mut Schema, name: &str) -> Result<&'a mut Table, PlanError> {
    if schema.tables.contains_key(name) {
        Ok(schema.tables.get_mut(name).expect("checked"))
    } else {
        Err(super::lookup::unknown_table(schema, name))
    }
}

fn column<'a>(
    schema: &'a mut Schema,
    table_name: &str,
    name: &str,
) -> Result<&'a mut crate::schema::Column, PlanError> {
    let t = table(schema, table_name)?;
    if t.column(name).is_none() {
        return Err(super::lookup::unknown_column(t, name));
    }
    Ok(t.column_mut(name).expect("checked"))
}

fn enum_type<'a>(schema: &'a mut Schema, name: &str) -> Result<&'a mut EnumType, PlanError> {
    super::lookup::enum_type(schema, name)?;
    Ok(schema.enums.get_mut(name).expect("checked"))
}

/// A dropped column takes every key, check, foreign key and index that uses it with it, and
/// the foreign keys elsewhere that reference it.
fn drop_column(schema: &mut Schema, tkey: &str, col: &str) {
    for (k, t) in schema.tables.iter_mut() {
        t.foreign_keys.retain(|fk| {
            !(fk.ref_table == tkey
                && fk.ref_columns.iter().any(|c| c == col)
                && !(k == tkey && fk.columns.iter().any(|c| c == col)))
        });
    }
    schema.forget_column_dependents(tkey, col);
    let Some(t) = schema.tables.get_mut(tkey) else {
        return;
    };
    let uses = |cols: &[String]| cols.iter().any(|c| c == col);
    if t.primary_key.as_ref().is_some_and(|p| uses(&p.columns)) {
        t.primary_key = None;
    }
    t.unique_constraints.retain(|u| !uses(&u.columns));
    t.check_constraints
        .retain(|c| !idents::mentions(&c.expression, col));
    t.foreign_keys.retain(|f| !uses(&f.columns));
    t.indexes.retain(|i| {
        !i.columns.iter().any(|k| match k {
            IndexKey::Column(c) => c == col,
            IndexKey::Expression { expression: e } => idents::mentions(e, col),
        }) && !i.include.iter().any(|c| c == col)
            && !i
                .predicate
                .as_deref()
                .is_some_and(|p| idents::mentions(p, col))
    });
    t.columns.retain(|c| c.name != col);
}

/// Keys, checks, indexes and referencing foreign keys follow a renamed column.
fn rename_column(schema: &mut Schema, tkey: &str, old: &str, new: &str) -> Result<(), PlanError> {
    let t = table(schema, tkey)?;
    if t.column(old).is_none() {
        return Err(super::lookup::unknown_column(t, old));
    }
    let ren = |cols: &mut Vec<String>| {
        for c in cols.iter_mut().filter(|c| c.as_str() == old) {
            *c = new.to_string();
        }
    };
    if let Some(c) = t.column_mut(old) {
        c.name = new.to_string();
    }
    if let Some(pk) = &mut t.primary_key {
        ren(&mut pk.columns);
    }
    for u in &mut t.unique_constraints {
        ren(&mut u.columns);
    }
    for f in &mut t.foreign_keys {
        ren(&mut f.columns);
    }
    for c in &mut t.check_constraints {
        c.expression = idents::rename(&c.expression, old, new);
    }
    for i in &mut t.indexes {
        for k in &mut i.columns {
            match k {
                IndexKey::Column(c) if c == old => *c = new.to_string(),
                IndexKey::Expression { expression: e } => *e = idents::rename(e, old, new),
                _ => {}
            }
        }
        ren(&mut i.include);
        if let Some(p) = &mut i.predicate {
            *p = idents::rename(p, old, new);
        }
        if let Some(len) = i.prefix_lengths.remove(old) {
            i.prefix_lengths.insert(new.to_string(), len);
        }
    }
    for t in schema.tables.values_mut() {
        for fk in t.foreign_keys.iter_mut().filter(|f| f.ref_table == tkey) {
            ren(&mut fk.ref_columns);
        }
    }
    schema.rename_column_dependents(tkey, old, new);
    Ok(())
}

/// Identifiers in an expression, found without a grammar: string literals (`'…'`), comments
/// and numbers are skipped; `"x"`, `` `x` `` and `[x]` are quoted identifiers.
pub(crate) mod idents {
    /// `(start, end, name)` of every identifier token.
    fn tokens(expr: &str) -> Vec<(usize, usize, String)> {
        let b = expr.as_bytes();
        let mut out = vec![];
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            match c {
                b'\'' => {
                    i += 1;
                    while i < b.len() {
                        if b[i] == b'\'' {
                            if b.get(i + 1) == Some(&b'\'') {
                                i += 2;
                                continue;
                            }
                            break;
                        }
                        i += 1;
                    }
                    i += 1;
                }
                b'"' | b'`' | b'[' => {
                    let close = if c == b'[' { b']' } else { c };
                    let start = i;
                    i += 1;
                    while i < b.len() {
                        if b[i] == close {
                            if close != b']' && b.get(i + 1) == Some(&close) {
                                i += 2;
                                continue;
                            }
                            break;
                        }
                        i += 1;
                    }
                    let inner = String::from_utf8_lossy(&b[start + 1..i.min(b.len())]);
                    let q = (close as char).to_string();
                    let name = inner.replace(&format!("{q}{q}"), &q);
                    i += 1;
                    out.push((start, i.min(b.len()), name));
                }
                b'-' if b.get(i + 1) == Some(&b'-') => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i += 2;
                    while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                        i += 1;
                    }
                    i += 2;
                }
                b'0'..=b'9' => {
                    while i < b.len()
                        && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_')
                    {
                        i += 1;
                    }
                }
                _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                    let start = i;
                    while i < b.len()
                        && (b[i].is_ascii_alphanumeric()
                            || b[i] == b'_'
                            || b[i] == b'$'
                            || b[i] >= 0x80)
                    {
                        i += 1;
                    }
                    // A cast target (`::text`) is a type, not a column.
                    let cast = start >= 2 && &b[start - 2..start] == b"::";
                    if !cast {
                        out.push((start, i, expr[start..i].to_string()));
                    }
                }
                _ => i += 1,
            }
        }
        out
    }

    fn plain(name: &str) -> bool {
        name.chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }

    /// Whether `expr` mentions the identifier `name`.
    pub fn mentions(expr: &str, name: &str) -> bool {
        tokens(expr).iter().any(|(_, _, n)| n == name)
    }

    /// `expr` with every mention of `old` spelled as `new` (quoted the same way).
    pub fn rename(expr: &str, old: &str, new: &str) -> String {
        let mut out = String::new();
        let mut last = 0;
        for (start, end, name) in tokens(expr) {
            if name != old {
                continue;
            }
            out.push_str(&expr[last..start]);
            let first = expr.as_bytes()[start];
            match first {
                b'"' => out.push_str(&format!("\"{}\"", new.replace('"', "\"\""))),
                b'`' => out.push_str(&format!("`{}`", new.replace('`', "``"))),
                b'[' => out.push_str(&format!("[{new}]")),
                _ if plain(new) => out.push_str(new),
                _ => out.push_str(&format!("\"{}\"", new.replace('"', "\"\""))),
            }
            last = end;
        }
        out.push_str(&expr[last..]);
        out
    }
}
