//! The one estimator the planner, the analysis and `verify` use: a statement's work (per row
//! and per byte of its table) with the figures of a [`CostTable`], and the fixed costs of the
//! migration around it.

use super::{CheckExpr, CostTable, TableShape};
use crate::plan::ops::Statement;
use crate::plan::strategy::thousands;

/// Bytes per row assumed for a table whose width nothing tells (not in the schema).
const UNKNOWN_ROW_BYTES: f64 = 100.0;

/// An estimate and the inputs that produced it, so a reader can check it.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub seconds: f64,
    pub inputs: String,
}

/// The work that dominates a statement.
struct Work {
    name: &'static str,
    /// Seconds per 1M rows, and how it was made up (` = 0.8 + 0.016 × 33-byte key`).
    per_row: f64,
    per_row_text: String,
    /// Seconds per 1M rows for each index beyond the first.
    per_index: f64,
    /// Seconds per GB of the table's heap, and what that is (`heap read`).
    per_gb: f64,
    per_gb_text: String,
    /// A foreign key's referenced rows and their cost (s per 1M of them).
    parent: Option<(u64, f64)>,
}

fn work(costs: &CostTable, statement: &Statement, shape: &TableShape) -> Option<Work> {
    let sql = statement.sql.trim_start();
    let read = |name: &'static str, per_row: f64| Work {
        name,
        per_row,
        per_row_text: String::new(),
        per_index: 0.0,
        per_gb: costs.read_per_gb,
        per_gb_text: format!("{} s/GB (heap read)", costs.read_per_gb),
        parent: None,
    };
    // A volatile function evaluated for every row written.
    let uuid = ["gen_random_uuid(", "uuid_generate_v4("]
        .iter()
        .any(|f| sql.contains(f));
    let write = |name: &'static str, per_row: f64, per_index: f64, per_gb: f64| Work {
        name,
        per_row: round(per_row + if uuid { costs.uuid_generation } else { 0.0 }),
        per_row_text: if uuid {
            format!(
                " = {per_row} + {} (a new uuid per row)",
                costs.uuid_generation
            )
        } else {
            String::new()
        },
        per_index,
        per_gb,
        per_gb_text: format!("{per_gb} s/GB (heap written)"),
        parent: None,
    };
    if statement.rewrites_table {
        return Some(write(
            "table rewrite",
            costs.rewrite,
            costs.rewrite_per_index,
            costs.rewrite_per_gb,
        ));
    }
    if !statement.scans_table {
        return None;
    }
    if let Some(key) = shape.key {
        let integer = key.fixed;
        let (random, sorted) = if integer {
            (costs.index_build_integer, costs.index_build_integer_sorted)
        } else {
            (costs.index_build_text, costs.index_build_text_sorted)
        };
        let (per_row, base_text) = match key.correlation {
            Some(c) => (
                random + (sorted - random) * c.abs().min(1.0).powi(2),
                format!("{random} + ({sorted} − {random}) × correlation² ({c:.2}², values in key order)"),
            ),
            None => (
                random,
                format!("{random} (random order assumed: no column statistics)"),
            ),
        };
        let (name, extra) = match (statement.transactional, integer) {
            (true, true) => ("btree index build, integer", 0.0),
            (true, false) => ("btree index build, text", 0.0),
            (false, true) => (
                "btree index build CONCURRENTLY, integer",
                costs.concurrent_integer,
            ),
            (false, false) => (
                "btree index build CONCURRENTLY, text",
                costs.concurrent_text,
            ),
        };
        let mut inner = base_text;
        if extra > 0.0 {
            inner.push_str(&format!(" + {extra} (CONCURRENTLY's validation pass)"));
        }
        // A sort's comparisons per row grow with log₂ of its rows (at an unknown size, 0 rows,
        // the figures as measured).
        let log2 = |n: u64| (n.max(2) as f64).log2();
        let scale = match shape.rows {
            0 => 1.0,
            rows => log2(rows) / log2(costs.sort_rows),
        };
        let key_text = if (scale - 1.0).abs() >= 0.005 {
            format!(
                " = ({inner}) × {scale:.2} (log₂ {} / log₂ {}: a sort is n log n)",
                thousands(shape.rows),
                thousands(costs.sort_rows)
            )
        } else {
            format!(" = {inner}")
        };
        let per_row = (per_row + extra) * scale;
        // CONCURRENTLY reads the heap twice: to build, and to validate.
        let (per_gb, per_gb_text) = if statement.transactional {
            (
                costs.read_per_gb,
                format!("{} s/GB (heap read)", costs.read_per_gb),
            )
        } else {
            (
                2.0 * costs.read_per_gb,
                format!("2 × {} s/GB (heap read twice)", costs.read_per_gb),
            )
        };
        return Some(Work {
            name,
            per_row: round(per_row),
            per_row_text: key_text,
            per_index: 0.0,
            per_gb,
            per_gb_text,
            parent: None,
        });
    }
    if sql.starts_with("DO") {
        return Some(write(
            "batched backfill",
            costs.batched_backfill,
            costs.backfill_per_index,
            costs.backfill_per_gb,
        ));
    }
    if sql.starts_with("UPDATE") {
        return Some(write(
            "single full-table UPDATE",
            costs.full_update,
            costs.update_per_index,
            costs.update_per_gb,
        ));
    }
    let references = statement
        .locks
        .iter()
        .any(|l| l.object.ends_with("(referenced)"));
    let validates = sql.contains("VALIDATE CONSTRAINT") || sql.contains("CHECK");
    if shape.churned && !references && !sql.contains("FOREIGN KEY") && !sql.contains("UNIQUE") {
        // Scans only (index builds and foreign keys keep their own figures).
        if validates || sql.contains("NOT NULL") {
            return Some(Work {
                per_gb: costs.churned_per_gb,
                per_gb_text: format!(
                    "{} s/GB (heap read with as many dead rows, hint bits set)",
                    costs.churned_per_gb
                ),
                ..read(
                    "validation scan of a table an earlier step updated in full",
                    costs.churned_scan,
                )
            });
        }
    }
    if references || sql.contains("FOREIGN KEY") {
        return Some(Work {
            parent: Some((
                shape.parent_rows.unwrap_or(shape.rows),
                costs.fk_validation_parent,
            )),
            ..read(
                "foreign key validation, per referencing row",
                costs.fk_validation,
            )
        });
    }
    // VALIDATE CONSTRAINT of the `…_not_null` check migsmith creates for SET NOT NULL is an
    // `IS NOT NULL` scan; any other check evaluates its expression: comparisons cost as much,
    // a function call (or an expression the plan does not show) more.
    let not_null_check = sql.contains("_not_null") || sql.contains("IS NOT NULL");
    if (sql.contains("CHECK") || sql.contains("VALIDATE CONSTRAINT")) && !not_null_check {
        return Some(match shape.check {
            Some(CheckExpr::Comparison) => {
                read("check scan, comparisons only", costs.validation_scan)
            }
            Some(CheckExpr::FunctionCall) => {
                read("check scan with a function call", costs.check_scan)
            }
            None => read("check scan, expression unknown", costs.check_scan),
        });
    }
    Some(read("validation scan", costs.validation_scan))
}

