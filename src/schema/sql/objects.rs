//! Everything that is neither a table definition nor an index: enum types (`CREATE TYPE …
//! AS ENUM`, `ALTER TYPE … ADD/RENAME VALUE`, renames, `SET SCHEMA`), comments, sequence
//! ownership (`OWNED BY`, which ties a pg_dump sequence to its serial column) and the `DROP`
//! statement with PostgreSQL's dependency rules (`CASCADE` drops referencing foreign keys,
//! columns of a dropped enum, the default of a dropped owned sequence).

use super::names::{self, key, split_key};
use super::{expr, index, table_mut, Ctx, LoadError};
use crate::dialect::postgres::{quote_ident, spell_type_name};
use crate::schema::{Column, EnumType, Schema};
use pg_query::protobuf::{
    AlterEnumStmt, AlterSeqStmt, CommentStmt, CreateDomainStmt, CreateEnumStmt, CreateSeqStmt,
    DropBehavior, DropStmt, Node, ObjectType, RangeVar,
};
use pg_query::NodeEnum;

/// `DROP TABLE | INDEX | TYPE | SEQUENCE | SCHEMA …` (other kinds are noted).
pub fn drop(schema: &mut Schema, s: &DropStmt, ctx: &Ctx) -> Result<(), LoadError> {
    let cascade = s.behavior == DropBehavior::DropCascade as i32;
    let objects: Vec<Vec<String>> = s
        .objects
        .iter()
        .map(|o| names::list_strings(Some(o)))
        .collect();
    let kind = ObjectType::try_from(s.remove_type).unwrap_or(ObjectType::Undefined);
    match kind {
        ObjectType::ObjectTable => {
            let mut keys = Vec::new();
            for parts in &objects {
                let k = ctx.resolve_names(schema, parts).unwrap_or_default();
                if schema.tables.contains_key(&k) {
                    keys.push(k);
                } else if s.missing_ok {
                    ctx.note(
                        schema,
                        format!("skipped DROP TABLE IF EXISTS {k}: it does not exist"),
                    );
                } else {
                    return Err(ctx.no_table(schema, &k));
                }
            }
            drop_tables(schema, &keys, cascade, ctx)
        }
        ObjectType::ObjectIndex => {
            for parts in &objects {
                let Some((name, ns)) = parts.split_last().map(|(n, rest)| {
                    (
                        n.clone(),
                        rest.last()
                            .cloned()
                            .unwrap_or_else(|| ctx.default_schema().to_string()),
                    )
                }) else {
                    continue;
                };
                index::drop_index(schema, &ns, &name, s.missing_ok, ctx)?;
            }
            Ok(())
        }
        ObjectType::ObjectType => {
            for parts in &objects {
                let k = enum_key(schema, parts, ctx);
                if schema.enums.contains_key(&k) {
                    drop_enum(schema, &k, cascade, ctx)?;
                } else {
                    ctx.note(schema, format!("ignored DROP TYPE {k} (not a known enum)"));
                }
            }
            Ok(())
        }
        ObjectType::ObjectSequence => {
            for parts in &objects {
                let k = names::names_key(parts, ctx.default_schema()).unwrap_or_default();
                drop_sequence(schema, &k, cascade, ctx)?;
            }
            Ok(())
        }
        ObjectType::ObjectDomain => {
            for parts in &objects {
                let k = names::names_key(parts, ctx.default_schema()).unwrap_or_default();
                let prefix = format!("{}{} AS ", names::DOMAIN_NOTE, type_spelling(&k));
                {
                    let mut lookup = ctx.lookup.borrow_mut();
                    lookup.flush_notes(schema);
                    schema.notes.retain(|n| !n.starts_with(&prefix));
                    lookup.notes_changed();
                }
                ctx.note(schema, format!("ignored DROP DOMAIN {k}"));
            }
            Ok(())
        }
        ObjectType::ObjectSchema => {
            for parts in &objects {
                let ns = parts.last().cloned().unwrap_or_default();
                let keys: Vec<String> = schema
                    .tables
                    .values()
                    .filter(|t| t.schema == ns)
                    .map(|t| t.key())
                    .collect();
                let has_enums = schema.enums.values().any(|e| e.schema == ns);
                if (!keys.is_empty() || has_enums) && !cascade {
                    return Err(ctx.err(format!(
                        "cannot drop schema {ns} because other objects depend on it; use CASCADE"
                    )));
                }
                drop_tables(schema, &keys, true, ctx)?;
                schema.enums.retain(|_, e| e.schema != ns);
                ctx.note(schema, format!("DROP SCHEMA {ns}"));
            }
            Ok(())
        }
        other => {
            super::deps::forget_dropped(schema, s, other, ctx);
            let what = other
                .as_str_name()
                .trim_start_matches("OBJECT_")
                .replace('_', " ");
            let list: Vec<String> = objects.iter().map(|p| p.join(".")).collect();
            ctx.note(schema, format!("ignored DROP {what} {}", list.join(", ")));
            Ok(())
        }
    }
}

