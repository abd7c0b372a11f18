//! Plans → files on disk, in the project's framework. Renderers never re-plan: they spell the
//! phases and steps they are given. Writing is all-or-nothing and never overwrites a file.

pub mod alembic;
pub mod dbmate;
pub mod detect;
pub mod diesel;
pub mod django;
pub mod flyway;
pub mod golang_migrate;
pub mod goose;
pub mod idiom;
pub mod js_idiom;
pub mod knex;
pub mod laravel;
pub mod liquibase;
pub mod naming;
pub mod op_groups;
pub mod prisma;
pub mod rails;
pub mod registry;
pub mod schema_file;
pub mod schema_prisma;
pub mod sequelize;
pub mod sql;
pub mod sql_files;
pub mod sqlx;
pub mod typeorm;

use crate::plan::Plan;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A file a renderer wants written (path relative to the project root).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedFile {
    pub path: String,
    pub contents: String,
}

/// What the renderer needs besides the plan.
#[derive(Debug, Clone)]
pub struct RenderContext {
    /// Generation time (fixed under `--now` / `MIGSMITH_NOW` for reproducible output).
    pub now: DateTime<Utc>,
    /// The migrations directory, relative to the project root.
    pub migrations_dir: PathBuf,
    /// Migration versions already present, so new ones sort after them.
    pub existing_versions: Vec<String>,
    /// The project root (renderers that chain migrations read the existing ones from here).
    pub project_dir: PathBuf,
}

/// A migration framework's file layout.
pub trait Renderer {
    /// Short name used in reports and JSON (`sql`, `rails`, …).
    fn name(&self) -> &'static str;
    /// Human name for reports.
    fn display_name(&self) -> &'static str;
    /// Where the framework keeps its migrations, relative to the project root, when the
    /// project does not say otherwise (`db/migrate` for Rails, `<app>/migrations` is found by
    /// detection for Django).
    fn default_migrations_dir(&self) -> &'static str {
        "migrations"
    }
    /// Whether the framework wraps each migration in a transaction by itself.
    fn wraps_in_transaction(&self) -> bool {
        false
    }
    /// The files for a plan.
    fn render(&self, plan: &Plan, cx: &RenderContext) -> Vec<RenderedFile>;
    /// Commands that apply and roll back the generated migrations, for the report.
    fn commands(&self, files: &[RenderedFile]) -> FrameworkCommands;
    /// The change to the schema file the framework keeps beside its migrations (Prisma's
    /// `schema.prisma`), shown in the report and written by `--write-schema`. `None`: the
    /// framework keeps no such file (its migrations are the schema).
    fn schema_file_change(
        &self,
        _plan: &Plan,
        _cx: &RenderContext,
    ) -> Option<schema_file::SchemaFileChange> {
        None
    }
}

/// How a user runs the generated migrations.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FrameworkCommands {
    pub apply: Vec<String>,
    pub rollback: Vec<String>,
}

/// Errors writing files.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0} already exists; migsmith never overwrites a file (pass a different --now or remove it)")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Write every file under `root`, or none: all targets are checked first, and each file is
/// created with `create_new`, so an existing file is never touched.
pub fn write_files(root: &Path, files: &[RenderedFile]) -> Result<Vec<PathBuf>, WriteError> {
    let targets: Vec<PathBuf> = files.iter().map(|f| root.join(&f.path)).collect();
    if let Some(existing) = targets.iter().find(|p| p.exists()) {
        return Err(WriteError::Exists(existing.clone()));
    }
    let mut written = vec![];
    for (file, path) in files.iter().zip(&targets) {
        let result = (|| {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)?;
            f.write_all(file.contents.as_bytes())
        })();
        if let Err(source) = result {
            // Leave nothing half-written behind.
            for done in &written {
                let _ = std::fs::remove_file(done);
            }
            return Err(match source.kind() {
                std::io::ErrorKind::AlreadyExists => WriteError::Exists(path.clone()),
                _ => WriteError::Io {
                    path: path.clone(),
                    source,
                },
            });
        }
        written.push(path.clone());
    }
    Ok(written)
}
