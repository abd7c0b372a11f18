//! Type inference from a column's name, and framework type words → PostgreSQL types.
//!
//! The rules are data (`NAME_RULES`): the report quotes the rule that fired, so a user can see
//! why `email_verified` became `boolean NOT NULL DEFAULT false`.

use crate::dialect::postgres::{canonical_type, SpellingError};

/// A column shape inferred from a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Inferred {
    /// Canonical PostgreSQL type.
    pub data_type: String,
    pub nullable: bool,
    /// Canonical default expression.
    pub default: Option<String>,
    /// Human reason, e.g. "`*_at` names a point in time".
    pub reason: &'static str,
    /// Whether the name looks like a reference (`*_id`).
    pub reference: bool,
}

/// How a name pattern matches.
enum Pattern {
    Exact(&'static [&'static str]),
    Prefix(&'static [&'static str]),
    Suffix(&'static [&'static str]),
}

impl Pattern {
    fn matches(&self, name: &str) -> bool {
        match self {
            Pattern::Exact(words) => words.contains(&name),
            Pattern::Prefix(words) => words
                .iter()
                .any(|w| name.starts_with(w) && name.len() > w.len()),
            Pattern::Suffix(words) => words
                .iter()
                .any(|w| name.ends_with(w) && name.len() > w.len()),
        }
    }
}

struct Rule {
    pattern: Pattern,
    data_type: &'static str,
    nullable: bool,
    default: Option<&'static str>,
    reason: &'static str,
    reference: bool,
}

const fn rule(
    pattern: Pattern,
    data_type: &'static str,
    nullable: bool,
    default: Option<&'static str>,
    reason: &'static str,
) -> Rule {
    Rule {
        pattern,
        data_type,
        nullable,
        default,
        reason,
        reference: false,
    }
}

/// First match wins; order from most to least specific.
const NAME_RULES: &[Rule] = &[
    rule(
        Pattern::Exact(&["uuid", "guid"]),
        "uuid",
        true,
        None,
        "`uuid` names a UUID",
    ),
    rule(
        Pattern::Suffix(&["_at"]),
        "timestamptz",
        true,
        None,
        "`*_at` names a point in time",
    ),
    rule(
        Pattern::Suffix(&["_on", "_date"]),
        "date",
        true,
        None,
        "`*_on`/`*_date` names a calendar date",
    ),
    rule(
        Pattern::Exact(&["birthday", "birthdate", "date"]),
        "date",
        true,
        None,
        "names a calendar date",
    ),
    rule(
        Pattern::Prefix(&["is_", "has_", "can_", "should_", "allow_", "allows_"]),
        "boolean",
        false,
        Some("false"),
        "`is_*`/`has_*` names a yes/no flag",
    ),
    rule(
        Pattern::Suffix(&[
            "_verified",
            "_enabled",
            "_disabled",
            "_confirmed",
            "_active",
            "_archived",
            "_deleted",
            "_published",
            "_visible",
            "_locked",
            "_flag",
        ]),
        "boolean",
        false,
        Some("false"),
        "`*_verified`/`*_enabled`-style names are yes/no flags",
    ),
    rule(
        Pattern::Exact(&[
            "active",
            "enabled",
            "disabled",
            "verified",
            "confirmed",
            "archived",
            "deleted",
            "published",
            "visible",
            "locked",
            "admin",
            "approved",
        ]),
        "boolean",
        false,
        Some("false"),
        "a yes/no word names a flag",
    ),
    Rule {
        pattern: Pattern::Suffix(&["_id"]),
        data_type: "bigint",
        nullable: true,
        default: None,
        reason: "`*_id` names a reference to another row",
        reference: true,
    },
    rule(
        Pattern::Suffix(&["_count"]),
        "integer",
        false,
        Some("0"),
        "`*_count` names a counter",
    ),
    rule(
        Pattern::Suffix(&["_cents"]),
        "integer",
        true,
        None,
        "`*_cents` names an amount in minor units",
    ),
    rule(
        Pattern::Exact(&[
            "price", "amount", "cost", "total", "balance", "subtotal", "tax",
        ]),
        "numeric(12,2)",
        true,
        None,
        "names an amount of money",
    ),
    rule(
        Pattern::Suffix(&["_price", "_amount", "_cost", "_total", "_balance"]),
        "numeric(12,2)",
        true,
        None,
        "names an amount of money",
    ),
    rule(
        Pattern::Exact(&["quantity", "position", "age", "rank", "score", "priority"]),
        "integer",
        true,
        None,
        "names a whole number",
    ),
    rule(
        Pattern::Exact(&[
            "metadata",
            "settings",
            "preferences",
            "properties",
            "data",
            "payload",
            "attributes",
            "options",
        ]),
        "jsonb",
        true,
        None,
        "names structured data",
    ),
    rule(
        Pattern::Suffix(&["_json", "_data", "_settings", "_metadata"]),
        "jsonb",
        true,
        None,
        "names structured data",
    ),
    rule(
        Pattern::Exact(&["email", "name", "title", "slug", "username", "url", "phone"]),
        "text",
        true,
        None,
        "names a short string",
    ),
    rule(
        Pattern::Suffix(&["_url", "_email", "_name", "_title"]),
        "text",
        true,
        None,
        "names a short string",
    ),
];

