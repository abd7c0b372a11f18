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

fn read_table(conn: &Connection, name: &str, sql: &str) -> Result<Table, String> {
    let e = |e: rusqlite::Error| e.to_string();
    let parsed = parse_create_table(sql);
    let mut table = Table {
        schema: String::new(),
        name: name.to_string(),
        options: TableOptions {
            without_rowid: parsed.without_rowid,
            strict: parsed.strict,
            ..TableOptions::default()
        },
        ..Table::default()
    };
    let mut stmt = conn
        .prepare("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1, 'main') ORDER BY cid")
        .map_err(e)?;
    let rows: Vec<(String, String, bool, Option<String>, i64, i64)> = stmt
        .query_map([name], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .map_err(e)?
        .collect::<Result<_, _>>()
        .map_err(e)?;
    let mut pk: Vec<(i64, String)> = Vec::new();
    for (cname, ctype, notnull, default, pk_pos, hidden) in rows {
        if hidden == 1 {
            continue;
        }
        let def = parsed
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&cname));
        let generated = if hidden == 2 || hidden == 3 {
            def.and_then(|d| d.generated.clone())
                .map(|expression| GeneratedColumn {
                    expression,
                    stored: hidden == 3,
                })
        } else {
            None
        };
        let mut column = Column::new(cname.clone(), ctype.trim().to_ascii_lowercase());
        column.nullable = !notnull;
        column.default = default;
        column.options = ColumnOptions {
            auto_increment: def.is_some_and(|d| d.autoincrement),
            collation: def.and_then(|d| d.collation.clone()),
            generated,
            ..ColumnOptions::default()
        };
        if pk_pos > 0 {
            pk.push((pk_pos, cname));
        }
        table.columns.push(column);
    }
    if !pk.is_empty() {
        pk.sort();
        table.primary_key = Some(PrimaryKey {
            name: parsed.pk_name.clone().unwrap_or_else(|| "pkey".to_string()),
            columns: pk.into_iter().map(|(_, c)| c).collect(),
        });
    }
    // Indexes: `c` created by CREATE INDEX, `u` a UNIQUE constraint, `pk` the primary key.
    let mut stmt = conn
        .prepare("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1, 'main') ORDER BY seq DESC")
        .map_err(e)?;
    let list: Vec<(String, bool, String, bool)> = stmt
        .query_map([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .map_err(e)?
        .collect::<Result<_, _>>()
        .map_err(e)?;
    for (iname, unique, origin, partial) in list {
        let mut xs = conn
            .prepare("SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(?1, 'main') WHERE key = 1 ORDER BY seqno")
            .map_err(e)?;
        let keys: Vec<(i64, Option<String>, bool, Option<String>)> = xs
            .query_map([&iname], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(e)?
            .collect::<Result<_, _>>()
            .map_err(e)?;
        match origin.as_str() {
            "pk" => continue,
            "u" => {
                let columns: Vec<String> = keys.into_iter().filter_map(|k| k.1).collect();
                let explicit = parsed
                    .uniques
                    .iter()
                    .find(|(_, cols)| {
                        cols.len() == columns.len()
                            && cols
                                .iter()
                                .zip(&columns)
                                .all(|(a, b)| a.eq_ignore_ascii_case(b))
                    })
                    .and_then(|(n, _)| n.clone());
                let name_for = explicit.unwrap_or_else(|| format!("{}_key", columns.join("_")));
                table.unique_constraints.push(UniqueConstraint {
                    name: name_for,
                    columns,
                });
            }
            _ => {
                let index_sql: Option<String> = conn
                    .query_row(
                        "SELECT sql FROM main.sqlite_schema WHERE type = 'index' AND name = ?1",
                        [&iname],
                        |r| r.get(0),
                    )
                    .map_err(e)?;
                let index_sql = index_sql.unwrap_or_default();
                let (elements, predicate) = parse_create_index(&index_sql);
                let columns = keys
                    .iter()
                    .enumerate()
                    .map(|(i, (cid, cname, desc, coll))| match cname {
                        Some(c) if *cid >= 0 => {
                            let plain_coll = coll.as_deref().is_none_or(|k| k == "BINARY");
                            if !desc && plain_coll {
                                IndexKey::Column(c.clone())
                            } else {
                                IndexKey::Expression {
                                    expression: elements
                                        .get(i)
                                        .cloned()
                                        .unwrap_or_else(|| quote(c)),
                                }
                            }
                        }
                        _ => IndexKey::Expression {
                            expression: elements.get(i).cloned().unwrap_or_default(),
                        },
                    })
                    .collect();
                table.indexes.push(Index {
                    name: iname.clone(),
                    columns,
                    unique,
                    method: "btree".into(),
                    predicate: if partial { predicate } else { None },
                    include: vec![],
                    prefix_lengths: Default::default(),
                });
            }
        }
    }
    table.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    // Foreign keys, one per id, in declaration order.
    let mut stmt = conn
        .prepare("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1, 'main') ORDER BY id DESC, seq")
        .map_err(e)?;
    let fks: Vec<(i64, String, String, Option<String>, String, String)> = stmt
        .query_map([name], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .map_err(e)?
        .collect::<Result<_, _>>()
        .map_err(e)?;
    /// (referenced table, from, to, on update, on delete) of one column pair.
    type FkRow = (String, String, Option<String>, String, String);
    let mut groups: Vec<(i64, Vec<FkRow>)> = vec![];
    for (id, rt, from, to, upd, del) in fks {
        match groups.last_mut() {
            Some((gid, rows)) if *gid == id => rows.push((rt, from, to, upd, del)),
            _ => groups.push((id, vec![(rt, from, to, upd, del)])),
        }
    }
    for (_, rows) in groups {
        let columns: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
        let ref_columns: Vec<String> = rows.iter().filter_map(|r| r.2.clone()).collect();
        let parsed_fk = parsed.foreign_keys.iter().find(|f| {
            f.columns.len() == columns.len()
                && f.columns
                    .iter()
                    .zip(&columns)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
                && f.ref_table.eq_ignore_ascii_case(&rows[0].0)
        });
        table.foreign_keys.push(ForeignKey {
            name: parsed_fk
                .and_then(|f| f.name.clone())
                .unwrap_or_else(|| format!("{}_fkey", columns.join("_"))),
            columns,
            ref_table: rows[0].0.clone(),
            ref_columns,
            on_delete: action(&rows[0].4),
            on_update: action(&rows[0].3),
            deferrable: parsed_fk.is_some_and(|f| f.deferrable),
            initially_deferred: parsed_fk.is_some_and(|f| f.initially_deferred),
            validated: true,
        });
    }
    let mut used = std::collections::BTreeSet::new();
    for (cname, expr, column) in parsed.checks {
        let base = cname.unwrap_or_else(|| match &column {
            Some(c) => format!("{c}_check"),
            None => "check".to_string(),
        });
        let mut n = base.clone();
        let mut i = 1;
        while !used.insert(n.clone()) {
            n = format!("{base}{i}");
            i += 1;
        }
        table.check_constraints.push(CheckConstraint {
            name: n,
            expression: expr,
            validated: true,
        });
    }
    Ok(table)
}

fn action(s: &str) -> FkAction {
    match s.to_ascii_uppercase().as_str() {
        "RESTRICT" => FkAction::Restrict,
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

// ---- Finding a framework's database file ----------------------------------------------------

/// The SQLite file a framework's config names, relative paths resolved against `root` (the
/// directory the framework was found in): Rails' `config/database.yml` (`database:` of the
/// `development` environment, e.g. `storage/development.sqlite3`), Django's `settings.py`
/// (`'NAME': BASE_DIR / 'db.sqlite3'` with the `sqlite3` backend). `None` when the config names
/// no file.
pub fn framework_database(root: &Path, framework: &str) -> Option<PathBuf> {
    match framework {
        "rails" => rails_database(root),
        "django" => django_database(root),
        _ => None,
    }
}

fn unquote(v: &str) -> &str {
    v.trim().trim_matches(|c| c == '"' || c == '\'')
}

fn rails_database(root: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(root.join("config/database.yml")).ok()?;
    let mut env: Option<&str> = None;
    let mut found: Vec<(Option<&str>, &str)> = vec![];
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            env = line.split(':').next();
            continue;
        }
        if let Some(v) = line.trim().strip_prefix("database:") {
            let v = unquote(v);
            if !v.contains("<%")
                && (v.ends_with(".sqlite3") || v.ends_with(".db") || v.ends_with(".sqlite"))
            {
                found.push((env, v));
            }
        }
    }
    let pick = found
        .iter()
        .find(|(e, _)| *e == Some("development"))
        .or_else(|| found.first())?;
    Some(root.join(pick.1))
}

fn django_database(root: &Path) -> Option<PathBuf> {
    let mut candidates = vec![];
    let mut stack = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            if p.is_dir() && depth < 3 && !name.starts_with('.') && name != "node_modules" {
                stack.push((p, depth + 1));
            } else if name == "settings.py" || (dir.ends_with("settings") && name.ends_with(".py"))
            {
                candidates.push(p);
            }
        }
    }
    candidates.sort();
    for settings in candidates {
        let Ok(text) = std::fs::read_to_string(&settings) else {
            continue;
        };
        if !text.contains("django.db.backends.sqlite3") {
            continue;
        }
        let at = text.find("django.db.backends.sqlite3")?;
        let rest = &text[at..];
        let name_at = rest.find("'NAME'").or_else(|| rest.find("\"NAME\""))?;
        let value = rest[name_at + 6..]
            .trim_start()
            .strip_prefix(':')?
            .trim_start();
        let value = value.split([',', '\n', '}']).next()?.trim();
        // `BASE_DIR / 'db.sqlite3'`, `os.path.join(BASE_DIR, 'db.sqlite3')`, `'db.sqlite3'`.
        let literal = value
            .rsplit(['/', '('])
            .next()
            .map(|v| v.trim().trim_end_matches(')'))
            .map(unquote)?;
        let literal = if value.starts_with("os.path.join") {
            let inner = &rest[name_at..];
            let open = inner.find("os.path.join(")? + "os.path.join(".len();
            let close = inner[open..].find(')')? + open;
            unquote(inner[open..close].split(',').next_back()?)
        } else {
            literal
        };
        if literal.is_empty() {
            continue;
        }
        // BASE_DIR: the directory of manage.py, else the project root.
        let base = if root.join("manage.py").is_file() {
            root.to_path_buf()
        } else {
            settings.parent()?.parent()?.to_path_buf()
        };
        return Some(base.join(literal));
    }
    None
}

// ---- Reading CREATE TABLE / CREATE INDEX text ------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    /// A quoted identifier (`"x"`, `` `x` ``, `[x]`), unquoted.
    Quoted(String),
    Str(String),
    Punct(char),
}

