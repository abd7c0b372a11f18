//! SQL scripts as the verifier runs them: split into single statements (so that each one can be
//! timed and lock-traced, and `CREATE INDEX CONCURRENTLY` runs outside any implicit
//! transaction), psql meta-commands (`\restrict` in recent `pg_dump` output) dropped. Also the
//! base schema to load into the scratch database, from whatever source `generate` used.

use super::VerifyError;
use crate::generate::SchemaSource;
use crate::schema::live::redact_url;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The statements of a script, in order, without psql meta-command lines.
pub fn split(sql: &str, origin: &str) -> Result<Vec<String>, VerifyError> {
    let cleaned: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with('\\'))
        .map(|l| format!("{l}\n"))
        .collect();
    let parts = pg_query::split_with_parser(&cleaned).map_err(|e| VerifyError::Script {
        origin: origin.to_string(),
        message: e.to_string(),
    })?;
    Ok(parts
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect())
}

/// Run a script statement by statement on `client`.
pub fn apply(client: &mut postgres::Client, sql: &str, origin: &str) -> Result<(), VerifyError> {
    for statement in split(sql, origin)? {
        client
            .batch_execute(&statement)
            .map_err(|e| VerifyError::Script {
                origin: origin.to_string(),
                message: format!("{}\n  in: {}", super::db_message(&e), short(&statement)),
            })?;
    }
    Ok(())
}

/// A statement shortened to one line for messages and reports.
pub fn short(sql: &str) -> String {
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 90 {
        format!("{}…", one_line.chars().take(89).collect::<String>())
    } else {
        one_line
    }
}

/// The `.up.sql` files of a migrations directory, oldest first.
pub fn up_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
        .collect();
    files.sort();
    files
}

/// The SQL that recreates the schema before the migrations under test, with where it came from.
/// `exclude`: migration files that must not be part of the base (the ones being verified).
pub fn base_schema(
    source: &SchemaSource,
    project_dir: &Path,
    migrations_dir: &Path,
    exclude: &[PathBuf],
) -> Result<(String, String), VerifyError> {
    match source {
        SchemaSource::Dump(path) => {
            let full = project_dir.join(path);
            let text = std::fs::read_to_string(&full).map_err(|e| VerifyError::Script {
                origin: full.display().to_string(),
                message: format!("cannot read: {e}"),
            })?;
            Ok((text, format!("schema dump `{}`", path.display())))
        }
        SchemaSource::Migrations => {
            let dir = project_dir.join(migrations_dir);
            let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
            let excluded: Vec<PathBuf> = exclude.iter().map(|p| canonical(p)).collect();
            let files: Vec<PathBuf> = up_files(&dir)
                .into_iter()
                .filter(|f| !excluded.contains(&canonical(f)))
                .collect();
            let mut text = String::new();
            for f in &files {
                text.push_str(
                    &std::fs::read_to_string(f).map_err(|e| VerifyError::Script {
                        origin: f.display().to_string(),
                        message: format!("cannot read: {e}"),
                    })?,
                );
                text.push('\n');
            }
            Ok((
                text,
                format!(
                    "{} earlier migration(s) replayed from `{}`",
                    files.len(),
                    migrations_dir.display()
                ),
            ))
        }
        SchemaSource::Live(live) => Ok((
            pg_dump_schema(&live.url)?,
            format!("`pg_dump --schema-only` of {}", redact_url(&live.url)),
        )),
    }
}

/// `pg_dump --schema-only` of a live database. The password goes through `PGPASSWORD`, never
/// on a command line other processes can read.
pub fn pg_dump_schema(url: &str) -> Result<String, VerifyError> {
    let (url_without_password, password) = split_password(url);
    let mut cmd = Command::new("pg_dump");
    cmd.args(["--schema-only", "--no-owner", "--no-privileges", "-d"])
        .arg(&url_without_password);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().map_err(|e| {
        VerifyError::Scratch(format!(
            "cannot run pg_dump ({e}): install the PostgreSQL client (Debian: apt-get install postgresql-client)"
        ))
    })?;
    if !out.status.success() {
        return Err(VerifyError::Scratch(format!(
            "pg_dump --schema-only of {} failed: {}",
            redact_url(url),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `postgres://user:pass@host/db` → (`postgres://user@host/db`, `Some("pass")`), the password
/// percent-decoded.
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_string(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_string(), None);
    };
    (
        format!("{scheme}://{user}@{host}{tail}"),
        Some(percent_decode(password)),
    )
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn splits_statements_and_drops_meta_commands() {
        let sql = "\\restrict abc\nBEGIN;\nCREATE TABLE t (a int);\n-- c\nCREATE INDEX CONCURRENTLY i ON t (a);\nCOMMIT;\n\\unrestrict abc\n";
        let parts = split(sql, "x").unwrap();
        assert_eq!(parts.len(), 4, "{parts:?}");
        assert_eq!(parts[0], "BEGIN");
        assert!(parts[2].contains("CONCURRENTLY"));
    }

    #[test]
    fn takes_the_password_out_of_a_url() {
        assert_eq!(
            split_password("postgres://app:s3cr%40t@db:5432/app?sslmode=disable"),
            (
                "postgres://app@db:5432/app?sslmode=disable".to_string(),
                Some("s3cr@t".to_string())
            )
        );
        assert_eq!(split_password("postgres://app@db/app").1, None);
    }
}
