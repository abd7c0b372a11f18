//! The MySQL plan: one file (phase) per operation, because MySQL commits every DDL statement
//! on its own and a file boundary is the only clean place for a failed run to stop. Each phase
//! sets `lock_wait_timeout`, is marked non-transactional, and says in its `reason` what a
//! half-applied run leaves; a COPY change on a table above the small-table threshold gets
//! the equivalent `gh-ost` / `pt-online-schema-change` command lines in the decisions.

use super::online::{Algorithm, Version};
use super::{half_applied, lock_wait_timeout, ops, osc, Ddl};
use crate::dialect::EngineLock;
use crate::plan::ops::{apply_structural, Operation, Statement};
use crate::plan::resolve::Resolved;
use crate::plan::{Phase, Plan, PlanError, Step, StrategyOptions};
use crate::schema::Schema;

/// Seconds per million rows for a table copy or in-place rebuild, and for an index build
/// (rough InnoDB figures on commodity disks; the estimate says so). `benches/mysql_stall.rs`
/// measured 2.1–5.0 s for a copy and 3.0–3.6 s for an index build of a narrow 1M-row table on
/// MariaDB 10.11 here (BENCHMARKS.md): the copy figure is kept high on purpose, since wider
/// rows copy slower and an estimate that errs short is the one that hurts.
const COPY_S_PER_M: f64 = 8.0;
const INDEX_S_PER_M: f64 = 3.0;

/// The generic statement of `ddl`, with its engine lock.
pub fn statement(ddl: &Ddl) -> Statement {
    let mut s = ddl.to_statement();
    s.engine_lock = Some(EngineLock {
        algorithm: match ddl.online.map(|o| o.algorithm) {
            Some(Algorithm::Instant) => "INSTANT",
            Some(Algorithm::Inplace) => "INPLACE",
            Some(Algorithm::Copy) => "COPY",
            None => "NONE",
        },
        blocks_reads: ddl.online.is_some_and(|o| o.blocks_reads()),
        blocks_writes: ddl.online.is_some_and(|o| o.blocks_writes())
            || ddl.sql.starts_with("DROP TABLE"),
        description: ddl.describe_lock(),
    });
    s
}

fn step(ddl: &Ddl, schema: &Schema) -> Step {
    let rows = ddl
        .table
        .as_deref()
        .and_then(|t| schema.table(t))
        .and_then(|t| t.rows());
    let rate = match ddl.online {
        Some(o) if o.rebuilds => Some((COPY_S_PER_M, "table copy/rebuild")),
        Some(o) if o.algorithm == Algorithm::Inplace && ddl.sql.contains(" ADD ") => {
            Some((INDEX_S_PER_M, "in-place index build"))
        }
        None if ddl.sql.starts_with("UPDATE") => Some((COPY_S_PER_M, "row updates")),
        _ => None,
    };
    let (estimated_seconds, estimate_inputs) = match (rows, rate) {
        (Some(r), Some((rate, what))) => (
            r as f64 / 1e6 * rate,
            Some(format!("{r} rows × {rate} s/1M rows ({what})")),
        ),
        _ => (0.0, None),
    };
    Step {
        statement: statement(ddl),
        estimated_seconds,
        estimate_inputs,
        rows,
        shape: None,
    }
}

/// The text after `ALTER TABLE t ` without the `ALGORITHM` clause, for external tools.
fn alter_body(ddl: &Ddl) -> Option<String> {
    let rest = ddl.sql.strip_prefix("ALTER TABLE ")?;
    let (_, body) = rest.split_once(' ')?;
    Some(match body.find(", ALGORITHM=") {
        Some(i) => body[..i].to_string(),
        None => body.to_string(),
    })
}

/// Up and down of one operation, and the schema after it.
fn one(
    v: &Version,
    op: &Operation,
    schema: &mut Schema,
    small: u64,
) -> Result<(Vec<Ddl>, Vec<Ddl>), PlanError> {
    let origin = schema.clone();
    let up = ops::statements(v, op, schema, None, small)?;
    apply_structural(op, schema)?;
    let mut undo = schema.clone();
    let mut down = vec![];
    for inverse in op.inverse() {
        down.extend(ops::statements(v, &inverse, &undo, Some(&origin), small)?);
        apply_structural(&inverse, &mut undo)?;
    }
    Ok((up, down))
}

pub fn build(
    v: &Version,
    description: &str,
    before: &Schema,
    resolved: Resolved,
    opts: &StrategyOptions,
) -> Plan {
    let mut resolved = resolved.without_concurrent_builds();
    for op in &mut resolved.operations {
        super::types::respell(op, before);
    }
    let mut decisions = resolved.decisions.clone();
    let mut schema = before.clone();
    let mut phases: Vec<Phase> = vec![];
    let count = resolved.operations.len();
    for (i, op) in resolved.operations.iter().enumerate() {
        let state = schema.clone();
        let (up, down) = match one(v, op, &mut schema, opts.small_table_rows) {
            Ok(x) => x,
            Err(e) => {
                decisions.push(format!("{}: not generated for MySQL: {e}", op.summary()));
                continue;
            }
        };
        if up.is_empty() {
            decisions.push(format!(
                "{}: MySQL has no named enum types, so this needs no SQL; columns of the type are written as inline enum(…)",
                op.summary()
            ));
            continue;
        }
        for ddl in &up {
            if let Some(note) = &ddl.note {
                decisions.push(note.clone());
            }
            let copy = ddl.online.is_some_and(|o| o.algorithm == Algorithm::Copy);
            let key = ddl.table.as_deref().unwrap_or_default();
            let Some(t) = state.table(key) else { continue };
            if copy && t.rows().is_some_and(|r| r > opts.small_table_rows) {
                if let Some(body) = alter_body(ddl) {
                    let cmds = osc::commands(&state, key, t, &body);
                    let show = |tool: &str, r: &Result<String, String>| match r {
                        Ok(cmd) => format!("{tool}: `{cmd}`"),
                        Err(why) => format!("{tool} cannot run here: {why}"),
                    };
                    decisions.push(format!(
                        "`{}` is copied with writes blocked (ALGORITHM=COPY) on a table of {} rows; to keep it writable run the change with an online schema-change tool instead of this file. {}. {}",
                        t.name,
                        t.rows().unwrap_or_default(),
                        show("gh-ost", &cmds.gh_ost),
                        show("pt-online-schema-change", &cmds.pt_osc)
                    ));
                }
            }
        }
        let name = if count == 1 {
            "schema".to_string()
        } else {
            format!("{:02}_{}", phases.len() + 1, op.name())
        };
        phases.push(Phase {
            name,
            transactional: false,
            reason: Some(half_applied(&up)),
            operations: vec![i],
            settings: vec![lock_wait_timeout(opts.lock_timeout_ms)],
            up: up.iter().map(|d| step(d, &state)).collect(),
            down: down.iter().map(|d| step(d, &schema)).collect(),
            down_caveats: op.inverse_caveat().into_iter().collect(),
            deploy: vec![],
        });
    }
    Plan {
        description: description.to_string(),
        operations: resolved.operations,
        phases,
        decisions,
        already_true: resolved.already_true,
        before: before.clone(),
        after: resolved.after,
    }
}
