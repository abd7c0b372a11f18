//! migsmith: from a one-line description of a schema change to safe, reversible, reviewed
//! migration files.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//! `intent` (parse the description) → `schema` (load the current schema) → `plan` (resolve
//! intents into typed operations and phases) → `render` (framework files) / `analyze` (risk) /
//! `report` (Markdown and JSON). `generate` ties them together for the CLI and for tests.

pub mod analyze;
pub mod check;
pub mod config;
pub mod dialect;
pub mod error;
pub mod generate;
pub mod intent;
pub mod par;
pub mod plan;
pub mod render;
pub mod report;
pub mod schema;
pub mod verify;
