//! Reading the schema from a live database, read-only. Connection URLs carry passwords: every
//! message and report shows them through [`redact_url`].
//!
//! `postgres` reads PostgreSQL's catalogs (`pg_queries` holds the SQL); `mysql` reads a
//! MySQL/MariaDB database's `information_schema` (`mysql_queries`). [`mysql::is_mysql_url`]
//! tells which one a URL is for.

pub mod mysql;
mod mysql_queries;
mod pg_queries;
pub mod postgres;
pub mod sqlite;

/// Why a live database could not be read. Every URL in these messages is redacted.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("invalid database URL `{url}`: {reason}; expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")]
    BadUrl { url: String, reason: String },
    #[error("invalid MySQL/MariaDB URL `{url}`: {reason}")]
    BadMysqlUrl { url: String, reason: String },
    #[error("database `{name}` does not exist on {url} (or this user may not see it); it has: {}", if .known.is_empty() { "no database this user can see".to_string() } else { .known.join(", ") })]
    NoSuchDatabase {
        url: String,
        name: String,
        known: Vec<String>,
    },
    #[error("cannot connect to {url}: {reason}; check that the server is running and that the host, port, user, password and database name are right")]
    Connect { url: String, reason: String },
    #[error("reading {what} from {url} failed: {reason}")]
    Query {
        url: String,
        what: &'static str,
        reason: String,
    },
    #[error("schema `{name}` does not exist in {url}; it has: {}", .known.join(", "))]
    NoSuchSchema {
        url: String,
        name: String,
        known: Vec<String>,
    },
    #[error("cannot interpret the {what} that {url} reports: {reason}")]
    Catalog {
        url: String,
        what: String,
        reason: String,
    },
}

impl LiveError {
    /// Not reaching the server (or losing it mid-read) is the database's trouble; a bad URL or
    /// schema name is the caller's.
    pub fn class(&self) -> crate::error::ErrorClass {
        use crate::error::ErrorClass;
        match self {
            LiveError::Connect { .. } | LiveError::Query { .. } => ErrorClass::Database,
            LiveError::BadUrl { .. }
            | LiveError::BadMysqlUrl { .. }
            | LiveError::NoSuchDatabase { .. }
            | LiveError::NoSuchSchema { .. }
            | LiveError::Catalog { .. } => ErrorClass::Input,
        }
    }
}

/// The URL with its password replaced by `***` (`postgres://app:***@db:5432/app`). Also hides a
/// `password=` query parameter, and the `password=` of a `key=value` connection string.
/// Anything unparseable is returned without its userinfo.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some(parts) => parts,
        None => return redact_keywords(url),
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => kv.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// `host=h password=secret dbname=d` → `host=h password=*** dbname=d` (a quoted value too).
fn redact_keywords(conninfo: &str) -> String {
    let mut out = String::new();
    let mut rest = conninfo;
    while let Some(pos) = rest.to_ascii_lowercase().find("password") {
        let (before, after) = rest.split_at(pos);
        out.push_str(before);
        let after_kw = &after["password".len()..];
        let trimmed = after_kw.trim_start();
        let Some(value) = trimmed.strip_prefix('=') else {
            out.push_str("password");
            rest = after_kw;
            continue;
        };
        let value = value.trim_start();
        let end = if let Some(quoted) = value.strip_prefix('\'') {
            let mut i = 0;
            let bytes = quoted.as_bytes();
            while i < bytes.len() && bytes[i] != b'\'' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            (i + 2).min(value.len())
        } else {
            value.find(char::is_whitespace).unwrap_or(value.len())
        };
        out.push_str("password=***");
        rest = &value[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod test {
    use super::redact_url;

    #[test]
    fn hides_keyword_passwords() {
        assert_eq!(
            redact_url("host=h password=s3cret dbname=d"),
            "host=h password=*** dbname=d"
        );
        assert_eq!(
            redact_url("host=h password = 'a b\\' c' user=u"),
            "host=h password=*** user=u"
        );
        assert_eq!(redact_url("host=h PASSWORD=x"), "host=h password=***");
    }

    #[test]
    fn hides_passwords() {
        assert_eq!(
            redact_url("postgres://app:s3cr%40t@db:5432/app"),
            "postgres://app:***@db:5432/app"
        );
        assert_eq!(
            redact_url("postgresql://u:p@h/d?sslmode=disable&password=x"),
            "postgresql://u:***@h/d?sslmode=disable&password=***"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/db"),
            "postgres://postgres@127.0.0.1/db"
        );
        assert_eq!(redact_url("postgres://u:p:q@h"), "postgres://u:***@h");
    }
}
