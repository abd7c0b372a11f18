//! The plan: intents resolved against the schema into typed `Operation`s (the IR), then grouped
//! into phases of executable steps.
//!
//! This module owns the dialect-free IR (one file per operation kind under `ops/`, each with its
//! validation and inverse; its SQL and zero-downtime form are the `Dialect`'s), `resolve`
//! (validation, inference, did-you-mean) and `strategy` (PostgreSQL's phases and transactions,
//! reached through `dialect::postgres::Postgres::build`). It knows nothing about frameworks.

pub mod cost;
pub mod ops;
pub mod resolve;
pub mod strategy;

pub use ops::{Operation, Statement};
pub use resolve::{resolve, resolve_with, AlreadyTrue, ResolveOptions};
pub use strategy::{build, build_with, StrategyOptions};

use crate::schema::Schema;
use serde::Serialize;

/// A complete, ordered migration plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub description: String,
    pub operations: Vec<Operation>,
    pub phases: Vec<Phase>,
    /// What was inferred or decided on the user's behalf ("`email_verified` → boolean NOT NULL
    /// DEFAULT false because …"), shown in the report.
    pub decisions: Vec<String>,
    /// Requested changes that already hold (nothing generated for them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub already_true: Vec<AlreadyTrue>,
    /// The schema before and after the plan (the model's view; not serialized).
    #[serde(skip)]
    pub before: Schema,
    #[serde(skip)]
    pub after: Schema,
}

/// One migration (one file, or one file pair with up and down).
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// Short machine name used in file names (`schema`, `concurrent_indexes`).
    pub name: String,
    /// Whether the phase runs inside one transaction.
    pub transactional: bool,
    /// Why this phase is separate from the others, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Indexes into [`Plan::operations`] of the operations this phase performs.
    pub operations: Vec<usize>,
    /// Session settings run before the phase's statements in both directions, e.g.
    /// `SET lock_timeout = '5s'`. Renderers emit them first, in the framework's raw-SQL form.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<String>,
    pub up: Vec<Step>,
    pub down: Vec<Step>,
    /// Things the down migration cannot restore (e.g. data removed by a drop).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub down_caveats: Vec<String>,
    /// When to deploy application code relative to this phase (e.g. "after: code that writes
    /// the new column"), when it matters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deploy: Vec<String>,
}

/// One executable statement with what it costs.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    #[serde(flatten)]
    pub statement: Statement,
    /// Estimated duration at the table's known size (0 when the size is unknown, see
    /// `analysis.rows_known`).
    pub estimated_seconds: f64,
    /// How the estimate was computed (`200,000 rows × 0.10 s/1M rows (validation scan) + …`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_inputs: Option<String>,
    /// Rows of the table the step works on, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// The table's shape the estimate used (index count, key type), so `verify` can estimate
    /// again at the seeded size with the same estimator.
    #[serde(skip)]
    pub shape: Option<cost::TableShape>,
}

/// A description that cannot become a plan against this schema.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("table `{table}` does not exist{}", did_you_mean_text(.suggestions))]
    UnknownTable {
        table: String,
        suggestions: Vec<String>,
    },
    #[error("column `{column}` does not exist in table `{table}`{}", did_you_mean_text(.suggestions))]
    UnknownColumn {
        table: String,
        column: String,
        suggestions: Vec<String>,
    },
    #[error("index `{index}` does not exist{}", did_you_mean_text(.suggestions))]
    UnknownIndex {
        index: String,
        suggestions: Vec<String>,
    },
    #[error("{what} `{name}` does not exist{}", did_you_mean_text(.suggestions))]
    UnknownObject {
        what: &'static str,
        name: String,
        suggestions: Vec<String>,
    },
    #[error("{what} `{name}` already exists{}", .hint.as_ref().map(|h| format!(": {h}")).unwrap_or_default())]
    AlreadyExists {
        what: &'static str,
        name: String,
        hint: Option<String>,
    },
    #[error("nothing to do: {0}")]
    NoOp(String),
    /// A name the schema fits in several ways: never guessed, the choices are listed.
    #[error("{what}: {}; say which, e.g. {}", .candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "), .example)]
    Ambiguous {
        /// What fits several ways and why ("no table was named for `title`, and 2 tables have it").
        what: String,
        candidates: Vec<String>,
        /// A rephrasing that names one candidate.
        example: String,
    },
    #[error("{0}")]
    Invalid(String),
    /// An engine whose dialect has not landed (`dialect::NotYet`).
    #[error("the database is {display}; migsmith does not generate for it (choose the engine with --dialect or the `dialect` key)")]
    UnsupportedEngine { display: &'static str },
}

impl PlanError {
    /// A stable kind for the JSON error object.
    pub fn kind(&self) -> &'static str {
        match self {
            PlanError::UnknownTable { .. } => "unknown_table",
            PlanError::UnknownColumn { .. } => "unknown_column",
            PlanError::UnknownIndex { .. } => "unknown_index",
            PlanError::UnknownObject { .. } => "unknown_object",
            PlanError::AlreadyExists { .. } => "already_exists",
            PlanError::NoOp(_) => "no_op",
            PlanError::Ambiguous { .. } => "ambiguous",
            PlanError::Invalid(_) => "invalid",
            PlanError::UnsupportedEngine { .. } => "unsupported_dialect",
        }
    }

    /// "Did you mean" candidates, when there are any.
    pub fn suggestions(&self) -> &[String] {
        match self {
            PlanError::UnknownTable { suggestions, .. }
            | PlanError::UnknownColumn { suggestions, .. }
            | PlanError::UnknownIndex { suggestions, .. }
            | PlanError::UnknownObject { suggestions, .. } => suggestions,
            PlanError::Ambiguous { candidates, .. } => candidates,
            _ => &[],
        }
    }
}

pub(crate) fn did_you_mean_text(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!(" (did you mean `{one}`?)"),
        many => format!(
            " (did you mean one of {}?)",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