/// Tokens with their byte spans.
fn tokens_spanned(sql: &str) -> Vec<(Tok, usize, usize)> {
    let b: Vec<char> = sql.chars().collect();
    let mut byte = Vec::with_capacity(b.len() + 1);
    let mut acc = 0;
    for c in &b {
        byte.push(acc);
        acc += c.len_utf8();
    }
    byte.push(acc);
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && b.get(i + 1) == Some(&'-') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            i += 2;
            while i < b.len() && !(b[i] == '*' && b.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if matches!(c, '"' | '`' | '\'' | '[') {
            let close = if c == '[' { ']' } else { c };
            let start = i;
            let mut s = String::new();
            i += 1;
            while i < b.len() {
                if b[i] == close {
                    if close != ']' && b.get(i + 1) == Some(&close) {
                        s.push(close);
                        i += 2;
                        continue;
                    }
                    break;
                }
                s.push(b[i]);
                i += 1;
            }
            i += 1;
            let t = if c == '\'' {
                Tok::Str(s)
            } else {
                Tok::Quoted(s)
            };
            out.push((t, byte[start], byte[i.min(b.len())]));
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_' || b[i] == '$') {
                i += 1;
            }
            out.push((
                Tok::Word(b[start..i].iter().collect()),
                byte[start],
                byte[i],
            ));
        } else {
            out.push((Tok::Punct(c), byte[i], byte[i + 1]));
            i += 1;
        }
    }
    out
}

