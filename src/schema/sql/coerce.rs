//! PostgreSQL's visible coercions, emulated for the common cases: a literal default read as
//! the column's type, a bare column compared with a literal (`price >= (0)::numeric`,
//! `(status)::text = 'x'::text`), `IN` lists as `= ANY (ARRAY[…])`, `BETWEEN` expanded, `LIKE`
//! as `~~`, `varchar` arguments of text functions cast to `text`, text-search configuration
//! names as `regconfig`. Column types are the model's canonical spellings. Checked against
//! PostgreSQL 15 (see `tests/pg_dump_load.rs`).

use super::expr::{boxed, cast, for_each_child, ival, last_name, sval, wrap};
use crate::dialect::postgres::spell_type_name;
use crate::schema::Column;
use pg_query::protobuf::{a_const, AConst, AExpr, AExprKind, Node};
use pg_query::NodeEnum;
use std::collections::BTreeMap;

/// How PostgreSQL treats a column type when it resolves operators against it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cat {
    Int,
    Numeric,
    Float,
    Text,
    Varchar,
    Bpchar,
    Bool,
    Other,
}

/// Drop type modifiers: `varchar(20)[]` → `varchar[]`, `numeric(10,2)` → `numeric`.
fn strip_typmod(ty: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in ty.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out.replace("  ", " ").trim().to_string()
}

fn category(ty: &str) -> Cat {
    match strip_typmod(ty).as_str() {
        "integer" | "bigint" | "smallint" => Cat::Int,
        "numeric" => Cat::Numeric,
        "real" | "double precision" => Cat::Float,
        "text" => Cat::Text,
        "varchar" => Cat::Varchar,
        "char" => Cat::Bpchar,
        "boolean" => Cat::Bool,
        _ => Cat::Other,
    }
}

/// `DEFAULT 'literal'`: PostgreSQL reads the literal as the column's type.
pub(super) fn coerce_default_literal(text: &str, ty: &str) -> NodeEnum {
    let base = strip_typmod(ty);
    match category(ty) {
        Cat::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => bool_const(true),
            "f" | "false" | "n" | "no" | "off" | "0" => bool_const(false),
            _ => cast(sval(text), &base),
        },
        Cat::Int => match text.trim().parse::<i32>() {
            Ok(i) if base == "integer" => ival(i),
            _ => cast(sval(text), &base),
        },
        Cat::Numeric
            if text.starts_with(|c: char| c.is_ascii_digit())
                && text.contains(['.', 'e', 'E'])
                && text.parse::<f64>().is_ok() =>
        {
            NodeEnum::AConst(AConst {
                isnull: false,
                location: -1,
                val: Some(a_const::Val::Fval(pg_query::protobuf::Float {
                    fval: text.into(),
                })),
            })
        }
        _ => cast(sval(text), &base),
    }
}

fn bool_const(b: bool) -> NodeEnum {
    NodeEnum::AConst(AConst {
        isnull: false,
        location: -1,
        val: Some(a_const::Val::Boolval(pg_query::protobuf::Boolean {
            boolval: b,
        })),
    })
}

/// Domains the loader knows: type spelling (as in a column type) → canonical base type.
pub type Domains = BTreeMap<String, String>;

/// Apply the coercions PostgreSQL would make visible: a column of a domain type is cast to
/// the domain's base type (`(email)::text`), then the rules below apply, top-down.
pub(super) fn coerce(node: &mut NodeEnum, columns: &[Column], domains: &Domains) {
    if !domains.is_empty() {
        cast_domain_columns(node, columns, domains);
    }
    coerce_rules(node, columns);
}

fn coerce_rules(node: &mut NodeEnum, columns: &[Column]) {
    for _ in 0..4 {
        if !coerce_here(node, columns) {
            break;
        }
    }
    for_each_child(node, &mut |c| coerce_rules(c, columns));
}

fn cast_domain_columns(node: &mut NodeEnum, columns: &[Column], domains: &Domains) {
    match node {
        NodeEnum::TypeCast(tc)
            if matches!(
                tc.arg.as_ref().and_then(|a| a.node.as_ref()),
                Some(NodeEnum::ColumnRef(_))
            ) => {}
        NodeEnum::ColumnRef(c) => {
            let base = last_name(&c.fields)
                .and_then(|name| columns.iter().find(|col| col.name == name))
                .and_then(|col| domains.get(&col.data_type));
            if let Some(base) = base {
                let target = match category(base) {
                    Cat::Varchar => "text".to_string(),
                    _ => strip_typmod(base),
                };
                *node = cast(node.clone(), &target);
            }
        }
        _ => for_each_child(node, &mut |c| cast_domain_columns(c, columns, domains)),
    }
}

