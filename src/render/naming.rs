//! Migration file names: slugs from descriptions and versions that sort after what exists.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// `add email_verified to users` → `add_email_verified_to_users` (ASCII, at most 50 bytes, cut
/// at a word boundary).
pub fn slug(description: &str) -> String {
    let mut out = String::new();
    for c in description.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let mut out = out.trim_end_matches('_').to_string();
    if out.len() > MAX_SLUG {
        let cut = out[..=MAX_SLUG].rfind('_').unwrap_or(MAX_SLUG);
        out.truncate(cut);
    }
    if out.is_empty() {
        "migration".into()
    } else {
        out
    }
}

const MAX_SLUG: usize = 50;

const FORMAT: &str = "%Y%m%d%H%M%S";

/// `count` consecutive `YYYYMMDDHHMMSS` versions starting at `now`, or one second after the
/// newest existing version when that is later (so new migrations always sort last).
pub fn timestamp_versions(now: DateTime<Utc>, existing: &[String], count: usize) -> Vec<String> {
    let newest = existing
        .iter()
        .filter_map(|v| NaiveDateTime::parse_from_str(v, FORMAT).ok())
        .max()
        .map(|t| t.and_utc() + Duration::seconds(1));
    let start = match newest {
        Some(n) if n > now => n,
        _ => now,
    };
    (0..count)
        .map(|i| {
            (start + Duration::seconds(i as i64))
                .format(FORMAT)
                .to_string()
        })
        .collect()
}

/// The leading 14-digit version of a file name, if it has one.
pub fn version_of(file_name: &str) -> Option<String> {
    let digits: String = file_name
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (digits.len() == 14).then_some(digits)
}

#[cfg(test)]
mod test {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn slugs() {
        assert_eq!(
            slug("add email_verified to users"),
            "add_email_verified_to_users"
        );
        assert_eq!(
            slug("add index on users(email)"),
            "add_index_on_users_email"
        );
        assert_eq!(slug("  \"Weird\" name!! "), "weird_name");
        assert_eq!(slug("!!!"), "migration");
        assert!(slug(&"x ".repeat(100)).len() <= 50);
        assert_eq!(
            slug("add email_verified to members and add index on tasks(assignee_id)"),
            "add_email_verified_to_members_and_add_index_on"
        );
    }

    #[test]
    fn versions_sort_after_existing() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert_eq!(
            timestamp_versions(now, &[], 2),
            ["20261122120000", "20261122120001"]
        );
        let future = vec!["20301231235959".to_string()];
        assert_eq!(timestamp_versions(now, &future, 1), ["20310101000000"]);
    }
}
