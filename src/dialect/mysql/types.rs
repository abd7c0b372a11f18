//! Type and default spelling. Types that came from a description are inferred in PostgreSQL's
//! canonical spelling (`boolean`, `timestamptz`, `jsonb`, …); they are mapped to the MySQL
//! type that holds the same values. A type already in MySQL spelling (from a MySQL schema)
//! passes through unchanged, so a down restores exactly what the schema had.

use super::quote;
use crate::schema::Schema;

/// The MySQL column type for `ty`. An enum type name of the model becomes an inline
/// `enum('a','b')` (MySQL has no named enum types).
pub fn column_type(ty: &str, schema: &Schema) -> String {
    let t = ty.trim();
    let lower = t.to_ascii_lowercase();
    if let Some(e) = schema
        .enums
        .get(t)
        .or_else(|| schema.enums.values().find(|e| e.name == t))
    {
        return format!("enum({})", quote::literal_list(&e.values));
    }
    if lower.ends_with("[]") {
        return "json".into();
    }
    let (base, args) = match lower.split_once('(') {
        Some((b, rest)) => (b.trim(), Some(rest.trim_end_matches(')').trim())),
        None => (lower.as_str(), None),
    };
    match (base, args) {
        ("boolean" | "bool", None) => "tinyint(1)".to_string(),
        ("integer" | "int4", None) => "int".to_string(),
        ("int8", None) => "bigint".to_string(),
        ("int2", None) => "smallint".to_string(),
        ("serial", None) => "int".to_string(),
        ("bigserial", None) => "bigint".to_string(),
        ("smallserial", None) => "smallint".to_string(),
        ("double precision" | "float8", None) => "double".to_string(),
        ("real" | "float4", None) => "float".to_string(),
        ("numeric", a) => match a {
            Some(a) => format!("decimal({a})"),
            None => "decimal(65,30)".to_string(),
        },
        ("character varying" | "varchar", None) => "varchar(255)".to_string(),
        ("character varying", Some(a)) => format!("varchar({a})"),
        ("character", a) => format!("char({})", a.unwrap_or("1")),
        ("citext", None) => "varchar(255)".to_string(),
        ("timestamptz" | "timestamp with time zone", None)
        | ("timestamp" | "timestamp without time zone", None) => "datetime(6)".to_string(),
        ("timestamptz" | "timestamp with time zone", Some(p))
        | ("timestamp without time zone", Some(p)) => format!("datetime({p})"),
        ("time without time zone" | "timetz" | "time with time zone", _) => "time(6)".to_string(),
        ("jsonb", None) => "json".to_string(),
        ("uuid", None) => "char(36)".to_string(),
        ("bytea", None) => "longblob".to_string(),
        ("inet" | "cidr", None) => "varchar(45)".to_string(),
        ("macaddr", None) => "varchar(17)".to_string(),
        ("interval", None) => "varchar(64)".to_string(),
        ("money", None) => "decimal(19,4)".to_string(),
        ("tsvector", None) => "longtext".to_string(),
        _ => t.to_string(),
    }
}

/// The operation with the column types a description inferred (PostgreSQL's canonical
/// spelling) in MySQL's, so that its summary, the report and the model after the plan say
/// `datetime(6)` where the files do, never `timestamptz`. Serial types (their
/// `AUTO_INCREMENT` is decided from the spelling) and enum type names (MySQL writes them
/// inline when the column is defined) are left for the DDL to spell.
pub fn respell(op: &mut crate::plan::Operation, schema: &Schema) {
    use crate::plan::Operation;
    let keep = |ty: &str| is_serial(ty) || schema.enums.values().any(|e| e.name == ty.trim());
    let spell = |ty: &mut String| {
        if !keep(ty) {
            *ty = column_type(ty, schema);
        }
    };
    match op {
        Operation::AddColumn(o) => spell(&mut o.column.data_type),
        Operation::CreateTable(o) => o
            .definition
            .columns
            .iter_mut()
            .for_each(|c| spell(&mut c.data_type)),
        Operation::ChangeColumnType(o) => spell(&mut o.to_type),
        _ => {}
    }
}

