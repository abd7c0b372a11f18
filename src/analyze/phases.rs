//! The per-migration half of the analysis: for each phase, every step's lock, the object it
//! locks, how long that lock blocks others (in a transaction a lock is held until COMMIT, so a
//! step's hold time runs to the end of its phase), the estimate with its inputs, and whether
//! the migration causes downtime; plus the deployment order and the lock_timeout retry advice.

use super::{human_seconds, BLOCKING_BUDGET_SECONDS};
use crate::dialect::LockMode;
use crate::plan::cost::{self, CostTable};
use crate::plan::ops::Operation;
use crate::plan::strategy::settings::duration_literal;
use crate::plan::{Plan, StrategyOptions};
use serde::Serialize;

/// One up step of one migration.
#[derive(Debug, Clone, Serialize)]
pub struct StepAnalysis {
    /// The statement's first line.
    pub sql: String,
    pub lock: LockMode,
    /// The lock as the engine names it (JSON `lock` on engines other than PostgreSQL).
    #[serde(skip)]
    pub lock_text: String,
    /// What the lock is on (`table users`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// `reads and writes`, `writes` or `nothing` (of an existing table).
    pub blocks: &'static str,
    /// Estimated seconds others are blocked by this step's lock (0 when it blocks nothing).
    pub hold_seconds: f64,
    pub estimated_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_inputs: Option<String>,
    pub rewrites_table: bool,
    pub scans_table: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_version: Option<u32>,
    /// The hold time cannot be estimated: the table's size is unknown.
    pub size_unknown: bool,
}

/// One migration (phase).
#[derive(Debug, Clone, Serialize)]
pub struct MigrationAnalysis {
    pub phase: String,
    pub transactional: bool,
    pub strongest_lock: LockMode,
    /// The strongest lock as the engine names it.
    #[serde(skip)]
    pub strongest_lock_text: String,
    /// The longest time one of its locks blocks others.
    pub blocking_seconds: f64,
    /// Its steps' estimates plus `overhead_seconds`.
    pub estimated_seconds: f64,
    /// Running it besides its steps' own work: BEGIN, settings and COMMIT (or a commit per
    /// statement outside a transaction).
    pub overhead_seconds: f64,
    pub overhead_inputs: String,
    pub downtime: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deploy: Vec<String>,
    pub steps: Vec<StepAnalysis>,
}

pub(super) fn migrations(plan: &Plan, costs: &CostTable) -> Vec<MigrationAnalysis> {
    let dialect = crate::dialect::for_engine(plan.before.engine);
    plan.phases
        .iter()
        .map(|phase| {
            let n = phase.up.len();
            let overhead =
                cost::phase_overhead(costs, phase.transactional, phase.settings.len(), n);
            // A transaction's locks are released once its COMMIT is flushed.
            let commit = if phase.transactional {
                costs.commit_seconds
            } else {
                0.0
            };
            let steps: Vec<StepAnalysis> = phase
                .up
                .iter()
                .enumerate()
                .map(|(i, step)| {
                    let s = &step.statement;
                    let existing = s
                        .table
                        .as_deref()
                        .is_some_and(|t| plan.before.table(t).is_some());
                    let (blocks_reads, blocks_writes) = super::blocks(s);
                    let blocks = if !existing {
                        "nothing"
                    } else if blocks_reads {
                        "reads and writes"
                    } else if blocks_writes {
                        "writes"
                    } else {
                        "nothing"
                    };
                    // In a transaction the lock is released at COMMIT, after the later steps.
                    let held_until = if phase.transactional { n } else { i + 1 };
                    let hold = phase.up[i..held_until]
                        .iter()
                        .map(|s| s.estimated_seconds)
                        .sum::<f64>()
                        + commit;
                    StepAnalysis {
                        sql: s.sql.lines().next().unwrap_or_default().to_string(),
                        lock: s.lock,
                        lock_text: dialect.describe_lock(s),
                        object: s.locks.first().map(|l| l.object.clone()),
                        blocks,
                        hold_seconds: if blocks == "nothing" { 0.0 } else { hold },
                        estimated_seconds: step.estimated_seconds,
                        estimate_inputs: step.estimate_inputs.clone(),
                        rewrites_table: s.rewrites_table,
                        scans_table: s.scans_table,
                        rows: step.rows,
                        min_version: s.min_version,
                        size_unknown: existing
                            && step.rows.is_none()
                            && blocks != "nothing"
                            && phase.up[i..held_until]
                                .iter()
                                .any(|s| s.statement.scans_table || s.statement.rewrites_table),
                    }
                })
                .collect();
            let blocking_seconds = steps.iter().map(|s| s.hold_seconds).fold(0.0, f64::max);
            let downtime = migration_downtime(&steps);
            let strongest = phase
                .up
                .iter()
                .map(|s| &s.statement)
                .max_by_key(|s| (super::blocks(s), s.lock));
            let strongest_lock = steps.iter().map(|s| s.lock).max().unwrap_or(LockMode::None);
            MigrationAnalysis {
                phase: phase.name.clone(),
                transactional: phase.transactional,
                strongest_lock,
                strongest_lock_text: match strongest {
                    Some(s) if s.engine_lock.is_some() => dialect.describe_lock(s),
                    _ => strongest_lock.name().to_string(),
                },
                blocking_seconds,
                estimated_seconds: phase.up.iter().map(|s| s.estimated_seconds).sum::<f64>()
                    + overhead.seconds,
                overhead_seconds: overhead.seconds,
                overhead_inputs: overhead.inputs,
                downtime,
                deploy: phase.deploy.clone(),
                steps,
            }
        })
        .collect()
}

