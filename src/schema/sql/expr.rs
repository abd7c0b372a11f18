//! Expressions as PostgreSQL stores them: defaults, check constraints, index predicates and
//! index expressions are kept in the form `pg_get_expr` / `pg_dump` prints them, so that a
//! schema loaded from the DDL a developer wrote compares equal to the same schema loaded from
//! `pg_dump`.
//!
//! PostgreSQL coerces what it stores: `DEFAULT 'free'` on a `varchar` column is stored as
//! `'free'::character varying`, `CHECK (price >= 0)` on a `numeric` column as
//! `price >= (0)::numeric`, `status IN ('a', 'b')` on a `varchar` column as
//! `(status)::text = ANY ((ARRAY['a'::varchar, 'b'::varchar])::text[])`. Without a type
//! checker we cannot do that in general; this module applies the coercions of the common
//! cases (a bare column compared with a literal, `IN` lists, `BETWEEN`, `LIKE`, literal
//! defaults, text functions on `varchar` columns, domain columns cast to their base type,
//! `nextval('seq')`, negative constants; see `coerce`) and
//! then spells the result with [`crate::dialect::postgres::spell_expr`] after canonicalising
//! every type name and removing the `public.` qualification pg_dump adds. Expressions outside
//! those cases are kept as written (still canonically spelled), so they compare equal between
//! two loads of the same kind of file but may differ between a hand-written file and a dump.
//! Known differences: a date/time literal is kept as written (`'2020-01-01'::timestamptz`)
//! where PostgreSQL stores the normalised value (`'2020-01-01 00:00:00+00'`), and operators
//! resolved through types we do not track (function results other than text functions,
//! arithmetic on columns) keep no implicit casts.

use super::coerce::{coerce, coerce_default_literal, Domains};
use crate::dialect::postgres::{parse_expr, spell_expr, spell_type_name, SpellingError};
use crate::schema::Column;
use pg_query::protobuf::{a_const, AConst, Node, TypeCast, TypeName};
use pg_query::NodeEnum;
use std::cell::RefCell;
use std::collections::HashMap;

/// The canonical stored form of an expression text that PostgreSQL printed (for example
/// `pg_get_expr(adbin, adrelid)`): type names canonical, `public.` removed, `nextval`
/// arguments as `regclass`. Applied to the loader's own output it changes nothing.
pub fn canonical_stored_expr(input: &str) -> Result<String, SpellingError> {
    let mut node = parse_expr(input)?;
    canonicalize(&mut node);
    spell_expr(&node).map_err(|reason| SpellingError::Expression {
        input: input.to_string(),
        reason,
    })
}

/// The stored form of a default written as SQL text (`'free'`) for a column of canonical
/// type `column_type` (`varchar(20)`): what the loader would put in [`crate::schema::Column::default`]
/// (`'free'::varchar`), so a planner can compare a requested default with the model's.
/// `Ok(None)` for `NULL`.
pub fn stored_default(input: &str, column_type: &str) -> Result<Option<String>, SpellingError> {
    let node = parse_expr(input)?;
    default_expr(node, column_type, &Domains::new()).map_err(|reason| SpellingError::Expression {
        input: input.to_string(),
        reason,
    })
}

/// A column default as PostgreSQL stores it, or `None` for `DEFAULT NULL` (which PostgreSQL
/// does not store at all).
pub fn default_expr(
    mut node: NodeEnum,
    column_type: &str,
    domains: &Domains,
) -> Result<Option<String>, String> {
    if is_null(&node) {
        return Ok(None);
    }
    let ty = domains.get(column_type).map_or(column_type, String::as_str);
    if let NodeEnum::AConst(c) = &node {
        if let Some(a_const::Val::Sval(s)) = &c.val {
            node = coerce_default_literal(&s.sval, ty);
        }
    }
    coerce(&mut node, &[], domains);
    canonicalize(&mut node);
    spell(&node).map(Some)
}

/// How many spellings [`spell`] keeps before it starts over.
const MAX_SPELLINGS: usize = 20_000;

thread_local! {
    /// Protobuf encoding of an expression tree → its spelling.
    static SPELLINGS: RefCell<HashMap<Vec<u8>, Result<String, String>>> = RefCell::default();
}

/// [`spell_expr`], memoized per distinct tree: a dump repeats the same defaults, checks and
/// index expressions on every table, and each spelling is a deparse through `pg_query`.
pub(super) fn spell(node: &NodeEnum) -> Result<String, String> {
    // The tree's protobuf encoding identifies it (equal trees, equal bytes) and costs a
    // fraction of formatting it with `Debug`.
    let mut key = Vec::with_capacity(node.encoded_len());
    node.encode(&mut key);
    if let Some(hit) = SPELLINGS.with(|m| m.borrow().get(&key).cloned()) {
        return hit;
    }
    let spelled = spell_expr(node);
    SPELLINGS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MAX_SPELLINGS {
            m.clear();
        }
        m.insert(key, spelled.clone());
    });
    spelled
}

