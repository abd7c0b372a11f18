//! Everything that is not a table definition: indexes (`CREATE`/`ALTER`/`DROP INDEX`), enum
//! types (`CREATE TYPE … AS ENUM`, `ALTER TYPE … ADD/RENAME VALUE`, renames), comments,
//! sequence ownership (`OWNED BY`, which ties a pg_dump sequence to its serial column) and the
//! `DROP` statement with PostgreSQL's dependency rules.
//!
//! Index keys are stored as [`IndexKey::Column`] when they are a plain column with default
//! collation, operator class and ordering; anything else is an [`IndexKey::Expression`] whose
//! text is a valid index element as pg_dump prints it: a function call bare, any other
//! expression in parentheses, then `COLLATE`, a non-default operator class, `DESC` and a
//! non-default `NULLS FIRST/LAST` (`(a + b)`, `lower(email)`, `created_at DESC`,
//! `email text_pattern_ops`).

use super::names::{self, choose_name, key, split_key};
use super::{expr, table_mut, Ctx, LoadError};
use crate::dialect::postgres::{quote_ident, spell_expr};
use crate::schema::{Column, EnumType, Index, IndexKey, Schema};
use pg_query::protobuf::{
    AlterEnumStmt, AlterSeqStmt, CommentStmt, CreateEnumStmt, CreateSeqStmt, DropBehavior,
    DropStmt, IndexElem, IndexStmt, Node, ObjectType, RangeVar, SortByDir, SortByNulls,
};
use pg_query::NodeEnum;

/// Format one index element (see the module documentation).
fn index_key(elem: &IndexElem, columns: &[Column]) -> Result<IndexKey, String> {
    let (column, base) = if !elem.name.is_empty() {
        (Some(elem.name.clone()), quote_ident(&elem.name))
    } else if let Some(e) = elem.expr.as_ref().and_then(|e| e.node.clone()) {
        let node = expr::table_node(e, columns);
        match &node {
            NodeEnum::ColumnRef(c) if c.fields.len() == 1 => {
                let name = names::strings(&c.fields).pop().unwrap_or_default();
                (Some(name.clone()), quote_ident(&name))
            }
            _ => {
                let text = spell_expr(&node)?;
                let bare = matches!(node, NodeEnum::FuncCall(_));
                (None, if bare { text } else { format!("({text})") })
            }
        }
    } else {
        return Err("index element without column or expression".into());
    };
    let strip = |parts: Vec<String>| -> String {
        let parts: Vec<String> = match parts.as_slice() {
            [s, rest @ ..] if (s == "pg_catalog" || s == "public") && !rest.is_empty() => {
                rest.to_vec()
            }
            _ => parts,
        };
        parts
            .iter()
            .map(|p| quote_ident(p))
            .collect::<Vec<_>>()
            .join(".")
    };
    let mut decor = String::new();
    if !elem.collation.is_empty() {
        decor.push_str(&format!(
            " COLLATE {}",
            strip(names::strings(&elem.collation))
        ));
    }
    if !elem.opclass.is_empty() {
        decor.push_str(&format!(" {}", strip(names::strings(&elem.opclass))));
    }
    let desc = elem.ordering == SortByDir::SortbyDesc as i32;
    if desc {
        decor.push_str(" DESC");
    }
    if desc && elem.nulls_ordering == SortByNulls::SortbyNullsLast as i32 {
        decor.push_str(" NULLS LAST");
    }
    if !desc && elem.nulls_ordering == SortByNulls::SortbyNullsFirst as i32 {
        decor.push_str(" NULLS FIRST");
    }
    Ok(match (column, decor.is_empty()) {
        (Some(c), true) => IndexKey::Column(c),
        _ => IndexKey::Expression {
            expression: format!("{base}{decor}"),
        },
    })
}

/// Parse a stored expression key back into an index element.
fn parse_key(text: &str) -> Option<IndexElem> {
    let parsed = pg_query::parse(&format!("CREATE INDEX i ON t ({text})"), 0).ok()?;
    let stmt = parsed
        .protobuf
        .stmts
        .first()?
        .stmt
        .as_ref()?
        .node
        .as_ref()?;
    let NodeEnum::IndexStmt(s) = stmt else {
        return None;
    };
    match s.index_params.first()?.node.as_ref()? {
        NodeEnum::IndexElem(e) => Some((**e).clone()),
        _ => None,
    }
}

fn key_columns(k: &IndexKey) -> Vec<String> {
    match k {
        IndexKey::Column(c) => vec![c.clone()],
        IndexKey::Expression { expression } => match parse_key(expression) {
            Some(e) if !e.name.is_empty() => vec![e.name],
            Some(e) => e
                .expr
                .and_then(|x| x.node)
                .map(|n| expr::columns_of(&n))
                .unwrap_or_default(),
            None => Vec::new(),
        },
    }
}