/// The type of a bare column reference, of a column cast to a type, of a call of a known
/// text function, of `COALESCE` over a column, of a JSON `->>` lookup.
fn column_type(node: &NodeEnum, columns: &[Column]) -> Option<String> {
    match node {
        NodeEnum::ColumnRef(c) => {
            let name = last_name(&c.fields)?;
            columns
                .iter()
                .find(|col| col.name == name)
                .map(|c| c.data_type.clone())
        }
        NodeEnum::TypeCast(tc)
            if matches!(
                tc.arg.as_ref().and_then(|a| a.node.as_ref()),
                Some(NodeEnum::ColumnRef(_))
            ) =>
        {
            tc.type_name.as_ref().map(spell_type_name)
        }
        NodeEnum::CoalesceExpr(c) => c
            .args
            .iter()
            .find_map(|a| a.node.as_ref().and_then(|n| column_type(n, columns))),
        NodeEnum::AExpr(e)
            if e.kind == AExprKind::AexprOp as i32
                && matches!(op_name(e).as_str(), "->>" | "#>>") =>
        {
            Some("text".into())
        }
        NodeEnum::FuncCall(f) => {
            let name = crate::schema::sql::names::strings(&f.funcname)
                .pop()
                .unwrap_or_default();
            if name == "extract" {
                Some("numeric".into())
            } else if name == "date_part" {
                Some("double precision".into())
            } else if LENGTH_FUNCS.contains(&name.as_str())
                || name == "strpos"
                || name == "position"
            {
                Some("integer".into())
            } else if TEXT_FUNCS.contains(&name.as_str()) {
                Some("text".into())
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Text functions that return an integer.
const LENGTH_FUNCS: &[&str] = &["length", "char_length", "character_length", "octet_length"];

fn op_name(e: &AExpr) -> String {
    crate::schema::sql::names::strings(&e.name)
        .pop()
        .unwrap_or_default()
}

fn take(b: &mut Option<Box<Node>>) -> Option<NodeEnum> {
    b.take().and_then(|b| b.node)
}

const COMPARE: &[&str] = &[
    "=", "<>", "<", "<=", ">", ">=", "~", "~*", "!~", "!~*", "~~", "!~~",
];
const MORE_HOMOGENEOUS: &[&str] = &["~~*", "!~~*", "@>", "<@", "&&", "||"];
const ARITH: &[&str] = &["+", "-", "*", "/", "%"];
/// Functions whose literal arguments PostgreSQL types as `text` (besides [`TEXT_FUNCS`]).
const TEXT_ARG_FUNCS: &[&str] = &[
    "timezone",
    "date_trunc",
    "to_char",
    "regexp_replace",
    "regexp_match",
    "starts_with",
    "position",
    "concat_ws",
];
const TEXT_FUNCS: &[&str] = &[
    "lower",
    "upper",
    "length",
    "char_length",
    "character_length",
    "octet_length",
    "btrim",
    "ltrim",
    "rtrim",
    "md5",
    "initcap",
    "reverse",
    "left",
    "right",
    "substr",
    "substring",
    "replace",
    "split_part",
    "strpos",
    "translate",
    "unaccent",
];

/// One rewrite at this node; true when something changed.
fn coerce_here(node: &mut NodeEnum, columns: &[Column]) -> bool {
    match node {
        NodeEnum::AExpr(e) => {
            let kind = AExprKind::try_from(e.kind).unwrap_or(AExprKind::Undefined);
            match kind {
                AExprKind::AexprLike | AExprKind::AexprIlike => {
                    e.kind = AExprKind::AexprOp as i32;
                    true
                }
                AExprKind::AexprBetween | AExprKind::AexprNotBetween => {
                    let not = kind == AExprKind::AexprNotBetween;
                    let Some(lhs) = take(&mut e.lexpr) else {
                        return false;
                    };
                    let bounds = match take(&mut e.rexpr) {
                        Some(NodeEnum::List(l)) if l.items.len() == 2 => l.items,
                        other => {
                            e.lexpr = boxed(lhs);
                            e.rexpr = other.map(|o| Box::new(wrap(o)));
                            return false;
                        }
                    };
                    let (lo_op, hi_op, bool_op) = if not {
                        ("<", ">", pg_query::protobuf::BoolExprType::OrExpr)
                    } else {
                        (">=", "<=", pg_query::protobuf::BoolExprType::AndExpr)
                    };
                    let mut it = bounds.into_iter().filter_map(|n| n.node);
                    let (Some(lo), Some(hi)) = (it.next(), it.next()) else {
                        return false;
                    };
                    *node = NodeEnum::BoolExpr(Box::new(pg_query::protobuf::BoolExpr {
                        xpr: None,
                        boolop: bool_op as i32,
                        args: vec![
                            wrap(binop(lo_op, lhs.clone(), lo)),
                            wrap(binop(hi_op, lhs, hi)),
                        ],
                        location: -1,
                    }));
                    true
                }
                AExprKind::AexprIn => coerce_in(e, columns),
                AExprKind::AexprOp => coerce_binop(e, columns),
                _ => false,
            }
        }
        NodeEnum::FuncCall(f) => {
            let name = crate::schema::sql::names::strings(&f.funcname)
                .pop()
                .unwrap_or_default();
            let mut changed = false;
            let ts_func = name.starts_with("to_ts") || name.ends_with("to_tsquery");
            if let (true, 2, Some(first)) = (ts_func, f.args.len(), f.args.first_mut()) {
                if let Some(NodeEnum::AConst(AConst {
                    val: Some(a_const::Val::Sval(s)),
                    ..
                })) = &first.node
                {
                    first.node = Some(cast(sval(&s.sval.clone()), "regconfig"));
                    changed = true;
                }
            }
            if TEXT_ARG_FUNCS.contains(&name.as_str()) || TEXT_FUNCS.contains(&name.as_str()) {
                // Their parameters are text: an untyped literal argument becomes `'x'::text`.
                for arg in &mut f.args {
                    if let Some(NodeEnum::AConst(AConst {
                        val: Some(a_const::Val::Sval(s)),
                        ..
                    })) = &arg.node
                    {
                        arg.node = Some(cast(sval(&s.sval.clone()), "text"));
                        changed = true;
                    }
                }
            }
            let text_func = TEXT_FUNCS.contains(&name.as_str()) || name.starts_with("to_ts");
            if text_func {
                let length_like = matches!(
                    name.as_str(),
                    "length" | "char_length" | "character_length" | "octet_length"
                );
                for arg in &mut f.args {
                    let Some(n) = arg.node.as_ref() else { continue };
                    let cat = column_type(n, columns).as_deref().map(category);
                    if cat == Some(Cat::Varchar) || (cat == Some(Cat::Bpchar) && !length_like) {
                        let n = arg.node.take().expect("checked");
                        arg.node = Some(cast(n, "text"));
                        changed = true;
                    }
                }
            }
            changed
        }
        NodeEnum::CoalesceExpr(c) => {
            let Some(ty) = c
                .args
                .iter()
                .find_map(|a| a.node.as_ref().and_then(|n| column_type(n, columns)))
            else {
                return false;
            };
            let base = strip_typmod(&ty);
            let mut changed = false;
            for arg in &mut c.args {
                if let Some(NodeEnum::AConst(AConst {
                    val: Some(a_const::Val::Sval(s)),
                    ..
                })) = &arg.node
                {
                    arg.node = Some(cast(sval(&s.sval.clone()), &base));
                    changed = true;
                }
            }
            changed
        }
        _ => false,
    }
}

fn binop(op: &str, l: NodeEnum, r: NodeEnum) -> NodeEnum {
    NodeEnum::AExpr(Box::new(AExpr {
        kind: AExprKind::AexprOp as i32,
        name: vec![wrap(NodeEnum::String(pg_query::protobuf::String {
            sval: op.into(),
        }))],
        lexpr: boxed(l),
        rexpr: boxed(r),
        rexpr_list_start: -1,
        rexpr_list_end: -1,
        location: -1,
    }))
}

enum Lit {
    Str(String),
    Int,
    Float,
}

fn literal(node: &NodeEnum) -> Option<Lit> {
    match node {
        NodeEnum::AConst(AConst { val: Some(v), .. }) => match v {
            a_const::Val::Sval(s) => Some(Lit::Str(s.sval.clone())),
            a_const::Val::Ival(_) => Some(Lit::Int),
            a_const::Val::Fval(_) => Some(Lit::Float),
            _ => None,
        },
        _ => None,
    }
}

/// `column op literal` (either side): make the literal (and for `varchar` the column) the
/// type PostgreSQL resolves the operator with.
fn coerce_binop(e: &mut AExpr, columns: &[Column]) -> bool {
    let op = op_name(e);
    let (Some(l), Some(r)) = (
        e.lexpr.as_ref().and_then(|b| b.node.as_ref()),
        e.rexpr.as_ref().and_then(|b| b.node.as_ref()),
    ) else {
        return false;
    };
    let (col_left, ty, lit) = match (column_type(l, columns), column_type(r, columns)) {
        (Some(t), None) => match literal(r) {
            Some(lit) => (true, t, lit),
            None => return false,
        },
        (None, Some(t)) => match literal(l) {
            Some(lit) => (false, t, lit),
            None => return false,
        },
        _ => return false,
    };
    let cat = category(&ty);
    let base = strip_typmod(&ty);
    let compare = COMPARE.contains(&op.as_str()) || MORE_HOMOGENEOUS.contains(&op.as_str());
    let arith = ARITH.contains(&op.as_str());
    let json = matches!(op.as_str(), "->" | "->>" | "?");
    let json_path = matches!(op.as_str(), "#>" | "#>>" | "?|" | "?&");
    // (new column node, new literal node) as type names to cast to; None = keep.
    let (col_cast, lit_cast): (Option<&str>, Option<String>) = match (&lit, cat) {
        (Lit::Str(_), _) if json => (None, Some("text".into())),
        (Lit::Str(_), _) if json_path => (None, Some("text[]".into())),
        (Lit::Str(_), Cat::Varchar) if compare => (Some("text"), Some("text".into())),
        (Lit::Str(_), Cat::Text) if compare => (None, Some("text".into())),
        (Lit::Str(_), Cat::Bpchar) if compare => (None, Some("char".into())),
        (Lit::Str(_), Cat::Other) if compare => (None, Some(base.clone())),
        (Lit::Int, Cat::Numeric) if compare || arith => (None, Some("numeric".into())),
        // float4 has cross-type operators with float8, which PostgreSQL prefers.
        (Lit::Int | Lit::Float, Cat::Float) if compare || arith => {
            (None, Some("double precision".into()))
        }
        (Lit::Float, Cat::Int) if compare || arith => (Some("numeric"), None),
        (Lit::Str(s), Cat::Int) if compare && s.trim().parse::<i32>().is_ok() => {
            let v = s.trim().parse::<i32>().expect("checked");
            let slot = if col_left { &mut e.rexpr } else { &mut e.lexpr };
            *slot = boxed(ival(v));
            return true;
        }
        _ => return false,
    };
    let (col_slot, lit_slot) = if col_left {
        (&mut e.lexpr, &mut e.rexpr)
    } else {
        (&mut e.rexpr, &mut e.lexpr)
    };
    if let Some(t) = col_cast {
        let c = take(col_slot).expect("checked");
        *col_slot = boxed(cast(c, t));
    }
    if let Some(t) = lit_cast {
        let v = take(lit_slot).expect("checked");
        *lit_slot = boxed(cast(v, &t));
    }
    true
}

/// `column [NOT] IN (literals)` → `column = ANY (ARRAY[…])` / `<> ALL`, as PostgreSQL stores
/// it (one element: a plain comparison).
fn coerce_in(e: &mut AExpr, columns: &[Column]) -> bool {
    let op = op_name(e);
    let Some(ty) = e
        .lexpr
        .as_ref()
        .and_then(|b| b.node.as_ref())
        .and_then(|n| column_type(n, columns))
    else {
        return false;
    };
    let Some(NodeEnum::List(list)) = e.rexpr.as_ref().and_then(|b| b.node.as_ref()) else {
        return false;
    };
    let items: Vec<NodeEnum> = list.items.iter().filter_map(|n| n.node.clone()).collect();
    let lits: Option<Vec<Lit>> = items.iter().map(literal).collect();
    let Some(lits) = lits else { return false };
    if items.len() == 1 {
        e.kind = AExprKind::AexprOp as i32;
        e.rexpr = boxed(items.into_iter().next().expect("one"));
        return true;
    }
    let cat = category(&ty);
    let base = strip_typmod(&ty);
    let all_str = lits.iter().all(|l| matches!(l, Lit::Str(_)));
    let all_int = lits.iter().all(|l| matches!(l, Lit::Int));
    let (elem_cast, array_cast, col_cast): (Option<String>, Option<&str>, Option<&str>) = match cat
    {
        Cat::Varchar if all_str => (Some("varchar".into()), Some("text[]"), Some("text")),
        Cat::Text if all_str => (Some("text".into()), None, None),
        Cat::Bpchar if all_str => (Some("char".into()), None, None),
        Cat::Other if all_str => (Some(base), None, None),
        Cat::Int if all_int => (None, None, None),
        Cat::Numeric if all_int => (Some("numeric".into()), None, None),
        Cat::Float if !all_str => (Some(base), None, None),
        _ => return false,
    };
    let elements: Vec<Node> = items
        .into_iter()
        .map(|n| wrap(elem_cast.as_deref().map_or(n.clone(), |t| cast(n, t))))
        .collect();
    let mut array = NodeEnum::AArrayExpr(pg_query::protobuf::AArrayExpr {
        elements,
        list_start: -1,
        list_end: -1,
        location: -1,
    });
    if let Some(t) = array_cast {
        array = cast(array, t);
    }
    if let Some(t) = col_cast {
        let c = take(&mut e.lexpr).expect("checked");
        e.lexpr = boxed(cast(c, t));
    }
    e.kind = if op == "<>" {
        AExprKind::AexprOpAll as i32
    } else {
        AExprKind::AexprOpAny as i32
    };
    e.rexpr = boxed(array);
    true
}
