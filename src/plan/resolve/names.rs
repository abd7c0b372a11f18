//! Names migsmith chooses on the user's behalf: PostgreSQL's own default constraint and index
//! names (the loader's implementation of PostgreSQL's rules, so a generated name is the one
//! PostgreSQL would have picked), and the small amount of English inflection that
//! `user_id` ↔ `users` needs.

use crate::schema::sql::names;
use crate::schema::Schema;

pub use crate::plan::ops::sql::bare_name as bare_table;

/// `<table>_<col1>_<col2>_<suffix>` as PostgreSQL's `makeObjectName` spells it (63-byte limit,
/// the longer part shortened first).
pub fn object_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let addition = names::name_addition(&columns);
    names::make_object_name(table, (!addition.is_empty()).then_some(&addition), suffix)
}

/// The name PostgreSQL would give a new index (or constraint-backed index) on `table_key`:
/// `<table>_<cols>_<label>`, numbered (`…_idx1`) past relations that already exist.
pub fn relation_name(schema: &Schema, table_key: &str, columns: &[&str], label: &str) -> String {
    let (ns, table) = names::split_key(table_key);
    let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let addition = names::name_addition(&columns);
    let taken = names::relation_names_in(schema, ns);
    names::choose_name(
        table,
        (!addition.is_empty()).then_some(&addition),
        label,
        |n| taken.contains(n),
    )
}

/// The name PostgreSQL would give a new check or foreign-key constraint on `table_key`.
pub fn constraint_name(schema: &Schema, table_key: &str, columns: &[&str], label: &str) -> String {
    let (ns, table) = names::split_key(table_key);
    let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
    let addition = names::name_addition(&columns);
    let taken = names::constraint_names_in(schema, ns);
    names::choose_name(
        table,
        (!addition.is_empty()).then_some(&addition),
        label,
        |n| taken.contains(n),
    )
}

/// `users` → `user`, `categories` → `category`, `addresses` → `address`, `statuses` → `status`.
pub fn singular(word: &str) -> String {
    // `statuses` → `status`, `campuses` → `campus` (but `causes` → `cause`, `houses` → `house`).
    let latin_us = ["tuses", "nuses", "puses", "buses", "ruses"]
        .iter()
        .any(|e| word.ends_with(e));
    if latin_us {
        return word[..word.len() - 2].to_string();
    }
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
            ("status", "statuses"),
            ("campus", "campuses"),
        ] {
            assert_eq!(plural(s), p);
            assert_eq!(singular(p), s);
        }
    }
}
