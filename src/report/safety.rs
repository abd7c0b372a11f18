//! The safety part of the Markdown report: per migration and per step, the lock and what it is
//! on, how long it blocks others, the estimate with its inputs, downtime; then the deployment
//! order and what to do when `lock_timeout` fires. Everything comes from `analyze`.

use super::Report;
use crate::analyze::human_seconds;
use std::fmt::Write;

pub(super) fn performance(out: &mut String, r: &Report) {
    let a = r.analysis;
    let _ = writeln!(out, "\n### Performance Impact\n");
    let _ = writeln!(
        out,
        "| # | migration | statement | lock (on) | blocks | held | rewrites | scans | in transaction | est. time | estimate from |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|");
    let mut n = 0;
    let dialect = crate::dialect::for_engine(r.plan.before.engine);
    for (m, phase) in a.migrations.iter().zip(&r.plan.phases) {
        for (s, step) in m.steps.iter().zip(&phase.up) {
            n += 1;
            let held = if s.blocks == "nothing" {
                "—".to_string()
            } else if s.size_unknown {
                "unknown (size unknown)".to_string()
            } else {
                human_seconds(s.hold_seconds)
            };
            let est = if s.rows.is_some() || !(s.scans_table || s.rewrites_table) {
                human_seconds(s.estimated_seconds)
            } else {
                "unknown".into()
            };
            let since = s
                .min_version
                .map(|v| format!(" (PostgreSQL {v}+)"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {n} | `{}` | `{}`{since} | {}{} | {} | {held} | {} | {} | {} | {est} | {} |",
                m.phase,
                s.sql.replace('|', "\\|"),
                dialect.describe_lock(&step.statement),
                s.object
                    .as_ref()
                    .map(|o| format!(" ({o})"))
                    .unwrap_or_default(),
                s.blocks,
                if s.rewrites_table { "yes" } else { "no" },
                if s.scans_table { "yes" } else { "no" },
                if phase.transactional { "yes" } else { "no" },
                s.estimate_inputs.as_deref().unwrap_or("—"),
            );
        }
    }
    if r.plan.before.engine == crate::schema::Engine::Postgres {
        let _ = writeln!(
            out,
            "\n\"held\" is how long the step's lock blocks others: inside a transaction a lock is kept until COMMIT, so it includes the steps after it. Planned for PostgreSQL {}; estimates use {}.",
            a.pg_version, a.cost_table
        );
    } else {
        let _ = writeln!(
            out,
            "\n\"held\" is how long the step's lock blocks others: inside a transaction a lock is kept until COMMIT, so it includes the steps after it. Planned for {}; each step's estimate comes from the figures in its \"estimate from\" column.",
            r.dialect_display
        );
    }
    if a.migrations.len() > 1 {
        let _ = writeln!(
            out,
            "\n| migration | strongest lock | longest block | est. time | downtime |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|");
        for m in &a.migrations {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                m.phase,
                m.strongest_lock_text,
                human_seconds(m.blocking_seconds),
                human_seconds(m.estimated_seconds),
                m.downtime
            );
        }
    }
    if !a.deployment_order.is_empty() {
        let _ = writeln!(out, "\n### Deployment Order\n");
        for (i, line) in a.deployment_order.iter().enumerate() {
            let _ = writeln!(out, "{}. {line}", i + 1);
        }
    }
    let _ = writeln!(
        out,
        "\n### If a migration fails with a lock timeout\n\n{}\n\n---\n",
        a.lock_timeout_retry
    );
}
