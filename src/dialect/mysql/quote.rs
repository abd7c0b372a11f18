//! Quoting: backtick identifiers (a backtick inside a name is doubled) and string literals
//! (quote and backslash escaped, so the text means the same under any `sql_mode`, with or
//! without `NO_BACKSLASH_ESCAPES`… except the backslash, which is doubled and therefore wrong
//! under `NO_BACKSLASH_ESCAPES`; migsmith's files never set that mode).

/// `` `name` `` — always quoted: MySQL's reserved-word list grows with every release.
pub fn ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A table key from the schema model (`name`, or `schema.name` for another database).
pub fn table(key: &str) -> String {
    match key.split_once('.') {
        Some((db, name)) if db != "public" => format!("{}.{}", ident(db), ident(name)),
        Some((_, name)) => ident(name),
        None => ident(key),
    }
}

/// `'text'` with `'` doubled and `\` escaped.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}

/// `'a','b'` for enum definitions.
pub fn literal_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| literal(v))
        .collect::<Vec<_>>()
        .join(",")
}

/// `` `a`,`b` `` for column lists.
pub fn ident_list<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(|n| ident(n.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_and_literals_are_escaped() {
        assert_eq!(ident("we`ird"), "`we``ird`");
        assert_eq!(ident("order"), "`order`");
        assert_eq!(literal("it's a \\ test"), "'it''s a \\\\ test'");
        assert_eq!(table("public.users"), "`users`");
        assert_eq!(table("app.users"), "`app`.`users`");
    }
}