fn tokens(sql: &str) -> Vec<Tok> {
    tokens_spanned(sql).into_iter().map(|t| t.0).collect()
}

fn is_kw(t: &Tok, kw: &str) -> bool {
    matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
}

fn ident_of(t: &Tok) -> Option<String> {
    match t {
        Tok::Word(w) | Tok::Quoted(w) | Tok::Str(w) => Some(w.clone()),
        _ => None,
    }
}

#[derive(Debug, Default)]
struct ParsedColumn {
    name: String,
    collation: Option<String>,
    autoincrement: bool,
    generated: Option<String>,
}

#[derive(Debug, Default)]
struct ParsedFk {
    name: Option<String>,
    columns: Vec<String>,
    ref_table: String,
    deferrable: bool,
    initially_deferred: bool,
}

#[derive(Debug, Default)]
struct ParsedTable {
    columns: Vec<ParsedColumn>,
    pk_name: Option<String>,
    uniques: Vec<(Option<String>, Vec<String>)>,
    /// (name, expression, column for a column constraint).
    checks: Vec<(Option<String>, String, Option<String>)>,
    foreign_keys: Vec<ParsedFk>,
    without_rowid: bool,
    strict: bool,
}

/// Split the tokens between the first `(` and its match at top-level commas; also returns the
/// tokens after the closing parenthesis.
type Spanned = (Tok, usize, usize);
fn split_body(toks: &[Spanned]) -> (Vec<&[Spanned]>, &[Spanned]) {
    let Some(open) = toks.iter().position(|t| t.0 == Tok::Punct('(')) else {
        return (vec![], &[]);
    };
    let mut depth = 0;
    let mut parts = vec![];
    let mut start = open + 1;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.0 {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    parts.push(&toks[start..i]);
                    return (parts, &toks[i + 1..]);
                }
            }
            Tok::Punct(',') if depth == 1 => {
                parts.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    (parts, &[])
}

