//! Live MySQL 8 / MariaDB 10.11+ introspection: the [`Schema`] of one database read from
//! `information_schema` (see `mysql_queries`), one query per object kind.
//!
//! Read-only: the session is `SET SESSION TRANSACTION READ ONLY` and everything runs in one
//! `START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT` that is rolled back; only
//! `SELECT`s are sent. The flavour (MySQL or MariaDB) comes from `VERSION()` and becomes
//! `Schema.engine`.
//!
//! The result equals what [`crate::schema::mysql::load_str`] makes of a `mysqldump --no-data`
//! of the same database (both go through [`crate::schema::mysql`]'s stored forms), except
//! `Schema.server` and `Table.stats`, which exist only here.

use super::mysql_queries as q;
use super::{redact_url, LiveError};
use crate::schema::mysql::{
    canonical_expr, canonical_type, charset_of_collation, descending_key, finish, fk_action,
    server_flavour,
};
use crate::schema::{
    CheckConstraint, Column, ColumnOptions, Engine, ForeignKey, GeneratedColumn, Index, IndexKey,
    PrimaryKey, RowsSource, Schema, ServerInfo, Table, TableOptions, TableStats,
};
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, Row, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// What to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The database to read instead of the URL's (MySQL's database plays PostgreSQL's schema).
    pub database: Option<&'a str>,
    /// `COUNT(*)` every table instead of trusting `TABLE_ROWS`.
    pub exact_counts: bool,
}

/// Whether `url` names a MySQL-family server (`mysql://`, `mariadb://`).
pub fn is_mysql_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("mysql://") || lower.starts_with("mariadb://")
}

const EXPECTED: &str = "mysql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (or mariadb://…)";

/// Connect to `url` and read its database's schema (see the module documentation).
pub fn load(url: &str, options: Options) -> Result<Schema, LiveError> {
    let shown = redact_url(url);
    let bad = |reason: String| LiveError::BadMysqlUrl {
        url: shown.clone(),
        reason: format!("{reason}; expected {EXPECTED}"),
    };
    let trimmed = url.trim();
    let rest = trimmed
        .split_once("://")
        .map(|(_, r)| r)
        .ok_or_else(|| bad("no scheme".into()))?;
    let opts = Opts::from_url(&format!("mysql://{rest}")).map_err(|e| bad(e.to_string()))?;
    let database = match options.database.or(opts.get_db_name()) {
        Some(db) if !db.is_empty() => db.to_string(),
        _ => return Err(bad("the URL names no database".into())),
    };
    let builder = OptsBuilder::from_opts(opts)
        .db_name(None::<String>)
        .tcp_connect_timeout(Some(Duration::from_secs(10)))
        .read_timeout(Some(Duration::from_secs(60)))
        .write_timeout(Some(Duration::from_secs(60)));
    let mut conn = Conn::new(builder).map_err(|e| LiveError::Connect {
        url: shown.clone(),
        reason: reason(&e),
    })?;
    read(&mut conn, &shown, &database, options.exact_counts)
}

/// Read `database` over an open connection, in a read-only transaction that is rolled back.
pub fn read(
    conn: &mut Conn,
    shown: &str,
    database: &str,
    exact_counts: bool,
) -> Result<Schema, LiveError> {
    let query_err = |what: &'static str| {
        let url = shown.to_string();
        move |e: mysql::Error| LiveError::Query {
            url: url.clone(),
            what,
            reason: reason(&e),
        }
    };
    conn.query_drop("SET SESSION TRANSACTION READ ONLY")
        .map_err(query_err("making the session read-only"))?;
    let version: String = conn
        .query_first("SELECT VERSION()")
        .map_err(query_err("server version"))?
        .unwrap_or_default();
    let (engine, version_num) = server_flavour(&version);
    // A short per-statement limit where the server has one (names differ; failures ignored).
    let _ = match engine {
        Engine::Mariadb => conn.query_drop("SET SESSION max_statement_time = 30"),
        _ => conn.query_drop("SET SESSION max_execution_time = 30000"),
    };
    let known: Vec<String> = conn
        .query("SHOW DATABASES")
        .map_err(query_err("the list of databases"))?;
    if !known.iter().any(|d| d == database) {
        let hidden = ["information_schema", "performance_schema", "mysql", "sys"];
        return Err(LiveError::NoSuchDatabase {
            url: shown.to_string(),
            name: database.to_string(),
            known: known
                .into_iter()
                .filter(|d| !hidden.contains(&d.as_str()))
                .collect(),
        });
    }
    conn.query_drop("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT")
        .map_err(query_err("starting a read-only transaction"))?;

    let mut schema = Schema {
        engine,
        server: Some(ServerInfo {
            version_num,
            version,
        }),
        ..Schema::default()
    };
    let rows: Vec<Row> = conn
        .exec(q::TABLES, (database,))
        .map_err(query_err("tables"))?;
    tables(&mut schema, &rows);
    let rows: Vec<Row> = conn
        .exec(q::COLUMNS, (database,))
        .map_err(query_err("columns"))?;
    columns(&mut schema, &rows, engine);
    let sql = if engine == Engine::Mariadb {
        q::INDEXES_MARIADB
    } else {
        q::INDEXES_MYSQL
    };
    let rows: Vec<Row> = conn.exec(sql, (database,)).map_err(query_err("indexes"))?;
    indexes(&mut schema, &rows);
    let rows: Vec<Row> = conn
        .exec(q::FOREIGN_KEYS, (database,))
        .map_err(query_err("foreign keys"))?;
    foreign_keys(&mut schema, &rows, database);
    let sql = if engine == Engine::Mariadb {
        q::CHECKS_MARIADB
    } else {
        q::CHECKS_MYSQL
    };
    let rows: Vec<Row> = conn
        .exec(sql, (database,))
        .map_err(query_err("check constraints"))?;
    checks(&mut schema, &rows);
    let rows: Vec<Row> = conn
        .exec(q::OTHER_OBJECTS, (database, database, database))
        .map_err(query_err("views, triggers and routines"))?;
    for r in &rows {
        schema.notes.push(super::super::mysql::dump::object_note(
            &text(r, 0).unwrap_or_default(),
            &text(r, 1).unwrap_or_default(),
        ));
    }
    if exact_counts {
        let names: Vec<String> = schema.tables.keys().cloned().collect();
        for name in names {
            let sql = format!(
                "SELECT COUNT(*) FROM `{}`.`{}`",
                database.replace('`', "``"),
                name.replace('`', "``")
            );
            let n: Option<u64> = conn.query_first(sql).map_err(query_err("COUNT(*)"))?;
            if let Some(stats) = schema.tables.get_mut(&name).and_then(|t| t.stats.as_mut()) {
                stats.rows = n.unwrap_or(0);
                stats.rows_source = Some(RowsSource::Exact);
            }
        }
    }
    conn.query_drop("ROLLBACK")
        .map_err(query_err("ending the transaction"))?;
    finish(&mut schema);
    Ok(schema)
}

