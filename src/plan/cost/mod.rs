//! The duration estimate: a cost table (figures per row and per byte, built in or measured by
//! `migsmith calibrate`), the shape of the table a statement works on (`shape.rs`), and the one
//! estimator every stage uses (`estimate.rs`). Data, so the report can show its inputs.
//!
//! The model is PostgreSQL's own planner's, applied to DDL: work = rows × a per-row figure
//! (evaluating a check, sorting an index key, writing index entries) + the table's bytes × a
//! per-byte figure (reading the heap, or writing a new copy of it and its WAL), plus fixed
//! costs per statement and per commit. Per-byte work is measured on tables read the way large
//! tables are: through a small ring of buffers when a table is larger than a quarter of
//! `shared_buffers`, so scans and rewrites of wide tables cost what they cost there.

mod estimate;
mod shape;

pub use estimate::{estimate_with, phase_overhead, Estimate};
pub use shape::{mark_plan_order, updates_every_row, CheckExpr, KeyShape, TableShape, Width};

use serde::{Deserialize, Serialize};
use std::path::Path;

/// The version of the model a cost file's figures belong to: 2 is per row + per byte. A file
/// of another version (written by an older `migsmith calibrate`) is not used: its per-row
/// figures included the bytes of the table it was measured on.
pub const MODEL: u32 = 2;

/// A table of costs for one server: the built-in figures, or what `migsmith calibrate` measured
/// (saved as TOML). Per-row figures are seconds per million rows; per-byte figures seconds per
/// GB (10⁹ bytes) of heap. Estimates say which table they used (`source`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CostTable {
    /// Where these figures come from (not read from the file: set by `load`).
    #[serde(skip)]
    pub source: String,
    /// [`MODEL`] when the figures were measured by this version's `calibrate`.
    #[serde(default = "unversioned")]
    pub model: u32,
    /// Server the figures were measured on, e.g. `PostgreSQL 15.19`.
    pub server: Option<String>,
    /// When they were measured (RFC 3339).
    pub measured_at: Option<String>,
    /// What `calibrate` measured on: rows, row widths, and whether its tables were larger than
    /// a quarter of `shared_buffers` (read through a ring buffer, as large tables are).
    pub measured_on: Option<String>,

    /// A statement that does no work (`BEGIN`, `SET lock_timeout …`): its round trip.
    pub statement_seconds: f64,
    /// A catalog-only change inside a transaction (its commit apart).
    pub metadata_seconds: f64,
    /// The COMMIT of a transaction that changed the catalog: mostly its WAL flush.
    pub commit_seconds: f64,

    /// Reading a table's heap in a sequential scan, s per GB: validation scans, foreign key
    /// validation, index builds (CONCURRENTLY reads it twice).
    pub read_per_gb: f64,
    /// Validation scan of an `IS NOT NULL` check (SET NOT NULL, VALIDATE CONSTRAINT), per row
    /// besides reading it.
    pub validation_scan: f64,
    /// Validation scan of a check with a function call (`char_length(c) <= n`), per row; a
    /// check of comparisons only costs as `validation_scan`.
    pub check_scan: f64,
    /// Foreign key validation per referencing row, against a small (cached) parent.
    /// PostgreSQL validates with one anti-join query (child scan, hash or merge join on the
    /// parent), so the parent adds its own rows: `fk_validation_parent` each.
    pub fk_validation: f64,
    /// What each referenced (parent) row adds to a foreign key validation: measured as a
    /// parent as large as the child minus a 1,000-row parent. A parent of unknown size is
    /// taken as large as the child.
    pub fk_validation_parent: f64,
    /// A validation scan of a table every row of which an earlier step of the same plan
    /// updated, with no VACUUM in between: it reads the dead versions too and sets hint bits
    /// on every page, writing each back. Per live row (calibrate takes the validation scan's
    /// figure: the same work per row) …
    pub churned_scan: f64,
    /// … and per GB of the table as it was before the update.
    pub churned_per_gb: f64,

    /// btree index build on a text column (any collated or variable-width key), per row
    /// besides reading the heap, in random order (`'key ' || md5(…)`: text that shares its
    /// first bytes, as most does) …
    pub index_build_text: f64,
    /// … and in key order (zero-padded numbers): a key whose first column has
    /// `pg_stats.correlation` c costs the random figure moved c² of the way to this one, as
    /// for integers. A cost file without it (calibrated before it was measured) takes the
    /// random figure: order not counted on, the estimate errs long.
    pub index_build_text_sorted: f64,
    /// btree index build on an integer column (any fixed-width key compared without a
    /// collation: timestamps, dates, uuids), per row besides reading the heap, in random
    /// order …
    pub index_build_integer: f64,
    /// … and in key order (a serial key, an insertion timestamp): a key whose first column has
    /// `pg_stats.correlation` c costs the random figure moved c² of the way to this one. Not
    /// |c|: a few values out of place break the sorted runs a sort profits from, and c² errs
    /// long where |c| erred short (BENCHMARKS.md, "Index builds on partly ordered keys").
    pub index_build_integer_sorted: f64,
    /// Rows of the table the index build figures were measured on: a sort's comparisons per
    /// row grow with log₂ of its rows, so a build of n rows costs its figure × log₂ n /
    /// log₂ `sort_rows` per row. A cost file without it was measured at calibrate's default.
    pub sort_rows: u64,
    /// What CREATE INDEX CONCURRENTLY adds per row to a text index build (its validation
    /// pass: the index scanned, its row ids sorted), besides reading the heap a second time.
    pub concurrent_text: f64,
    /// The same for an integer index.
    pub concurrent_integer: f64,

    /// Table rewrite (ALTER TYPE, volatile default, varchar shrink) with one index (its primary
    /// key), that index's rebuild included: per row …
    pub rewrite: f64,
    /// … and per GB of heap rewritten (read, written, WAL-logged).
    pub rewrite_per_gb: f64,
    /// What each further index adds to a rewrite, per row (every index is rebuilt).
    pub rewrite_per_index: f64,
    /// One full-table UPDATE of a table with one index (the primary key): per row …
    pub full_update: f64,
    /// … and per GB of heap (each row's new version written and WAL-logged).
    pub update_per_gb: f64,
    /// What each further index adds to a full UPDATE, per row (every new row version gets an
    /// entry in every index).
    pub update_per_index: f64,
    /// Batched backfill, per row updated in committed batches (the commits and pauses apart),
    /// one index (the primary key) …
    pub batched_backfill: f64,
    /// … and per GB of heap (each row's new version written and WAL-logged).
    pub backfill_per_gb: f64,
    /// Seconds per committed batch of a batched backfill, whatever its size: the COMMIT (its
    /// WAL flush) and the batch's key lookups.
    pub batch_commit: f64,
    /// What each further index adds to a batched backfill, per row: measured on committed
    /// batches, not on one full UPDATE, whose single long transaction costs more per entry.
    pub backfill_per_index: f64,
    /// Evaluating `gen_random_uuid()` (or `uuid_generate_v4()`) once, per 1M rows: a volatile
    /// default or a backfill that computes one per row pays it besides writing the row.
    pub uuid_generation: f64,
}