/// The text of the parenthesized group starting at `toks[at]` (which is `(`), without the
/// parentheses, and the index after it.
fn paren_text(sql: &str, toks: &[Spanned], at: usize) -> (String, usize) {
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(at) {
        match t.0 {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    let text = sql[toks[at].2..t.1].trim();
                    return (canonical(text), i + 1);
                }
            }
            _ => {}
        }
    }
    (String::new(), toks.len())
}

fn ident_list(toks: &[Spanned], at: usize) -> (Vec<String>, usize) {
    let mut out = vec![];
    let mut i = at + 1;
    let mut depth = 1;
    let mut first = true;
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    return (out, i + 1);
                }
            }
            Tok::Punct(',') if depth == 1 => first = true,
            t if first && depth == 1 => {
                if let Some(n) = ident_of(t) {
                    out.push(n);
                }
                first = false;
            }
            _ => {}
        }
        i += 1;
    }
    (out, i)
}

/// Run the `CREATE TABLE` and `CREATE INDEX` text parsers on any text, for the fuzz target
/// (tests/fuzz.rs); not an API.
#[doc(hidden)]
pub fn fuzz_parse_text(sql: &str) -> usize {
    let t = parse_create_table(sql);
    let (elements, predicate) = parse_create_index(sql);
    format!("{t:?}").len() + elements.len() + predicate.map_or(0, |p| p.len())
}