/// Whether the index uses column `col` (key, `INCLUDE`, expression or predicate).
pub fn index_uses(i: &Index, col: &str) -> bool {
    i.columns
        .iter()
        .any(|k| key_columns(k).iter().any(|c| c == col))
        || i.include.iter().any(|c| c == col)
        || i.predicate
            .as_deref()
            .is_some_and(|p| expr::columns_in(p).iter().any(|c| c == col))
}

/// Rename a column inside an index definition.
pub fn rename_column_in_index(i: &mut Index, old: &str, new: &str) {
    for k in &mut i.columns {
        match k {
            IndexKey::Column(c) if c == old => *c = new.to_string(),
            IndexKey::Column(_) => {}
            IndexKey::Expression { expression } => {
                if let Some(mut e) = parse_key(expression) {
                    if e.name == old {
                        e.name = new.to_string();
                    }
                    if let Some(n) = e.expr.as_mut().and_then(|x| x.node.as_mut()) {
                        expr::rename_column_node(n, old, new);
                    }
                    if let Ok(k2) = index_key(&e, &[]) {
                        *k = k2;
                    }
                }
            }
        }
    }
    for c in i.include.iter_mut().filter(|c| c.as_str() == old) {
        *c = new.to_string();
    }
    if let Some(p) = &mut i.predicate {
        *p = expr::rename_column(p, old, new);
    }
}

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON t …`.
pub fn create_index(schema: &mut Schema, s: &IndexStmt, ctx: &Ctx) -> Result<(), LoadError> {
    let rv = s
        .relation
        .as_ref()
        .ok_or_else(|| ctx.err("CREATE INDEX without a table"))?;
    let tkey = ctx.resolve(schema, rv);
    let t = table_mut(schema, &tkey, ctx)?;
    let elems: Vec<&IndexElem> = s
        .index_params
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::IndexElem(e)) => Some(&**e),
            _ => None,
        })
        .collect();
    let mut keys = Vec::new();
    let mut colnames = Vec::new();
    for e in &elems {
        let k = index_key(e, &t.columns).map_err(|m| ctx.err(m))?;
        for c in key_columns(&k) {
            if t.column(&c).is_none() {
                return Err(ctx.err(format!("column \"{c}\" does not exist in table \"{tkey}\"")));
            }
        }
        colnames.push(if !e.name.is_empty() {
            e.name.clone()
        } else {
            e.expr
                .as_ref()
                .and_then(|x| x.node.as_ref())
                .map(names::figure_colname)
                .unwrap_or_else(|| "expr".into())
        });
        keys.push(k);
    }
    let include: Vec<String> = s
        .index_including_params
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::IndexElem(e)) => Some(e.name.clone()),
            _ => None,
        })
        .collect();
    for c in &include {
        if t.column(c).is_none() {
            return Err(ctx.err(format!("column \"{c}\" does not exist in table \"{tkey}\"")));
        }
        colnames.push(c.clone());
    }
    let predicate = match s.where_clause.as_ref().and_then(|w| w.node.clone()) {
        Some(w) => Some(expr::table_expr(w, &t.columns).map_err(|m| ctx.err(m))?),
        None => None,
    };
    let (ns, tname) = (t.schema.clone(), t.name.clone());
    let relations = names::relation_names_in(schema, &ns);
    let name = if s.idxname.is_empty() {
        let addition = names::name_addition(&names::unique_column_names(colnames));
        choose_name(&tname, Some(&addition), "idx", |n| relations.contains(n))
    } else if relations.contains(&s.idxname) {
        if s.if_not_exists {
            ctx.note(
                schema,
                format!(
                    "skipped CREATE INDEX IF NOT EXISTS {}: it exists",
                    s.idxname
                ),
            );
            return Ok(());
        }
        return Err(ctx.err(format!("relation \"{}\" already exists", s.idxname)));
    } else {
        s.idxname.clone()
    };
    let method = if s.access_method.is_empty() {
        "btree".to_string()
    } else {
        s.access_method.to_lowercase()
    };
    table_mut(schema, &tkey, ctx)?.indexes.push(Index {
        name,
        columns: keys,
        unique: s.unique,
        method,
        predicate,
        include,
    });
    Ok(())
}

/// `ALTER INDEX [IF EXISTS] a RENAME TO b` (renaming a key's index renames the constraint).
pub fn rename_index(
    schema: &mut Schema,
    rv: &RangeVar,
    new: &str,
    missing_ok: bool,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let ns = if rv.schemaname.is_empty() {
        ctx.default_schema().to_string()
    } else {
        rv.schemaname.clone()
    };
    if names::relation_names_in(schema, &ns).contains(new) {
        return Err(ctx.err(format!("relation \"{new}\" already exists")));
    }
    let old = rv.relname.as_str();
    for t in schema.tables.values_mut().filter(|t| t.schema == ns) {
        let mut hit = false;
        for i in t.indexes.iter_mut().filter(|i| i.name == old) {
            i.name = new.to_string();
            hit = true;
        }
        for p in t.primary_key.iter_mut().filter(|p| p.name == old) {
            p.name = new.to_string();
            hit = true;
        }
        for u in t.unique_constraints.iter_mut().filter(|u| u.name == old) {
            u.name = new.to_string();
            hit = true;
        }
        if hit {
            return Ok(());
        }
    }
    if missing_ok {
        ctx.note(
            schema,
            format!("skipped ALTER INDEX IF EXISTS {old}: it does not exist"),
        );
        return Ok(());
    }
    Err(ctx.err(format!("index \"{}\" does not exist", key(&ns, old))))
}

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
                drop_index(schema, &ns, &name, s.missing_ok, ctx)?;
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
    if !outside.is_empty() && !cascade {
        let (t, n, r) = &outside[0];
        return Err(ctx.err(format!(
            "cannot drop table {r} because other objects depend on it (constraint {n} on table {t}); use CASCADE"
        )));
    }
    for (t, n, _) in &outside {
        if let Some(t) = schema.tables.get_mut(t) {
            t.foreign_keys.retain(|f| &f.name != n);
        }
    }
    for k in keys {
        schema.tables.remove(k);
    }
    Ok(())
}

fn drop_index(
    schema: &mut Schema,
    ns: &str,
    name: &str,
    missing_ok: bool,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    for t in schema.tables.values_mut().filter(|t| t.schema == ns) {
        if let Some(pos) = t.indexes.iter().position(|i| i.name == name) {
            t.indexes.remove(pos);
            return Ok(());
        }
        if t.primary_key.iter().any(|p| p.name == name)
            || t.unique_constraints.iter().any(|u| u.name == name)
        {
            return Err(ctx.err(format!(
                "cannot drop index {name} because constraint {name} on table {} requires it",
                t.key()
            )));
        }
    }
    if missing_ok {
        ctx.note(
            schema,
            format!("skipped DROP INDEX IF EXISTS {name}: it does not exist"),
        );
        return Ok(());
    }
    Err(ctx.err(format!("index \"{}\" does not exist", key(ns, name))))
}

fn drop_sequence(schema: &mut Schema, k: &str, cascade: bool, ctx: &Ctx) -> Result<(), LoadError> {
    let users: Vec<(String, String)> = schema
        .tables
        .values()
        .flat_map(|t| {
            t.columns
                .iter()
                .filter(|c| c.serial_sequence.as_deref() == Some(k))
                .map(move |c| (t.key(), c.name.clone()))
        })
        .collect();
    if users.is_empty() {
        ctx.note(schema, format!("ignored DROP SEQUENCE {k}"));
        return Ok(());
    }
    if !cascade {
        let (t, c) = &users[0];
        return Err(ctx.err(format!(
            "cannot drop sequence {k} because default value for column {c} of table {t} depends on it; use CASCADE"
        )));
    }
    for (t, c) in users {
        if let Some(col) = schema.tables.get_mut(&t).and_then(|t| t.column_mut(&c)) {
            col.default = None;
            col.serial_sequence = None;
        }
    }
    Ok(())
}

/// The spelling of a user type in a column type: `name` in `public`, `schema.name` elsewhere.
fn type_spelling(k: &str) -> String {
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
            table_mut(schema, &k, ctx)?.comment = text;
        }
        ObjectType::ObjectColumn => {
            let Some((col, table_parts)) = parts.split_last() else {
                return Ok(());
            };
            let k = ctx.resolve_names(schema, table_parts).unwrap_or_default();
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
    for t in schema.tables.values_mut() {
        for c in t
            .columns
            .iter_mut()
            .filter(|c| c.serial_sequence.as_deref() == Some(seq))
        {
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
    let note = format!("ignored CREATE SEQUENCE {seq} (line");
    schema.notes.retain(|n| !n.starts_with(&note));
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

/// `ALTER SEQUENCE a RENAME TO b`.
pub fn rename_sequence(schema: &mut Schema, old: &str, new: &str) {
    for t in schema.tables.values_mut() {
        for c in &mut t.columns {
            rename_sequence_in_column(c, old, new);
        }
    }
}