fn migration_downtime(steps: &[StepAnalysis]) -> String {
    let mut out: Vec<String> = vec![];
    for s in steps {
        let object = s.object.clone().unwrap_or_default();
        if s.size_unknown {
            out.push(format!(
                "{} on {object} blocked while it is {} (duration unknown: size unknown)",
                s.blocks,
                if s.rewrites_table {
                    "rewritten"
                } else {
                    "scanned"
                }
            ));
        } else if s.hold_seconds > BLOCKING_BUDGET_SECONDS {
            out.push(format!(
                "{} on {object} blocked for ~{}",
                s.blocks,
                human_seconds(s.hold_seconds)
            ));
        }
    }
    out.dedup();
    if out.is_empty() {
        "none".into()
    } else {
        out.join("; ")
    }
}

/// "none" only when no migration blocks anyone for longer than ~100 ms.
pub(super) fn downtime(migrations: &[MigrationAnalysis]) -> String {
    let parts: Vec<String> = migrations
        .iter()
        .filter(|m| m.downtime != "none")
        .map(|m| {
            if migrations.len() > 1 {
                format!("migration `{}`: {}", m.phase, m.downtime)
            } else {
                m.downtime.clone()
            }
        })
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join("; ")
    }
}

/// Whether the plan backfills `table` in committed batches.
pub(super) fn batched(plan: &Plan, table: &str) -> bool {
    plan.phases
        .iter()
        .flat_map(|p| &p.up)
        .any(|s| s.statement.table.as_deref() == Some(table) && s.statement.sql.starts_with("DO "))
}

/// Which migration runs when, and where application deploys go.
pub(super) fn deployment_order(plan: &Plan) -> Vec<String> {
    let mut out = vec![];
    for (n, phase) in plan.phases.iter().enumerate() {
        for note in &phase.deploy {
            out.push(format!("Migration {} (`{}`): {note}", n + 1, phase.name));
        }
        for &i in &phase.operations {
            let phased = plan
                .phases
                .iter()
                .filter(|p| p.operations.contains(&i))
                .count()
                > 1;
            if phased {
                continue; // its phases carry their own deploy notes
            }
            let note = match &plan.operations[i] {
                Operation::DropColumn(d) => Some(format!(
                    "before this migration: deploy code that no longer reads or writes `{}.{}`",
                    d.table, d.column
                )),
                Operation::DropTable(d) => Some(format!(
                    "before this migration: deploy code that no longer uses `{}`",
                    d.table
                )),
                Operation::RenameColumn(r) => Some(format!(
                    "together with this migration: code using `{}.{}` breaks the moment it commits; deploy code that uses `{}` right after it (or code that handles both names before it)",
                    r.table, r.from, r.to
                )),
                Operation::RenameTable(r) => Some(format!(
                    "together with this migration: code using `{}` breaks the moment it commits; deploy code that uses `{}` right after it",
                    r.from, r.to
                )),
                _ => None,
            };
            if let Some(note) = note {
                out.push(format!("Migration {} (`{}`): {note}", n + 1, phase.name));
            }
        }
    }
    if out.is_empty() && plan.phases.len() > 1 {
        out.push(
            "Run the migrations in order; no application deploy has to wait between them".into(),
        );
    }
    out
}

pub(super) fn retry_text(opts: &StrategyOptions) -> String {
    format!(
        "Every migration starts with SET lock_timeout = {}: if a statement cannot get its lock in that time (a long transaction holds a conflicting one) it fails with `canceling statement due to lock timeout` (SQLSTATE 55P03) instead of queueing every other query on the table behind it. A transactional migration then applied nothing: find the blocker (SELECT pid, xact_start, state, query FROM pg_stat_activity WHERE xact_start < now() - interval '1 minute'), let it finish or end it, and run the same migration again, with backoff (e.g. after 10 s, 30 s, 60 s). A migration without BEGIN/COMMIT may have run in part: run its down, then its up again.",
        duration_literal(opts.lock_timeout_ms)
    )
}
