//! PostgreSQL columns, defaults and names spelled the way `prisma db pull` prints them: a
//! Prisma scalar type with `?` when nullable, a `@db.*` native type when the column is not the
//! scalar's default type, `@default(...)` (`autoincrement()`, `now()`, literals, enum values,
//! else `dbgenerated("…")`), and valid identifiers for model and field names (`@map`/`@@map`
//! when the database name is not one). Pure functions, no I/O.

use crate::schema::Column;

/// A column as a Prisma field: type token and attributes (without `@id`/`@unique`/`@map`).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpelling {
    /// `String?`, `Int`, `Role`, `Unsupported("tsvector")?`.
    pub ty: String,
    /// `@default(…)` and `@db.…`, space separated (may be empty).
    pub attrs: Vec<String>,
}

/// The Prisma scalar and `@db` attribute of a canonical PostgreSQL type. `enum_model` gives the
/// enum block name of an enum type.
pub fn scalar(
    data_type: &str,
    enum_model: &dyn Fn(&str) -> Option<String>,
) -> (String, Option<String>) {
    if let Some(base) = data_type.strip_suffix("[]") {
        let (s, db) = scalar(base, enum_model);
        return (format!("{s}[]"), db);
    }
    if let Some(e) = enum_model(data_type) {
        return (e, None);
    }
    let (name, args) = match data_type.split_once('(') {
        Some((n, rest)) => (
            n.trim(),
            Some(rest.trim_end_matches(')').replace(',', ", ")),
        ),
        None => (data_type, None),
    };
    let with = |db: &str| match &args {
        Some(a) => format!("@db.{db}({a})"),
        None => format!("@db.{db}"),
    };
    let (s, db): (&str, Option<String>) = match (name, args.as_deref()) {
        ("text", _) => ("String", None),
        ("varchar", _) => ("String", Some(with("VarChar"))),
        ("char", _) => ("String", Some(with("Char"))),
        ("uuid", _) => ("String", Some(with("Uuid"))),
        ("inet", _) => ("String", Some(with("Inet"))),
        ("integer" | "serial", _) => ("Int", None),
        ("smallint" | "smallserial", _) => ("Int", Some(with("SmallInt"))),
        ("bigint" | "bigserial", _) => ("BigInt", None),
        ("boolean", _) => ("Boolean", None),
        ("timestamp", Some("3")) => ("DateTime", None),
        ("timestamp", _) => ("DateTime", Some(with("Timestamp"))),
        ("timestamptz", _) => ("DateTime", Some(with("Timestamptz"))),
        ("date", _) => ("DateTime", Some(with("Date"))),
        ("numeric", Some("65, 30")) => ("Decimal", None),
        ("numeric", _) => ("Decimal", Some(with("Decimal"))),
        ("real", _) => ("Float", Some(with("Real"))),
        ("double precision", _) => ("Float", None),
        ("jsonb", _) => ("Json", None),
        ("json", _) => ("Json", Some(with("Json"))),
        ("bytea", _) => ("Bytes", None),
        _ => {
            // `timestamp(6) with time zone` and the like.
            if let Some(p) = data_type
                .strip_prefix("timestamp(")
                .and_then(|r| r.strip_suffix(") with time zone"))
            {
                return ("DateTime".into(), Some(format!("@db.Timestamptz({p})")));
            }
            return (format!("Unsupported(\"{data_type}\")"), None);
        }
    };
    (s.into(), db)
}

