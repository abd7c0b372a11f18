//! `verify` on MySQL / MariaDB: a throwaway database `migsmith_verify_<random>` on the same
//! server (dropped after success, failure or Ctrl-C, through [`super::cleanup`]), the base
//! schema built there (the live database's `SHOW CREATE TABLE`s, or the given dump), N synthetic
//! rows per table, then up → down → up with the live reader's catalog compared after each pass.
//! While each statement runs a second connection samples the migrating connection's metadata
//! locks (`performance_schema.metadata_locks`, else MariaDB's `METADATA_LOCK_INFO` plugin);
//! when neither is available the result says so. The user's database is only read.
//!
//! Compared: tables, columns, keys, foreign keys, checks, table options and dependencies of the
//! [`Schema`] the live reader returns. Ignored: `Table.stats` and `Schema.server` (row counts,
//! sizes and the server version differ by nature), `Schema.notes`, the MySQL/MariaDB flavour
//! of `Schema.engine` (a plan for `mysql` may run on MariaDB), and `AUTO_INCREMENT`
//! counters (not part of the model). MySQL has no transactional DDL: a failing statement leaves
//! the ones before it applied, which is exactly what the scratch database shows.

use super::cleanup::{self, CleanupGuard};
use super::locks::TracedLock;
use super::script::short;
use super::subject::{Migration, Subject, SubjectStatement};
use super::{CheckOutcome, StatementTrace, Verification, VerifyError};
use crate::dialect::LockMode;
use crate::schema::live::mysql::read;
use crate::schema::live::redact_url;
use crate::schema::sizes::RowCounts;
use crate::schema::{Column, Schema};
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Rows seeded when `--rows` does not say (0: schema only).
const DEFAULT_ROWS: u64 = 0;

fn err(e: mysql::Error) -> VerifyError {
    VerifyError::Scratch(message(&e))
}

/// The server's message (no debug formatting).
pub fn message(e: &mysql::Error) -> String {
    match e {
        mysql::Error::MySqlError(m) => format!("{} (error {})", m.message, m.code),
        other => other.to_string(),
    }
}

fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// Connection options for `url` with `database` selected (none: the server only).
fn opts(url: &str, database: Option<&str>) -> Result<OptsBuilder, VerifyError> {
    let bad = |message: String| VerifyError::BadUrl {
        url: redact_url(url),
        message,
    };
    let rest = url
        .trim()
        .split_once("://")
        .map(|(_, r)| r)
        .ok_or_else(|| bad("no scheme".into()))?;
    let opts = Opts::from_url(&format!("mysql://{rest}")).map_err(|e| bad(e.to_string()))?;
    Ok(OptsBuilder::from_opts(opts)
        .db_name(database.map(str::to_string))
        .tcp_connect_timeout(Some(Duration::from_secs(10))))
}

/// The database the URL names.
fn url_database(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://")?.1;
    Opts::from_url(&format!("mysql://{rest}"))
        .ok()?
        .get_db_name()
        .filter(|d| !d.is_empty())
        .map(str::to_string)
}

fn connect(url: &str, database: Option<&str>) -> Result<Conn, VerifyError> {
    Conn::new(opts(url, database)?).map_err(|e| VerifyError::Connect {
        target: redact_url(url),
        message: message(&e),
    })
}

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

/// A throwaway database, dropped (after killing its connections) when the value is dropped or
/// on Ctrl-C.
struct Scratch {
    name: String,
    connections: Arc<Mutex<Vec<u32>>>,
    _guard: CleanupGuard,
}

impl Scratch {
    fn create(url: &str) -> Result<Scratch, VerifyError> {
        let mut admin = connect(url, None)?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let name = format!(
            "migsmith_verify_{:x}",
            (nanos ^ ((std::process::id() as u128) << 40)) & 0xffff_ffff_ffff
        );
        admin
            .query_drop(format!("CREATE DATABASE {}", quote(&name)))
            .map_err(|e| {
                VerifyError::Scratch(format!(
                    "cannot create the scratch database {name} on {}: {} (the user needs CREATE and DROP privileges)",
                    redact_url(url),
                    message(&e)
                ))
            })?;
        let connections: Arc<Mutex<Vec<u32>>> = Arc::default();
        let (u, n, ids) = (url.to_string(), name.clone(), connections.clone());
        let guard = cleanup::register(move || {
            if let Ok(mut c) = connect(&u, None) {
                for id in ids.lock().unwrap_or_else(|p| p.into_inner()).iter() {
                    let _ = c.query_drop(format!("KILL {id}"));
                }
                let _ = c.query_drop(format!("DROP DATABASE IF EXISTS {}", quote(&n)));
            }
        });
        Ok(Scratch {
            name,
            connections,
            _guard: guard,
        })
    }

