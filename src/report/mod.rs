//! The review report: Markdown for people (the layout of the `/generate-migration` report) and
//! JSON for tools (the contract in ARCHITECTURE.md). Every value comes from the plan, the
//! analysis and the schema; nothing is boilerplate that could be wrong.

pub mod checks;
mod checks_engines;
pub mod json;
pub mod markdown;
mod safety;
mod schema_file;
pub mod verified;

use crate::analyze::Analysis;
use crate::plan::Plan;
use crate::render::schema_file::SchemaFileChange;
use crate::render::{FrameworkCommands, RenderedFile};
use chrono::{DateTime, Utc};

/// Everything a report shows.
pub struct Report<'a> {
    pub plan: &'a Plan,
    pub analysis: &'a Analysis,
    pub files: &'a [RenderedFile],
    pub commands: &'a FrameworkCommands,
    /// `sql`, `rails`, …
    pub framework: &'a str,
    pub framework_display: &'a str,
    /// Why this framework was chosen.
    pub framework_reason: &'a str,
    pub dialect: &'a str,
    pub dialect_display: &'a str,
    /// Where the schema came from (a dump file, the migrations directory…).
    pub schema_source: &'a str,
    pub generated_at: DateTime<Utc>,
    /// Whether the files were written (false under `--dry-run`).
    pub written: bool,
    /// The framework's schema file edits that go with the migration (Prisma's `schema.prisma`).
    pub schema_changes: &'a [SchemaFileChange],
    /// Whether those edits were written (`--write-schema`).
    pub schema_written: bool,
    /// What `--verify` proved on a scratch database, when it ran.
    pub verification: Option<&'a crate::verify::Verification>,
}