fn unversioned() -> u32 {
    1
}

impl Default for CostTable {
    /// Figures `migsmith calibrate` measured on the project's machine (2 vCPU, PostgreSQL
    /// 15.20, shared_buffers 128 MB, idle), rounded middles of its runs on 2026-12-02
    /// (BENCHMARKS.md, "Zero downtime").
    fn default() -> Self {
        CostTable {
            source: "built-in figures (PostgreSQL 15 on 2 vCPU, BENCHMARKS.md)".into(),
            model: MODEL,
            server: None,
            measured_at: None,
            measured_on: None,
            statement_seconds: 0.00013,
            metadata_seconds: 0.001,
            commit_seconds: 0.0004,
            read_per_gb: 0.2,
            validation_scan: 0.07,
            check_scan: 0.11,
            fk_validation: 0.2,
            fk_validation_parent: 0.45,
            churned_scan: 0.07,
            churned_per_gb: 1.5,
            index_build_text: 0.85,
            index_build_text_sorted: 0.24,
            index_build_integer: 0.26,
            index_build_integer_sorted: 0.17,
            sort_rows: 300_000,
            concurrent_text: 0.13,
            concurrent_integer: 0.03,
            rewrite: 1.3,
            rewrite_per_gb: 2.7,
            rewrite_per_index: 0.45,
            full_update: 4.7,
            update_per_gb: 5.7,
            update_per_index: 3.0,
            batched_backfill: 4.5,
            backfill_per_gb: 3.5,
            batch_commit: 0.002,
            backfill_per_index: 3.5,
            uuid_generation: 1.5,
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
    /// Read a cost table saved by `migsmith calibrate`; missing fields keep the built-in
    /// figures. A table of an older model is not used: the built-in figures are, and `source`
    /// says to calibrate again.
    pub fn load(path: &Path) -> Result<CostTable, CostFileError> {
        let error = |message: String| CostFileError {
            path: path.display().to_string(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| error(e.to_string()))?;
        let mut table: CostTable = toml::from_str(&text).map_err(|e| error(e.to_string()))?;
        if table.model != MODEL {
            return Ok(CostTable {
                source: format!(
                    "{} ({} was measured by an older `migsmith calibrate`, whose figures mix \
                     per-row and per-byte work: run `migsmith calibrate` again)",
                    CostTable::default().source,
                    path.display()
                ),
                ..CostTable::default()
            });
        }
        let has =
            |field: &str| toml::from_str::<toml::Table>(&text).is_ok_and(|t| t.contains_key(field));
        if !has("index_build_text_sorted") {
            table.index_build_text_sorted = table.index_build_text;
        }
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

#[cfg(test)]
mod tests;