fn drop_tables(
    schema: &mut Schema,
    keys: &[String],
    cascade: bool,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let outside: Vec<(String, String, String)> = schema
        .tables
        .iter()
        .filter(|(k, _)| !keys.contains(k))
        .flat_map(|(k, t)| {
            t.foreign_keys
                .iter()
                .filter(|f| keys.contains(&f.ref_table))
                .map(move |f| (k.clone(), f.name.clone(), f.ref_table.clone()))
        })
        .collect();
    for k in keys {
        super::deps::check_drop(schema, k, None, cascade, ctx)?;
    }
    if !outside.is_empty() && !cascade {
        let (t, n, r) = &outside[0];
        return Err(ctx.err(format!(
            "cannot drop table {r} because other objects depend on it (constraint {n} on table {t}); use CASCADE"
        )));
    }
    for (t, n, _) in &outside {
        ctx.touch(t);
        if let Some(t) = schema.tables.get_mut(t) {
            t.foreign_keys.retain(|f| &f.name != n);
        }
    }
    for k in keys {
        ctx.touch(k);
        schema.tables.remove(k);
        schema.forget_table_dependents(k);
    }
    Ok(())
}

fn drop_sequence(schema: &mut Schema, k: &str, cascade: bool, ctx: &Ctx) -> Result<(), LoadError> {
    let users = ctx.sequence_users(schema, k);
    if users.is_empty() {
        ctx.note(schema, format!("ignored DROP SEQUENCE {k}"));
        return Ok(());
    }
    // Only a default that still calls the sequence depends on it: after `ALTER COLUMN … DROP
    // DEFAULT` the sequence is merely owned by the column and drops without CASCADE.
    let seq_name = split_key(k).1.to_string();
    let depends: Vec<bool> = users
        .iter()
        .map(|(t, c)| {
            schema
                .tables
                .get(t)
                .and_then(|t| t.column(c))
                .and_then(|c| c.default.as_deref())
                .is_some_and(|d| d.contains(&seq_name))
        })
        .collect();
    if !cascade {
        if let Some(((t, c), _)) = users.iter().zip(&depends).find(|(_, d)| **d) {
            return Err(ctx.err(format!(
                "cannot drop sequence {k} because default value for column {c} of table {t} depends on it; use CASCADE"
            )));
        }
    }
    for ((t, c), dep) in users.into_iter().zip(depends) {
        ctx.touch(&t);
        if let Some(col) = schema.tables.get_mut(&t).and_then(|t| t.column_mut(&c)) {
            if dep {
                col.default = None;
            }
            col.serial_sequence = None;
        }
    }
    Ok(())
}

/// The spelling of a user type in a column type: `name` in `public`, `schema.name` elsewhere.
pub(super) fn type_spelling(k: &str) -> String {
    let (ns, name) = split_key(k);
    if ns == "public" {
        quote_ident(name)
    } else {
        format!("{}.{}", quote_ident(ns), quote_ident(name))
    }
}