/// Whether the column type is auto-numbered in PostgreSQL spelling (`serial`, `bigserial`).
pub fn is_serial(ty: &str) -> bool {
    matches!(
        ty.trim().to_ascii_lowercase().as_str(),
        "serial" | "bigserial" | "smallserial"
    )
}

/// A default expression in MySQL spelling for a column of MySQL type `mysql_type`, or `None`
/// when the default is a sequence (`nextval(…)`, spelled `AUTO_INCREMENT` instead).
pub fn default_expr(expr: &str, mysql_type: &str) -> Option<String> {
    let stripped = super::strip_casts(expr.trim());
    let e = stripped.trim();
    let lower = e.to_ascii_lowercase();
    if lower.starts_with("nextval(") {
        return None;
    }
    let ty = mysql_type.to_ascii_lowercase();
    let precision = ty
        .strip_prefix("datetime(")
        .or_else(|| ty.strip_prefix("timestamp("))
        .map(|r| r.trim_end_matches(')').to_string());
    let now = || match &precision {
        Some(p) => format!("CURRENT_TIMESTAMP({p})"),
        None => "CURRENT_TIMESTAMP".to_string(),
    };
    Some(match lower.as_str() {
        "true" => "1".into(),
        "false" => "0".into(),
        "now()"
        | "current_timestamp"
        | "current_timestamp()"
        | "localtimestamp"
        | "statement_timestamp()"
        | "transaction_timestamp()" => now(),
        "gen_random_uuid()" | "uuid_generate_v4()" => "(uuid())".into(),
        "current_date" => "(curdate())".into(),
        "'{}'" if mysql_type == "json" => "(json_array())".into(),
        "'{}'::jsonb" | "'{}'::json" => "(json_object())".into(),
        _ if lower.starts_with("current_timestamp(") => e.to_string(),
        _ if is_plain_literal(e) => e.to_string(),
        _ => format!("({e})"),
    })
}

/// A literal MySQL accepts as a plain `DEFAULT` (no parentheses): a quoted string, a number,
/// `NULL`.
fn is_plain_literal(e: &str) -> bool {
    let l = e.to_ascii_lowercase();
    l == "null"
        || (e.starts_with('\'') && e.ends_with('\'') && e.len() >= 2)
        || e.parse::<f64>().is_ok()
        || (e.starts_with('-') && e[1..].parse::<f64>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_spellings_map_and_mysql_spellings_pass_through() {
        let s = Schema::default();
        for (pg, my) in [
            ("boolean", "tinyint(1)"),
            ("timestamptz", "datetime(6)"),
            ("jsonb", "json"),
            ("uuid", "char(36)"),
            ("integer", "int"),
            ("numeric(10,2)", "decimal(10,2)"),
            ("character varying(80)", "varchar(80)"),
            ("varchar(80)", "varchar(80)"),
            ("bigint", "bigint"),
            ("text", "text"),
            ("int(11)", "int(11)"),
            ("enum('a','b')", "enum('a','b')"),
            ("bigint unsigned", "bigint unsigned"),
        ] {
            assert_eq!(column_type(pg, &s), my, "{pg}");
        }
    }

    #[test]
    fn defaults_drop_casts_and_map_now_and_booleans() {
        assert_eq!(default_expr("false", "tinyint(1)").unwrap(), "0");
        assert_eq!(
            default_expr("now()", "datetime(6)").unwrap(),
            "CURRENT_TIMESTAMP(6)"
        );
        assert_eq!(
            default_expr("'draft'::character varying", "varchar(20)").unwrap(),
            "'draft'"
        );
        assert_eq!(default_expr("nextval('s'::regclass)", "int"), None);
        assert_eq!(
            default_expr("current_timestamp()", "timestamp").unwrap(),
            "CURRENT_TIMESTAMP"
        );
    }
}
