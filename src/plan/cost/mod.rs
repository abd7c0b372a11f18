//! Per-row costs for the duration estimate, in seconds per million rows: the middle of the
//! ranges measured on PostgreSQL 15 (SAFETY.md). Data, so the report can show its inputs.

use super::ops::Statement;
use crate::schema::Schema;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A table of per-row costs (seconds per million rows) for one server: the built-in SAFETY.md
/// midpoints, or what `migsmith calibrate` measured (saved as TOML). Estimates say which one
/// they used (`source`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CostTable {
    /// Where these figures come from (not read from the file: set by `load`).
    #[serde(skip)]
    pub source: String,
    /// Server the figures were measured on, e.g. `PostgreSQL 15.19`.
    pub server: Option<String>,
    /// When they were measured (RFC 3339).
    pub measured_at: Option<String>,
    /// Table rewrite (ALTER TYPE, volatile default, varchar shrink) of a table with one index
    /// (its primary key), that index's rebuild included.
    pub rewrite: f64,
    /// What each further index adds to a rewrite (every index is rebuilt).
    pub rewrite_per_index: f64,
    /// btree index build on a text column.
    pub index_build_text: f64,
    /// btree index build on an integer column.
    pub index_build_integer: f64,
    /// CONCURRENTLY over a plain build (a factor, not a cost).
    pub concurrent_factor: f64,
    /// Validation scan of an `IS NOT NULL` check (SET NOT NULL, VALIDATE CONSTRAINT).
    pub validation_scan: f64,
    /// Validation scan of a check with a function call (`char_length(c) <= n`).
    pub check_scan: f64,
    /// Foreign key validation, per referencing row, against a small (cached) parent.
    /// PostgreSQL validates with one anti-join query (child scan, hash or merge join on the
    /// parent), so the parent adds its own rows: `fk_validation_parent` each.
    pub fk_validation: f64,
    /// What each referenced (parent) row adds to a foreign key validation, s per 1M parent
    /// rows: measured as a parent as large as the child minus a 1,000-row parent. A parent of
    /// unknown size is taken as large as the child.
    pub fk_validation_parent: f64,
    /// A validation scan (`IS NOT NULL` or check) of a table every row of which an earlier
    /// step of the same plan updated, with no VACUUM in between: it reads the dead versions
    /// too and sets hint bits on every page, writing each back. Per live row, all of it per
    /// byte (scaled by the row width).
    pub churned_scan: f64,
    /// Batched backfill, per row updated in committed batches (the commits and pauses apart),
    /// one index (the primary key).
    pub batched_backfill: f64,
    /// Seconds per committed batch of a batched backfill, whatever its size: the COMMIT (its WAL
    /// flush) and the batch's key lookups. A backfill costs batches × (this + the pause) more
    /// than its rows.
    pub batch_commit: f64,
    /// What each further index adds to a batched backfill (s/1M rows): measured on committed
    /// batches, not on one full UPDATE (`update_per_index`), whose single long transaction
    /// costs more per index entry.
    pub backfill_per_index: f64,
    /// One full-table UPDATE of a table with one index (the primary key).
    pub full_update: f64,
    /// What each further index adds to an UPDATE of every row (batched or not): every new
    /// row version gets an entry in every index.
    pub update_per_index: f64,
    /// Sequential scan (count).
    pub seq_scan: f64,
    /// Seconds for a catalog-only change, whatever the size.
    pub metadata_seconds: f64,
    /// The share of an UPDATE's cost (batched or not) that grows with the row's bytes; the
    /// rest is per row (tuple header, index entries, WAL record, visibility). A rewrite is all
    /// bytes (1.0). Fitted on the zero-downtime bench (BENCHMARKS.md): UPDATEs of 221-byte
    /// rows took 1.3–1.9× the per-row time of the 60-byte calibration rows, not 3.7×.
    pub update_width_share: f64,
    /// Heap bytes per row of the table the figures were measured on: work that reads or
    /// writes whole rows (rewrite, scans, UPDATE) is scaled by a table's own bytes per row
    /// over this, when the table's size is known. 0: no scaling.
    pub row_bytes: f64,
}

