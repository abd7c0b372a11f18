//! The names ActiveRecord derives: singular and plural table names (the `ActiveSupport`
//! inflector rules that matter for table names) and the hashed names of foreign keys
//! (`fk_rails_<10 hex>`), check constraints (`chk_rails_…`), exclusion constraints
//! (`excl_rails_…`) and unique constraints (`uniq_rails_…`) that `schema.rb` leaves out.

use sha2::{Digest, Sha256};

const UNCOUNTABLE: &[&str] = &[
    "equipment",
    "information",
    "rice",
    "money",
    "species",
    "series",
    "fish",
    "sheep",
    "jeans",
    "police",
    "news",
    "data",
    "metadata",
];

const IRREGULAR: &[(&str, &str)] = &[
    ("person", "people"),
    ("man", "men"),
    ("child", "children"),
    ("move", "moves"),
    ("zombie", "zombies"),
];

/// Split `a_b_words` into (`a_b_`, `words`): inflection applies to the last word.
fn last_word(word: &str) -> (&str, &str) {
    match word.rfind('_') {
        Some(i) => word.split_at(i + 1),
        None => ("", word),
    }
}

/// `users` → `user`, `statuses` → `status`, `categories` → `category`, `people` → `person`.
pub fn singular(word: &str) -> String {
    let (head, w) = last_word(word);
    if UNCOUNTABLE.contains(&w) {
        return word.to_string();
    }
    if let Some((one, _)) = IRREGULAR.iter().find(|(_, many)| *many == w) {
        return format!("{head}{one}");
    }
    let s = if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
        w.to_string()
    } else if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() > 1) {
        format!("{stem}y")
    } else if [
        "xes", "ches", "shes", "sses", "aliases", "statuses", "buses", "oes", "zzes",
    ]
    .iter()
    .any(|e| w.ends_with(e))
    {
        w[..w.len() - 2].to_string()
    } else if let Some(stem) = w.strip_suffix("ves").filter(|s| s.ends_with(['l', 'r'])) {
        format!("{stem}f")
    } else {
        w.strip_suffix('s').unwrap_or(w).to_string()
    };
    format!("{head}{s}")
}

/// `user` → `users`, `category` → `categories`, `status` → `statuses`, `person` → `people`.
pub fn plural(word: &str) -> String {
    let (head, w) = last_word(word);
    if UNCOUNTABLE.contains(&w) {
        return word.to_string();
    }
    if let Some((_, many)) = IRREGULAR.iter().find(|(one, _)| *one == w) {
        return format!("{head}{many}");
    }
    let s = if w.ends_with(['s', 'x', 'z']) || w.ends_with("ch") || w.ends_with("sh") {
        format!("{w}es")
    } else if w.ends_with('y')
        && !matches!(w.chars().rev().nth(1), Some('a' | 'e' | 'i' | 'o' | 'u'))
    {
        format!("{}ies", &w[..w.len() - 1])
    } else {
        format!("{w}s")
    };
    format!("{head}{s}")
}

/// `<prefix>_<first 10 hex digits of SHA-256(identifier)>`, as ActiveRecord names the
/// constraints it creates without a name.
pub fn hashed(prefix: &str, identifier: &str) -> String {
    let digest = Sha256::digest(identifier.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}_{}", &hex[..10])
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn inflections_for_table_names() {
        for (many, one) in [
            ("users", "user"),
            ("statuses", "status"),
            ("categories", "category"),
            ("addresses", "address"),
            ("boxes", "box"),
            ("people", "person"),
            ("media_attachments", "media_attachment"),
            ("account_aliases", "account_alias"),
            ("news", "news"),
        ] {
            assert_eq!(singular(many), one, "{many}");
        }
        assert_eq!(plural("user"), "users");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("status"), "statuses");
        assert_eq!(plural("account_person"), "account_people");
    }

    #[test]
    fn hashed_names_are_ten_hex_digits() {
        // `echo -n posts_user_id_fk | sha256sum` starts 5b5ddfd518.
        assert_eq!(
            hashed("fk_rails", "posts_user_id_fk"),
            "fk_rails_5b5ddfd518"
        );
    }
}
