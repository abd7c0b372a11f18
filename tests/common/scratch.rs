//! What every scratch-database helper shares (PostgreSQL's [`TestDb`](super::TestDb), MariaDB's
//! `MysqlDb` and `MyDb`): a name no other test or run can take, and the rule for an unreachable
//! server — a test prints why and returns, except under CI (`CI` set), where it fails.

use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// `<prefix>_<tag>_<pid>_<n>_<nanos>`, the tag cut to 20 lower-case `[a-z0-9_]` characters
/// (an empty tag leaves its part out).
pub fn unique_name(prefix: &str, tag: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let tag: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(20)
        .collect();
    let tag = if tag.is_empty() {
        String::new()
    } else {
        format!("_{tag}")
    };
    format!("{prefix}{tag}_{}_{n}_{nanos}", std::process::id())
}

/// The connection, or `None` after saying why the test is skipped; under CI, a panic.
pub fn reachable<T, E: std::fmt::Display>(
    server: &str,
    url: &str,
    conn: Result<T, E>,
) -> Option<T> {
    match conn {
        Ok(c) => Some(c),
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("CI: {server} at {url} is required but unreachable: {e}");
            }
            eprintln!("skipping: {server} at {url} is unreachable ({e})");
            None
        }
    }
}