impl Default for CostTable {
    fn default() -> Self {
        CostTable {
            source: "built-in figures (SAFETY.md, PostgreSQL 15 on 2 vCPU)".into(),
            server: None,
            measured_at: None,
            rewrite: 1.3,
            rewrite_per_index: 0.6,
            index_build_text: 1.75,
            index_build_integer: 0.5,
            concurrent_factor: 1.2,
            validation_scan: 0.1,
            check_scan: 0.25,
            // 0.5 + 1.1 = SAFETY.md's 1.6 s/1M for a parent as large as the child.
            fk_validation: 0.5,
            fk_validation_parent: 1.1,
            churned_scan: 1.0,
            // SAFETY.md's 4.4 s/1M in 10k-row batches, less 100 commits of 5 ms.
            batched_backfill: 3.9,
            batch_commit: 0.005,
            backfill_per_index: 1.0,
            full_update: 4.4,
            update_per_index: 1.0,
            update_width_share: 0.25,
            seq_scan: 0.045,
            metadata_seconds: 0.01,
            // SAFETY.md's `users`: 111 MB heap per 1M rows.
            row_bytes: 111.0,
        }
    }
}

/// A cost file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the cost table {path}: {message}")]
pub struct CostFileError {
    pub path: String,
    pub message: String,
}

impl CostTable {
    /// Read a cost table saved by `migsmith calibrate`; missing fields keep the built-in figures.
    pub fn load(path: &Path) -> Result<CostTable, CostFileError> {
        let error = |message: String| CostFileError {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let mut table: CostTable = toml::from_str(&text).map_err(|e| error(e.to_string()))?;
        table.source = format!("calibrated figures from {}", path.display());
        Ok(table)
    }

    /// `--costs FILE` when given, else the calibrated default file when it exists, else the
    /// built-in figures.
    pub fn load_or_default(path: Option<&Path>) -> Result<CostTable, CostFileError> {
        match path {
            Some(p) => CostTable::load(p),
            None => match CostTable::default_path().filter(|p| p.is_file()) {
                Some(p) => CostTable::load(&p),
                None => Ok(CostTable::default()),
            },
        }
    }

    /// The TOML text `load` reads.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a cost table serializes")
    }

    /// The default location: `$XDG_CONFIG_HOME/migsmith/costs.toml`, else
    /// `~/.config/migsmith/costs.toml`.
    pub fn default_path() -> Option<std::path::PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".config"))
            })?;
        Some(base.join("migsmith").join("costs.toml"))
    }
}

/// What the estimate needs to know about the statement's table (from the schema the plan was
/// built on, or the seeded table when verifying).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TableShape {
    pub rows: u64,
    /// Indexes on the table, primary key and unique constraints included (at least 1 is
    /// assumed for a table that has rows: the calibrated figures include one).
    pub indexes: usize,
    /// Whether the index the statement builds is on integer columns only.
    pub integer_key: bool,
    /// Heap bytes (`pg_table_size`), when known.
    pub bytes: Option<u64>,
    /// Rows of the table a foreign key references, when known (`None`: as many as `rows`).
    pub parent_rows: Option<u64>,
    /// An earlier step of the same plan updated every row (no VACUUM since): the table holds
    /// as many dead row versions as live ones, none with hint bits set.
    pub churned: bool,
}

impl TableShape {
    /// The shape of `statement`'s table in `schema`, at `rows` rows.
    pub fn of(schema: &Schema, statement: &Statement, rows: u64) -> TableShape {
        let table = statement.table.as_deref().and_then(|t| schema.table(t));
        let indexes = table.map_or(1, |t| {
            t.primary_key.iter().count() + t.unique_constraints.len() + t.indexes.len()
        });
        let integer_key = match (table, index_columns(&statement.sql)) {
            (Some(t), Some(columns)) if !columns.is_empty() => columns.iter().all(|c| {
                t.column(c).is_some_and(|c| {
                    matches!(
                        c.data_type.as_str(),
                        "integer"
                            | "int"
                            | "int4"
                            | "bigint"
                            | "int8"
                            | "smallint"
                            | "int2"
                            | "serial"
                            | "bigserial"
                    )
                })
            }),
            _ => false,
        };
        let parent_rows = statement
            .locks
            .iter()
            .find_map(|l| {
                let name = l.object.strip_suffix(" (referenced)")?;
                let name = name.strip_prefix("table ").unwrap_or(name);
                schema.table(name.trim_matches('`'))
            })
            .and_then(|t| t.rows());
        TableShape {
            rows,
            indexes,
            integer_key,
            bytes: table.and_then(|t| t.stats).and_then(|s| s.heap_bytes),
            parent_rows,
            churned: false,
        }
    }
}