/// A Prisma string literal.
pub fn string_literal(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The `@default(...)` of a column, when it has a default.
pub fn default_attr(column: &Column, scalar: &str, is_enum: bool) -> Option<String> {
    if column.identity.is_some() || column.serial_sequence.is_some() {
        return Some("@default(autoincrement())".into());
    }
    let d = column.default.as_deref()?.trim();
    if d.starts_with("nextval(") {
        return Some("@default(autoincrement())".into());
    }
    let literal = |d: &str| -> Option<String> {
        // `'x'` or `'x'::type`.
        let rest = d.strip_prefix('\'')?;
        let end = rest.rfind('\'')?;
        let tail = &rest[end + 1..];
        if !(tail.is_empty() || tail.starts_with("::")) {
            return None;
        }
        Some(rest[..end].replace("''", "'"))
    };
    let base = scalar.trim_end_matches('?');
    let value = match d {
        "true" | "false" if base == "Boolean" => d.to_string(),
        "CURRENT_TIMESTAMP" if base == "DateTime" => "now()".into(),
        _ if is_enum => match literal(d) {
            Some(v) if is_identifier(&v) => v,
            _ => dbgenerated(d),
        },
        _ if base == "String" => match literal(d) {
            Some(v) => string_literal(&v),
            None => dbgenerated(d),
        },
        _ if matches!(base, "Int" | "BigInt" | "Float" | "Decimal")
            && d.parse::<f64>().is_ok()
            && !d.starts_with('-') =>
        {
            d.to_string()
        }
        _ => dbgenerated(d),
    };
    Some(format!("@default({value})"))
}

fn dbgenerated(expr: &str) -> String {
    format!("dbgenerated({})", string_literal(expr))
}

/// Whether `name` can be a Prisma model or field name as is.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The Prisma name for a database name, and whether it needs `@map`/`@@map` (what `prisma db
/// pull` does with a name that is not a valid identifier: replace the bad characters).
pub fn prisma_name(db_name: &str) -> (String, bool) {
    if is_identifier(db_name) {
        return (db_name.to_string(), false);
    }
    let mut out: String = db_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "x_");
    }
    (out, true)
}

/// A column as a field: type token (`?` when nullable) and attributes (`@default`, `@db`).
pub fn field(column: &Column, enum_model: &dyn Fn(&str) -> Option<String>) -> FieldSpelling {
    let (scalar_type, db) = scalar(&column.data_type, enum_model);
    let is_enum = enum_model(&column.data_type).is_some();
    let list = scalar_type.ends_with("[]");
    let ty = if column.nullable && !list {
        format!("{scalar_type}?")
    } else {
        scalar_type.clone()
    };
    let mut attrs = vec![];
    if let Some(d) = default_attr(column, &scalar_type, is_enum) {
        attrs.push(d);
    }
    attrs.extend(db);
    FieldSpelling { ty, attrs }
}

#[cfg(test)]
mod test {
    use super::*;

    fn no_enums(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn types_as_db_pull_prints_them() {
        for (pg, want, db) in [
            ("text", "String", None),
            ("varchar(255)", "String", Some("@db.VarChar(255)")),
            ("numeric(10,2)", "Decimal", Some("@db.Decimal(10, 2)")),
            ("timestamptz", "DateTime", Some("@db.Timestamptz")),
            ("timestamp(3)", "DateTime", None),
            ("bigint", "BigInt", None),
            ("uuid", "String", Some("@db.Uuid")),
            ("text[]", "String[]", None),
            ("tsvector", "Unsupported(\"tsvector\")", None),
        ] {
            let (s, d) = scalar(pg, &no_enums);
            assert_eq!((s.as_str(), d.as_deref()), (want, db), "{pg}");
        }
    }

    #[test]
    fn defaults() {
        let mut c = Column::new("status", "varchar(20)");
        c.default = Some("'active'::character varying".into());
        assert_eq!(
            default_attr(&c, "String", false).as_deref(),
            Some("@default(\"active\")")
        );
        c.default = Some("gen_random_uuid()".into());
        assert_eq!(
            default_attr(&c, "String", false).as_deref(),
            Some("@default(dbgenerated(\"gen_random_uuid()\"))")
        );
        c.default = Some("'draft'::post_status".into());
        assert_eq!(
            default_attr(&c, "post_status", true).as_deref(),
            Some("@default(draft)")
        );
        c.default = Some("0".into());
        assert_eq!(
            default_attr(&c, "Int", false).as_deref(),
            Some("@default(0)")
        );
    }

    #[test]
    fn names() {
        assert_eq!(prisma_name("users"), ("users".into(), false));
        assert_eq!(prisma_name("order-items"), ("order_items".into(), true));
        assert_eq!(prisma_name("2fa"), ("x_2fa".into(), true));
    }
}
