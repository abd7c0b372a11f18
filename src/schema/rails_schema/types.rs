//! Column types and defaults: what ActiveRecord's PostgreSQL adapter writes for
//! `t.<type> "name", limit:, precision:, scale:, array:, default:` (`string` → `varchar(n)`,
//! `integer, limit: 8` → `bigint`, `datetime` → `timestamp(6)` from Rails 7.0 on, `enum` →
//! its `enum_type:`, any other name → the PostgreSQL type of that name), and Ruby defaults as
//! SQL (`-> { "now()" }` verbatim, `[]` → `'{}'`, `{}` → `'{}'` JSON).

use super::ruby::{Call, Val};
use super::{q, qualified};

/// Rails types whose PostgreSQL type has the same name.
const SAME_NAME: &[&str] = &[
    "text",
    "bigint",
    "smallint",
    "date",
    "boolean",
    "json",
    "jsonb",
    "uuid",
    "inet",
    "cidr",
    "macaddr",
    "citext",
    "hstore",
    "xml",
    "money",
    "tsvector",
    "tsquery",
    "interval",
    "ltree",
    "point",
    "line",
    "lseg",
    "box",
    "path",
    "polygon",
    "circle",
    "oid",
    "daterange",
    "numrange",
    "tsrange",
    "tstzrange",
    "int4range",
    "int8range",
    "serial",
    "bigserial",
];

/// Whether `kind` is a type ActiveRecord knows (others are taken as PostgreSQL type names).
pub fn known(kind: &str) -> bool {
    SAME_NAME.contains(&kind)
        || matches!(
            kind,
            "string"
                | "char"
                | "character"
                | "integer"
                | "float"
                | "real"
                | "decimal"
                | "numeric"
                | "datetime"
                | "timestamp"
                | "timestamptz"
                | "time"
                | "binary"
                | "bit"
                | "bit_varying"
                | "enum"
        )
}

/// The PostgreSQL type of a column. `datetime_precision` is 6 from Rails 7.0 on (the
/// precision `t.datetime` gets when the file does not say `precision: nil`).
pub fn column_type(kind: &str, c: &Call, datetime_precision: Option<u32>) -> String {
    let limit = c.num("limit").and_then(|l| l.parse::<u32>().ok());
    let precision = || match c.opt("precision") {
        Some(Val::Num(p)) => Some(p.clone()),
        _ => None,
    };
    let with_precision = |t: &str| match precision() {
        Some(p) => format!("{t}({p})"),
        None => t.to_string(),
    };
    let t = match kind {
        "string" => limit.map_or("varchar".into(), |n| format!("varchar({n})")),
        "char" | "character" => limit.map_or("char".into(), |n| format!("char({n})")),
        "integer" => match limit {
            Some(1 | 2) => "smallint".into(),
            Some(5..=8) => "bigint".into(),
            _ => "integer".into(),
        },
        "float" => match limit {
            Some(1..=24) => "real".into(),
            _ => "double precision".into(),
        },
        "real" => "real".into(),
        "decimal" | "numeric" => match (precision(), c.num("scale")) {
            (Some(p), Some(s)) => format!("numeric({p},{s})"),
            (Some(p), None) => format!("numeric({p})"),
            _ => "numeric".into(),
        },
        "datetime" => match c.opt("precision") {
            Some(Val::Nil) => "timestamp".into(),
            Some(Val::Num(p)) => format!("timestamp({p})"),
            _ => datetime_precision.map_or("timestamp".into(), |p| format!("timestamp({p})")),
        },
        "timestamp" => with_precision("timestamp"),
        "timestamptz" => with_precision("timestamptz"),
        "time" => with_precision("time"),
        "binary" => "bytea".into(),
        "bit" => limit.map_or("bit".into(), |n| format!("bit({n})")),
        "bit_varying" => limit.map_or("varbit".into(), |n| format!("varbit({n})")),
        "enum" => c
            .text("enum_type")
            .map(qualified)
            .unwrap_or_else(|| "text".into()),
        other if SAME_NAME.contains(&other) => other.into(),
        other => q(other),
    };
    if c.flag("array") {
        format!("{t}[]")
    } else {
        t
    }
}

/// A PostgreSQL array literal's element.
fn array_element(v: &Val) -> String {
    match v {
        Val::Str(s) | Val::Sym(s) => {
            format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
        }
        Val::Num(n) | Val::Raw(n) => n.clone(),
        Val::Bool(b) => b.to_string(),
        Val::Nil => "NULL".into(),
        Val::Arr(items) => format!(
            "{{{}}}",
            items
                .iter()
                .map(array_element)
                .collect::<Vec<_>>()
                .join(",")
        ),
        Val::Hash(_) | Val::Lambda(_) => json(v).to_string(),
    }
}

fn json(v: &Val) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Val::Str(s) | Val::Sym(s) | Val::Lambda(s) | Val::Raw(s) => J::String(s.clone()),
        Val::Num(n) => n
            .parse::<i64>()
            .map(J::from)
            .or_else(|_| n.parse::<f64>().map(J::from))
            .unwrap_or(J::Null),
        Val::Bool(b) => J::Bool(*b),
        Val::Nil => J::Null,
        Val::Arr(items) => J::Array(items.iter().map(json).collect()),
        Val::Hash(items) => J::Object(items.iter().map(|(k, v)| (k.clone(), json(v))).collect()),
    }
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The SQL of `default:`, or None for none (`nil`, absent).
pub fn default_sql(v: &Val, sql_type: &str) -> Option<String> {
    let json_column = matches!(sql_type, "json" | "jsonb");
    Some(match v {
        // `default: []` / `{}` on a json column is JSON text, not a PostgreSQL array.
        Val::Arr(_) | Val::Hash(_) if json_column => literal(&json(v).to_string()),
        Val::Lambda(expr) => expr.clone(),
        Val::Str(s) | Val::Sym(s) => literal(s),
        Val::Num(n) => n.clone(),
        Val::Bool(b) => b.to_string(),
        Val::Nil => return None,
        Val::Arr(items) => literal(&format!(
            "{{{}}}",
            items
                .iter()
                .map(array_element)
                .collect::<Vec<_>>()
                .join(",")
        )),
        Val::Hash(_) if sql_type.ends_with("[]") => literal("{}"),
        Val::Hash(items) if sql_type == "hstore" => literal(
            &items
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        Val::Nil => "NULL".to_string(),
                        v => format!(
                            "\"{}\"",
                            v.text().map_or_else(|| json(v).to_string(), str::to_string)
                        ),
                    };
                    format!("\"{k}\"=>{v}")
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Val::Hash(_) => literal(&json(v).to_string()),
        Val::Raw(r) => return (!r.is_empty()).then(|| r.clone()),
    })
}
