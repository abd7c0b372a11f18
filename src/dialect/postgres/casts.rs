//! Which type conversions PostgreSQL has a cast for, so `change type` without `using` is
//! refused at planning time when the server would refuse it ("cannot cast type … to …").

/// Type families whose members all cast to one another.
const FAMILIES: &[&[&str]] = &[
    &[
        "smallint",
        "integer",
        "bigint",
        "numeric",
        "real",
        "double precision",
        "money",
    ],
    &["date", "timestamp", "timestamptz"],
    &["time", "timetz"],
    &["json", "jsonb"],
    &["inet", "cidr"],
    &["bit", "varbit"],
];

/// Casts across families that exist.
const CROSS: &[(&str, &str)] = &[
    ("boolean", "integer"),
    ("integer", "boolean"),
    ("timestamp", "time"),
    ("timestamptz", "time"),
    ("timestamptz", "timetz"),
    ("jsonb", "boolean"),
    ("jsonb", "smallint"),
    ("jsonb", "integer"),
    ("jsonb", "bigint"),
    ("jsonb", "numeric"),
    ("jsonb", "real"),
    ("jsonb", "double precision"),
];

const STRINGS: &[&str] = &["text", "varchar", "char"];

/// MySQL/MariaDB spellings (columns read from a MySQL schema keep them) of types in the
/// families above, as the PostgreSQL type that holds the same values, so the same rules apply
/// to a MySQL column: `int` → `bigint` is a widening there too.
const MYSQL_SPELLINGS: &[(&str, &str)] = &[
    ("tinyint", "smallint"),
    ("mediumint", "integer"),
    ("int", "integer"),
    ("decimal", "numeric"),
    ("double", "double precision"),
    ("float", "real"),
    ("datetime", "timestamp"),
];

fn base(t: &str) -> &str {
    if t.ends_with("[]") {
        return t;
    }
    let b = t.split('(').next().unwrap_or(t).trim();
    let b = b.strip_suffix(" unsigned").unwrap_or(b).trim();
    MYSQL_SPELLINGS
        .iter()
        .find(|(mysql, _)| *mysql == b)
        .map_or(b, |(_, pg)| pg)
}

/// Whether PostgreSQL can cast `from` to `to` (canonical types). Strings convert to and from
/// anything (through the types' text form); `is_user_type` marks enums and other named types,
/// which convert through text (`col::text::type`).
pub fn has_cast(from: &str, to: &str, is_user_type: impl Fn(&str) -> bool) -> bool {
    let (f, t) = (base(from), base(to));
    f == t
        || STRINGS.contains(&f)
        || STRINGS.contains(&t)
        || FAMILIES
            .iter()
            .any(|fam| fam.contains(&f) && fam.contains(&t))
        || CROSS.contains(&(f, t))
        || is_user_type(f)
        || is_user_type(t)
}

/// Whether a value of type `from` can be stored in a column of type `to` without an explicit
/// cast (an assignment cast): the same family, or any type into a string column.
pub fn assignable(from: &str, to: &str) -> bool {
    let (f, t) = (base(from), base(to));
    f == t
        || STRINGS.contains(&t)
        || FAMILIES
            .iter()
            .any(|fam| fam.contains(&f) && fam.contains(&t))
}

#[cfg(test)]
mod test {
    use super::has_cast;

    #[test]
    fn knows_the_casts_postgres_has() {
        let no_user_types = |_: &str| false;
        for (from, to) in [
            ("integer", "bigint"),
            ("bigint", "numeric(12,2)"),
            ("integer", "text"),
            ("text", "uuid"),
            ("varchar(20)", "integer"),
            ("date", "timestamptz"),
            ("boolean", "integer"),
            ("json", "jsonb"),
        ] {
            assert!(has_cast(from, to, no_user_types), "{from} → {to}");
        }
        for (from, to) in [
            ("timestamptz", "integer"),
            ("integer", "timestamptz"),
            ("boolean", "bigint"),
            ("uuid", "integer"),
            ("date", "integer"),
            ("jsonb", "uuid"),
        ] {
            assert!(!has_cast(from, to, no_user_types), "{from} → {to}");
        }
        assert!(has_cast("text", "post_status", |t| t == "post_status"));
    }

    /// `change items.qty to bigint` on a MariaDB `int` column was refused with "PostgreSQL
    /// has no cast from int to bigint" (found by `benches/mysql_stall.rs`).
    #[test]
    fn mysql_int_widens_to_bigint() {
        let no_user_types = |_: &str| false;
        for (from, to) in [
            ("int", "bigint"),
            ("int unsigned", "bigint"),
            ("tinyint(4)", "int"),
            ("decimal(10,2)", "double"),
            ("datetime(6)", "timestamptz"),
        ] {
            assert!(has_cast(from, to, no_user_types), "{from} → {to}");
            assert!(super::assignable(from, to), "{from} → {to}");
        }
        assert!(!has_cast("datetime", "int", no_user_types));
    }
}
