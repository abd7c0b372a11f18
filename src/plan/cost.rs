//! Per-row costs for the duration estimate, in seconds per million rows: the middle of the
//! ranges measured on PostgreSQL 15 (SAFETY.md). Data, so the report can show its inputs.

use super::ops::Statement;
use crate::dialect::LockMode;

/// One kind of work and what it costs.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub work: &'static str,
    pub seconds_per_million_rows: f64,
}

pub const REWRITE: Cost = Cost {
    work: "table rewrite",
    seconds_per_million_rows: 1.3,
};
pub const INDEX_BUILD: Cost = Cost {
    work: "btree index build",
    seconds_per_million_rows: 1.75,
};
pub const CONCURRENT_FACTOR: f64 = 1.2;
pub const VALIDATION_SCAN: Cost = Cost {
    work: "validation scan",
    seconds_per_million_rows: 0.1,
};
pub const FK_VALIDATION: Cost = Cost {
    work: "foreign key validation",
    seconds_per_million_rows: 1.6,
};
pub const FULL_UPDATE: Cost = Cost {
    work: "single full-table UPDATE",
    seconds_per_million_rows: 4.4,
};
/// Catalog-only change, whatever the size.
pub const METADATA_SECONDS: f64 = 0.01;

/// The cost that dominates a statement, if it touches rows.
pub fn dominant(statement: &Statement) -> Option<(Cost, f64)> {
    let sql = statement.sql.trim_start();
    if statement.rewrites_table {
        return Some((REWRITE, 1.0));
    }
    if !statement.scans_table {
        return None;
    }
    if sql.starts_with("CREATE") && sql.contains("INDEX") {
        let factor = if statement.transactional {
            1.0
        } else {
            CONCURRENT_FACTOR
        };
        return Some((INDEX_BUILD, factor));
    }
    if sql.starts_with("UPDATE") {
        return Some((FULL_UPDATE, 1.0));
    }
    if statement.lock == LockMode::ShareRowExclusive && sql.contains("FOREIGN KEY") {
        return Some((FK_VALIDATION, 1.0));
    }
    if sql.contains("UNIQUE") {
        return Some((INDEX_BUILD, 1.0));
    }
    Some((VALIDATION_SCAN, 1.0))
}

/// Estimated seconds for a statement on a table of `rows` rows.
pub fn estimate(statement: &Statement, rows: u64) -> f64 {
    match dominant(statement) {
        Some((cost, factor)) => {
            METADATA_SECONDS + cost.seconds_per_million_rows * factor * rows as f64 / 1e6
        }
        None => METADATA_SECONDS,
    }
}
