//! The round trip on a scratch database: S0 → up → S1 (promised checks) → down → S2 == S0 →
//! up → S3 == S1, rows and untouched values preserved when the plan claims no data loss, every
//! statement timed and lock-traced. A failing statement stops the trip and is reported as a
//! failed check, not as an error: the result says what failed and why.

use super::catalog::{diff, snapshot};
use super::cluster::Cluster;
use super::locks::{attribute, LockSampler, Window};
use super::scratch::{ScratchDb, Server};
use super::script::{self, short};
use super::seed::{self, column_names, qualified};
use super::subject::{Subject, SubjectStatement};
use super::{db_message, CheckOutcome, StatementTrace, Verification, VerifyError};
use crate::dialect::LockMode;
use crate::plan::cost::{estimate_with, CostTable, TableShape, Width};
use crate::schema::sizes::RowCounts;
use indicatif::ProgressBar;
use postgres::Client;
use std::collections::BTreeMap;
use std::time::Instant;

/// Where the scratch database lives.
#[derive(Debug, Clone)]
pub enum Where {
    /// A throwaway database on this server (URL; its password is never printed).
    Server(String),
    /// An ephemeral cluster from the installed server binaries.
    Ephemeral,
}

/// How to verify.
#[derive(Debug, Clone)]
pub struct Options {
    pub place: Where,
    /// SQL recreating the schema before the migrations, and where it came from.
    pub base_schema: String,
    pub base_schema_origin: String,
    pub rows: RowCounts,
    /// Per-row costs for the estimates shown beside measured times (at the seeded size).
    pub costs: CostTable,
}

struct Run<'a> {
    client: Client,
    sampler: LockSampler,
    bar: ProgressBar,
    windows: Vec<Window>,
    traces: Vec<StatementTrace>,
    statements: Vec<&'a SubjectStatement>,
    checks: Vec<CheckOutcome>,
}

fn outcome(name: impl Into<String>, passed: bool, details: Vec<String>) -> CheckOutcome {
    CheckOutcome {
        name: name.into(),
        passed,
        details,
    }
}