/// Infer a column's shape from its name. Falls back to nullable `text`.
pub fn infer_from_name(name: &str) -> Inferred {
    let lower = name.to_lowercase();
    NAME_RULES
        .iter()
        .find(|r| r.pattern.matches(&lower))
        .map(|r| Inferred {
            data_type: r.data_type.to_string(),
            nullable: r.nullable,
            default: r.default.map(str::to_string),
            reason: r.reason,
            reference: r.reference,
        })
        .unwrap_or(Inferred {
            data_type: "text".into(),
            nullable: true,
            default: None,
            reason: "no rule matched the name, so the general-purpose `text` was chosen",
            reference: false,
        })
}

/// Framework and SQL type words → canonical PostgreSQL type.
///
/// Accepts Rails/Django/Prisma/Sequelize spellings (`string`, `datetime`, `bool`, `float`,
/// `decimal(10,2)`, `references`…) and every spelling PostgreSQL itself accepts.
pub fn sql_type(word: &str) -> Result<String, SpellingError> {
    let trimmed = word.trim();
    let lower = trimmed.to_lowercase();
    let (head, args) = match lower.find('(') {
        Some(i) => (lower[..i].trim(), &lower[i..]),
        None => (lower.as_str(), ""),
    };
    let mapped = match head {
        "string" | "str" | "varchar" if args.is_empty() => Some("text".to_string()),
        "string" | "str" => Some(format!("varchar{args}")),
        "datetime" | "timestamp_tz" => Some(format!("timestamptz{args}")),
        "bool" | "boolean" => Some("boolean".into()),
        "float" | "double" => Some("double precision".into()),
        "decimal" | "money_amount" => Some(format!("numeric{args}")),
        "json" => Some("jsonb".into()),
        "int" | "integer" | "int32" => Some("integer".into()),
        "long" | "int64" | "bigint" | "biginteger" => Some("bigint".into()),
        "binary" | "blob" | "bytes" => Some("bytea".into()),
        "references" | "reference" | "belongs_to" | "foreignkey" => Some("bigint".into()),
        _ => django_field(head, args),
    };
    let candidate = mapped.unwrap_or_else(|| trimmed.to_string());
    canonical_type(&candidate).map_err(|_| SpellingError::Type(trimmed.to_string()))
}

