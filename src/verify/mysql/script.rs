//! MySQL scripts as the verifier runs them: a live database's schema as `SHOW CREATE TABLE`s,
//! a script split into statements, raw `.up.sql` / `.down.sql` pairs.

use super::{connect, err, quote, url_database};
use crate::schema::live::redact_url;
use crate::verify::subject::{Migration, Subject, SubjectStatement};
use crate::verify::VerifyError;
use mysql::prelude::Queryable;
use std::path::PathBuf;

/// The base schema of a live database: `SET FOREIGN_KEY_CHECKS = 0` (so that the order of the
/// tables does not matter), then each base table's `SHOW CREATE TABLE`, then each view's
/// `SHOW CREATE VIEW`. Only reads the user's database.
pub fn live_base_schema(url: &str) -> Result<String, VerifyError> {
    let database = url_database(url).ok_or_else(|| VerifyError::BadUrl {
        url: redact_url(url),
        message: "the URL names no database".into(),
    })?;
    let mut conn = connect(url, Some(&database))?;
    let full: Vec<(String, String)> = conn.query("SHOW FULL TABLES").map_err(err)?;
    let mut out = String::from("SET FOREIGN_KEY_CHECKS = 0;\n");
    let mut views = String::new();
    for (name, kind) in full {
        if kind == "VIEW" {
            let row: Option<mysql::Row> = conn
                .query_first(format!("SHOW CREATE VIEW {}", quote(&name)))
                .map_err(err)?;
            if let Some(create) = row.and_then(|r| r.get::<String, _>(1)) {
                views.push_str(&format!("{create};\n"));
            }
        } else if kind == "BASE TABLE" {
            let row: Option<(String, String)> = conn
                .query_first(format!("SHOW CREATE TABLE {}", quote(&name)))
                .map_err(err)?;
            if let Some((_, create)) = row {
                out.push_str(&format!("{create};\n"));
            }
        }
    }
    out.push_str(&views);
    out.push_str("SET FOREIGN_KEY_CHECKS = 1;\n");
    Ok(out)
}

/// Split a MySQL script at `;` outside quotes and comments (`DELIMITER` is not supported).
pub fn split(sql: &str) -> Vec<String> {
    let mut out = vec![];
    let mut current = String::new();
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\'' | '"' | '`' => {
                current.push(c);
                i += 1;
                while i < chars.len() {
                    current.push(chars[i]);
                    if chars[i] == '\\' && c != '`' && i + 1 < chars.len() {
                        current.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    if chars[i] == c {
                        break;
                    }
                    i += 1;
                }
            }
            '-' if next == Some('-') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '/' if next == Some('*') && chars.get(i + 2) != Some(&'!') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            ';' => {
                let s = current.trim().to_string();
                if !s.is_empty() {
                    out.push(s);
                }
                current.clear();
            }
            _ => current.push(c),
        }
        i += 1;
    }
    let s = current.trim().to_string();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// Raw SQL migrations for MySQL: each `.up.sql` with its `.down.sql`, split by [`split`].
pub fn subject_from_files(ups: &[PathBuf]) -> Result<Subject, VerifyError> {
    let mut migrations = vec![];
    for up in ups {
        let name = up.to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".up.sql") else {
            return Err(VerifyError::Input(format!(
                "{name}: expected a raw SQL migration named *.up.sql (with its *.down.sql beside it)"
            )));
        };
        let down = PathBuf::from(format!("{stem}.down.sql"));
        let read_file = |p: &PathBuf| {
            std::fs::read_to_string(p)
                .map_err(|e| VerifyError::Input(format!("cannot read {}: {e}", p.display())))
        };
        let statements = |text: String| {
            split(&text)
                .into_iter()
                .map(|sql| SubjectStatement {
                    sql,
                    planned: None,
                    estimated_seconds: None,
                    shape: None,
                })
                .collect()
        };
        migrations.push(Migration {
            name: up
                .file_name()
                .map(|n| n.to_string_lossy().trim_end_matches(".up.sql").to_string())
                .unwrap_or_default(),
            up: statements(read_file(up)?),
            down: statements(read_file(&down)?),
        });
    }
    Ok(Subject {
        migrations,
        ..Subject::default()
    })
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn splits_outside_quotes_and_comments() {
        let sql = "SET FOREIGN_KEY_CHECKS = 0;\n-- a; comment\nCREATE TABLE `a;b` (x varchar(3) DEFAULT ';');\n/* c; */ /*!40101 SET x = 1 */;\n# hash; comment\nSELECT 'it\\'s;'";
        let parts = split(sql);
        assert_eq!(parts.len(), 4, "{parts:?}");
        assert_eq!(parts[1], "CREATE TABLE `a;b` (x varchar(3) DEFAULT ';')");
        assert_eq!(parts[2], "/*!40101 SET x = 1 */");
        assert_eq!(parts[3], "SELECT 'it\\'s;'");
    }
}
