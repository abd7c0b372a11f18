//! Reading an SQLite database file (3.35+), read-only, into the one schema model.
//!
//! Columns, keys, indexes and foreign keys come from SQLite's own pragmas
//! (`pragma_table_xinfo`, `pragma_index_list`, `pragma_index_xinfo`,
//! `pragma_foreign_key_list`); what the pragmas do not report (CHECK constraints, constraint
//! names, collations, `AUTOINCREMENT`, generation expressions, `DEFERRABLE`, `WITHOUT ROWID`,
//! `STRICT`) is read from the `CREATE TABLE` text kept in `sqlite_schema`.
//!
//! Model conventions for SQLite: `Schema.engine = Engine::Sqlite`, tables keyed by bare name
//! with `Table.schema = ""` (only the `main` database is read), declared types lower-cased
//! (`integer`, `varchar(255)`, `""` for no type), defaults as written. Constraints SQLite
//! leaves unnamed get PostgreSQL-style names without the table prefix (`pkey`, `email_key`,
//! `account_id_fkey`, `age_check`, `check`), so renaming a table changes none of them; generated
//! SQL writes a name out only when it is not that default, so a rebuilt table loads back to the
//! same model and unnamed constraints stay unnamed. Views and
//! triggers are kept verbatim (one line each) in `Schema.notes` and as dependencies.
//!
//! Row counts: `count(*)` per table when the file is at most [`EXACT_COUNT_MAX_BYTES`] (or
//! `exact_counts`), else the first figure of `sqlite_stat1` when `ANALYZE` has run, else none.

use super::LiveError;
use crate::schema::{
    CheckConstraint, Column, ColumnOptions, Dependency, DependentKind, Engine, FkAction,
    ForeignKey, GeneratedColumn, Index, IndexKey, PrimaryKey, RowsSource, Schema, Table,
    TableOptions, TableStats, UniqueConstraint,
};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// Files up to this size are counted exactly with `count(*)`.
pub const EXACT_COUNT_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Whether a `--database-url` names an SQLite database.
pub fn is_sqlite_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("sqlite:") || lower.starts_with("sqlite3:") || lower.starts_with("file:")
}

/// The file an SQLite URL names: `sqlite:///abs/path.db` (absolute), `sqlite://rel.db` and
/// `sqlite:rel.db` (relative to the current directory), `file:path?mode=ro`.
pub fn url_path(url: &str) -> Result<PathBuf, LiveError> {
    let bad = |reason: &str| LiveError::BadUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    let (_, rest) = url.split_once(':').ok_or_else(|| bad("no scheme"))?;
    let rest = rest.split('?').next().unwrap_or("");
    let path = match rest.strip_prefix("//") {
        // `sqlite:///abs` → `/abs`; `sqlite://rel.db` → `rel.db`; `sqlite://localhost/abs`.
        Some(after) => after.strip_prefix("localhost").unwrap_or(after).to_string(),
        None => rest.to_string(),
    };
    if path.is_empty() {
        return Err(bad(
            "no file; expected sqlite:///ABSOLUTE/PATH.db or sqlite://RELATIVE.db",
        ));
    }
    if path == ":memory:" {
        return Err(bad("an in-memory database has no schema to read"));
    }
    Ok(PathBuf::from(path))
}

/// Whether the file starts with SQLite's header (`SQLite format 3\0`).
pub fn is_database_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == b"SQLite format 3\0"
}

/// Open the file read-only (never created, never written) and read its schema.
pub fn load(url: &str, exact_counts: bool) -> Result<Schema, LiveError> {
    let path = url_path(url)?;
    load_path(&path, url, exact_counts)
}

/// [`load`] for a path; `origin` names it in messages.
pub fn load_path(path: &Path, origin: &str, exact_counts: bool) -> Result<Schema, LiveError> {
    let connect = |reason: String| LiveError::Connect {
        url: origin.to_string(),
        reason,
    };
    if !path.is_file() {
        return Err(connect(format!("no such file `{}`", path.display())));
    }
    if !is_database_file(path) {
        return Err(LiveError::Catalog {
            url: origin.to_string(),
            what: "file".into(),
            reason: format!(
                "`{}` is not an SQLite database (no `SQLite format 3` header)",
                path.display()
            ),
        });
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| connect(e.to_string()))?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let counts = if exact_counts || size <= EXACT_COUNT_MAX_BYTES {
        Counts::Exact
    } else {
        Counts::Stat1
    };
    load_connection(&conn, counts).map_err(|e| LiveError::Query {
        url: origin.to_string(),
        what: "the schema",
        reason: e,
    })
}

