//! `migsmith verify`: prove a migration on a scratch database — never on the user's.
//!
//! A throwaway database on a given server ([`scratch`]) or an ephemeral cluster ([`cluster`]);
//! the base schema loaded and optionally seeded with synthetic rows ([`seed`]); then the round
//! trip ([`roundtrip`]): snapshot S0 ([`catalog`]), up → S1 with the promised checks, down → S2
//! == S0, up again → S3 == S1, rows preserved where the plan claims no data loss, every statement
//! timed and lock-traced ([`locks`]). Everything created is removed afterwards, even on failure
//! or Ctrl-C ([`cleanup`]). [`calibrate`] measures this server's per-row costs the same way.

pub mod calibrate;
pub mod catalog;
pub mod cleanup;
pub mod cluster;
pub mod locks;
pub mod mysql;
pub mod progress;
pub mod roundtrip;
pub mod scratch;
pub mod script;
pub mod seed;
pub mod subject;

use crate::dialect::LockMode;
use locks::TracedLock;
use serde::Serialize;
use std::collections::BTreeMap;

pub use roundtrip::{verify, Options, Where};
pub use subject::{Subject, SubjectStatement};

/// What went wrong before the round trip could report a result.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot connect to {target}: {message}")]
    Connect { target: String, message: String },
    #[error("invalid database URL `{url}`: {message}; expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")]
    BadUrl { url: String, message: String },
    #[error("{0}")]
    Scratch(String),
    #[error("cannot start an ephemeral PostgreSQL cluster: {0}")]
    Cluster(String),
    #[error("no PostgreSQL server binaries found ({0}). Install the server package (Debian/Ubuntu: \
             apt-get install postgresql, which puts initdb and pg_ctl in /usr/lib/postgresql/*/bin), \
             set MIGSMITH_PG_BINDIR to the directory holding them, or pass --database-url to use \
             a throwaway database on an existing server")]
    NoServerBinaries(String),
    #[error("{origin}: {message}")]
    Script { origin: String, message: String },
    #[error("cannot seed synthetic rows: {0}")]
    Seed(String),
    #[error("{0}")]
    Input(String),
}

impl VerifyError {
    /// The scratch server not being reachable or usable is the database's trouble; a bad URL,
    /// migration file or base schema is the caller's.
    pub fn class(&self) -> crate::error::ErrorClass {
        use crate::error::ErrorClass;
        match self {
            VerifyError::Connect { .. }
            | VerifyError::Scratch(_)
            | VerifyError::Cluster(_)
            | VerifyError::NoServerBinaries(_) => ErrorClass::Database,
            VerifyError::BadUrl { .. }
            | VerifyError::Script { .. }
            | VerifyError::Seed(_)
            | VerifyError::Input(_) => ErrorClass::Input,
        }
    }
}

/// The server's message for a database error (no Rust debug formatting).
pub fn db_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                text.push_str(&format!(" ({detail})"));
            }
            text
        }
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            text
        }
    }
}

/// One check of the round trip.
#[derive(Debug, Clone, Serialize)]
pub struct CheckOutcome {
    pub name: String,
    pub passed: bool,
    /// Why it failed (a schema diff, the failing statement and error…), or extra facts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// One statement as it ran on the scratch database.
#[derive(Debug, Clone, Serialize)]
pub struct StatementTrace {
    /// The migration (file or phase) it belongs to.
    pub migration: String,
    /// `up`, `down` or `up again`.
    pub direction: String,
    pub sql: String,
    /// The table the plan says it locks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicted_lock: Option<LockMode>,
    /// Locks it newly took, strongest per table, with how long they were held.
    pub observed_locks: Vec<TracedLock>,
    /// Set when the observed lock on the predicted table differs from the prediction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_mismatch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_seconds: Option<f64>,
    pub measured_seconds: f64,
}

/// The result of `migsmith verify`: the `verification` object of the JSON report and the
/// "Verified" section of the Markdown one.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub passed: bool,
    /// Where it ran (scratch database on a server, or an ephemeral cluster), password-free.
    pub scratch: String,
    /// The throwaway database's name (already dropped when this value exists).
    pub scratch_database: String,
    pub server_version: String,
    /// Where the schema loaded before the migration came from.
    pub base_schema: String,
    /// Rows seeded per table.
    pub seeded_rows: BTreeMap<String, u64>,
    pub checks: Vec<CheckOutcome>,
    pub statements: Vec<StatementTrace>,
    /// Which cost table the estimates used.
    pub cost_table: String,
    pub wall_seconds: f64,
    /// Of which loading the base schema and seeding rows.
    pub seed_seconds: f64,
}

impl Verification {
    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckOutcome> {
        self.checks.iter().filter(|c| !c.passed)
    }
}