    fn connect(&self, url: &str) -> Result<Conn, VerifyError> {
        let conn = connect(url, Some(&self.name))?;
        self.connections
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(conn.connection_id());
        Ok(conn)
    }
}

/// Where metadata locks can be read on this server.
#[derive(Clone, Copy, PartialEq)]
enum LockSource {
    PerformanceSchema,
    MetadataLockInfo,
}

fn lock_source(conn: &mut Conn) -> Result<LockSource, String> {
    let ps: Option<String> = conn
        .query_first("SELECT @@performance_schema")
        .unwrap_or(None);
    if ps.as_deref() == Some("1") {
        let on: Option<u64> = conn
            .query_first(
                "SELECT COUNT(*) FROM performance_schema.setup_instruments \
                 WHERE NAME = 'wait/lock/metadata/sql/mdl' AND ENABLED = 'YES'",
            )
            .unwrap_or(None);
        if on.unwrap_or(0) > 0 {
            return Ok(LockSource::PerformanceSchema);
        }
    }
    let plugin: Option<String> = conn
        .query_first(
            "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'METADATA_LOCK_INFO'",
        )
        .unwrap_or(None);
    if plugin.as_deref() == Some("ACTIVE") {
        return Ok(LockSource::MetadataLockInfo);
    }
    Err(format!(
        "metadata locks: not observable on this server (performance_schema is {}; the \
         METADATA_LOCK_INFO plugin is not installed). Start the server with performance_schema=ON, \
         or on MariaDB run INSTALL SONAME 'metadata_lock_info', to see them",
        if ps.as_deref() == Some("1") {
            "ON but the wait/lock/metadata/sql/mdl instrument is disabled"
        } else {
            "OFF"
        }
    ))
}

/// One sample: when, table, MDL type (`MDL_EXCLUSIVE`, `SHARED_UPGRADABLE`…).
type Sample = (Instant, String, String);