/// How [`load_connection`] fills `Table.stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    /// No stats (a schema file).
    None,
    /// `count(*)`.
    Exact,
    /// `sqlite_stat1`, when present.
    Stat1,
}

/// Whether a schema text looks like SQLite's (`sqlite3 db .schema` / `.dump`): conservative,
/// so PostgreSQL and MySQL dumps never match.
pub fn looks_like_sqlite_text(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let words = |w: &str| {
        upper.match_indices(w).any(|(i, _)| {
            let before = upper[..i].chars().next_back();
            let after = upper[i + w.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    };
    upper.contains("CREATE TABLE SQLITE_SEQUENCE")
        || upper.contains("SQLITE_AUTOINDEX")
        || words("AUTOINCREMENT")
        || words("WITHOUT ROWID")
        || upper.contains("/* NO STAT TABLES AVAILABLE */")
        || upper.starts_with("PRAGMA FOREIGN_KEYS=OFF;\nBEGIN TRANSACTION;")
}

/// Load a `.schema` / `.dump` text by running it in an in-memory database and reading that:
/// the same reader as a file, so both give the same model.
pub fn load_text(text: &str) -> Result<Schema, String> {
    let conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
    let cleaned: String = text
        .lines()
        .filter(|l| {
            let u = l.trim_start().to_ascii_uppercase();
            !(u.starts_with("CREATE TABLE SQLITE_SEQUENCE")
                || u.starts_with("CREATE TABLE SQLITE_STAT")
                || u.starts_with("ANALYZE SQLITE_SCHEMA"))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let cleaned = strip_view_column_comments(&cleaned);
    conn.execute_batch(&cleaned)
        .map_err(|e| format!("SQLite cannot run the schema: {e}"))?;
    load_connection(&conn, Counts::None)
}

/// `sqlite3 .schema` appends `/* view(col,…) */` to each view; it is not part of the view.
fn strip_view_column_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("/* ") {
        let after = &rest[i + 3..];
        match after.find(" */;") {
            Some(j) if !after[..j].contains('\n') && after[..j].ends_with(')') => {
                out.push_str(rest[..i].trim_end());
                out.push(';');
                rest = &after[j + 4..];
            }
            _ => {
                out.push_str(&rest[..i + 3]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Read the `main` schema of an open connection.
pub fn load_connection(conn: &Connection, counts: Counts) -> Result<Schema, String> {
    let e = |e: rusqlite::Error| e.to_string();
    let mut schema = Schema {
        engine: Engine::Sqlite,
        ..Schema::default()
    };
    let mut stmt = conn
        .prepare(
            "SELECT type, name, tbl_name, sql FROM main.sqlite_schema \
             WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )
        .map_err(e)?;
    let objects: Vec<(String, String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map_err(e)?
        .collect::<Result<_, _>>()
        .map_err(e)?;
    let has_stat1: bool = conn
        .query_row(
            "SELECT count(*) FROM main.sqlite_schema WHERE name = 'sqlite_stat1'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(e)?
        > 0;
    for (kind, name, _, sql) in &objects {
        if kind != "table" {
            continue;
        }
        let sql = sql.clone().unwrap_or_default();
        if sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL TABLE") {
            schema.notes.push(one_line(&sql));
            continue;
        }
        let mut table = read_table(conn, name, &sql)?;
        table.stats = match counts {
            Counts::None => None,
            Counts::Exact => {
                let n: i64 = conn
                    .query_row(
                        &format!("SELECT count(*) FROM main.{}", quote(name)),
                        [],
                        |r| r.get(0),
                    )
                    .map_err(e)?;
                Some(TableStats {
                    rows: n.max(0) as u64,
                    rows_source: Some(RowsSource::Exact),
                    ..TableStats::default()
                })
            }
            Counts::Stat1 if has_stat1 => conn
                .query_row(
                    "SELECT stat FROM main.sqlite_stat1 WHERE tbl = ?1 LIMIT 1",
                    [name],
                    |r| r.get::<_, String>(0),
                )
                .ok()
                .and_then(|s| s.split(' ').next().and_then(|n| n.parse().ok()))
                .map(|rows| TableStats {
                    rows,
                    rows_source: Some(RowsSource::Statistics),
                    ..TableStats::default()
                }),
            Counts::Stat1 => None,
        };
        schema.tables.insert(name.clone(), table);
    }
    // Views and triggers: verbatim in the notes (so a table rebuild can re-create them) and
    // as dependencies of the tables they name.
    for (kind, name, tbl_name, sql) in &objects {
        let dep_kind = match kind.as_str() {
            "view" => DependentKind::View,
            "trigger" => DependentKind::Trigger,
            _ => continue,
        };
        let sql = canonical(sql.as_deref().unwrap_or_default());
        for table in schema.tables.keys() {
            let uses = if dep_kind == DependentKind::Trigger {
                table == tbl_name || mentions(&sql, table)
            } else {
                mentions(&sql, table)
            };
            if uses {
                let columns = schema.tables[table]
                    .columns
                    .iter()
                    .filter(|c| mentions(&sql, &c.name))
                    .map(|c| c.name.clone())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                schema.dependencies.push(Dependency {
                    kind: dep_kind,
                    name: name.clone(),
                    table: table.clone(),
                    columns,
                    on: (dep_kind == DependentKind::Trigger).then(|| tbl_name.clone()),
                    function: None,
                });
            }
        }
        schema.notes.push(sql);
    }
    for t in schema.tables.values() {
        for c in &t.columns {
            if let Some(g) = &c.options.generated {
                let columns = t
                    .columns
                    .iter()
                    .filter(|o| o.name != c.name && mentions(&g.expression, &o.name))
                    .map(|o| o.name.clone())
                    .collect();
                schema.dependencies.push(Dependency {
                    kind: DependentKind::GeneratedColumn,
                    name: c.name.clone(),
                    table: t.name.clone(),
                    columns,
                    on: Some(t.name.clone()),
                    function: None,
                });
            }
        }
    }
    schema.dependencies.sort();
    Ok(schema)
}

/// A statement on one line (newlines and runs of blanks outside quotes become one space).
pub fn one_line(sql: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut blank = false;
    for ch in sql.trim().chars() {
        match quote {
            Some(q) => {
                out.push(ch);
                if ch == q {
                    quote = None;
                }
            }
            None if ch.is_whitespace() => blank = true,
            None => {
                if blank && !out.is_empty() {
                    out.push(' ');
                }
                blank = false;
                if matches!(ch, '\'' | '"' | '`') {
                    quote = Some(ch);
                } else if ch == '[' {
                    quote = Some(']');
                }
                out.push(ch);
            }
        }
    }
    out
}

/// `sql` on one line with identifiers quoted only where they must be (SQLite's `RENAME`
/// rewrites views, triggers and expressions with every renamed name quoted; this spelling
/// makes a rename and its inverse load back to the same text).
pub fn canonical(sql: &str) -> String {
    let sql = one_line(sql);
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    for (tok, start, end) in tokens_spanned(&sql) {
        if let Tok::Quoted(name) = &tok {
            let bare = crate::dialect::sqlite::ident(name);
            if bare == *name {
                out.push_str(&sql[at..start]);
                out.push_str(name);
                at = end;
            }
        }
    }
    out.push_str(&sql[at..]);
    out
}

/// Whether `sql` names `word` as an identifier (case-insensitive, quoted or not).
pub fn mentions(sql: &str, word: &str) -> bool {
    tokens(sql).iter().any(|t| match t {
        Tok::Word(w) | Tok::Quoted(w) => w.eq_ignore_ascii_case(word),
        _ => false,
    })
}

/// Quote an identifier for SQLite (always, with double quotes).
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

mod ddl_text;
mod project;
mod table;
#[cfg(test)]
mod test;

pub use ddl_text::fuzz_parse_text;
use ddl_text::*;
pub use project::framework_database;
use table::read_table;
