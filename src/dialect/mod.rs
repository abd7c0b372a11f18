//! Engine knowledge: identifier quoting, type and expression spelling, and the lock model.
//!
//! `Dialect` is a capability trait in the style of sqlparser's: engines override what differs.
//! Nothing here knows about descriptions, frameworks or reports.

pub mod postgres;
pub mod sqlite;

use serde::Serialize;

/// Table-level lock modes, weakest first (PostgreSQL names; other engines map onto them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LockMode {
    #[serde(rename = "NONE")]
    None,
    #[serde(rename = "ACCESS SHARE")]
    AccessShare,
    #[serde(rename = "ROW SHARE")]
    RowShare,
    #[serde(rename = "ROW EXCLUSIVE")]
    RowExclusive,
    #[serde(rename = "SHARE UPDATE EXCLUSIVE")]
    ShareUpdateExclusive,
    #[serde(rename = "SHARE")]
    Share,
    #[serde(rename = "SHARE ROW EXCLUSIVE")]
    ShareRowExclusive,
    #[serde(rename = "EXCLUSIVE")]
    Exclusive,
    #[serde(rename = "ACCESS EXCLUSIVE")]
    AccessExclusive,
}

impl LockMode {
    pub fn name(self) -> &'static str {
        match self {
            LockMode::None => "NONE",
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// Whether ordinary reads (`SELECT`) wait while this lock is held.
    pub fn blocks_reads(self) -> bool {
        self == LockMode::AccessExclusive
    }

    /// Whether ordinary writes (`INSERT`/`UPDATE`/`DELETE`) wait while this lock is held.
    pub fn blocks_writes(self) -> bool {
        self >= LockMode::Share
    }
}

/// What an engine can do; defaults describe PostgreSQL.
pub trait Dialect {
    /// Short name used in reports and JSON (`postgres`, `mysql`, `sqlite`).
    fn name(&self) -> &'static str;
    /// Human name for reports.
    fn display_name(&self) -> &'static str;
    /// Whether DDL can be rolled back inside a transaction.
    fn transactional_ddl(&self) -> bool {
        true
    }
    /// Whether indexes can be built without blocking writes.
    fn supports_concurrent_index(&self) -> bool {
        true
    }
    /// Quote an identifier when (and only when) it needs it.
    fn ident(&self, name: &str) -> String;
    /// A string literal.
    fn literal(&self, value: &str) -> String;
}