/// The key of an enum named by `[schema.]name`, looking unqualified names up in the path.
fn enum_key(schema: &Schema, parts: &[String], ctx: &Ctx) -> String {
    match parts {
        [name] => ctx
            .search_path
            .iter()
            .map(|s| key(s, name))
            .find(|k| schema.enums.contains_key(k))
            .unwrap_or_else(|| key(ctx.default_schema(), name)),
        _ => names::names_key(parts, ctx.default_schema()).unwrap_or_default(),
    }
}

fn columns_of_type(schema: &Schema, k: &str) -> Vec<(String, String)> {
    let spelled = type_spelling(k);
    schema
        .tables
        .values()
        .flat_map(|t| {
            t.columns
                .iter()
                .filter(|c| c.data_type.trim_end_matches("[]") == spelled)
                .map(move |c| (t.key(), c.name.clone()))
        })
        .collect()
}

fn drop_enum(schema: &mut Schema, k: &str, cascade: bool, ctx: &Ctx) -> Result<(), LoadError> {
    let users = columns_of_type(schema, k);
    if !users.is_empty() && !cascade {
        let (t, c) = &users[0];
        return Err(ctx.err(format!(
            "cannot drop type {k} because column {c} of table {t} depends on it; use CASCADE"
        )));
    }
    for (t, c) in users {
        super::alter::drop_column(schema, &t, &c, true, ctx)?;
    }
    schema.enums.remove(k);
    Ok(())
}

/// `CREATE DOMAIN`: not modelled as such, but remembered (in a note, so that it survives
/// between replayed files) because PostgreSQL casts domain columns to their base type in
/// stored expressions.
pub fn create_domain(
    schema: &mut Schema,
    s: &CreateDomainStmt,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let parts = names::strings(&s.domainname);
    let k = names::names_key(&parts, ctx.default_schema()).unwrap_or_default();
    let base = s
        .type_name
        .as_ref()
        .map(spell_type_name)
        .unwrap_or_default();
    ctx.note(
        schema,
        format!("{}{} AS {base}", names::DOMAIN_NOTE, type_spelling(&k)),
    );
    Ok(())
}

/// `CREATE TYPE [schema.]name AS ENUM (…)`.
pub fn create_enum(schema: &mut Schema, s: &CreateEnumStmt, ctx: &Ctx) -> Result<(), LoadError> {
    let parts = names::strings(&s.type_name);
    let k = names::names_key(&parts, ctx.default_schema())
        .ok_or_else(|| ctx.err("CREATE TYPE without a name"))?;
    if schema.enums.contains_key(&k) {
        return Err(ctx.err(format!("type \"{k}\" already exists")));
    }
    let (ns, name) = split_key(&k);
    let values = names::strings(&s.vals);
    schema.enums.insert(
        k.clone(),
        EnumType {
            schema: ns.to_string(),
            name: name.to_string(),
            values,
        },
    );
    Ok(())
}

/// `ALTER TYPE e ADD VALUE [IF NOT EXISTS] 'v' [BEFORE|AFTER 'w']` and `RENAME VALUE`.
pub fn alter_enum(schema: &mut Schema, s: &AlterEnumStmt, ctx: &Ctx) -> Result<(), LoadError> {
    let k = enum_key(schema, &names::strings(&s.type_name), ctx);
    let Some(e) = schema.enums.get_mut(&k) else {
        return Err(ctx.err(format!("type \"{k}\" does not exist")));
    };
    let exists = e.values.contains(&s.new_val);
    if !s.old_val.is_empty() {
        let Some(pos) = e.values.iter().position(|v| v == &s.old_val) else {
            return Err(ctx.err(format!(
                "\"{}\" is not an existing enum label of {k}",
                s.old_val
            )));
        };
        if exists {
            return Err(ctx.err(format!(
                "enum label \"{}\" already exists in {k}",
                s.new_val
            )));
        }
        e.values[pos] = s.new_val.clone();
        return Ok(());
    }
    if exists {
        if s.skip_if_new_val_exists {
            return Ok(());
        }
        return Err(ctx.err(format!(
            "enum label \"{}\" already exists in {k}",
            s.new_val
        )));
    }
    let pos = if s.new_val_neighbor.is_empty() {
        e.values.len()
    } else {
        let Some(p) = e.values.iter().position(|v| v == &s.new_val_neighbor) else {
            return Err(ctx.err(format!(
                "\"{}\" is not an existing enum label of {k}",
                s.new_val_neighbor
            )));
        };
        if s.new_val_is_after {
            p + 1
        } else {
            p
        }
    };
    e.values.insert(pos, s.new_val.clone());
    Ok(())
}