/// Whether `statement` updates every row of its table (a full-table UPDATE or a generated
/// batched backfill), leaving a dead version of each for later steps to read.
pub fn updates_every_row(statement: &Statement) -> bool {
    let sql = statement.sql.trim_start();
    statement.scans_table
        && !statement.rewrites_table
        && (sql.starts_with("DO") || sql.starts_with("UPDATE"))
}

/// Mark the shapes of `statements` (in the order they run) whose table an earlier one updated
/// in full: `churned`.
pub fn mark_churned<'a>(statements: impl IntoIterator<Item = (&'a Statement, &'a mut TableShape)>) {
    let mut updated: Vec<String> = vec![];
    for (statement, shape) in statements {
        let Some(table) = statement.table.as_ref() else {
            continue;
        };
        if updated.contains(table) {
            shape.churned = true;
        }
        if updates_every_row(statement) {
            updated.push(table.clone());
        }
    }
}

/// The plain column names a `CREATE [UNIQUE] INDEX … ON t (a, b)` or `ADD … UNIQUE (a, b)` keys
/// on; `None` when the statement builds no index or a key part is an expression.
fn index_columns(sql: &str) -> Option<Vec<String>> {
    let upper = sql.to_uppercase();
    let at = if upper.trim_start().starts_with("CREATE") && upper.contains("INDEX") {
        upper.find(" ON ").map(|i| i + 4)?
    } else {
        upper.find("UNIQUE")? + 6
    };
    let open = at + sql[at..].find('(')?;
    let close = open + sql[open..].find(')')?;
    let columns: Vec<String> = sql[open + 1..close]
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_string())
        .collect();
    columns
        .iter()
        .all(|c| c.chars().all(|ch| ch.is_alphanumeric() || ch == '_'))
        .then_some(columns)
}

/// An estimate and the inputs that produced it, so a reader can check it.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub seconds: f64,
    pub inputs: String,
}

/// The work that dominates a statement: (name, s per 1M rows, factor, per-index s per 1M rows).
fn work(costs: &CostTable, statement: &Statement, shape: &TableShape) -> Option<Work> {
    let sql = statement.sql.trim_start();
    let w = |name: &'static str, per_million: f64| Work {
        name,
        per_million,
        factor: 1.0,
        per_index: 0.0,
        heap: 1.0,
        parent: None,
    };
    if statement.rewrites_table {
        return Some(Work {
            per_index: costs.rewrite_per_index,
            ..w("table rewrite", costs.rewrite)
        });
    }
    if !statement.scans_table {
        return None;
    }
    let (index_name, index_cost) = if shape.integer_key {
        ("btree index build, integer", costs.index_build_integer)
    } else {
        ("btree index build, text", costs.index_build_text)
    };
    // Work per row or per index entry, not proportional to the heap's bytes.
    let index = |name, cost| Work {
        heap: 0.0,
        ..w(name, cost)
    };
    if sql.starts_with("CREATE") && sql.contains("INDEX") {
        return Some(if statement.transactional {
            index(index_name, index_cost)
        } else {
            Work {
                factor: costs.concurrent_factor,
                ..index(
                    if shape.integer_key {
                        "btree index build CONCURRENTLY, integer"
                    } else {
                        "btree index build CONCURRENTLY, text"
                    },
                    index_cost,
                )
            }
        });
    }
    if sql.starts_with("DO") {
        return Some(Work {
            per_index: costs.backfill_per_index,
            heap: costs.update_width_share,
            ..w("batched backfill", costs.batched_backfill)
        });
    }
    if sql.starts_with("UPDATE") {
        return Some(Work {
            per_index: costs.update_per_index,
            heap: costs.update_width_share,
            ..w("single full-table UPDATE", costs.full_update)
        });
    }
    let references = statement
        .locks
        .iter()
        .any(|l| l.object.ends_with("(referenced)"));
    let validates = sql.contains("VALIDATE CONSTRAINT") || sql.contains("CHECK");
    if shape.churned && !references && !sql.contains("FOREIGN KEY") && !sql.contains("UNIQUE") {
        // Scans only (index builds and foreign keys keep their own figures).
        if validates || sql.contains("NOT NULL") {
            return Some(w(
                "validation scan of a table an earlier step updated in full",
                costs.churned_scan,
            ));
        }
    }
    if references || sql.contains("FOREIGN KEY") {
        return Some(Work {
            parent: Some((
                shape.parent_rows.unwrap_or(shape.rows),
                costs.fk_validation_parent,
            )),
            ..index(
                "foreign key validation, per referencing row",
                costs.fk_validation,
            )
        });
    }
    if sql.contains("UNIQUE") {
        return Some(index(index_name, index_cost));
    }
    // VALIDATE CONSTRAINT of the `…_not_null` check migsmith creates for SET NOT NULL is an
    // `IS NOT NULL` scan; any other CHECK (added or validated) evaluates its expression.
    let not_null_check = sql.contains("_not_null") || sql.contains("IS NOT NULL");
    if (sql.contains("CHECK") || sql.contains("VALIDATE CONSTRAINT")) && !not_null_check {
        return Some(index("check scan", costs.check_scan));
    }
    // Scans of cached rows cost per row (evaluating the check), not per byte: measured
    // scans of 60- and 110-byte rows took the same time per row.
    Some(index("validation scan", costs.validation_scan))
}

