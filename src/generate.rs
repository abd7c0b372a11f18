//! The `generate` pipeline as a library call: load the schema, parse, resolve, plan, render,
//! analyse. The CLI is a thin shell around this; tests call it directly.

use crate::analyze::{analyze, Analysis};
use crate::intent::{self, ParseError};
use crate::plan::{self, Plan, PlanError};
use crate::render::naming::version_of;
use crate::render::sql::RawSql;
use crate::render::{FrameworkCommands, RenderContext, RenderedFile, Renderer, WriteError};
use crate::schema::sql::{load_file, load_migrations_dir, LoadError};
use crate::schema::Schema;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Where the current schema comes from.
#[derive(Debug, Clone)]
pub enum SchemaSource {
    /// A SQL schema dump (`pg_dump --schema-only` or any DDL script).
    Dump(PathBuf),
    /// Replay the migrations directory.
    Migrations,
}

/// Inputs of one `generate` run.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub description: String,
    pub source: SchemaSource,
    /// The project root; the migrations directory is relative to it.
    pub project_dir: PathBuf,
    pub migrations_dir: PathBuf,
    pub now: DateTime<Utc>,
}

/// Everything `generate` produced.
pub struct Generated {
    pub plan: Plan,
    pub analysis: Analysis,
    pub files: Vec<RenderedFile>,
    pub commands: FrameworkCommands,
    /// Human description of where the schema came from.
    pub schema_source: String,
    pub renderer: &'static dyn Renderer,
    pub framework_reason: String,
}

/// Any failure of the pipeline, with a stable kind for JSON errors.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("cannot load the schema: {0}")]
    Load(#[from] LoadError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("table `{table}` does not exist: the schema is empty ({source_text}); pass --schema FILE, e.g. the output of `pg_dump --schema-only`")]
    EmptySchema { table: String, source_text: String },
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl GenerateError {
    pub fn kind(&self) -> &'static str {
        match self {
            GenerateError::Parse(_) => "parse",
            GenerateError::Load(_) => "schema",
            GenerateError::Plan(e) => e.kind(),
            GenerateError::EmptySchema { .. } => "unknown_table",
            GenerateError::Write(_) => "write",
        }
    }

    pub fn suggestions(&self) -> Vec<String> {
        match self {
            GenerateError::Parse(e) => e.suggestions.clone(),
            GenerateError::Plan(e) => e.suggestions().to_vec(),
            _ => vec![],
        }
    }
}

/// Load the schema from its source; returns it with a description of the source.
pub fn load_schema(
    source: &SchemaSource,
    project_dir: &Path,
    migrations_dir: &Path,
) -> Result<(Schema, String), LoadError> {
    match source {
        SchemaSource::Dump(path) => {
            let schema = load_file(&project_dir.join(path))?;
            Ok((schema, format!("schema dump `{}`", path.display())))
        }
        SchemaSource::Migrations => {
            let (schema, files) = load_migrations_dir(&project_dir.join(migrations_dir))?;
            let text = if files.is_empty() {
                format!(
                    "no schema: `{}` has no migrations yet (pass --schema FILE to read a dump)",
                    migrations_dir.display()
                )
            } else {
                format!(
                    "{} migration(s) replayed from `{}`",
                    files.len(),
                    migrations_dir.display()
                )
            };
            Ok((schema, text))
        }
    }
}

/// Versions of the migrations already in the directory.
pub fn existing_versions(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| version_of(&e.file_name().to_string_lossy()))
                .collect()
        })
        .unwrap_or_default()
}

/// Run the pipeline up to (not including) writing files.
pub fn generate(opts: &GenerateOptions) -> Result<Generated, GenerateError> {
    let (schema, schema_source) =
        load_schema(&opts.source, &opts.project_dir, &opts.migrations_dir)?;
    let intents = intent::parse(&opts.description)?;
    let resolved = plan::resolve(&intents, &schema).map_err(|e| match e {
        PlanError::UnknownTable { table, .. } if schema.tables.is_empty() => {
            GenerateError::EmptySchema {
                table,
                source_text: schema_source.clone(),
            }
        }
        other => other.into(),
    })?;
    let plan = plan::build(&opts.description, &schema, resolved);
    let analysis = analyze(&plan);
    let renderer: &'static dyn Renderer = &RawSql;
    let cx = RenderContext {
        now: opts.now,
        migrations_dir: opts.migrations_dir.clone(),
        existing_versions: existing_versions(&opts.project_dir.join(&opts.migrations_dir)),
    };
    let files = renderer.render(&plan, &cx);
    let commands = renderer.commands(&files);
    Ok(Generated {
        plan,
        analysis,
        files,
        commands,
        schema_source,
        renderer,
        framework_reason: "no framework detected: plain SQL files".into(),
    })
}