fn parse_create_table(sql: &str) -> ParsedTable {
    let toks = tokens_spanned(sql);
    let (parts, tail) = split_body(&toks);
    let mut out = ParsedTable::default();
    for t in tail {
        if is_kw(&t.0, "ROWID") {
            out.without_rowid = true;
        }
        if is_kw(&t.0, "STRICT") {
            out.strict = true;
        }
    }
    const TABLE_KW: [&str; 5] = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];
    for part in parts {
        if part.is_empty() {
            continue;
        }
        let table_level = matches!(&part[0].0, Tok::Word(w) if TABLE_KW.iter().any(|k| w.eq_ignore_ascii_case(k)));
        let column = if table_level {
            None
        } else {
            ident_of(&part[0].0)
        };
        let mut col = ParsedColumn {
            name: column.clone().unwrap_or_default(),
            ..ParsedColumn::default()
        };
        let mut name: Option<String> = None;
        let mut i = if table_level { 0 } else { 1 };
        while i < part.len() {
            let t = &part[i].0;
            if is_kw(t, "CONSTRAINT") {
                name = part.get(i + 1).and_then(|t| ident_of(&t.0));
                i += 2;
                continue;
            }
            if is_kw(t, "PRIMARY") {
                if name.is_some() {
                    out.pk_name = name.take();
                }
                i += 1;
            } else if is_kw(t, "UNIQUE") {
                let cols = if part.get(i + 1).is_some_and(|t| t.0 == Tok::Punct('(')) {
                    let (c, next) = ident_list(part, i + 1);
                    i = next;
                    c
                } else {
                    i += 1;
                    column.iter().cloned().collect()
                };
                out.uniques.push((name.take(), cols));
            } else if is_kw(t, "CHECK") && part.get(i + 1).is_some_and(|t| t.0 == Tok::Punct('(')) {
                let (expr, next) = paren_text(sql, part, i + 1);
                out.checks.push((name.take(), expr, column.clone()));
                i = next;
            } else if is_kw(t, "FOREIGN") || is_kw(t, "REFERENCES") {
                let mut fk = ParsedFk {
                    name: name.take(),
                    ..ParsedFk::default()
                };
                if is_kw(t, "FOREIGN") {
                    let at = part[i..]
                        .iter()
                        .position(|t| t.0 == Tok::Punct('('))
                        .map(|p| p + i)
                        .unwrap_or(part.len());
                    let (c, next) = ident_list(part, at);
                    fk.columns = c;
                    i = next;
                    while i < part.len() && !is_kw(&part[i].0, "REFERENCES") {
                        i += 1;
                    }
                } else {
                    fk.columns = column.iter().cloned().collect();
                }
                fk.ref_table = part
                    .get(i + 1)
                    .and_then(|t| ident_of(&t.0))
                    .unwrap_or_default();
                i += 2;
                // Clauses up to the next constraint.
                while i < part.len() && !is_kw(&part[i].0, "CONSTRAINT") {
                    let t = &part[i].0;
                    if is_kw(t, "DEFERRABLE")
                        && !part[..i].last().is_some_and(|p| is_kw(&p.0, "NOT"))
                    {
                        fk.deferrable = true;
                    }
                    if is_kw(t, "DEFERRED") {
                        fk.initially_deferred = true;
                    }
                    if [
                        "CHECK",
                        "UNIQUE",
                        "PRIMARY",
                        "COLLATE",
                        "GENERATED",
                        "DEFAULT",
                    ]
                    .iter()
                    .any(|k| is_kw(t, k))
                        || (is_kw(t, "NOT") && part.get(i + 1).is_some_and(|n| is_kw(&n.0, "NULL")))
                    {
                        break;
                    }
                    i += 1;
                }
                out.foreign_keys.push(fk);
            } else if is_kw(t, "COLLATE") {
                col.collation = part.get(i + 1).and_then(|t| ident_of(&t.0));
                i += 2;
            } else if is_kw(t, "AUTOINCREMENT") {
                col.autoincrement = true;
                i += 1;
            } else if is_kw(t, "AS") && part.get(i + 1).is_some_and(|t| t.0 == Tok::Punct('(')) {
                let (expr, next) = paren_text(sql, part, i + 1);
                col.generated = Some(expr);
                i = next;
            } else if is_kw(t, "DEFAULT") && part.get(i + 1).is_some_and(|t| t.0 == Tok::Punct('('))
            {
                let (_, next) = paren_text(sql, part, i + 1);
                i = next;
            } else if t == &Tok::Punct('(') {
                let (_, next) = paren_text(sql, part, i);
                i = next;
            } else {
                i += 1;
            }
        }
        if !table_level {
            out.columns.push(col);
        }
    }
    out
}

