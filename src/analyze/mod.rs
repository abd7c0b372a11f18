//! Risk and impact of a plan, computed from its steps and the schema's table sizes: lock modes
//! and what they block, rewrites and scans, data loss, reversibility, downtime, duration.
//! Findings are data (`Warning { rule, message }`), never errors.

pub mod engine_text;
mod phases;
pub mod rules;

pub use phases::{MigrationAnalysis, StepAnalysis};

use crate::dialect::LockMode;
use crate::plan::ops::{DataLoss, Operation, Statement};
use crate::plan::{Plan, Step, StrategyOptions};
use crate::schema::Engine;
use serde::Serialize;
use std::collections::BTreeMap;

/// Overall risk level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
}

/// One finding about the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    pub rule: &'static str,
    pub message: String,
}

/// What uses a dropped column or table (views, triggers, policies, generated columns,
/// functions that may), named before anything runs.
fn dependents_warning(op: &Operation) -> Option<Warning> {
    let (what, dependents, cascade, table) = match op {
        Operation::DropColumn(d) => (
            format!("`{}.{}`", d.table, d.column),
            &d.dependents,
            d.cascade,
            None,
        ),
        Operation::DropTable(d) => (
            format!("`{}`", d.table),
            &d.dependents,
            d.cascade,
            Some(d.table.as_str()),
        ),
        _ => return None,
    };
    if dependents.is_empty() {
        return None;
    }
    let list = |f: &dyn Fn(&crate::schema::Dependency) -> bool| {
        dependents
            .iter()
            .filter(|d| f(d))
            .map(|d| d.describe())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = vec![];
    let with_table = list(&|d| d.certain() && table.is_some_and(|t| d.belongs_to(t)));
    if !with_table.is_empty() {
        parts.push(format!("{with_table} go with it"));
    }
    let cascaded = list(&|d| d.certain() && !table.is_some_and(|t| d.belongs_to(t)));
    if !cascaded.is_empty() && cascade {
        parts.push(format!(
            "{cascaded} are dropped by CASCADE and not re-created by the down migration"
        ));
    }
    let maybe = list(&|d| !d.certain());
    if !maybe.is_empty() {
        parts.push(format!(
            "{maybe} may use it (the body mentions it): PostgreSQL does not check function bodies, so it fails when next called"
        ));
    }
    Some(Warning {
        rule: "drop-dependents",
        message: format!("Objects use {what}: {}", parts.join("; ")),
    })
}

/// The strongest lock the migration takes on one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableLock {
    pub table: String,
    pub lock: LockMode,
    /// The strongest lock as the engine names it (PostgreSQL: the mode's name; MySQL: the
    /// metadata lock and ALGORITHM; SQLite: the database write lock). JSON shows it as `lock`
    /// on engines other than PostgreSQL.
    #[serde(skip)]
    pub lock_text: String,
    pub blocks_reads: bool,
    pub blocks_writes: bool,
    /// Estimated seconds the lock blocks others (0 for catalog-only changes).
    pub estimated_blocking_seconds: f64,
    pub rewrites_table: bool,
    pub scans_table: bool,
    /// Whether a step rewrites or scans the table while holding a lock that blocks writes.
    pub blocking_work: bool,
    /// Known row count of the table, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// Whether the table exists before the migration (a new table blocks no one).
    pub existing: bool,
}

/// The JSON `analysis` object.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub risk: Risk,
    pub risk_reasons: Vec<String>,
    pub reversible: bool,
    /// What a rollback restores and what it cannot.
    pub reversibility: String,
    pub data_loss: DataLoss,
    pub downtime: String,
    pub affected_rows: u64,
    /// Whether table sizes were known (from statistics); without them rows and durations are 0.
    pub rows_known: bool,
    pub estimated_seconds: f64,
    pub locks: Vec<TableLock>,
    pub warnings: Vec<Warning>,
    /// The PostgreSQL major version planned for (`--pg-version`).
    pub pg_version: u32,
    /// Which cost table the estimates used.
    pub cost_table: String,
    /// Per migration (phase): locks, hold times, duration, downtime, per-step detail.
    pub migrations: Vec<MigrationAnalysis>,
    /// The order to run the migrations and deploy application code.
    pub deployment_order: Vec<String>,
    /// What to do when a statement fails with `lock_timeout` (55P03).
    pub lock_timeout_retry: String,
}

/// A step blocks others for longer than this and the migration is not "zero downtime".
const BLOCKING_BUDGET_SECONDS: f64 = 0.1;

/// Blocking others for longer than this is high risk (engines other than PostgreSQL, whose
/// risk follows the table's size).
const LONG_BLOCK_SECONDS: f64 = 10.0;