/// Polls the migrating connection's metadata locks on a second connection.
struct Sampler {
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<Sample>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sampler {
    fn start(mut conn: Conn, source: LockSource, target: u32, database: &str) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let samples: Arc<Mutex<Vec<Sample>>> = Arc::default();
        let db = database.replace('\'', "''");
        let query = match source {
            LockSource::PerformanceSchema => format!(
                "SELECT m.OBJECT_NAME, m.LOCK_TYPE FROM performance_schema.metadata_locks m \
                 JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID \
                 WHERE t.PROCESSLIST_ID = {target} AND m.OBJECT_SCHEMA = '{db}' \
                 AND m.OBJECT_TYPE = 'TABLE' AND m.LOCK_STATUS = 'GRANTED'"
            ),
            LockSource::MetadataLockInfo => format!(
                "SELECT TABLE_NAME, LOCK_MODE FROM information_schema.METADATA_LOCK_INFO \
                 WHERE THREAD_ID = {target} AND TABLE_SCHEMA = '{db}' AND TABLE_NAME <> ''"
            ),
        };
        let (s, out) = (stop.clone(), samples.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                let at = Instant::now();
                if let Ok(rows) = conn.query::<(String, String), _>(&query) {
                    let mut out = out.lock().unwrap_or_else(|p| p.into_inner());
                    out.extend(rows.into_iter().map(|(t, m)| (at, t, m)));
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        Sampler {
            stop,
            samples,
            thread: Some(thread),
        }
    }

    fn finish(mut self) -> Vec<Sample> {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        std::mem::take(&mut *self.samples.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// The MySQL dialect's reading of a metadata lock type (see `dialect::mysql`'s statements):
/// blocks reads → EXCLUSIVE, blocks writes → SHARE, online DDL → SHARE UPDATE EXCLUSIVE.
fn mdl_mode(mdl: &str) -> LockMode {
    match mdl.trim_start_matches("MDL_") {
        "EXCLUSIVE" | "SHARED_NO_READ_WRITE" => LockMode::Exclusive,
        "SHARED_NO_WRITE" | "SHARED_READ_ONLY" => LockMode::Share,
        "SHARED_UPGRADABLE" => LockMode::ShareUpdateExclusive,
        "SHARED_WRITE" | "SHARED_WRITE_LOW_PRIO" => LockMode::RowExclusive,
        _ => LockMode::AccessShare,
    }
}

/// Seed value for one column of row `i` (`None`: leave it to its default / NULL).
fn seed_value(table: &str, c: &Column, schema: &Schema, rows: &RowCounts) -> Option<String> {
    if c.options.auto_increment || c.options.generated.is_some() {
        return None;
    }
    let t = schema.tables.get(table)?;
    if let Some(fk) = t.foreign_keys.iter().find(|f| f.columns.contains(&c.name)) {
        let parent = rows.for_table(&fk.ref_table).unwrap_or(DEFAULT_ROWS);
        return if parent == 0 {
            (!c.nullable).then(|| "1".to_string())
        } else {
            Some(format!("((n.i - 1) % {parent}) + 1"))
        };
    }
    let ty = c.data_type.to_ascii_lowercase();
    let base = ty.split(['(', ' ']).next().unwrap_or("");
    let len: Option<u64> = ty
        .split_once('(')
        .and_then(|(_, r)| r.split([')', ',']).next())
        .and_then(|n| n.trim().parse().ok());
    let value = match base {
        "tinyint" if len == Some(1) => "n.i % 2".to_string(),
        "tinyint" => "n.i % 100".to_string(),
        "smallint" => "n.i % 30000".to_string(),
        "mediumint" | "int" | "integer" | "bigint" => "n.i".to_string(),
        "decimal" | "numeric" | "float" | "double" | "real" => "n.i % 1000".to_string(),
        "bit" => "0".to_string(),
        "char" | "varchar" | "binary" | "varbinary" => {
            format!("LEFT(CONCAT('v', n.i), {})", len.unwrap_or(1).max(1))
        }
        "tinytext" | "text" | "mediumtext" | "longtext" | "tinyblob" | "blob" | "mediumblob"
        | "longblob" => "CONCAT('v', n.i)".to_string(),
        "date" => "DATE('2024-01-01') + INTERVAL (n.i % 3000) DAY".to_string(),
        "datetime" | "timestamp" => {
            "TIMESTAMP('2024-01-01 00:00:00') + INTERVAL n.i SECOND".to_string()
        }
        "time" => "SEC_TO_TIME(n.i % 86400)".to_string(),
        "year" => "2000 + n.i % 100".to_string(),
        "enum" | "set" => "1".to_string(),
        "json" | "longtext_json" => "JSON_OBJECT('i', n.i)".to_string(),
        "uuid" => "UUID()".to_string(),
        _ if c.default.is_some() || c.nullable => return None,
        _ => "CONCAT('', n.i)".to_string(),
    };
    Some(value)
}

/// Insert the requested rows into every table (foreign key checks off: parents and children
/// in any order); returns the rows per table.
fn seed(
    conn: &mut Conn,
    schema: &Schema,
    rows: &RowCounts,
) -> Result<BTreeMap<String, u64>, VerifyError> {
    let mut seeded = BTreeMap::new();
    let _ = conn.query_drop("SET SESSION cte_max_recursion_depth = 100000000");
    let _ = conn.query_drop("SET SESSION max_recursive_iterations = 100000000");
    conn.query_drop("SET FOREIGN_KEY_CHECKS = 0").map_err(err)?;
    for (key, table) in &schema.tables {
        let n = rows.for_table(key).unwrap_or(DEFAULT_ROWS);
        if n == 0 {
            continue;
        }
        let (names, values): (Vec<String>, Vec<String>) = table
            .columns
            .iter()
            .filter_map(|c| seed_value(key, c, schema, rows).map(|v| (quote(&c.name), v)))
            .unzip();
        let sql = format!(
            "INSERT INTO {} ({}) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) SELECT {} FROM n",
            quote(&table.name),
            names.join(", "),
            values.join(", ")
        );
        conn.query_drop(&sql).map_err(|e| {
            VerifyError::Seed(format!(
                "table `{}`: {} (in: {})",
                table.name,
                message(&e),
                short(&sql)
            ))
        })?;
        seeded.insert(key.clone(), n);
    }
    conn.query_drop("SET FOREIGN_KEY_CHECKS = 1").map_err(err)?;
    Ok(seeded)
}

/// What the comparison looks at (see the module documentation).
fn comparable(mut s: Schema) -> Schema {
    s.server = None;
    s.notes.clear();
    // The flavour is the server's, not the catalog's (a plan for `mysql` run on MariaDB).
    if s.engine == crate::schema::Engine::Mariadb {
        s.engine = crate::schema::Engine::Mysql;
    }
    for t in s.tables.values_mut() {
        t.stats = None;
    }
    s
}

/// The plan's model in the server's spelling: a column whose type came from the description
/// is in PostgreSQL's canonical spelling (`boolean`, `false`); the generated SQL spells it as
/// `dialect::mysql::types` maps it (`tinyint(1)`, `0`), which is what the catalog shows.
fn in_mysql_spelling(mut s: Schema) -> Schema {
    use crate::dialect::mysql::types::{column_type, default_expr};
    let model = s.clone();
    for t in s.tables.values_mut() {
        for c in &mut t.columns {
            let mapped = column_type(&c.data_type, &model);
            if mapped != c.data_type {
                c.default = c
                    .default
                    .as_deref()
                    .and_then(|d| default_expr(d, &mapped))
                    .map(|d| crate::schema::mysql::canonical_expr(&d));
                c.data_type = mapped;
            }
        }
    }
    s
}

/// A line diff of two schemas' JSON, `-` expected, `+` actual; empty when equal.
fn diff(expected: &Schema, actual: &Schema) -> Vec<String> {
    if expected == actual {
        return vec![];
    }
    let mut out = vec![];
    let keys: std::collections::BTreeSet<&String> =
        expected.tables.keys().chain(actual.tables.keys()).collect();
    for key in keys {
        let json = |s: &Schema| {
            s.tables
                .get(key)
                .map(|t| serde_json::to_string_pretty(t).unwrap_or_default())
                .unwrap_or_default()
        };
        let (e, a) = (json(expected), json(actual));
        if e == a {
            continue;
        }
        out.push(format!("table `{key}`:"));
        let (el, al): (Vec<&str>, Vec<&str>) = (e.lines().collect(), a.lines().collect());
        out.extend(
            el.iter()
                .filter(|l| !al.contains(l))
                .map(|l| format!("- {}", l.trim())),
        );
        out.extend(
            al.iter()
                .filter(|l| !el.contains(l))
                .map(|l| format!("+ {}", l.trim())),
        );
    }
    if expected.enums != actual.enums || expected.dependencies != actual.dependencies {
        out.push("enums or dependencies (views, triggers) differ".to_string());
    }
    if expected.engine != actual.engine {
        out.push(format!(
            "engine: {} expected, {} read",
            expected.engine.name(),
            actual.engine.name()
        ));
    }
    if out.is_empty() {
        out.push(format!(
            "the schemas differ outside the tables: {:?} vs {:?}",
            serde_json::to_string(expected).unwrap_or_default(),
            serde_json::to_string(actual).unwrap_or_default()
        ));
    }
    out.truncate(40);
    out
}

/// Row count and a checksum of the columns outside `skip`, per table.
fn fingerprints(
    conn: &mut Conn,
    schema: &Schema,
    changed: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeMap<String, (u64, String)>, VerifyError> {
    let mut out = BTreeMap::new();
    for (key, table) in &schema.tables {
        let skip = changed.get(key).cloned().unwrap_or_default();
        let columns: Vec<String> = table
            .columns
            .iter()
            .filter(|c| !skip.contains(&c.name))
            .map(|c| quote(&c.name))
            .collect();
        let checksum = if columns.is_empty() {
            "'0'".to_string()
        } else {
            format!(
                "CAST(COALESCE(SUM(CRC32(CONCAT_WS('|', {}))), 0) AS CHAR)",
                columns.join(", ")
            )
        };
        let row: Option<(u64, String)> = conn
            .query_first(format!(
                "SELECT COUNT(*), {checksum} FROM {}",
                quote(&table.name)
            ))
            .map_err(err)?;
        out.insert(key.clone(), row.unwrap_or((0, "0".into())));
    }
    Ok(out)
}

fn outcome(name: impl Into<String>, passed: bool, details: Vec<String>) -> CheckOutcome {
    CheckOutcome {
        name: name.into(),
        passed,
        details,
    }
}

struct Run<'a> {
    url: &'a str,
    database: String,
    conn: Conn,
    checks: Vec<CheckOutcome>,
    traces: Vec<StatementTrace>,
    windows: Vec<(Instant, Instant)>,
}

impl Run<'_> {
    /// The scratch database as the live reader sees it (on its own connection: the reader's
    /// session is read-only).
    fn snapshot(&mut self, scratch: &Scratch) -> Result<Schema, VerifyError> {
        let mut conn = scratch.connect(self.url)?;
        let shown = redact_url(self.url);
        read(&mut conn, &shown, &self.database, false)
            .map(comparable)
            .map_err(|e| VerifyError::Scratch(e.to_string()))
    }

    fn pass(&mut self, subject: &Subject, direction: &str) -> bool {
        let migrations: Vec<&Migration> = if direction == "down" {
            subject.migrations.iter().rev().collect()
        } else {
            subject.migrations.iter().collect()
        };
        for m in migrations {
            let statements = if direction == "down" { &m.down } else { &m.up };
            for st in statements {
                let start = Instant::now();
                let result = self.conn.query_drop(&st.sql);
                let end = Instant::now();
                self.windows.push((start, end));
                self.traces.push(StatementTrace {
                    migration: m.name.clone(),
                    direction: direction.to_string(),
                    sql: short(&st.sql),
                    table: st.planned.as_ref().and_then(|p| p.table.clone()),
                    predicted_lock: st.planned.as_ref().map(|p| p.lock),
                    observed_locks: vec![],
                    lock_mismatch: None,
                    estimated_seconds: st.estimated_seconds,
                    measured_seconds: (end - start).as_secs_f64(),
                });
                if let Err(e) = result {
                    self.checks.push(outcome(
                        format!("{direction} applies"),
                        false,
                        vec![
                            format!("migration `{}` failed at: {}", m.name, short(&st.sql)),
                            message(&e),
                            "MySQL has no transactional DDL: the statements before it stayed applied"
                                .to_string(),
                        ],
                    ));
                    return false;
                }
            }
        }
        self.checks
            .push(outcome(format!("{direction} applies"), true, vec![]));
        true
    }

    fn same(&mut self, name: &str, expected: &Schema, actual: &Schema) {
        let d = diff(expected, actual);
        self.checks.push(outcome(name, d.is_empty(), d));
    }
}

/// Prove `subject` on a scratch database on the server of `url` (a `mysql://` or `mariadb://`
/// URL; its database is never written). `base_schema` is the SQL building the schema before the
/// migration; `expected_after`, when known (a plan), is the model the catalog must equal after
/// up. Errors mean it could not run at all; failed checks are in the result.
pub fn verify(
    subject: &Subject,
    url: &str,
    base_schema: &str,
    base_schema_origin: &str,
    expected_after: Option<&Schema>,
    rows: &RowCounts,
) -> Result<Verification, VerifyError> {
    let wall = Instant::now();
    let scratch = Scratch::create(url)?;
    super::progress::note(&format!(
        "verify: scratch database {} created on {}",
        scratch.name,
        redact_url(url)
    ));
    let mut conn = scratch.connect(url)?;
    let version: String = conn
        .query_first("SELECT VERSION()")
        .map_err(err)?
        .unwrap_or_default();
    let flavour = if version.to_ascii_lowercase().contains("mariadb") {
        "MariaDB"
    } else {
        "MySQL"
    };
    let seeding = Instant::now();
    for statement in split(base_schema) {
        conn.query_drop(&statement)
            .map_err(|e| VerifyError::Script {
                origin: base_schema_origin.to_string(),
                message: format!("{}\n  in: {}", message(&e), short(&statement)),
            })?;
    }
    let mut run = Run {
        url,
        database: scratch.name.clone(),
        conn,
        checks: vec![],
        traces: vec![],
        windows: vec![],
    };
    let s0 = run.snapshot(&scratch)?;
    let seeded = seed(&mut run.conn, &s0, rows)?;
    let seed_seconds = seeding.elapsed().as_secs_f64();
    let rows0 = match &subject.preserves_rows {
        Some(changed) => Some(fingerprints(&mut run.conn, &s0, changed)?),
        None => None,
    };
    let mut probe = scratch.connect(url)?;
    let sampler = match lock_source(&mut probe) {
        Ok(source) => Ok(Sampler::start(
            probe,
            source,
            run.conn.connection_id(),
            &scratch.name,
        )),
        Err(why) => Err(why),
    };
    if run.pass(subject, "up") {
        let s1 = run.snapshot(&scratch)?;
        if let Some(expected) = expected_after {
            let expected = comparable(in_mysql_spelling(expected.clone()));
            run.same("after up, the schema is the planned one", &expected, &s1);
        }
        if run.pass(subject, "down") {
            let s2 = run.snapshot(&scratch)?;
            run.same("after down, the schema is exactly as before up", &s0, &s2);
            if let (Some(changed), Some(before)) = (&subject.preserves_rows, &rows0) {
                let after = fingerprints(&mut run.conn, &s2, changed)?;
                for (table, (count, sum)) in before {
                    let details = match after.get(table) {
                        Some((c, s)) if c == count && s == sum => vec![],
                        Some((c, s)) if c == count => {
                            vec![format!("{count} rows; checksum {sum} before, {s} after")]
                        }
                        Some((c, _)) => vec![format!("{count} rows before, {c} after")],
                        None => vec!["the table is gone".to_string()],
                    };
                    run.checks.push(outcome(
                        format!("rows of `{table}` survive up and down ({count} rows)"),
                        details.is_empty(),
                        details,
                    ));
                }
            }
            if run.pass(subject, "up again") {
                let s3 = run.snapshot(&scratch)?;
                run.same("after up again, the schema equals the first up", &s1, &s3);
            }
        }
    }
    let Run {
        mut checks,
        mut traces,
        windows,
        conn,
        ..
    } = run;
    drop(conn);
    let mut seen = vec![];
    match sampler {
        Ok(sampler) => {
            let samples = sampler.finish();
            for (k, trace) in traces.iter_mut().enumerate() {
                let (start, end) = windows[k];
                // Per table, per metadata lock type: first and last sample, sample count.
                type Seen = BTreeMap<String, (Instant, Instant, usize)>;
                let mut per_table: BTreeMap<String, Seen> = BTreeMap::new();
                for (at, table, mdl) in samples.iter().filter(|(at, ..)| *at >= start && *at <= end)
                {
                    let e = per_table
                        .entry(table.clone())
                        .or_default()
                        .entry(mdl.clone())
                        .or_insert((*at, *at, 0));
                    e.1 = *at;
                    e.2 += 1;
                }
                for (table, types) in per_table {
                    let listed: Vec<String> = types
                        .iter()
                        .map(|(mdl, (first, last, _))| {
                            format!("{mdl} {:.0} ms", (*last - *first).as_secs_f64() * 1000.0)
                        })
                        .collect();
                    seen.push(format!(
                        "{} `{}`: {} on `{table}`",
                        trace.direction,
                        trace.sql,
                        listed.join(", ")
                    ));
                    // The lock held for most of the statement (online DDL takes MDL_EXCLUSIVE
                    // only for a moment at its start and end).
                    let Some((mdl, (first, last, _))) = types.iter().max_by_key(|(_, v)| v.2)
                    else {
                        continue;
                    };
                    let mode = mdl_mode(mdl);
                    if let (Some(predicted), Some(t)) = (trace.predicted_lock, &trace.table) {
                        if t == &table && predicted != LockMode::None && mode > predicted {
                            trace.lock_mismatch = Some(format!(
                                "held {mdl} on `{table}` for most of the statement (read as {}), the plan predicted {}",
                                mode.name(),
                                predicted.name()
                            ));
                        }
                    }
                    trace.observed_locks.push(TracedLock {
                        table,
                        mode,
                        held_seconds: (*last - *first).as_secs_f64(),
                    });
                }
            }
            if seen.is_empty() {
                seen.push(
                    "metadata locks: sampled every 2 ms, none seen (statements shorter than a sample)"
                        .to_string(),
                );
            }
        }
        Err(why) => seen.push(why),
    }
    // Informational: a sampled MDL is not a failure (online DDL upgrades briefly by design).
    checks.push(outcome("metadata locks observed", true, seen));
    let scratch_database = scratch.name.clone();
    drop(scratch);
    Ok(Verification {
        passed: checks.iter().all(|c| c.passed),
        scratch: format!("throwaway database on {}", redact_url(url)),
        scratch_database,
        server_version: format!(
            "{flavour} {}",
            version.split('-').next().unwrap_or_default()
        ),
        base_schema: base_schema_origin.to_string(),
        seeded_rows: seeded,
        checks,
        statements: traces,
        cost_table: "no cost table (MySQL estimates come from the plan)".to_string(),
        wall_seconds: wall.elapsed().as_secs_f64(),
        seed_seconds,
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

    #[test]
    fn reads_metadata_lock_types_as_the_dialect_does() {
        assert_eq!(mdl_mode("MDL_EXCLUSIVE"), LockMode::Exclusive);
        assert_eq!(mdl_mode("SHARED_NO_WRITE"), LockMode::Share);
        assert_eq!(
            mdl_mode("MDL_SHARED_UPGRADABLE"),
            LockMode::ShareUpdateExclusive
        );
    }
}