/// Batches and the pause after each, read from a generated batched backfill (`DO` block that
/// takes keyset batches with `LIMIT n`): `rows / n` batches, rounded up.
fn batching(sql: &str, rows: u64) -> Option<(u64, f64)> {
    let after = |marker: &str| -> Option<String> {
        let rest = &sql[sql.find(marker)? + marker.len()..];
        Some(
            rest.chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect(),
        )
    };
    let batch: u64 = after("LIMIT ")?.parse().ok().filter(|b| *b > 0)?;
    let pause: f64 = after("pg_sleep(")?.parse().ok()?;
    Some((rows.div_ceil(batch), pause))
}

/// Four decimals: figures are shown as the estimate used them.
fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// `0.241 GB`.
fn gigabytes(bytes: f64) -> String {
    let gb = bytes / 1e9;
    if gb >= 10.0 {
        format!("{gb:.0} GB")
    } else if gb >= 0.01 {
        format!("{gb:.3} GB")
    } else {
        format!("{gb:.6} GB")
    }
}

/// Estimated seconds for a statement on a table of `shape`, with `costs`: rows × the work's
/// per-row figure (plus per further index) + the table's heap bytes × its per-GB figure, plus
/// the statement's fixed cost, a foreign key's referenced rows, a backfill's batches.
pub fn estimate_with(costs: &CostTable, statement: &Statement, shape: &TableShape) -> Estimate {
    let rows = shape.rows;
    let Some(work) = work(costs, statement, shape) else {
        return Estimate {
            seconds: costs.metadata_seconds,
            inputs: format!("catalog-only: {} s", costs.metadata_seconds),
        };
    };
    let extra_indexes = shape.indexes.saturating_sub(1);
    let index_term = if work.per_index > 0.0 && extra_indexes > 0 {
        work.per_index * extra_indexes as f64
    } else {
        0.0
    };
    let (row_bytes, width_text) = match shape.width {
        Some(w) if w.measured => (w.bytes, format!("{:.0} bytes/row", w.bytes)),
        Some(w) => (
            w.bytes,
            format!("~{:.0} bytes/row from the column types", w.bytes),
        ),
        None => (
            UNKNOWN_ROW_BYTES,
            format!("row width unknown: {UNKNOWN_ROW_BYTES:.0} bytes/row assumed"),
        ),
    };
    let bytes = rows as f64 * row_bytes;
    let mut seconds = costs.metadata_seconds
        + (work.per_row + index_term) * rows as f64 / 1e6
        + work.per_gb * bytes / 1e9;
    let rows_text = thousands(rows);
    let mut inputs = if index_term > 0.0 {
        format!(
            "{rows_text} rows × ({} s/1M rows ({}{}) + {extra_indexes} more index{} × {} s/1M rows)",
            work.per_row,
            work.name,
            work.per_row_text,
            if extra_indexes == 1 { "" } else { "es" },
            work.per_index
        )
    } else {
        format!(
            "{rows_text} rows × {} s/1M rows ({}{})",
            work.per_row, work.name, work.per_row_text
        )
    };
    // At an unknown size (0 rows) the heap's bytes are unknown too: show the width only.
    let heap = if rows == 0 {
        "the heap".to_string()
    } else {
        gigabytes(bytes)
    };
    inputs.push_str(&format!(" + {heap} ({width_text}) × {}", work.per_gb_text));
    if let Some((parent_rows, per_million)) = work.parent {
        seconds += per_million * parent_rows as f64 / 1e6;
        inputs.push_str(&format!(
            " + {} referenced rows × {per_million} s/1M rows",
            thousands(parent_rows)
        ));
    }
    if statement.sql.trim_start().starts_with("DO") {
        if let Some((batches, pause)) = batching(&statement.sql, rows) {
            if batches > 0 {
                seconds += batches as f64 * (costs.batch_commit + pause);
                inputs.push_str(&format!(
                    " + {} batches × ({} s commit + {pause} s pause)",
                    thousands(batches),
                    costs.batch_commit
                ));
            }
        }
    }
    inputs.push_str(&format!(" + {} s", costs.metadata_seconds));
    Estimate { seconds, inputs }
}

/// What running a migration costs besides its statements' own work: in a transaction, the
/// round trips of `BEGIN` and the `settings` (`SET lock_timeout …`) and one COMMIT; outside
/// one, the settings' round trips and a commit after each of its `statements`.
pub fn phase_overhead(
    costs: &CostTable,
    transactional: bool,
    settings: usize,
    statements: usize,
) -> Estimate {
    let (round_trips, commits) = if transactional {
        (settings + 1, 1)
    } else {
        (settings, statements)
    };
    Estimate {
        seconds: round_trips as f64 * costs.statement_seconds
            + commits as f64 * costs.commit_seconds,
        inputs: format!(
            "{round_trips} control statement{} × {} s + {commits} commit{} × {} s",
            if round_trips == 1 { "" } else { "s" },
            costs.statement_seconds,
            if commits == 1 { "" } else { "s" },
            costs.commit_seconds
        ),
    }
}