struct Work {
    name: &'static str,
    per_million: f64,
    factor: f64,
    per_index: f64,
    /// The share of the work proportional to the heap's bytes (whole rows read or written):
    /// 1 for a rewrite, `update_width_share` for an UPDATE, 0 for index builds and scans.
    heap: f64,
    /// A foreign key's referenced rows and their cost (s per 1M of them).
    parent: Option<(u64, f64)>,
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

/// Estimated seconds for a statement on a table of `shape`, with `costs`: the one estimator
/// the planner, the analysis and `verify` use.
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
    let width = match shape.bytes {
        Some(bytes) if work.heap > 0.0 && rows > 0 && costs.row_bytes > 0.0 => {
            Some((bytes as f64 / rows as f64, costs.row_bytes))
        }
        _ => None,
    };
    let scale = width.map_or(1.0, |(own, measured)| {
        1.0 - work.heap + work.heap * own / measured
    });
    let per_million = work.per_million * scale + index_term;
    let mut seconds = costs.metadata_seconds + per_million * work.factor * rows as f64 / 1e6;
    let rows_text = super::strategy::thousands(rows);
    let width_text = width.map_or(String::new(), |(own, measured)| {
        let share = if work.heap < 1.0 {
            format!(", {} of the cost per byte", work.heap)
        } else {
            String::new()
        };
        format!(
            " × {:.2} (row width {own:.0} / {measured:.0} bytes{share})",
            1.0 - work.heap + work.heap * own / measured
        )
    });
    let mut inputs = if index_term > 0.0 {
        format!(
            "{rows_text} rows × ({} s/1M rows ({}){width_text} + {extra_indexes} more index{} × {} s/1M rows)",
            work.per_million,
            work.name,
            if extra_indexes == 1 { "" } else { "es" },
            work.per_index
        )
    } else {
        format!(
            "{rows_text} rows × {} s/1M rows ({}){width_text}",
            work.per_million, work.name
        )
    };
    if work.factor != 1.0 {
        inputs.push_str(&format!(" × {}", work.factor));
    }
    if let Some((parent_rows, per_million)) = work.parent {
        seconds += per_million * parent_rows as f64 / 1e6;
        inputs.push_str(&format!(
            " + {} referenced rows × {per_million} s/1M rows",
            super::strategy::thousands(parent_rows)
        ));
    }
    if statement.sql.trim_start().starts_with("DO") {
        if let Some((batches, pause)) = batching(&statement.sql, rows) {
            if batches > 0 {
                seconds += batches as f64 * (costs.batch_commit + pause);
                inputs.push_str(&format!(
                    " + {} batches × ({} s commit + {pause} s pause)",
                    super::strategy::thousands(batches),
                    costs.batch_commit
                ));
            }
        }
    }
    inputs.push_str(&format!(" + {} s", costs.metadata_seconds));
    Estimate { seconds, inputs }
}

#[cfg(test)]
#[path = "cost_tests.rs"]
mod tests;
