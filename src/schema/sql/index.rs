//! Indexes: `CREATE [UNIQUE] INDEX`, `ALTER INDEX … RENAME`, `DROP INDEX`, and index keys.
//!
//! Index keys are stored as [`IndexKey::Column`] when they are a plain column with default
//! collation, operator class and ordering; anything else is an [`IndexKey::Expression`] whose
//! text is a valid index element as pg_dump prints it: a function call bare, any other
//! expression in parentheses, then `COLLATE`, a non-default operator class, `DESC` and a
//! non-default `NULLS FIRST/LAST` (`(a + b)`, `lower(email)`, `created_at DESC`,
//! `email text_pattern_ops`). Unnamed indexes get PostgreSQL's `<table>_<columns>_idx` names,
//! an expression contributing its function name (`users_lower_idx`) or `expr`.

use super::coerce::Domains;
use super::names::{self, choose_name, key};
use super::{expr, table_mut, Ctx, LoadError};
use crate::dialect::postgres::quote_ident;
use crate::schema::{Column, Index, IndexKey, Schema};
use pg_query::protobuf::{IndexElem, IndexStmt, RangeVar, SortByDir, SortByNulls};
use pg_query::NodeEnum;
use std::cell::RefCell;
use std::collections::HashMap;

/// Format one index element (see the module documentation).
pub(super) fn index_key(
    elem: &IndexElem,
    columns: &[Column],
    domains: &Domains,
) -> Result<IndexKey, String> {
    let (column, base) = if !elem.name.is_empty() {
        (Some(elem.name.clone()), quote_ident(&elem.name))
    } else if let Some(e) = elem.expr.as_ref().and_then(|e| e.node.clone()) {
        // `((col))` is a plain column for PostgreSQL too; check before casting domains.
        let node = match e {
            NodeEnum::ColumnRef(_) => e,
            other => expr::table_node(other, columns, domains),
        };
        match &node {
            NodeEnum::ColumnRef(c) if c.fields.len() == 1 => {
                let name = names::strings(&c.fields).pop().unwrap_or_default();
                (Some(name.clone()), quote_ident(&name))
            }
            _ => {
                let text = expr::spell(&node)?;
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

/// How many expression keys [`key_columns`] remembers before it starts over.
const MAX_KEY_COLUMNS: usize = 20_000;

thread_local! {
    /// Expression key text → the columns it uses: a dump repeats the same expression key
    /// on every table, and reading one means a parse through `pg_query`.
    static KEY_COLUMNS: RefCell<HashMap<String, Vec<String>>> = RefCell::default();
}

fn key_columns(k: &IndexKey) -> Vec<String> {
    match k {
        IndexKey::Column(c) => vec![c.clone()],
        IndexKey::Expression { expression } => {
            if let Some(hit) = KEY_COLUMNS.with(|m| m.borrow().get(expression).cloned()) {
                return hit;
            }
            let columns = match parse_key(expression) {
                Some(e) if !e.name.is_empty() => vec![e.name],
                Some(e) => e
                    .expr
                    .and_then(|x| x.node)
                    .map(|n| expr::columns_of(&n))
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            KEY_COLUMNS.with(|m| {
                let mut m = m.borrow_mut();
                if m.len() >= MAX_KEY_COLUMNS {
                    m.clear();
                }
                m.insert(expression.clone(), columns.clone());
            });
            columns
        }
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
                    if let Ok(k2) = index_key(&e, &[], &Domains::new()) {
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
    let domains = ctx.domains(schema);
    if !schema.tables.contains_key(&tkey) && ctx.unmodelled(schema, &tkey) {
        ctx.note(
            schema,
            format!("ignored CREATE INDEX on {tkey} (not a table)"),
        );
        return Ok(());
    }
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
        let k = index_key(e, &t.columns, &domains).map_err(|m| ctx.err(m))?;
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
        Some(w) => Some(expr::table_expr(w, &t.columns, &domains).map_err(|m| ctx.err(m))?),
        None => None,
    };
    let (ns, tname) = (t.schema.clone(), t.name.clone());
    let name = if s.idxname.is_empty() {
        let addition = names::name_addition(&names::unique_column_names(colnames));
        choose_name(&tname, Some(&addition), "idx", |n| {
            ctx.relation_taken(schema, &ns, n)
        })
    } else if ctx.relation_taken(schema, &ns, &s.idxname) {
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
        prefix_lengths: Default::default(),
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
    if ctx.relation_taken(schema, &ns, new) {
        return Err(ctx.err(format!("relation \"{new}\" already exists")));
    }
    let old = rv.relname.as_str();
    for k in ctx.relation_owners(schema, &ns, old) {
        ctx.touch(&k);
        let Some(t) = schema.tables.get_mut(&k) else {
            continue;
        };
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

/// `DROP INDEX [IF EXISTS] name`: an index backing a constraint cannot be dropped.
pub(super) fn drop_index(
    schema: &mut Schema,
    ns: &str,
    name: &str,
    missing_ok: bool,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    for k in ctx.relation_owners(schema, ns, name) {
        ctx.touch(&k);
        let Some(t) = schema.tables.get_mut(&k) else {
            continue;
        };
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