/// Django model fields (`CharField(max_length=80)`, `BooleanField`, `JSONField`…) → the type
/// Django's PostgreSQL backend creates for them.
fn django_field(head: &str, args: &str) -> Option<String> {
    let arg = |key: &str| {
        args.trim_matches(|c| c == '(' || c == ')')
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_string())
    };
    Some(match head {
        "charfield" | "emailfield" | "urlfield" | "slugfield" => match arg("max_length") {
            Some(n) => format!("varchar({n})"),
            None => "text".into(),
        },
        "textfield" => "text".into(),
        "booleanfield" | "nullbooleanfield" => "boolean".into(),
        "integerfield" | "positiveintegerfield" => "integer".into(),
        "smallintegerfield" | "positivesmallintegerfield" => "smallint".into(),
        "bigintegerfield" | "positivebigintegerfield" => "bigint".into(),
        "floatfield" => "double precision".into(),
        "decimalfield" => match (arg("max_digits"), arg("decimal_places")) {
            (Some(p), Some(s)) => format!("numeric({p},{s})"),
            _ => "numeric".into(),
        },
        "datetimefield" => "timestamptz".into(),
        "datefield" => "date".into(),
        "timefield" => "time".into(),
        "durationfield" => "interval".into(),
        "uuidfield" => "uuid".into(),
        "jsonfield" => "jsonb".into(),
        "binaryfield" => "bytea".into(),
        "genericipaddressfield" | "ipaddressfield" => "inet".into(),
        _ => return None,
    })
}

/// Whether a type word means "a reference to another table" (`user:references`,
/// Django's `ForeignKey`).
pub fn is_reference_word(word: &str) -> bool {
    matches!(
        word.trim().to_lowercase().as_str(),
        "references" | "reference" | "belongs_to" | "foreignkey"
    )
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn infers_from_names() {
        let cases = [
            ("created_at", "timestamptz", true, None),
            ("due_on", "date", true, None),
            ("birth_date", "date", true, None),
            ("is_admin", "boolean", false, Some("false")),
            ("has_avatar", "boolean", false, Some("false")),
            ("email_verified", "boolean", false, Some("false")),
            ("mfa_enabled", "boolean", false, Some("false")),
            ("user_id", "bigint", true, None),
            ("comments_count", "integer", false, Some("0")),
            ("price", "numeric(12,2)", true, None),
            ("price_cents", "integer", true, None),
            ("email", "text", true, None),
            ("avatar_url", "text", true, None),
            ("uuid", "uuid", true, None),
            ("metadata", "jsonb", true, None),
            ("extra_json", "jsonb", true, None),
            ("settings", "jsonb", true, None),
            ("bio", "text", true, None),
        ];
        for (name, ty, nullable, default) in cases {
            let got = infer_from_name(name);
            assert_eq!(got.data_type, ty, "{name}");
            assert_eq!(got.nullable, nullable, "{name}");
            assert_eq!(got.default.as_deref(), default, "{name}");
        }
        assert!(infer_from_name("user_id").reference);
        // A bare suffix is not a match: `_at` alone is not a timestamp name.
        assert_eq!(infer_from_name("at").data_type, "text");
    }

    #[test]
    fn maps_framework_type_words() {
        for (word, want) in [
            ("string", "text"),
            ("string(50)", "varchar(50)"),
            ("text", "text"),
            ("integer", "integer"),
            ("int", "integer"),
            ("datetime", "timestamptz"),
            ("bool", "boolean"),
            ("decimal(10,2)", "numeric(10,2)"),
            ("json", "jsonb"),
            ("CharField(max_length=80)", "varchar(80)"),
            ("BooleanField", "boolean"),
            (
                "DecimalField(max_digits=10, decimal_places=2)",
                "numeric(10,2)",
            ),
            ("JSONField", "jsonb"),
            ("DateTimeField", "timestamptz"),
            ("float", "double precision"),
            ("varchar(20)", "varchar(20)"),
            ("VARCHAR(20)", "varchar(20)"),
            ("timestamp with time zone", "timestamptz"),
            ("uuid", "uuid"),
            ("bigint", "bigint"),
            ("binary", "bytea"),
        ] {
            assert_eq!(sql_type(word).as_deref(), Ok(want), "{word}");
        }
        assert!(sql_type("frobnicator(").is_err());
    }
}
