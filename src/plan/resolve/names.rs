//! Names migsmith chooses on the user's behalf: PostgreSQL's own default constraint and index
//! names (so a generated name is the one PostgreSQL would have picked), and the small amount of
//! English inflection that `user_id` ↔ `users` needs.

use crate::schema::Schema;

pub use crate::plan::ops::sql::bare_name as bare_table;

/// PostgreSQL's identifier limit (NAMEDATALEN - 1).
const MAX_IDENT: usize = 63;

/// `<table>_<col1>_<col2>_<suffix>`, truncated the way PostgreSQL's `makeObjectName` does:
/// the longer of the table and column parts is shortened first, never splitting a character.
pub fn object_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let mut name1 = table.to_string();
    let mut name2 = columns.join("_");
    let overhead = suffix.len() + 1 + usize::from(!name2.is_empty());
    while name1.len() + name2.len() + overhead > MAX_IDENT {
        if name1.len() > name2.len() {
            pop_char(&mut name1);
        } else {
            pop_char(&mut name2);
        }
    }
    if name2.is_empty() {
        format!("{name1}_{suffix}")
    } else {
        format!("{name1}_{name2}_{suffix}")
    }
}

fn pop_char(s: &mut String) {
    s.pop();
}

/// A name not used by any relation (table, index or constraint-backed index) in the schema:
/// `base`, then `base1`, `base2`… as PostgreSQL does.
pub fn unused_relation_name(schema: &Schema, base: String) -> String {
    if !schema.relation_names().any(|n| n == base) {
        return base;
    }
    (1..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !schema.relation_names().any(|r| r == n))
        .expect("an unused name exists")
}

/// `users` → `user`, `categories` → `category`, `addresses` → `address`.
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses")
        || word.ends_with("xes")
        || word.ends_with("ches")
        || word.ends_with("shes")
    {
        word[..word.len() - 2].to_string()
    } else if word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// `user` → `users`, `category` → `categories`, `address` → `addresses`.
pub fn plural(word: &str) -> String {
    let consonant_y = word.ends_with('y')
        && !word
            .chars()
            .rev()
            .nth(1)
            .is_some_and(|c| "aeiou".contains(c));
    if consonant_y {
        format!("{}ies", &word[..word.len() - 1])
    } else if word.ends_with('s')
        || word.ends_with('x')
        || word.ends_with("ch")
        || word.ends_with("sh")
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// The table a `*_id` column (or a `user:references` word) most likely points at, if it exists.
pub fn referenced_table(schema: &Schema, stem: &str) -> Option<String> {
    [plural(stem), stem.to_string()]
        .into_iter()
        .find(|candidate| schema.table(candidate).is_some())
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn default_names_match_postgresql() {
        assert_eq!(object_name("users", &["email"], "key"), "users_email_key");
        assert_eq!(
            object_name("posts", &["user_id", "created_at"], "idx"),
            "posts_user_id_created_at_idx"
        );
        let long = "a".repeat(70);
        let name = object_name(&long, &["email"], "idx");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_email_idx"));
    }

    #[test]
    fn inflects() {
        for (s, p) in [
            ("user", "users"),
            ("category", "categories"),
            ("address", "addresses"),
            ("day", "days"),
            ("box", "boxes"),
        ] {
            assert_eq!(plural(s), p);
            assert_eq!(singular(p), s);
        }
    }
}
