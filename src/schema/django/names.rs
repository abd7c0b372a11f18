//! Names the way Django's PostgreSQL schema editor computes them: `truncate_name` for tables
//! longer than 63 characters and `_create_index_name` (`<table>_<columns>_<md5 digest><suffix>`)
//! for the indexes and constraints it names itself (foreign keys, `_like`, `_uniq`, `_idx`).

use md5::{Digest, Md5};

/// PostgreSQL's identifier limit, which Django's names are cut to.
const MAX: usize = 63;

/// `names_digest(*args, length)`: the md5 of the arguments run together, hex, cut.
pub fn digest(args: &[&str], length: usize) -> String {
    let mut h = Md5::new();
    for a in args {
        h.update(a.as_bytes());
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    hex[..length].to_string()
}

/// `truncate_name(name, 63)`: a name that fits, ending in a 4-digit hash when cut.
pub fn truncate(name: &str) -> String {
    if name.len() <= MAX {
        return name.to_string();
    }
    format!("{}{}", cut(name, MAX - 4), digest(&[name], 4))
}

fn cut(s: &str, n: usize) -> &str {
    let mut n = n.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    &s[..n]
}

/// `BaseDatabaseSchemaEditor._create_index_name(table, columns, suffix)`.
pub fn index_name(table: &str, columns: &[&str], suffix: &str) -> String {
    let mut args = vec![table];
    args.extend_from_slice(columns);
    let mut hash_suffix = format!("{}{suffix}", digest(&args, 8));
    let joined = columns.join("_");
    let name = format!("{table}_{joined}_{hash_suffix}");
    if name.len() <= MAX {
        return name;
    }
    if hash_suffix.len() > MAX / 3 {
        hash_suffix = cut(&hash_suffix, MAX / 3).to_string();
    }
    let other = (MAX - hash_suffix.len()) / 2 - 1;
    let mut name = format!(
        "{}_{}_{hash_suffix}",
        cut(table, other),
        cut(&joined, other)
    );
    if name.starts_with('_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.pop();
        name = format!("D{name}");
    }
    name
}

/// The name Django gives the foreign key constraint on `table.column` to `to_table.to_column`.
pub fn foreign_key_name(table: &str, column: &str, to_table: &str, to_column: &str) -> String {
    index_name(table, &[column], &format!("_fk_{to_table}_{to_column}"))
}

#[cfg(test)]
mod test {
    use super::*;

    /// Names from a real `manage.py migrate` of `django.contrib.auth` and `admin` on PostgreSQL.
    #[test]
    fn names_match_what_django_creates() {
        assert_eq!(
            foreign_key_name("auth_user_groups", "group_id", "auth_group", "id"),
            "auth_user_groups_group_id_97559544_fk_auth_group_id"
        );
        assert_eq!(
            index_name("auth_user_groups", &["group_id"], ""),
            "auth_user_groups_group_id_97559544"
        );
        assert_eq!(
            index_name("auth_user_groups", &["user_id", "group_id"], "_uniq"),
            "auth_user_groups_user_id_group_id_94350c0c_uniq"
        );
        assert_eq!(
            index_name("django_admin_log", &["content_type_id"], ""),
            "django_admin_log_content_type_id_c4bce8eb"
        );
        // Too long: cut table and columns, keep the hash and a cut suffix.
        assert_eq!(
            foreign_key_name(
                "auth_permission",
                "content_type_id",
                "django_content_type",
                "id"
            ),
            "auth_permission_content_type_id_2f476e4b_fk_django_co"
        );
    }
}