/// Whether a statement blocks (reads, writes) of its table: the engine's own lock when it has
/// one (MySQL, SQLite), else the PostgreSQL lock mode's.
pub(crate) fn blocks(s: &Statement) -> (bool, bool) {
    match &s.engine_lock {
        Some(l) => (l.blocks_reads, l.blocks_writes),
        None => (s.lock.blocks_reads(), s.lock.blocks_writes()),
    }
}

/// Orders statements by how much they block, for "the strongest lock" on engines whose locks
/// are not PostgreSQL modes.
fn strength(s: &Statement) -> (bool, bool, LockMode) {
    let (r, w) = blocks(s);
    (r, w, s.lock)
}

/// Analyse a plan.
pub fn analyze(plan: &Plan, opts: &StrategyOptions) -> Analysis {
    let engine = plan.before.engine;
    let postgres = engine == Engine::Postgres;
    let dialect = crate::dialect::for_engine(engine);
    let up_steps: Vec<&Step> = plan.phases.iter().flat_map(|p| &p.up).collect();
    let mut strongest: BTreeMap<String, (bool, bool, LockMode)> = BTreeMap::new();
    let mut locks: BTreeMap<String, TableLock> = BTreeMap::new();
    for step in &up_steps {
        let Some(table) = &step.statement.table else {
            continue;
        };
        let existing = plan.before.table(table).is_some();
        let rows = plan.before.table(table).and_then(|t| t.rows());
        let s = &step.statement;
        let (blocks_reads, blocks_writes) = blocks(s);
        let blocking = if existing && blocks_writes {
            step.estimated_seconds
        } else {
            0.0
        };
        let entry = locks.entry(table.clone()).or_insert(TableLock {
            table: table.clone(),
            lock: LockMode::None,
            lock_text: LockMode::None.name().to_string(),
            blocks_reads: false,
            blocks_writes: false,
            estimated_blocking_seconds: 0.0,
            rewrites_table: false,
            scans_table: false,
            blocking_work: false,
            rows,
            existing,
        });
        entry.blocking_work |= existing && blocks_writes && (s.rewrites_table || s.scans_table);
        if postgres {
            entry.lock = entry.lock.max(s.lock);
            entry.lock_text = entry.lock.name().to_string();
        } else {
            let best = strongest
                .entry(table.clone())
                .or_insert((false, false, LockMode::None));
            if strength(s) >= *best {
                *best = strength(s);
                entry.lock = s.lock;
                entry.lock_text = dialect.describe_lock(s);
            }
        }
        entry.blocks_reads |= existing && blocks_reads;
        entry.blocks_writes |= existing && blocks_writes;
        entry.estimated_blocking_seconds += blocking;
        entry.rewrites_table |= s.rewrites_table;
        entry.scans_table |= s.scans_table;
    }
    let locks: Vec<TableLock> = locks.into_values().collect();
    let touched_existing: Vec<&TableLock> = locks.iter().filter(|l| l.existing).collect();
    let rows_known = touched_existing.iter().all(|l| l.rows.is_some());
    let affected_rows = touched_existing.iter().filter_map(|l| l.rows).sum();
    let data_loss = plan
        .operations
        .iter()
        .map(Operation::data_loss)
        .max()
        .unwrap_or(DataLoss::None);
    let mut warnings = vec![];
    let mut reasons = vec![];
    let mut risk = Risk::Low;
    let mut raise = |to: Risk, reason: String, reasons: &mut Vec<String>| {
        risk = risk.max(to);
        reasons.push(reason);
    };

    for (i, op) in plan.operations.iter().enumerate() {
        if let Some(w) = dependents_warning(op) {
            warnings.push(w);
        }
        let phased = plan
            .phases
            .iter()
            .filter(|p| p.operations.contains(&i))
            .count()
            > 1;
        match op {
            Operation::RenameColumn(r) if phased => {
                raise(
                    Risk::Medium,
                    format!(
                        "renames `{}.{}` through a synced new column (expand-contract)",
                        r.table, r.from
                    ),
                    &mut reasons,
                );
                warnings.push(Warning {
                    rule: "rename-column",
                    message: format!(
                        "`{}.{}` is renamed to `{}` in phases: until the contract migration a trigger copies writes between both names, so old and new code can run side by side; run the contract only after every running instance uses `{}`",
                        r.table, r.from, r.to, r.to
                    ),
                });
            }
            Operation::RenameTable(r) if phased => {
                raise(
                    Risk::Medium,
                    format!(
                        "renames table `{}` behind a view under the old name (expand-contract)",
                        r.from
                    ),
                    &mut reasons,
                );
                warnings.push(Warning {
                    rule: "rename-table",
                    message: format!(
                        "`{}` is renamed to `{}` with a view `{}` for the transition: code using the old name keeps working until the contract migration drops the view; run it only after every running instance uses `{}`",
                        r.from, r.to, r.from, r.to
                    ),
                });
            }
            Operation::ChangeColumnType(c) if phased => {
                raise(
                    Risk::Medium,
                    format!(
                        "changes the type of `{}.{}` through expand-contract (trigger, batched backfill, swap)",
                        c.table, c.column
                    ),
                    &mut reasons,
                );
                warnings.push(Warning {
                    rule: "type-change-expand-contract",
                    message: format!(
                        "`{}.{}` becomes {} through a new column: from the swap until the contract migration a trigger keeps `{}_old` ({}) in sync so the swap can be undone, and a write whose value does not fit {} fails; run the contract soon after the deploy",
                        c.table, c.column, c.to_type, c.column, c.from_type, c.from_type
                    ),
                });
            }
            Operation::DropColumn(d) => {
                raise(
                    Risk::High,
                    format!("drops `{}.{}` and its data", d.table, d.column),
                    &mut reasons,
                );
                warnings.push(Warning {
                    rule: "drop-column",
                    message: format!(
                        "Dropping `{}.{}` deletes its data and breaks code that still reads it: deploy code that no longer uses the column first",
                        d.table, d.column
                    ),
                });
            }
            Operation::DropTable(d) => {
                raise(
                    Risk::High,
                    format!("drops table `{}` and its rows", d.table),
                    &mut reasons,
                );
                warnings.push(Warning {
                    rule: "drop-table",
                    message: format!(
                        "Dropping `{}` deletes every row; take a backup first ({})",
                        d.table,
                        engine_text::backup_table(engine, &d.table)
                    ),
                });
            }
            Operation::RenameColumn(r) => {
                raise(
                    Risk::High,
                    format!(
                        "renames `{}.{}`, which breaks code using the old name",
                        r.table, r.from
                    ),
                    &mut reasons,
                );
                warnings.push(Warning {
                    rule: "rename-column",
                    message: format!(
                        "Renaming `{}.{}` to `{}` breaks running code that uses `{}`: deploy code that handles both names first, or rename through a new column (expand-contract)",
                        r.table, r.from, r.to, r.from
                    ),
                });
            }
            Operation::RenameTable(r) => {
                raise(
                    Risk::High,
                    format!(
                        "renames table `{}`, which breaks code using the old name",
                        r.from
                    ),
                    &mut reasons,
                );
                warnings.push(Warning {
                    rule: "rename-table",
                    message: format!(
                        "Renaming `{}` to `{}` breaks running code that uses `{}`: deploy the code change together with it, or keep a view under the old name during the transition",
                        r.from, r.to, r.from
                    ),
                });
            }
            Operation::ChangeColumnType(c) if postgres && !c.in_place() => {
                warnings.push(Warning {
                    rule: "type-change-rewrite",
                    message: format!(
                        "Changing `{}.{}` from {} to {} rewrites the table under an ACCESS EXCLUSIVE lock: reads and writes wait until it finishes",
                        c.table, c.column, c.from_type, c.to_type
                    ),
                });
            }
            Operation::Backfill(b) if !phases::batched(plan, &b.table) => {
                raise(
                    Risk::Medium,
                    format!("updates rows of `{}` in one transaction", b.table),
                    &mut reasons,
                );
                warnings.push(Warning {
                    rule: "backfill-single-transaction",
                    message: format!(
                        "The backfill of `{}.{}` runs as one UPDATE: every updated row stays locked until it commits{}",
                        b.table,
                        b.column,
                        if postgres {
                            ", and the table grows until VACUUM"
                        } else {
                            ""
                        }
                    ),
                });
            }
            _ => {}
        }
    }
    for lock in touched_existing.iter().filter(|l| l.blocking_work) {
        let what = if lock.blocks_reads {
            "reads and writes"
        } else {
            "writes"
        };
        let work = if lock.rewrites_table {
            Some("rewrites")
        } else if lock.scans_table {
            Some("scans")
        } else {
            None
        };
        if let Some(work) = work {
            let level = if postgres {
                if lock.rewrites_table {
                    Risk::High
                } else {
                    Risk::Medium
                }
            } else {
                sized_risk(lock)
            };
            raise(
                level,
                format!(
                    "{work} `{}` while holding {} (blocks {what}{})",
                    lock.table,
                    lock.lock_text,
                    match (postgres, lock.rows) {
                        (false, Some(rows)) => format!(
                            "; {rows} rows, ~{}",
                            human_seconds(lock.estimated_blocking_seconds)
                        ),
                        _ => String::new(),
                    }
                ),
                &mut reasons,
            );
            if lock.rows.is_none() {
                warnings.push(Warning {
                    rule: "unknown-table-size",
                    message: format!(
                        "The size of `{}` is unknown (no statistics), so how long {what} are blocked cannot be estimated; read the schema from the database to size it",
                        lock.table
                    ),
                });
            }
        }
    }
    for op in &plan.operations {
        if let Operation::AddIndex(a) = op {
            if a.concurrently {
                warnings.push(Warning {
                    rule: "non-transactional-migration",
                    message: format!(
                        "`{}` is built CONCURRENTLY, outside a transaction: if the build fails it leaves an INVALID index; drop it (DROP INDEX CONCURRENTLY IF EXISTS {}) and run the migration again",
                        a.index.name, a.index.name
                    ),
                });
            }
        }
    }

    let migrations = phases::migrations(plan, &opts.costs);
    let downtime = phases::downtime(&migrations);
    let irreversible: Vec<String> = plan
        .operations
        .iter()
        .filter(|op| op.inverse().is_empty())
        .map(Operation::summary)
        .collect();
    let caveats: Vec<String> = plan
        .operations
        .iter()
        .filter_map(Operation::inverse_caveat)
        .collect();
    let reversible = irreversible.is_empty();
    let reversibility = if !reversible {
        format!("no: {} cannot be undone", irreversible.join("; "))
    } else if caveats.is_empty() {
        "the down migration restores the schema exactly".to_string()
    } else {
        format!("schema yes, data no: {}", caveats.join("; "))
    };
    if !postgres {
        // PostgreSQL's lock advice does not apply: MySQL takes metadata locks with an
        // ALGORITHM, and an SQLite write transaction locks the file.
        let pg_only =
            |text: &str| text.contains("ACCESS EXCLUSIVE") || text.contains("CONCURRENTLY");
        warnings.retain(|w| !pg_only(&w.message));
        reasons.retain(|r| !pg_only(r));
    }
    if engine == Engine::Sqlite {
        if let Some(table) = plan
            .phases
            .iter()
            .flat_map(|p| &p.up)
            .find(|s| s.statement.sql.starts_with("INSERT INTO new_"))
            .and_then(|s| s.statement.table.clone())
        {
            let level = locks
                .iter()
                .find(|l| l.table == table)
                .map(sized_risk)
                .unwrap_or(Risk::Medium);
            raise(
                level,
                format!("rebuilds `{table}`: every row is copied inside one write transaction that locks the whole database file for writers"),
                &mut reasons,
            );
        }
    }
    if reasons.is_empty() {
        reasons.push("catalog-only changes under brief locks".into());
    }
    Analysis {
        risk,
        risk_reasons: reasons,
        reversible,
        reversibility,
        data_loss,
        downtime,
        affected_rows,
        rows_known,
        estimated_seconds: migrations.iter().map(|m| m.estimated_seconds).sum(),
        locks,
        warnings,
        pg_version: opts.pg_version.major(),
        cost_table: opts.costs.source.clone(),
        deployment_order: phases::deployment_order(plan),
        migrations,
        lock_timeout_retry: if engine.is_mysql_family() {
            engine_text::mysql_retry_text(opts)
        } else if engine == Engine::Sqlite {
            "SQLite has no lock timeout setting in the file: a client waits for the write lock as long as its busy_timeout allows, then fails with `database is locked` (SQLITE_BUSY). A rebuild is one transaction, so it then applied nothing: let the other writer finish and run the same migration again. A file of plain ALTER TABLE statements without BEGIN/COMMIT may have run in part: run its down, then its up again.".to_string()
        } else {
            phases::retry_text(opts)
        },
    }
}

/// Risk of blocking work on an engine other than PostgreSQL: it follows the table's size
/// (a rebuild of a few rows is brief), and an unknown size is assumed large.
fn sized_risk(lock: &TableLock) -> Risk {
    match lock.rows {
        Some(_) if lock.estimated_blocking_seconds <= BLOCKING_BUDGET_SECONDS => Risk::Low,
        Some(_) if lock.estimated_blocking_seconds <= LONG_BLOCK_SECONDS => Risk::Medium,
        _ if lock.rewrites_table => Risk::High,
        _ => Risk::Medium,
    }
}

/// `0.4 s`, `12 s`, `3.5 min`.
pub fn human_seconds(s: f64) -> String {
    if s < 10.0 {
        format!("{s:.1} s")
    } else if s < 120.0 {
        format!("{s:.0} s")
    } else {
        format!("{:.1} min", s / 60.0)
    }
}
