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
use super::subject::{Migration, Subject};
use super::{CheckOutcome, StatementTrace, Verification, VerifyError};
use crate::dialect::LockMode;
use crate::schema::live::mysql::read;
use crate::schema::live::redact_url;
use crate::schema::sizes::RowCounts;
use crate::schema::Schema;
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod locks;
mod script;
mod seed;

use locks::{lock_source, mdl_mode, Sampler};
pub use script::{live_base_schema, split, subject_from_files};

fn err(e: mysql::Error) -> VerifyError {
    VerifyError::Scratch(message(&e))
}

/// The server's message (no debug formatting).
pub fn message(e: &mysql::Error) -> String {
    match e {
        mysql::Error::MySqlError(m) => format!("{} (error {})", m.message, m.code),
        mysql::Error::DriverError(d) => d.to_string(),
        mysql::Error::IoError(io) => io.to_string(),
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
    let seeded = seed::seed(&mut run.conn, &s0, rows)?;
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
