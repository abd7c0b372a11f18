//! What the JavaScript renderers (Sequelize, TypeORM, Knex) share to write a library call
//! instead of raw SQL: the column types and default expressions every one of those libraries
//! spells exactly. Cutting a phase into raw statements and whole operations is
//! [`super::op_groups`], shared with the other code-based renderers.
//!
//! Nothing here knows a library's API: each renderer decides, per operation, whether its call
//! yields exactly the plain SQL's catalog, and falls back to the statements when it does not.

/// A PostgreSQL column type every JavaScript library here can declare exactly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JsType {
    Boolean,
    Text,
    /// `varchar(n)`.
    Varchar(u32),
    SmallInt,
    Integer,
    BigInt,
    /// `numeric(precision, scale)`.
    Numeric(u32, u32),
    Real,
    Double,
    Date,
    /// `timestamp` (without time zone).
    Timestamp,
    Timestamptz,
    Json,
    Jsonb,
    Uuid,
}

impl JsType {
    /// The type for a canonical PostgreSQL spelling (`varchar(20)`, `numeric(10,2)`), or `None`
    /// for anything a library would spell differently (arrays, enums, domains, precisions,
    /// `varchar` without a length, …).
    pub fn parse(canonical: &str) -> Option<JsType> {
        let simple = match canonical {
            "boolean" => Some(JsType::Boolean),
            "text" => Some(JsType::Text),
            "smallint" => Some(JsType::SmallInt),
            "integer" => Some(JsType::Integer),
            "bigint" => Some(JsType::BigInt),
            "real" => Some(JsType::Real),
            "double precision" => Some(JsType::Double),
            "date" => Some(JsType::Date),
            "timestamp" => Some(JsType::Timestamp),
            "timestamptz" => Some(JsType::Timestamptz),
            "json" => Some(JsType::Json),
            "jsonb" => Some(JsType::Jsonb),
            "uuid" => Some(JsType::Uuid),
            _ => None,
        };
        if simple.is_some() {
            return simple;
        }
        let args = |prefix: &str| -> Option<Vec<u32>> {
            let inner = canonical.strip_prefix(prefix)?.strip_suffix(')')?;
            inner.split(',').map(|n| n.trim().parse().ok()).collect()
        };
        if let Some([n]) = args("varchar(").as_deref() {
            return (*n > 0).then_some(JsType::Varchar(*n));
        }
        if let Some([p, s]) = args("numeric(").as_deref() {
            return Some(JsType::Numeric(*p, *s));
        }
        None
    }

    /// Whether values of this type are strings (so a quoted literal default suits it).
    pub fn is_textual(self) -> bool {
        matches!(self, JsType::Text | JsType::Varchar(_))
    }

    fn is_integer(self) -> bool {
        matches!(self, JsType::SmallInt | JsType::Integer | JsType::BigInt)
    }
}

/// A default expression a library can write so that PostgreSQL stores the same expression.
#[derive(Debug, Clone, PartialEq)]
pub enum JsDefault {
    Bool(bool),
    /// An integer literal (kept as written: `-1`, `0`) on an integer column.
    Integer(String),
    /// A string literal's value on a `text`/`varchar` column.
    Text(String),
    /// `now()`.
    Now,
    /// `CURRENT_TIMESTAMP`.
    CurrentTimestamp,
}

impl JsDefault {
    /// The default for the canonical expression `sql` on a column of type `ty`, or `None` when
    /// it is anything but a plain constant, `now()` or `CURRENT_TIMESTAMP`.
    pub fn parse(sql: &str, ty: JsType) -> Option<JsDefault> {
        match sql {
            "true" | "false" if ty == JsType::Boolean => {
                return Some(JsDefault::Bool(sql == "true"))
            }
            "now()" if matches!(ty, JsType::Timestamptz | JsType::Timestamp) => {
                return Some(JsDefault::Now)
            }
            "CURRENT_TIMESTAMP" if matches!(ty, JsType::Timestamptz | JsType::Timestamp) => {
                return Some(JsDefault::CurrentTimestamp)
            }
            _ => {}
        }
        let digits = sql.strip_prefix('-').unwrap_or(sql);
        if ty.is_integer()
            && !digits.is_empty()
            && digits.len() <= 15
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
        {
            return Some(JsDefault::Integer(sql.to_string()));
        }
        if ty.is_textual() {
            return string_literal(sql).map(JsDefault::Text);
        }
        None
    }
}

/// The value of a plain SQL string literal `'it''s'` (no cast, no `E''`), or `None`.
fn string_literal(sql: &str) -> Option<String> {
    let inner = sql.strip_prefix('\'')?.strip_suffix('\'')?;
    // Every quote inside must be a doubled one.
    let value = inner.replace("''", "'");
    if value.matches('\'').count() * 2 != inner.matches('\'').count() {
        return None;
    }
    // Libraries differ in how they escape backslashes and control characters: keep those raw.
    if value.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    Some(value)
}

/// A single-quoted JavaScript string literal holding `text` exactly.
pub fn js_quote(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `['a', 'b']`.
pub fn js_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| js_quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Whether a table key is unqualified (`users`, not `audit.events`): the calls here are written
/// for tables on the search path.
pub fn unqualified(table: &str) -> bool {
    !table.contains('.')
}

/// The index's columns, when it is a plain btree index on columns (no expression, predicate
/// or INCLUDE).
pub fn plain_index_columns(index: &crate::schema::Index) -> Option<Vec<String>> {
    if index.method != "btree" || index.predicate.is_some() || !index.include.is_empty() {
        return None;
    }
    index
        .columns
        .iter()
        .map(|k| k.column().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn types_map_only_exact_spellings() {
        assert_eq!(JsType::parse("varchar(20)"), Some(JsType::Varchar(20)));
        assert_eq!(JsType::parse("numeric(10,2)"), Some(JsType::Numeric(10, 2)));
        assert_eq!(JsType::parse("timestamptz"), Some(JsType::Timestamptz));
        for raw in [
            "varchar",
            "numeric",
            "text[]",
            "timestamptz(3)",
            "citext",
            "mood",
        ] {
            assert_eq!(JsType::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn defaults_map_only_constants_and_now() {
        use JsDefault::*;
        let d = JsDefault::parse;
        assert_eq!(d("false", JsType::Boolean), Some(Bool(false)));
        assert_eq!(d("-1", JsType::Integer), Some(Integer("-1".into())));
        assert_eq!(d("'it''s'", JsType::Text), Some(Text("it's".into())));
        assert_eq!(d("now()", JsType::Timestamptz), Some(Now));
        assert_eq!(
            d("CURRENT_TIMESTAMP", JsType::Timestamptz),
            Some(CurrentTimestamp)
        );
        for (raw, ty) in [
            ("1.5", JsType::Numeric(10, 2)),
            ("0", JsType::Numeric(10, 2)),
            ("'a'::character varying", JsType::Varchar(5)),
            ("'a' || 'b'", JsType::Text),
            ("gen_random_uuid()", JsType::Uuid),
            ("007", JsType::Integer),
            ("false", JsType::Text),
        ] {
            assert_eq!(d(raw, ty), None, "{raw}");
        }
    }

    #[test]
    fn js_strings_are_exact() {
        assert_eq!(js_quote("it's \\ \n"), "'it\\'s \\\\ \\n'");
        assert_eq!(js_list(&["a".into(), "b".into()]), "['a', 'b']");
    }
}