/// A boolean or scalar expression over the columns of one table (a check, an index predicate
/// or an index expression) as PostgreSQL stores it.
pub fn table_expr(
    mut node: NodeEnum,
    columns: &[Column],
    domains: &Domains,
) -> Result<String, String> {
    coerce(&mut node, columns, domains);
    canonicalize(&mut node);
    spell(&node)
}

/// The node form of [`table_expr`], for callers that print it inside something else.
pub fn table_node(mut node: NodeEnum, columns: &[Column], domains: &Domains) -> NodeEnum {
    coerce(&mut node, columns, domains);
    canonicalize(&mut node);
    node
}

/// Distinct column names referenced in an expression, in order of first appearance.
pub fn columns_of(node: &NodeEnum) -> Vec<String> {
    let mut out = Vec::new();
    let mut node = node.clone();
    visit(&mut node, &mut |n| {
        if let NodeEnum::ColumnRef(c) = n {
            if let Some(name) = last_name(&c.fields) {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    });
    out
}

/// Distinct column names referenced by a stored expression text.
pub fn columns_in(expr: &str) -> Vec<String> {
    parse_expr(expr).map(|n| columns_of(&n)).unwrap_or_default()
}

/// Rename column references `old` → `new` inside a node.
pub fn rename_column_node(node: &mut NodeEnum, old: &str, new: &str) {
    visit(node, &mut |n| {
        if let NodeEnum::ColumnRef(c) = n {
            if let Some(Node {
                node: Some(NodeEnum::String(s)),
            }) = c.fields.last_mut()
            {
                if s.sval == old {
                    s.sval = new.to_string();
                }
            }
        }
    });
}

/// Rename column references `old` → `new` inside a stored expression text.
pub fn rename_column(expr: &str, old: &str, new: &str) -> String {
    rewrite(expr, |n| rename_column_node(n, old, new))
}

/// Rename casts to type `old` (canonical spelling) to `new` inside a stored expression text.
pub fn rename_type(expr: &str, old: &str, new: &str) -> String {
    rewrite(expr, |node| {
        visit(node, &mut |n| {
            if let NodeEnum::TypeCast(tc) = n {
                if let Some(tn) = &tc.type_name {
                    let spelled = spell_type_name(tn);
                    let base = spelled.trim_end_matches("[]");
                    if base == old {
                        let dims = &spelled[base.len()..];
                        tc.type_name = Some(canonical_type_name_of(&format!("{new}{dims}")));
                    }
                }
            }
        })
    })
}

fn rewrite(expr: &str, f: impl FnOnce(&mut NodeEnum)) -> String {
    match parse_expr(expr) {
        Ok(mut node) => {
            f(&mut node);
            spell_expr(&node).unwrap_or_else(|_| expr.to_string())
        }
        Err(_) => expr.to_string(),
    }
}

fn is_null(node: &NodeEnum) -> bool {
    match node {
        NodeEnum::AConst(c) => c.isnull,
        NodeEnum::TypeCast(tc) => tc
            .arg
            .as_ref()
            .and_then(|a| a.node.as_ref())
            .is_some_and(is_null),
        _ => false,
    }
}

/// The last `String` of a name list (a column reference's column).
pub(super) fn last_name(nodes: &[Node]) -> Option<String> {
    match nodes.last().and_then(|n| n.node.as_ref()) {
        Some(NodeEnum::String(s)) => Some(s.sval.clone()),
        _ => None,
    }
}

/// Call `f` on every expression node, parents before children.
pub fn visit(node: &mut NodeEnum, f: &mut dyn FnMut(&mut NodeEnum)) {
    f(node);
    for_each_child(node, &mut |c| visit(c, f));
}

/// Call `f` on each direct child expression of `node`.
pub(super) fn for_each_child(node: &mut NodeEnum, f: &mut dyn FnMut(&mut NodeEnum)) {
    fn one(b: &mut Option<Box<Node>>, f: &mut dyn FnMut(&mut NodeEnum)) {
        if let Some(n) = b.as_mut().and_then(|b| b.node.as_mut()) {
            f(n)
        }
    }
    fn all(v: &mut [Node], f: &mut dyn FnMut(&mut NodeEnum)) {
        for n in v.iter_mut().filter_map(|n| n.node.as_mut()) {
            f(n)
        }
    }
    match node {
        NodeEnum::AExpr(e) => {
            one(&mut e.lexpr, f);
            one(&mut e.rexpr, f);
        }
        NodeEnum::BoolExpr(e) => all(&mut e.args, f),
        NodeEnum::FuncCall(e) => {
            all(&mut e.args, f);
            one(&mut e.agg_filter, f);
        }
        NodeEnum::TypeCast(e) => one(&mut e.arg, f),
        NodeEnum::AArrayExpr(e) => all(&mut e.elements, f),
        NodeEnum::NullTest(e) => one(&mut e.arg, f),
        NodeEnum::BooleanTest(e) => one(&mut e.arg, f),
        NodeEnum::CaseExpr(e) => {
            one(&mut e.arg, f);
            all(&mut e.args, f);
            one(&mut e.defresult, f);
        }
        NodeEnum::CaseWhen(e) => {
            one(&mut e.expr, f);
            one(&mut e.result, f);
        }
        NodeEnum::CoalesceExpr(e) => all(&mut e.args, f),
        NodeEnum::MinMaxExpr(e) => all(&mut e.args, f),
        NodeEnum::CollateClause(e) => one(&mut e.arg, f),
        NodeEnum::AIndirection(e) => one(&mut e.arg, f),
        NodeEnum::NamedArgExpr(e) => one(&mut e.arg, f),
        NodeEnum::RowExpr(e) => all(&mut e.args, f),
        NodeEnum::List(e) => all(&mut e.items, f),
        NodeEnum::SubLink(e) => one(&mut e.testexpr, f),
        _ => {}
    }
}

/// A `Node` holding `node`.
pub(super) fn wrap(node: NodeEnum) -> Node {
    Node { node: Some(node) }
}

/// A boxed `Node` slot holding `node`.
pub(super) fn boxed(node: NodeEnum) -> Option<Box<Node>> {
    Some(Box::new(wrap(node)))
}

/// A string literal node.
pub(super) fn sval(s: &str) -> NodeEnum {
    NodeEnum::AConst(AConst {
        isnull: false,
        location: -1,
        val: Some(a_const::Val::Sval(pg_query::protobuf::String {
            sval: s.into(),
        })),
    })
}

/// An integer literal node.
pub(super) fn ival(i: i32) -> NodeEnum {
    NodeEnum::AConst(AConst {
        isnull: false,
        location: -1,
        val: Some(a_const::Val::Ival(pg_query::protobuf::Integer { ival: i })),
    })
}

/// `arg::ty`, with `ty` a canonical type spelling.
pub(super) fn cast(arg: NodeEnum, ty: &str) -> NodeEnum {
    NodeEnum::TypeCast(Box::new(TypeCast {
        arg: boxed(arg),
        type_name: Some(canonical_type_name_of(ty)),
        location: -1,
    }))
}

thread_local! {
    static TYPE_NAMES: RefCell<HashMap<String, TypeName>> = RefCell::new(HashMap::new());
}

/// The parsed `TypeName` of a canonical type spelling (memoised).
fn canonical_type_name_of(spelled: &str) -> TypeName {
    if let Some(tn) = TYPE_NAMES.with(|m| m.borrow().get(spelled).cloned()) {
        return tn;
    }
    let parsed = parse_expr(&format!("NULL::{spelled}"))
        .ok()
        .and_then(|n| match n {
            NodeEnum::TypeCast(tc) => tc.type_name,
            _ => None,
        });
    let tn = parsed.unwrap_or_else(|| TypeName {
        names: vec![wrap(NodeEnum::String(pg_query::protobuf::String {
            sval: spelled.into(),
        }))],
        typemod: -1,
        location: -1,
        ..Default::default()
    });
    TYPE_NAMES.with(|m| m.borrow_mut().insert(spelled.to_string(), tn.clone()));
    tn
}

/// Type names canonical, `public.` dropped, `nextval('s')` → `nextval('s'::regclass)`,
/// negative and out-of-`integer`-range constants as PostgreSQL prints them.
fn canonicalize(node: &mut NodeEnum) {
    for_each_child(node, &mut canonicalize);
    match node {
        NodeEnum::TypeCast(tc) => {
            let Some(tn) = tc.type_name.as_ref() else {
                return;
            };
            let spelled = spell_type_name(tn);
            if spelled == "regclass" {
                if let Some(NodeEnum::AConst(AConst {
                    val: Some(a_const::Val::Sval(s)),
                    ..
                })) = tc.arg.as_mut().and_then(|a| a.node.as_mut())
                {
                    if let Some(rest) = s.sval.strip_prefix("public.") {
                        s.sval = rest.to_string();
                    }
                }
            }
            tc.type_name = Some(canonical_type_name_of(&spelled));
        }
        NodeEnum::FuncCall(f) => {
            let names: Vec<String> = crate::schema::sql::names::strings(&f.funcname);
            if names.len() == 2 && names[0] == "public" {
                f.funcname.remove(0);
            }
            let name = names.last().map(String::as_str).unwrap_or("");
            if matches!(name, "nextval" | "currval" | "setval") {
                if let Some(first) = f.args.first_mut() {
                    if let Some(NodeEnum::AConst(AConst {
                        val: Some(a_const::Val::Sval(s)),
                        ..
                    })) = &first.node
                    {
                        let seq = s
                            .sval
                            .strip_prefix("public.")
                            .unwrap_or(&s.sval)
                            .to_string();
                        first.node = Some(cast(sval(&seq), "regclass"));
                    }
                }
            }
        }
        NodeEnum::AConst(c) => match &c.val {
            Some(a_const::Val::Ival(i)) if i.ival < 0 => {
                *node = cast(sval(&i.ival.to_string()), "integer");
            }
            Some(a_const::Val::Fval(f)) => {
                let text = f.fval.clone();
                let integral = !text.contains(['.', 'e', 'E']);
                if integral && text.parse::<i64>().is_ok() {
                    *node = cast(sval(&text), "bigint");
                } else if text.starts_with('-') {
                    *node = cast(sval(&text), "numeric");
                }
            }
            _ => {}
        },
        _ => {}
    }
}