/// The server's own words (`Unknown database 'x'`), never the URL.
fn reason(e: &mysql::Error) -> String {
    match e {
        mysql::Error::MySqlError(m) => format!("{} (error {})", m.message, m.code),
        other => other.to_string(),
    }
}

/// A text cell (`NULL` → `None`; numbers as digits).
fn text(row: &Row, i: usize) -> Option<String> {
    match row.as_ref(i)? {
        Value::NULL => None,
        Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::Int(n) => Some(n.to_string()),
        Value::UInt(n) => Some(n.to_string()),
        other => Some(other.as_sql(true)),
    }
}

fn number(row: &Row, i: usize) -> Option<u64> {
    match row.as_ref(i)? {
        Value::Int(n) => u64::try_from(*n).ok(),
        Value::UInt(n) => Some(*n),
        Value::Bytes(b) => std::str::from_utf8(b).ok()?.trim().parse().ok(),
        _ => None,
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

fn tables(schema: &mut Schema, rows: &[Row]) {
    for r in rows {
        let name = text(r, 0).unwrap_or_default();
        let collation = non_empty(text(r, 2));
        let charset =
            non_empty(text(r, 3)).or_else(|| collation.as_deref().map(charset_of_collation));
        let row_format = text(r, 4).and_then(|opts| {
            opts.split_whitespace().find_map(|o| {
                o.strip_prefix("row_format=")
                    .map(|v| v.to_ascii_uppercase())
            })
        });
        let (rows_est, data, index) = (number(r, 6), number(r, 7), number(r, 8));
        let stats = TableStats {
            rows: rows_est.unwrap_or(0),
            total_bytes: match (data, index) {
                (Some(d), Some(i)) => Some(d + i),
                _ => None,
            },
            heap_bytes: data,
            index_bytes: index,
            rows_source: Some(RowsSource::Statistics),
        };
        let table = Table {
            schema: String::new(),
            name: name.clone(),
            comment: non_empty(text(r, 5)),
            stats: Some(stats),
            options: TableOptions {
                engine: non_empty(text(r, 1)),
                charset,
                collation,
                row_format,
                ..TableOptions::default()
            },
            ..Table::default()
        };
        schema.tables.insert(name, table);
    }
}

fn columns(schema: &mut Schema, rows: &[Row], engine: Engine) {
    for r in rows {
        let table = text(r, 0).unwrap_or_default();
        let Some(t) = schema.tables.get_mut(&table) else {
            continue;
        };
        let extra = text(r, 5).unwrap_or_default();
        let lower = extra.to_ascii_lowercase();
        let generated = if lower.contains("generated") && !lower.contains("default_generated") {
            text(r, 6).map(|e| GeneratedColumn {
                expression: canonical_expr(&e),
                stored: lower.contains("stored"),
            })
        } else {
            None
        };
        let on_update = lower
            .find("on update ")
            .map(|at| canonical_expr(&extra[at + "on update ".len()..]));
        let default = if generated.is_some() {
            None
        } else {
            text(r, 4).and_then(|d| column_default(&d, engine, lower.contains("default_generated")))
        };
        let charset = non_empty(text(r, 7)).filter(|c| Some(c) != t.options.charset.as_ref());
        let collation = non_empty(text(r, 8)).filter(|c| Some(c) != t.options.collation.as_ref());
        t.columns.push(Column {
            comment: non_empty(text(r, 9)),
            nullable: text(r, 3).is_some_and(|n| n == "YES"),
            default,
            options: ColumnOptions {
                auto_increment: lower.contains("auto_increment"),
                charset,
                collation,
                on_update,
                generated,
            },
            ..Column::new(
                text(r, 1).unwrap_or_default(),
                canonical_type(&text(r, 2).unwrap_or_default()),
            )
        });
    }
}

/// `COLUMN_DEFAULT` as the dump's `DEFAULT` clause spells it. MariaDB stores it as an
/// expression (`'abc'`, `0`, `current_timestamp()`, `NULL` for none); MySQL 8 stores a literal
/// unquoted and marks expressions `DEFAULT_GENERATED`.
fn column_default(raw: &str, engine: Engine, expression: bool) -> Option<String> {
    if engine == Engine::Mariadb {
        if raw.eq_ignore_ascii_case("NULL") {
            return None;
        }
        return Some(canonical_expr(raw));
    }
    if expression {
        let lower = raw.to_ascii_lowercase();
        return Some(
            if lower.starts_with("current_timestamp") || lower.starts_with("now(") {
                canonical_expr(raw)
            } else {
                canonical_expr(&format!("({raw})"))
            },
        );
    }
    Some(format!("'{}'", raw.replace('\'', "''")))
}

fn indexes(schema: &mut Schema, rows: &[Row]) {
    // (table, index) → index under construction.
    let mut built: BTreeMap<(String, String), Index> = BTreeMap::new();
    for r in rows {
        let table = text(r, 0).unwrap_or_default();
        let name = text(r, 1).unwrap_or_default();
        let unique = number(r, 2) == Some(0);
        let method = text(r, 6).unwrap_or_default().to_ascii_lowercase();
        let entry = built.entry((table, name.clone())).or_insert_with(|| Index {
            name,
            columns: vec![],
            unique,
            method: method.clone(),
            predicate: None,
            include: vec![],
            prefix_lengths: BTreeMap::new(),
        });
        match (text(r, 4), text(r, 7)) {
            (Some(col), _) => {
                // SPATIAL indexes report an internal SUB_PART (32) that is no prefix.
                let prefix = number(r, 5)
                    .filter(|_| method != "spatial")
                    .map(|n| n as u32);
                if text(r, 8).as_deref() == Some("D") {
                    entry.columns.push(descending_key(&col, prefix));
                } else {
                    if let Some(len) = prefix {
                        entry.prefix_lengths.insert(col.clone(), len);
                    }
                    entry.columns.push(IndexKey::Column(col));
                }
            }
            (None, Some(expr)) => entry.columns.push(IndexKey::Expression {
                expression: canonical_expr(&expr),
            }),
            (None, None) => {}
        }
    }
    for ((table, name), index) in built {
        let Some(t) = schema.tables.get_mut(&table) else {
            continue;
        };
        if name == "PRIMARY" {
            t.primary_key = Some(PrimaryKey {
                name,
                columns: index
                    .columns
                    .iter()
                    .filter_map(|k| k.column().map(str::to_string))
                    .collect(),
            });
        } else {
            t.indexes.push(index);
        }
    }
}

fn foreign_keys(schema: &mut Schema, rows: &[Row], database: &str) {
    let mut built: BTreeMap<(String, String), ForeignKey> = BTreeMap::new();
    for r in rows {
        let table = text(r, 0).unwrap_or_default();
        let name = text(r, 1).unwrap_or_default();
        let ref_db = text(r, 3).unwrap_or_default();
        let ref_name = text(r, 4).unwrap_or_default();
        let fk = built
            .entry((table, name.clone()))
            .or_insert_with(|| ForeignKey {
                name,
                columns: vec![],
                ref_table: if ref_db == database {
                    ref_name
                } else {
                    format!("{ref_db}.{ref_name}")
                },
                ref_columns: vec![],
                on_update: fk_action(&text(r, 6).unwrap_or_default()),
                on_delete: fk_action(&text(r, 7).unwrap_or_default()),
                deferrable: false,
                initially_deferred: false,
                validated: true,
            });
        fk.columns.push(text(r, 2).unwrap_or_default());
        fk.ref_columns.push(text(r, 5).unwrap_or_default());
    }
    for ((table, _), fk) in built {
        if let Some(t) = schema.tables.get_mut(&table) {
            t.foreign_keys.push(fk);
        }
    }
}

fn checks(schema: &mut Schema, rows: &[Row]) {
    for r in rows {
        let table = text(r, 0).unwrap_or_default();
        if let Some(t) = schema.tables.get_mut(&table) {
            t.check_constraints.push(CheckConstraint {
                name: text(r, 1).unwrap_or_default(),
                expression: canonical_expr(&text(r, 2).unwrap_or_default()),
                validated: true,
            });
        }
    }
}
