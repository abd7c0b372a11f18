//! The "Verified" section of the Markdown report: what `migsmith verify` proved on a scratch
//! database — each check, the lock actually taken by each statement beside the predicted one,
//! and measured against estimated durations. Rendered from [`Verification`] only.

use crate::analyze::human_seconds;
use crate::verify::Verification;
use std::fmt::Write;

/// Seconds with a precision that keeps short statements visible (`4 ms`, `1.25 s`).
fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.0} ms", (s * 1000.0).max(0.0))
    } else {
        human_seconds(s)
    }
}

/// BEGIN/COMMIT/SET: shown only when they took a lock.
fn is_control(sql: &str) -> bool {
    let first = sql
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    matches!(
        first.as_str(),
        "BEGIN" | "COMMIT" | "SET" | "START" | "END" | "ROLLBACK"
    )
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('`', "'")
}

/// A PostgreSQL verification's version is bare digits; MySQL/MariaDB ones name the flavour.
fn is_postgres(v: &Verification) -> bool {
    v.server_version.starts_with(|c: char| c.is_ascii_digit())
}

fn server(v: &Verification) -> String {
    if is_postgres(v) {
        format!("PostgreSQL {}", v.server_version)
    } else {
        v.server_version.clone()
    }
}

/// The section, headed `## Verified`.
pub fn section(v: &Verification) -> String {
    let mut out = String::new();
    let verdict = if v.passed {
        "✅ passed".to_string()
    } else {
        format!("❌ FAILED ({} check(s))", v.failed_checks().count())
    };
    let _ = writeln!(out, "## Verified\n");
    let _ = writeln!(
        out,
        "**{verdict}** on a {} ({}), in {}.",
        v.scratch,
        server(v),
        human_seconds(v.wall_seconds)
    );
    let _ = writeln!(out, "Schema loaded from {}.", v.base_schema);
    if v.seeded_rows.is_empty() {
        let _ = writeln!(out, "No rows seeded (add `--rows N` to run on data).");
    } else {
        let seeded: Vec<String> = v
            .seeded_rows
            .iter()
            .map(|(t, n)| format!("`{t}` {n}"))
            .collect();
        let _ = writeln!(
            out,
            "Synthetic rows: {} (schema and rows loaded in {}).",
            seeded.join(", "),
            human_seconds(v.seed_seconds)
        );
    }
    let _ = writeln!(out, "\n### Checks\n");
    for c in &v.checks {
        let _ = writeln!(out, "- {} {}", if c.passed { "✅" } else { "❌" }, c.name);
        if !c.passed && !c.details.is_empty() {
            let _ = writeln!(out, "\n  ```diff");
            for d in &c.details {
                let _ = writeln!(out, "  {d}");
            }
            let _ = writeln!(out, "  ```\n");
        }
    }
    let _ = writeln!(
        out,
        "\n### Locks and timings\n\n| | statement | predicted lock | observed lock (held) | estimated | measured |\n|---|---|---|---|---|---|"
    );
    for s in v
        .statements
        .iter()
        .filter(|s| !(is_control(&s.sql) && s.observed_locks.is_empty()))
    {
        let observed: Vec<String> = s
            .observed_locks
            .iter()
            .map(|l| {
                format!(
                    "{} on `{}` ({})",
                    l.mode.name(),
                    l.table,
                    secs(l.held_seconds)
                )
            })
            .collect();
        let predicted = match (&s.predicted_lock, &s.table) {
            (Some(l), Some(t)) => format!("{} on `{t}`", l.name()),
            (Some(l), None) => l.name().to_string(),
            _ => "—".to_string(),
        };
        let flag = if s.lock_mismatch.is_some() {
            " ⚠️"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {predicted} | {}{flag} | {} | {} |",
            s.direction,
            cell(&s.sql),
            if observed.is_empty() {
                "—".to_string()
            } else {
                observed.join(", ")
            },
            s.estimated_seconds.map(secs).unwrap_or_else(|| "—".into()),
            secs(s.measured_seconds)
        );
    }
    let mismatches: Vec<String> = v
        .statements
        .iter()
        .filter_map(|s| {
            s.lock_mismatch
                .as_ref()
                .map(|m| format!("- ⚠️ `{}`: {m}", cell(&s.sql)))
        })
        .collect();
    if !mismatches.is_empty() {
        let _ = writeln!(out, "\nLock mismatches:\n\n{}", mismatches.join("\n"));
    }
    if !is_postgres(v) {
        let _ = writeln!(
            out,
            "\nObserved locks are the metadata locks a second connection sampled every 2 ms while \
             each statement ran (see the \"metadata locks observed\" check; `—` means none seen or \
             not observable), read as the plan's lock names: EXCLUSIVE blocks reads and writes, \
             SHARE blocks writes, SHARE UPDATE EXCLUSIVE is online DDL.\n\n---\n"
        );
        return out;
    }
    let _ = writeln!(
        out,
        "\nObserved locks come from sampling `pg_locks` for the migrating backend; `—` means \
         none new (already held by an earlier statement of the transaction, or too short to sample). \
         Estimates use {}.\n\n---\n",
        v.cost_table
    );
    out
}