impl<'a> Run<'a> {
    /// Run one direction of every migration; false (with a failed check) when a statement fails.
    fn pass(&mut self, subject: &'a Subject, direction: &str) -> bool {
        let migrations: Vec<_> = if direction == "down" {
            subject.migrations.iter().rev().collect()
        } else {
            subject.migrations.iter().collect()
        };
        for m in migrations {
            let statements = if direction == "down" { &m.down } else { &m.up };
            for st in statements {
                self.bar
                    .set_message(format!("{direction}: {}", short(&st.sql)));
                let start = Instant::now();
                let result = self.client.batch_execute(&st.sql);
                let measured = start.elapsed().as_secs_f64();
                let barrier = self
                    .sampler
                    .barrier()
                    .map(|s| s.at)
                    .unwrap_or_else(Instant::now);
                self.bar.inc(1);
                self.windows.push(Window { start, barrier });
                self.statements.push(st);
                self.traces.push(StatementTrace {
                    migration: m.name.clone(),
                    direction: direction.to_string(),
                    sql: short(&st.sql),
                    table: st.planned.as_ref().and_then(|p| p.table.clone()),
                    predicted_lock: st.planned.as_ref().map(|p| p.lock),
                    observed_locks: vec![],
                    lock_mismatch: None,
                    estimated_seconds: st.estimated_seconds,
                    measured_seconds: measured,
                });
                if let Err(e) = result {
                    let _ = self.client.batch_execute("ROLLBACK");
                    self.checks.push(outcome(
                        format!("{direction} applies"),
                        false,
                        vec![
                            format!("migration `{}` failed at: {}", m.name, short(&st.sql)),
                            db_message(&e),
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

    fn snapshot(&mut self) -> Result<Vec<String>, VerifyError> {
        snapshot(&mut self.client).map_err(|e| VerifyError::Scratch(db_message(&e)))
    }

    fn run_checks(&mut self, when: &str, checks: &[crate::report::checks::Check]) {
        for c in checks {
            let result = self.client.query_one(c.sql.as_str(), &[]);
            let (passed, details) = match result {
                Ok(row) => (row.get::<_, Option<bool>>(0) == Some(true), vec![]),
                Err(e) => (false, vec![db_message(&e)]),
            };
            let mut details = details;
            if !passed {
                details.push(format!("query: {}", c.sql));
            }
            self.checks.push(outcome(
                format!("{when}: {}", c.description),
                passed,
                details,
            ));
        }
    }

    fn same_schema(&mut self, name: &str, expected: &[String], actual: &[String]) {
        let d = diff(expected, actual);
        self.checks.push(outcome(name, d.is_empty(), d));
    }
}

/// Row count and a checksum of the columns the migration does not change, per table.
fn fingerprints(
    client: &mut Client,
    changed: &BTreeMap<String, Vec<String>>,
) -> Result<BTreeMap<String, (i64, String)>, VerifyError> {
    let db = |e: postgres::Error| VerifyError::Scratch(db_message(&e));
    let mut out = BTreeMap::new();
    for table in seed::tables(client).map_err(db)? {
        let skip = changed.get(&table).cloned().unwrap_or_default();
        let columns: Vec<String> = column_names(client, &table)
            .map_err(db)?
            .into_iter()
            .filter(|c| !skip.contains(c))
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        let checksum = if columns.is_empty() {
            "'0'".to_string()
        } else {
            format!(
                "coalesce(sum(hashtextextended(ROW({})::text, 0)::numeric), 0)::text",
                columns.join(", ")
            )
        };
        let row = client
            .query_one(
                &format!("SELECT count(*), {checksum} FROM {}", qualified(&table)),
                &[],
            )
            .map_err(db)?;
        out.insert(table, (row.get(0), row.get(1)));
    }
    Ok(out)
}

fn progress(total: u64) -> ProgressBar {
    super::progress::bar("verify", total)
}

/// Prove `subject` on a scratch database. Errors are for not being able to run at all
/// (no server, bad base schema); failed checks are in the returned [`Verification`].
pub fn verify(subject: &Subject, opts: &Options) -> Result<Verification, VerifyError> {
    let wall = Instant::now();
    let cluster = match &opts.place {
        Where::Ephemeral => Some(Cluster::start()?),
        Where::Server(_) => None,
    };
    let (server, place) = match (&opts.place, &cluster) {
        (Where::Server(url), _) => {
            let server = Server::from_url(url)?;
            let place = format!("throwaway database on {}", server.display);
            (server, place)
        }
        (Where::Ephemeral, Some(c)) => {
            super::progress::note(&format!(
                "verify: ephemeral PostgreSQL {} cluster in {} (port {})",
                c.version,
                c.dir.display(),
                c.port
            ));
            (
                c.server(),
                format!("ephemeral PostgreSQL {} cluster", c.version),
            )
        }
        (Where::Ephemeral, None) => unreachable!("the cluster was started above"),
    };
    let scratch = ScratchDb::create(&server)?;
    super::progress::note(&format!(
        "verify: scratch database {} created on {}",
        scratch.name, server.display
    ));
    let mut client = scratch.connect()?;
    let db = |e: postgres::Error| VerifyError::Scratch(db_message(&e));
    let version: String = client
        .query_one("SELECT current_setting('server_version')", &[])
        .map_err(db)?
        .get(0);
    let seeding = Instant::now();
    script::apply(&mut client, &opts.base_schema, &opts.base_schema_origin)?;
    let seeded = seed::seed(&mut client, &opts.rows)?;
    let seed_seconds = seeding.elapsed().as_secs_f64();
    // Heap bytes of each seeded table, for the estimate's row-width term.
    let mut heap_bytes: BTreeMap<String, u64> = BTreeMap::new();
    for table in seeded.keys() {
        let row = client
            .query_one(
                &format!(
                    "SELECT pg_table_size('{}')",
                    seed::qualified(table).replace('\'', "''")
                ),
                &[],
            )
            .map_err(db)?;
        heap_bytes.insert(table.clone(), row.get::<_, i64>(0).max(0) as u64);
    }
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .map_err(db)?
        .get(0);
    let sampler = LockSampler::start(&server, &scratch.name, pid)?;
    let total: usize = subject
        .migrations
        .iter()
        .map(|m| 2 * m.up.len() + m.down.len())
        .sum();
    let mut run = Run {
        client,
        sampler,
        bar: progress(total as u64),
        windows: vec![],
        traces: vec![],
        statements: vec![],
        checks: vec![],
    };
    let s0 = run.snapshot()?;
    let rows0 = match &subject.preserves_rows {
        Some(changed) => Some(fingerprints(&mut run.client, changed)?),
        None => None,
    };
    if run.pass(subject, "up") {
        let s1 = run.snapshot()?;
        run.run_checks("after up", &subject.up_checks);
        if run.pass(subject, "down") {
            let s2 = run.snapshot()?;
            run.same_schema("after down, the schema is exactly as before up", &s0, &s2);
            run.run_checks("after down", &subject.down_checks);
            if let (Some(changed), Some(before)) = (&subject.preserves_rows, &rows0) {
                let after = fingerprints(&mut run.client, changed)?;
                for (table, (count, sum)) in before {
                    let kept = after.get(table);
                    let details = match kept {
                        Some((c, s)) if c == count && s == sum => vec![],
                        Some((c, s)) if c == count => {
                            vec![format!("{count} rows; checksum {sum} before, {s} after")]
                        }
                        Some((c, _)) => vec![format!("{count} rows before, {c} after")],
                        None => vec!["the table is gone".to_string()],
                    };
                    let ignored = changed.get(table).filter(|c| !c.is_empty());
                    run.checks.push(outcome(
                        format!(
                            "rows of `{table}` survive up and down ({count} rows{})",
                            ignored
                                .map(|c| format!(", values outside {}", c.join(", ")))
                                .unwrap_or_default()
                        ),
                        details.is_empty(),
                        details,
                    ));
                }
            }
            if run.pass(subject, "up again") {
                let s3 = run.snapshot()?;
                run.same_schema("after up again, the schema equals the first up", &s1, &s3);
                run.run_checks("after up again", &subject.up_checks);
            }
        }
    }
    run.bar.finish_and_clear();
    let Run {
        sampler,
        windows,
        mut traces,
        statements,
        mut checks,
        client,
        ..
    } = run;
    drop(client);
    let samples = sampler.finish();
    let mut stronger = vec![];
    for (k, trace) in traces.iter_mut().enumerate() {
        trace.observed_locks = attribute(&samples, &windows, k);
        if let (Some(planned), Some(rows)) = (
            statements[k].planned.as_ref(),
            trace.table.as_ref().and_then(|t| seeded.get(t)),
        ) {
            let seeded_width = trace
                .table
                .as_ref()
                .and_then(|t| heap_bytes.get(t))
                .and_then(|bytes| Width::measured(*bytes, *rows));
            let planned_shape = statements[k].shape;
            let shape = TableShape {
                rows: *rows,
                width: seeded_width.or(planned_shape.and_then(|s| s.width)),
                ..planned_shape.unwrap_or(TableShape {
                    indexes: 1,
                    ..TableShape::default()
                })
            };
            trace.estimated_seconds = Some(estimate_with(&opts.costs, planned, &shape).seconds);
        }
        let (Some(predicted), Some(table)) = (trace.predicted_lock, trace.table.as_ref()) else {
            continue;
        };
        let Some(seen) = trace.observed_locks.iter().find(|l| &l.table == table) else {
            continue;
        };
        if predicted != LockMode::None && seen.mode != predicted {
            let text = format!(
                "took {} on `{table}`, the plan predicted {}",
                seen.mode.name(),
                predicted.name()
            );
            if seen.mode > predicted {
                stronger.push(format!("{}: {text}", trace.sql));
            }
            trace.lock_mismatch = Some(text);
        }
    }
    checks.push(outcome(
        "no statement takes a stronger lock than the plan predicted",
        stronger.is_empty(),
        stronger,
    ));
    let scratch_database = scratch.name.clone();
    drop(scratch);
    drop(cluster);
    Ok(Verification {
        passed: checks.iter().all(|c| c.passed),
        scratch: place,
        scratch_database,
        server_version: version,
        base_schema: opts.base_schema_origin.clone(),
        seeded_rows: seeded,
        checks,
        statements: traces,
        cost_table: opts.costs.source.clone(),
        wall_seconds: wall.elapsed().as_secs_f64(),
        seed_seconds,
    })
}
