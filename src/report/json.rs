//! The JSON report: the stable contract of ARCHITECTURE.md (`description`, `dialect`,
//! `framework`, `operations`, `phases`, `files`, `analysis`), plus extra fields
//! (`schema_changes`: the framework's schema file edits, e.g. Prisma's `schema.prisma`).

use super::checks;
use super::Report;
use serde_json::{json, Value};

/// The report as a JSON value.
pub fn render(r: &Report) -> Value {
    let mut value = json!({
        "description": r.plan.description,
        "dialect": r.dialect,
        "framework": r.framework,
        "framework_reason": r.framework_reason,
        "schema_source": r.schema_source,
        "generated_at": r.generated_at.to_rfc3339(),
        "written": r.written,
        "operations": r.plan.operations,
        "decisions": r.plan.decisions,
        "already_true": r.plan.already_true,
        "phases": r.plan.phases,
        "files": r.files,
        "commands": r.commands,
        "verification_queries": checks::final_checks_for(r.plan.before.engine, &r.plan.operations, &r.plan.after).into_iter().map(|(_, c)| c).collect::<Vec<_>>(),
        "analysis": r.analysis,
    });
    if r.plan.before.engine != crate::schema::Engine::Postgres {
        engine_locks(&mut value, r);
    }
    if !r.schema_changes.is_empty() {
        value["schema_changes"] = json!(r
            .schema_changes
            .iter()
            .map(|c| {
                let mut v = json!(c);
                v["written"] = json!(r.schema_written && !c.diff.is_empty());
                v
            })
            .collect::<Vec<_>>());
    }
    if let Some(v) = r.verification {
        value["verification"] = json!(v);
    }
    value
}

/// On MySQL/MariaDB and SQLite every `lock` speaks the engine's lock (metadata lock and
/// ALGORITHM, the database write lock), never a PostgreSQL mode the engine does not have.
fn engine_locks(value: &mut Value, r: &Report) {
    let dialect = crate::dialect::for_engine(r.plan.before.engine);
    for (p, phase) in r.plan.phases.iter().enumerate() {
        for (dir, steps) in [("up", &phase.up), ("down", &phase.down)] {
            for (i, step) in steps.iter().enumerate() {
                let text = dialect.describe_lock(&step.statement);
                let v = &mut value["phases"][p][dir][i];
                for j in 0..step.statement.locks.len() {
                    v["locks"][j]["lock"] = json!(text);
                }
                v["lock"] = json!(text);
            }
        }
    }
    for (i, l) in r.analysis.locks.iter().enumerate() {
        value["analysis"]["locks"][i]["lock"] = json!(l.lock_text);
    }
    for (m, mig) in r.analysis.migrations.iter().enumerate() {
        value["analysis"]["migrations"][m]["strongest_lock"] = json!(mig.strongest_lock_text);
        for (i, s) in mig.steps.iter().enumerate() {
            value["analysis"]["migrations"][m]["steps"][i]["lock"] = json!(s.lock_text);
        }
    }
}

/// `{"error": {"kind", "message", "suggestions"}}`.
pub fn error(kind: &str, message: &str, suggestions: &[String]) -> Value {
    json!({ "error": { "kind": kind, "message": message, "suggestions": suggestions } })
}