/// The key elements of a `CREATE INDEX` as written, and its `WHERE` predicate.
fn parse_create_index(sql: &str) -> (Vec<String>, Option<String>) {
    let toks = tokens_spanned(sql);
    let Some(on) = toks.iter().position(|t| is_kw(&t.0, "ON")) else {
        return (vec![], None);
    };
    let Some(open) = toks[on..]
        .iter()
        .position(|t| t.0 == Tok::Punct('('))
        .map(|p| p + on)
    else {
        return (vec![], None);
    };
    let mut depth = 0;
    let mut elements = vec![];
    let mut start = toks[open].2;
    let mut end_tok = toks.len();
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.0 {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    elements.push(canonical(&sql[start..t.1]));
                    end_tok = i + 1;
                    break;
                }
            }
            Tok::Punct(',') if depth == 1 => {
                elements.push(canonical(&sql[start..t.1]));
                start = t.2;
            }
            _ => {}
        }
    }
    let predicate = toks[end_tok.min(toks.len())..]
        .iter()
        .position(|t| is_kw(&t.0, "WHERE"))
        .map(|p| canonical(sql[toks[end_tok + p].2..].trim().trim_end_matches(';')));
    (elements, predicate)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn urls_name_files() {
        assert_eq!(
            url_path("sqlite:///tmp/x.db").unwrap(),
            PathBuf::from("/tmp/x.db")
        );
        assert_eq!(url_path("sqlite://x.db").unwrap(), PathBuf::from("x.db"));
        assert_eq!(
            url_path("sqlite:x.db?mode=ro").unwrap(),
            PathBuf::from("x.db")
        );
        assert!(url_path("sqlite://").is_err());
        assert!(is_sqlite_url("sqlite:///a") && !is_sqlite_url("postgres://x/y"));
    }

    #[test]
    fn create_table_text_gives_what_pragmas_do_not() {
        let p = parse_create_table(
            "CREATE TABLE \"t\" (id INTEGER PRIMARY KEY AUTOINCREMENT, \
             name TEXT COLLATE NOCASE CHECK (length(name) > 0), \
             a int REFERENCES b(id) DEFERRABLE INITIALLY DEFERRED, \
             g int GENERATED ALWAYS AS (a * 2) STORED, \
             CONSTRAINT pos CHECK (a >= 0), CONSTRAINT ab UNIQUE (a, name)) STRICT",
        );
        assert!(p.columns[0].autoincrement);
        assert_eq!(p.columns[1].collation.as_deref(), Some("NOCASE"));
        assert_eq!(
            p.checks[0],
            (None, "length(name) > 0".into(), Some("name".into()))
        );
        assert_eq!(p.checks[1], (Some("pos".into()), "a >= 0".into(), None));
        assert!(p.foreign_keys[0].deferrable && p.foreign_keys[0].initially_deferred);
        assert_eq!(p.columns[3].generated.as_deref(), Some("a * 2"));
        assert_eq!(
            p.uniques[0],
            (Some("ab".into()), vec!["a".into(), "name".into()])
        );
        assert!(p.strict && !p.without_rowid);
    }

    #[test]
    fn framework_configs_name_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("config")).unwrap();
        std::fs::write(
            root.join("config/database.yml"),
            "default: &default\n  adapter: sqlite3\n\ndevelopment:\n  <<: *default\n  database: storage/development.sqlite3\n\ntest:\n  <<: *default\n  database: storage/test.sqlite3\n",
        )
        .unwrap();
        assert_eq!(
            framework_database(root, "rails"),
            Some(root.join("storage/development.sqlite3"))
        );
        std::fs::create_dir_all(root.join("mysite")).unwrap();
        std::fs::write(root.join("manage.py"), "").unwrap();
        std::fs::write(
            root.join("mysite/settings.py"),
            "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n        'NAME': BASE_DIR / 'db.sqlite3',\n    }\n}\n",
        )
        .unwrap();
        assert_eq!(
            framework_database(root, "django"),
            Some(root.join("db.sqlite3"))
        );
        std::fs::write(
            root.join("mysite/settings.py"),
            "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.path.join(BASE_DIR, 'app.db')}}\n",
        )
        .unwrap();
        assert_eq!(
            framework_database(root, "django"),
            Some(root.join("app.db"))
        );
    }

    #[test]
    fn text_detection_is_conservative() {
        assert!(looks_like_sqlite_text(
            "CREATE TABLE x (id INTEGER PRIMARY KEY AUTOINCREMENT);"
        ));
        assert!(!looks_like_sqlite_text(
            "CREATE TABLE x (id int AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;"
        ));
        assert!(!looks_like_sqlite_text(
            "CREATE TABLE public.x (id bigserial);"
        ));
    }
}
