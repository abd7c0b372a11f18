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
        "verification_queries": checks::final_checks(&r.plan.operations).into_iter().map(|(_, c)| c).collect::<Vec<_>>(),
        "analysis": r.analysis,
    });
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

/// `{"error": {"kind", "message", "suggestions"}}`.
pub fn error(kind: &str, message: &str, suggestions: &[String]) -> Value {
    json!({ "error": { "kind": kind, "message": message, "suggestions": suggestions } })
}