/// `ALTER TYPE e RENAME TO f`.
pub fn rename_enum(
    schema: &mut Schema,
    parts: &[String],
    new: &str,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let k = enum_key(schema, parts, ctx);
    if !schema.enums.contains_key(&k) {
        ctx.note(
            schema,
            format!("ignored ALTER TYPE {k} RENAME TO {new} (not a known enum)"),
        );
        return Ok(());
    }
    let ns = split_key(&k).0.to_string();
    retype_enum(schema, &k, &key(&ns, new), ctx)
}

/// `ALTER TYPE e SET SCHEMA s`.
pub fn move_enum(
    schema: &mut Schema,
    parts: &[String],
    ns: &str,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let k = enum_key(schema, parts, ctx);
    if !schema.enums.contains_key(&k) {
        ctx.note(
            schema,
            format!("ignored ALTER TYPE {k} SET SCHEMA {ns} (not a known enum)"),
        );
        return Ok(());
    }
    let name = split_key(&k).1.to_string();
    retype_enum(schema, &k, &key(ns, &name), ctx)
}

fn retype_enum(schema: &mut Schema, old: &str, new: &str, ctx: &Ctx) -> Result<(), LoadError> {
    if schema.enums.contains_key(new) {
        return Err(ctx.err(format!("type \"{new}\" already exists")));
    }
    let mut e = schema.enums.remove(old).expect("checked");
    let (ns, name) = split_key(new);
    e.schema = ns.to_string();
    e.name = name.to_string();
    schema.enums.insert(new.to_string(), e);
    let (from, to) = (type_spelling(old), type_spelling(new));
    for t in schema.tables.values_mut() {
        for c in &mut t.columns {
            if c.data_type.trim_end_matches("[]") == from {
                let dims = c.data_type[from.len()..].to_string();
                c.data_type = format!("{to}{dims}");
            }
            if let Some(d) = &mut c.default {
                *d = expr::rename_type(d, &from, &to);
            }
        }
        for ck in &mut t.check_constraints {
            ck.expression = expr::rename_type(&ck.expression, &from, &to);
        }
        for i in &mut t.indexes {
            if let Some(p) = &mut i.predicate {
                *p = expr::rename_type(p, &from, &to);
            }
        }
    }
    Ok(())
}

/// `COMMENT ON TABLE t IS '…'` / `COMMENT ON COLUMN t.c IS '…'` (`NULL` or `''` clears).
pub fn comment(schema: &mut Schema, s: &CommentStmt, ctx: &Ctx) -> Result<(), LoadError> {
    let parts = names::list_strings(s.object.as_deref());
    let text = (!s.comment.is_empty()).then(|| s.comment.clone());
    match ObjectType::try_from(s.objtype).unwrap_or(ObjectType::Undefined) {
        ObjectType::ObjectTable => {
            let k = ctx.resolve_names(schema, &parts).unwrap_or_default();
            if !schema.tables.contains_key(&k) && ctx.unmodelled(schema, &k) {
                return Ok(());
            }
            table_mut(schema, &k, ctx)?.comment = text;
        }
        ObjectType::ObjectColumn => {
            let Some((col, table_parts)) = parts.split_last() else {
                return Ok(());
            };
            let k = ctx.resolve_names(schema, table_parts).unwrap_or_default();
            if !schema.tables.contains_key(&k) && ctx.unmodelled(schema, &k) {
                return Ok(());
            }
            let t = table_mut(schema, &k, ctx)?;
            let Some(c) = t.column_mut(col) else {
                return Err(ctx.err(format!("column \"{col}\" of table \"{k}\" does not exist")));
            };
            c.comment = text;
        }
        ObjectType::ObjectExtension | ObjectType::ObjectSchema | ObjectType::ObjectDatabase => {}
        other => {
            let what = other
                .as_str_name()
                .trim_start_matches("OBJECT_")
                .replace('_', " ");
            ctx.note(schema, format!("ignored COMMENT ON {what}"));
        }
    }
    Ok(())
}

fn seq_key(rv: &RangeVar, ctx: &Ctx) -> String {
    let ns = if rv.schemaname.is_empty() {
        ctx.default_schema()
    } else {
        &rv.schemaname
    };
    key(ns, &rv.relname)
}

/// `CREATE SEQUENCE` is not modelled (noted), except an `OWNED BY` clause.
pub fn create_sequence(schema: &mut Schema, s: &CreateSeqStmt, ctx: &Ctx) -> Result<(), LoadError> {
    let Some(rv) = s.sequence.as_ref() else {
        return Ok(());
    };
    let k = seq_key(rv, ctx);
    ctx.note(schema, format!("ignored CREATE SEQUENCE {k}"));
    owned_by(schema, &k, &s.options, ctx)?;
    Ok(())
}

/// `ALTER SEQUENCE s OWNED BY t.c` marks `t.c` as a serial column of `s`; other options are
/// not modelled.
pub fn alter_sequence(schema: &mut Schema, s: &AlterSeqStmt, ctx: &Ctx) -> Result<(), LoadError> {
    let Some(rv) = s.sequence.as_ref() else {
        return Ok(());
    };
    let k = seq_key(rv, ctx);
    if !owned_by(schema, &k, &s.options, ctx)? || s.options.len() > 1 {
        ctx.note(schema, format!("ignored ALTER SEQUENCE {k} options"));
    }
    Ok(())
}

fn owned_by(
    schema: &mut Schema,
    seq: &str,
    options: &[Node],
    ctx: &Ctx,
) -> Result<bool, LoadError> {
    let Some(target) = options.iter().find_map(|o| match o.node.as_ref() {
        Some(NodeEnum::DefElem(d)) if d.defname == "owned_by" => {
            Some(names::list_strings(d.arg.as_deref()))
        }
        _ => None,
    }) else {
        return Ok(false);
    };
    for (t, col) in ctx.sequence_users(schema, seq) {
        ctx.touch(&t);
        if let Some(c) = schema.tables.get_mut(&t).and_then(|t| t.column_mut(&col)) {
            c.serial_sequence = None;
        }
    }
    if target.len() == 1 && target[0].eq_ignore_ascii_case("none") {
        return Ok(true);
    }
    let Some((col, table_parts)) = target.split_last() else {
        return Ok(true);
    };
    let tk = ctx.resolve_names(schema, table_parts).unwrap_or_default();
    let t = table_mut(schema, &tk, ctx)?;
    let Some(c) = t.column_mut(col) else {
        return Err(ctx.err(format!("column \"{col}\" of table \"{tk}\" does not exist")));
    };
    c.serial_sequence = Some(seq.to_string());
    ctx.lookup.borrow_mut().drop_sequence_note(schema, seq);
    Ok(true)
}

/// `nextval('…'::regclass)` literal text of a sequence key.
fn regclass_literal(k: &str) -> String {
    format!("'{}'::regclass", type_spelling(k).replace('\'', "''"))
}

/// A sequence got a new key: follow it in the column that owns it and its default.
pub fn rename_sequence_in_column(c: &mut Column, old: &str, new: &str) {
    if c.serial_sequence.as_deref() == Some(old) {
        c.serial_sequence = Some(new.to_string());
    }
    if let Some(d) = &mut c.default {
        *d = d.replace(&regclass_literal(old), &regclass_literal(new));
    }
}

/// `ALTER SEQUENCE a RENAME TO b`: the serial columns drawing from it follow (a default
/// drawing from a sequence no column owns keeps its text, as before this rename was seen).
pub fn rename_sequence(schema: &mut Schema, old: &str, new: &str, ctx: &Ctx) {
    for t in schema.tables.values_mut() {
        for c in &mut t.columns {
            if c.serial_sequence.as_deref() == Some(old) {
                ctx.touch(&key(&t.schema, &t.name));
            }
            rename_sequence_in_column(c, old, new);
        }
    }
}
