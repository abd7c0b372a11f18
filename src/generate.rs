//! The `generate` pipeline as a library call: load the schema, parse, resolve, plan, render,
//! analyse. The CLI is a thin shell around this; tests call it directly.

use crate::analyze::{analyze, Analysis};
use crate::config::DialectChoice;
use crate::dialect::postgres::PgVersion;
use crate::dialect::Dialect;
use crate::intent::{self, ParseError};
use crate::plan::cost::CostTable;
use crate::plan::{self, Plan, PlanError, StrategyOptions};
use crate::render::detect::{self, DetectError, Detection};
use crate::render::naming::version_of;
use crate::render::schema_file::SchemaFileChange;
use crate::render::{
    registry, FrameworkCommands, RenderContext, RenderedFile, Renderer, WriteError,
};
use crate::schema::project::{replay, Replay};
use crate::schema::sizes::RowCounts;
use crate::schema::sql::{load_file, LoadError};
use crate::schema::{Engine, Schema};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// Where the current schema comes from.
#[derive(Debug, Clone)]
pub enum SchemaSource {
    /// A SQL schema dump (`pg_dump --schema-only` or any DDL script).
    Dump(PathBuf),
    /// Replay the migrations directory.
    Migrations,
    /// Introspect a live database (read-only).
    Live(LiveSource),
}

/// A live database to read the schema from.
#[derive(Debug, Clone)]
pub struct LiveSource {
    /// Connection URL (`postgres://user:pass@host:port/db`); never printed with its password.
    pub url: String,
    /// Only this schema (namespace); default: every non-system schema.
    pub schema_name: Option<String>,
    /// Count rows with `count(*)` instead of trusting `reltuples`.
    pub exact_counts: bool,
}

/// Inputs of one `generate` run.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    pub description: String,
    pub source: SchemaSource,
    /// The project root; the migrations directory is relative to it.
    pub project_dir: PathBuf,
    /// The migrations directory; empty: the detected framework's own directory.
    pub migrations_dir: PathBuf,
    pub now: DateTime<Utc>,
    /// `--framework NAME`: skip detection.
    pub framework: Option<String>,
    /// Per-row costs for the estimates (`--costs FILE`, else `CostTable::default_path()` when it
    /// exists, else the built-in figures).
    pub costs: CostTable,
    /// `--rows N` / `--rows TABLE=N`: table sizes, overriding statistics.
    pub rows: RowCounts,
    /// `--pg-version`: default the live server's major version, else 15.
    pub pg_version: Option<PgVersion>,
    /// `--dialect` or the `dialect` key, with where it was set (`--dialect`,
    /// `migsmith.toml:3`); `None`: from the URL scheme, the framework's config, the schema.
    pub dialect: Option<(DialectChoice, String)>,
    /// Thresholds, timeouts and batch size for the zero-downtime forms. Its `pg_version` and
    /// `costs` are replaced by the two fields above.
    pub strategy: StrategyOptions,
    /// How requests that already hold are treated (`--allow-duplicate`).
    pub resolve: plan::ResolveOptions,
    /// `--ops`: the `operations` array of the JSON contract (or a whole JSON report) to
    /// generate instead of parsing `description`, which then only names the migration (when
    /// empty: the report's `description`, else the operations' summaries).
    pub operations: Option<serde_json::Value>,
}

impl GenerateOptions {
    /// Options with every default the CLI uses: detected framework and directory, now,
    /// built-in costs, no sizes, PostgreSQL 15 unless the schema says otherwise.
    /// Set other fields with struct update syntax (`GenerateOptions { now, ..new(…) }`).
    pub fn new(description: &str, source: SchemaSource, project_dir: &Path) -> Self {
        GenerateOptions {
            description: description.to_string(),
            source,
            project_dir: project_dir.to_path_buf(),
            migrations_dir: PathBuf::new(),
            now: Utc::now(),
            framework: None,
            costs: CostTable::default(),
            rows: RowCounts::default(),
            pg_version: None,
            dialect: None,
            strategy: StrategyOptions::default(),
            resolve: plan::ResolveOptions::default(),
            operations: None,
        }
    }
}

/// Everything `generate` produced.
pub struct Generated {
    pub plan: Plan,
    pub analysis: Analysis,
    pub files: Vec<RenderedFile>,
    pub commands: FrameworkCommands,
    /// Edits to the framework's schema file that go with the files (Prisma's `schema.prisma`).
    pub schema_changes: Vec<SchemaFileChange>,
    /// Human description of where the schema came from.
    pub schema_source: String,
    pub renderer: &'static dyn Renderer,
    /// The engine the plan is for (`--dialect`, URL, framework config, schema; else PostgreSQL).
    pub dialect: &'static dyn Dialect,
    pub framework_reason: String,
    /// What detection found (or what `--framework` chose).
    pub detection: Detection,
    /// How long each stage took, in order (for `--verbose`; never in reports).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Any failure of the pipeline, with a stable kind for JSON errors.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// (Not a `#[from]`: that would make the error its own source and print it twice.)
    #[error("cannot load the schema: {0}")]
    Load(LoadError),
    /// (`--database-url:` keeps the message as it was when live errors were `Load` errors.)
    #[error("cannot load the schema: --database-url: {0}")]
    Live(crate::schema::live::LiveError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("table `{table}` does not exist: the schema is empty ({source_text}); pass --schema FILE, e.g. the output of `pg_dump --schema-only`")]
    EmptySchema { table: String, source_text: String },
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error(transparent)]
    SchemaWrite(#[from] crate::render::schema_file::SchemaWriteError),
    #[error("--write-schema edits the schema file a framework keeps beside its migrations (Prisma's schema.prisma); {framework} keeps none, its migrations are the schema: drop --write-schema")]
    NoSchemaFile { framework: String },
    #[error("unknown framework `{name}`; known: {}", .known.join(", "))]
    UnknownFramework { name: String, known: Vec<String> },
    #[error("--rows names table `{table}`, which the schema does not have{}", crate::plan::did_you_mean_text(.suggestions))]
    UnknownRowsTable {
        table: String,
        suggestions: Vec<String>,
    },
    #[error(transparent)]
    Detect(DetectError),
    /// An engine chosen by `--dialect`, the `dialect` key, the URL or the schema whose
    /// dialect has not landed.
    #[error("the database is {display} (from {from}); migsmith does not generate for it: choose --dialect postgres, mysql, mariadb or sqlite")]
    UnsupportedEngine { display: &'static str, from: String },
    /// The schema came from one engine and `--dialect`, the key, the URL or the framework config
    /// names another: SQL for one engine planned against another's catalog would be wrong.
    #[error("the schema was read from {schema} ({source_text}), but {from} says {chosen}: generate for the engine the schema comes from, or give the {chosen} database's schema")]
    EngineMismatch {
        schema: &'static str,
        chosen: &'static str,
        from: String,
        source_text: String,
    },
    /// `--ops` input that is not the contract's `operations` array. (Not a `#[from]`, so
    /// it is not its own source.)
    #[error("--ops: {0}")]
    Operations(plan::resolve::OperationsError),
    #[error("the project uses {framework} ({reason}), but this build of migsmith has no {framework} renderer yet; pass --framework with one of: {}", .known.join(", "))]
    NoRenderer {
        framework: String,
        reason: String,
        known: Vec<String>,
    },
}

impl From<LoadError> for GenerateError {
    fn from(e: LoadError) -> Self {
        GenerateError::Load(e)
    }
}

impl From<plan::resolve::OperationsError> for GenerateError {
    fn from(e: plan::resolve::OperationsError) -> Self {
        GenerateError::Operations(e)
    }
}

impl From<DetectError> for GenerateError {
    fn from(e: DetectError) -> Self {
        match e {
            DetectError::UnknownFramework { name, known } => {
                GenerateError::UnknownFramework { name, known }
            }
            other => GenerateError::Detect(other),
        }
    }
}

impl GenerateError {
    pub fn kind(&self) -> &'static str {
        match self {
            GenerateError::Parse(_) => "parse",
            GenerateError::Load(_) => "schema",
            GenerateError::Live(crate::schema::live::LiveError::Connect { .. }) => {
                crate::error::ErrorClass::Database.kind()
            }
            GenerateError::Live(_) => "schema",
            GenerateError::Plan(e) => e.kind(),
            GenerateError::EmptySchema { .. } => "unknown_table",
            GenerateError::Write(_) | GenerateError::SchemaWrite(_) => "write",
            GenerateError::NoSchemaFile { .. } => "no_schema_file",
            GenerateError::UnknownFramework { .. } => "unknown_framework",
            GenerateError::UnknownRowsTable { .. } => "unknown_table",
            GenerateError::Detect(DetectError::Ambiguous { .. }) => "ambiguous_framework",
            GenerateError::Detect(DetectError::UnsupportedDialect { .. })
            | GenerateError::UnsupportedEngine { .. } => "unsupported_dialect",
            GenerateError::EngineMismatch { .. } => "engine_mismatch",
            GenerateError::Detect(DetectError::UnknownFramework { .. }) => "unknown_framework",
            GenerateError::NoRenderer { .. } => "no_renderer",
            GenerateError::Operations(_) => "invalid_operations",
        }
    }

    /// Whose trouble it is: an unreachable database, or (everything else) the input.
    pub fn class(&self) -> crate::error::ErrorClass {
        match self {
            GenerateError::Live(e) => e.class(),
            _ => crate::error::ErrorClass::Input,
        }
    }

    pub fn suggestions(&self) -> Vec<String> {
        match self {
            GenerateError::Parse(e) => e.suggestions.clone(),
            GenerateError::Plan(e) => e.suggestions().to_vec(),
            GenerateError::UnknownFramework { known, .. } => known.clone(),
            GenerateError::UnknownRowsTable { suggestions, .. } => suggestions.clone(),
            GenerateError::NoRenderer { known, .. } => known.clone(),
            GenerateError::Detect(DetectError::Ambiguous { found }) => found
                .iter()
                .map(|d| format!("--framework {}", d.framework))
                .collect(),
            _ => vec![],
        }
    }
}

/// Load the schema from its source; returns it with a description of the source. Migrations
/// are replayed as raw SQL `*.up.sql` files (see [`load_project_schema`] for a framework's).
pub fn load_schema(
    source: &SchemaSource,
    project_dir: &Path,
    migrations_dir: &Path,
) -> Result<(Schema, String), GenerateError> {
    load_project_schema(source, project_dir, migrations_dir, "sql")
}

/// Load the schema from its source, replaying migrations the way `framework` applies them.
pub fn load_project_schema(
    source: &SchemaSource,
    project_dir: &Path,
    migrations_dir: &Path,
    framework: &str,
) -> Result<(Schema, String), GenerateError> {
    match source {
        SchemaSource::Dump(path) => {
            if let Some(loaded) = load_sqlite_file(&project_dir.join(path), path)? {
                return Ok(loaded);
            }
            let schema = load_file(&project_dir.join(path))?;
            let what = if path.extension().is_some_and(|e| e == "rb") {
                "Rails schema"
            } else {
                "schema dump"
            };
            Ok((schema, format!("{what} `{}`", path.display())))
        }
        SchemaSource::Migrations => {
            let how = Replay::for_framework(framework);
            let (schema, files) = replay(how, project_dir, migrations_dir, framework)?;
            let text = if files.is_empty() {
                format!(
                    "no schema: `{}` has no migrations yet (pass --schema FILE to read a dump)",
                    migrations_dir.display()
                )
            } else {
                let what = match how {
                    Replay::Rails => format!("`{}`", files[0].display()),
                    Replay::Django => format!(
                        "{} Django migration(s) read statically (not run) from the apps under `{}`",
                        files.len(),
                        crate::schema::django::project_root(project_dir, migrations_dir)
                            .strip_prefix(project_dir)
                            .ok()
                            .filter(|p| !p.as_os_str().is_empty())
                            .unwrap_or(Path::new("."))
                            .display()
                    ),
                    _ => format!(
                        "{} migration(s) replayed from `{}`",
                        files.len(),
                        migrations_dir.display()
                    ),
                };
                what
            };
            Ok((schema, text))
        }
        SchemaSource::Live(live) if crate::schema::live::mysql::is_mysql_url(&live.url) => {
            let options = crate::schema::live::mysql::Options {
                database: live.schema_name.as_deref(),
                exact_counts: live.exact_counts,
            };
            let schema = crate::schema::live::mysql::load(&live.url, options)
                .map_err(GenerateError::Live)?;
            let server = schema
                .server
                .as_ref()
                .map(|s| format!(", {} {}", schema.engine.display(), s.version))
                .unwrap_or_default();
            Ok((
                schema,
                format!(
                    "live database `{}`{server}",
                    crate::schema::live::redact_url(&live.url)
                ),
            ))
        }
        SchemaSource::Live(live) if crate::schema::live::sqlite::is_sqlite_url(&live.url) => {
            let schema = crate::schema::live::sqlite::load(&live.url, live.exact_counts)
                .map_err(GenerateError::Live)?;
            Ok((
                schema,
                format!("SQLite database `{}` (opened read-only)", live.url),
            ))
        }
        SchemaSource::Live(live) => {
            let options = crate::schema::live::postgres::Options {
                schema_name: live.schema_name.as_deref(),
                exact_counts: live.exact_counts,
            };
            let schema = crate::schema::live::postgres::load(&live.url, options)
                .map_err(GenerateError::Live)?;
            let server = schema
                .server
                .as_ref()
                .map(|s| format!(", PostgreSQL {}", s.version))
                .unwrap_or_default();
            let only = live
                .schema_name
                .as_deref()
                .map(|n| format!(", schema `{n}`"))
                .unwrap_or_default();
            Ok((
                schema,
                format!(
                    "live database `{}`{server}{only}",
                    crate::schema::live::redact_url(&live.url)
                ),
            ))
        }
    }
}

/// A Rails or Django project whose config names SQLite, without `--schema`/`--database-url`:
/// the database file the config names (read-only), never a replay of the migrations (which
/// would model it as PostgreSQL).
fn sqlite_project_source(
    opts: &GenerateOptions,
    detection: &Detection,
) -> Result<SchemaSource, GenerateError> {
    let sqlite = detection.dialect.as_ref().filter(|d| d.name == "sqlite");
    let (SchemaSource::Migrations, Some(dialect)) = (&opts.source, sqlite) else {
        return Ok(opts.source.clone());
    };
    let root = opts.project_dir.join(&detection.root);
    let fail = |message: String| {
        GenerateError::Load(LoadError {
            origin: dialect.source.clone(),
            line: 0,
            message,
        })
    };
    match crate::schema::live::sqlite::framework_database(&root, &detection.framework) {
        Some(file) if file.is_file() => Ok(SchemaSource::Dump(file)),
        Some(file) => Err(fail(format!(
            "the project's SQLite database `{}` does not exist yet: run the app's migrations first, or pass --database-url sqlite:///PATH or --schema FILE",
            file.display()
        ))),
        None => Err(fail(
            "the project uses SQLite but its config names no database file: pass --database-url sqlite:///PATH or --schema FILE (e.g. the output of `sqlite3 DB .schema`)".into(),
        )),
    }
}

/// `--schema FILE` when the file is an SQLite database (read-only) or SQLite's own schema
/// text (`sqlite3 DB .schema` / `.dump`, recognised conservatively); `None` otherwise.
fn load_sqlite_file(full: &Path, shown: &Path) -> Result<Option<(Schema, String)>, GenerateError> {
    use crate::schema::live::sqlite;
    if sqlite::is_database_file(full) {
        let schema = sqlite::load_path(full, &full.display().to_string(), false)
            .map_err(GenerateError::Live)?;
        let text = format!("SQLite database `{}` (opened read-only)", shown.display());
        return Ok(Some((schema, text)));
    }
    if full.extension().is_some_and(|e| e == "rb") || !full.is_file() {
        return Ok(None);
    }
    let text = crate::schema::sql::read_source(full)?;
    if !sqlite::looks_like_sqlite_text(&text) {
        return Ok(None);
    }
    let schema = sqlite::load_text(&text).map_err(|message| LoadError {
        origin: full.display().to_string(),
        line: 0,
        message,
    })?;
    Ok(Some((
        schema,
        format!("SQLite schema `{}`", shown.display()),
    )))
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

/// Detect the project's framework (or take `--framework`), whatever its database.
pub fn find_framework(
    project_dir: &Path,
    framework: Option<&str>,
) -> Result<Detection, GenerateError> {
    let known = registry::names();
    Ok(detect::detect(project_dir, framework, &known, |name| {
        PathBuf::from(
            registry::by_name(name)
                .map(|r| r.default_migrations_dir())
                .unwrap_or("migrations"),
        )
    })?)
}

/// Detect the project's framework (or take `--framework`), and refuse a project whose config
/// names a database other than PostgreSQL.
pub fn detect_framework(
    project_dir: &Path,
    framework: Option<&str>,
) -> Result<Detection, GenerateError> {
    let detection = find_framework(project_dir, framework)?;
    if let Some(d) = &detection.dialect {
        if !d.is_supported() {
            return Err(DetectError::UnsupportedDialect {
                framework: detection.framework.clone(),
                dialect: d.clone(),
            }
            .into());
        }
    }
    Ok(detection)
}

/// The engine a run generates for, and what chose it: `--dialect` or the `dialect` key, else a
/// live URL's scheme, else the framework's config (database.yml adapter, Django ENGINE, Prisma
/// provider, …), else `None` (the loaded schema's engine decides).
fn chosen_engine(
    opts: &GenerateOptions,
    detection: &Detection,
) -> Result<Option<(Engine, String)>, GenerateError> {
    if let Some((choice, from)) = &opts.dialect {
        return Ok(Some((choice.engine(), from.clone())));
    }
    if let SchemaSource::Live(live) = &opts.source {
        if let Some(choice) = DialectChoice::from_url(&live.url) {
            return Ok(Some((choice.engine(), "the --database-url scheme".into())));
        }
    }
    match &detection.dialect {
        Some(d) => match d.engine() {
            Some(engine) if d.is_supported() => Ok(Some((engine, d.source.clone()))),
            _ => Err(DetectError::UnsupportedDialect {
                framework: detection.framework.clone(),
                dialect: d.clone(),
            }
            .into()),
        },
        None => Ok(None),
    }
}

/// The dialect of `engine`, or the refusal naming what chose it.
fn dialect_for(engine: Engine, from: &str) -> Result<&'static dyn Dialect, GenerateError> {
    crate::dialect::generates_for(engine).map_err(|_| GenerateError::UnsupportedEngine {
        display: engine.display(),
        from: from.to_string(),
    })
}

/// Run the pipeline up to (not including) writing files.
pub fn generate(opts: &GenerateOptions) -> Result<Generated, GenerateError> {
    let mut timings = vec![];
    let mut clock = std::time::Instant::now();
    let mut lap = |stage: &'static str| {
        let now = std::time::Instant::now();
        timings.push((stage, now - clock));
        clock = now;
    };
    let detection = find_framework(&opts.project_dir, opts.framework.as_deref())?;
    let chosen = chosen_engine(opts, &detection)?;
    // Refuse before reading anything: nothing is loaded or written for an engine without its
    // dialect.
    if let Some((engine, from)) = &chosen {
        dialect_for(*engine, from)?;
    }
    let renderer =
        registry::by_name(&detection.framework).ok_or_else(|| GenerateError::NoRenderer {
            framework: detection.framework.clone(),
            reason: detection.reason(),
            known: registry::names().iter().map(|n| n.to_string()).collect(),
        })?;
    let migrations_dir = if opts.migrations_dir.as_os_str().is_empty() {
        detection.migrations_dir.clone()
    } else {
        opts.migrations_dir.clone()
    };
    lap("detect");
    let source = sqlite_project_source(opts, &detection)?;
    let (mut schema, schema_source) = load_project_schema(
        &source,
        &opts.project_dir,
        &migrations_dir,
        &detection.framework,
    )?;
    if let Some(table) = opts.rows.unknown_tables(&schema).next() {
        return Err(GenerateError::UnknownRowsTable {
            table: table.to_string(),
            suggestions: crate::schema::did_you_mean(
                table,
                schema.tables.keys().map(String::as_str),
            ),
        });
    }
    opts.rows.apply(&mut schema);
    let dialect = match chosen {
        Some((engine, from)) => {
            // One family reads the other's catalog; a PostgreSQL model maps onto MySQL types.
            // Anything else (a PostgreSQL dump planned as SQLite, a SQLite file as MySQL) would
            // plan one engine's SQL against another's catalog.
            let same_family = engine.is_mysql_family() && schema.engine.is_mysql_family();
            let maps = schema.engine.is_postgres() && engine.is_mysql_family();
            if engine != schema.engine && !same_family && !maps {
                return Err(GenerateError::EngineMismatch {
                    schema: schema.engine.display(),
                    chosen: engine.display(),
                    from,
                    source_text: schema_source,
                });
            }
            schema.engine = engine;
            dialect_for(engine, &from)?
        }
        None => dialect_for(schema.engine, "the schema")?,
    };
    let mut strategy = opts.strategy.clone();
    strategy.costs = opts.costs.clone();
    strategy.pg_version = opts
        .pg_version
        .or_else(|| {
            let major = schema.server.as_ref()?.major();
            PgVersion::new(major).ok()
        })
        .unwrap_or_default();
    lap("load schema");
    let mut description = opts.description.clone();
    let mut notes = vec![];
    let resolved = match &opts.operations {
        Some(value) => {
            let (inputs, given) = plan::resolve::parse_operations(value)?;
            lap("parse");
            let resolved = plan::resolve::resolve_operations(&inputs, &schema, opts.resolve);
            if let (true, Ok(r)) = (description.trim().is_empty(), &resolved) {
                description = given.unwrap_or_else(|| {
                    let summaries: Vec<String> = r.operations.iter().map(|o| o.summary()).collect();
                    summaries.join("; ")
                });
            }
            resolved
        }
        None => {
            let table_names: Vec<String> = schema.tables.values().map(|t| t.name.clone()).collect();
            let reading = intent::interpret(&opts.description, &table_names)?;
            notes = reading.notes;
            lap("parse");
            plan::resolve_with(&reading.intents, &schema, opts.resolve)
        }
    };
    let mut resolved = resolved.map_err(|e| match e {
        PlanError::UnknownTable { table, .. } if schema.tables.is_empty() => {
            GenerateError::EmptySchema {
                table,
                source_text: schema_source.clone(),
            }
        }
        other => other.into(),
    })?;
    resolved.decisions.splice(0..0, notes);
    lap("resolve");
    let mut plan = dialect.build(&description, &schema, resolved, &strategy);
    lap("plan");
    let mut migrations_dir = migrations_dir;
    // Django: the app that owns the table the change touches, unless --migrations-dir says.
    if detection.framework == "django" && opts.migrations_dir.as_os_str().is_empty() {
        let choice = crate::render::django::choose_app(&plan, &opts.project_dir, &migrations_dir);
        if let Some(dir) = choice.migrations_dir {
            migrations_dir = dir;
        }
        plan.decisions.extend(choice.decisions);
        lap("choose app");
    }
    let analysis = analyze(&plan, &strategy);
    lap("analyze");
    let cx = RenderContext {
        project_dir: opts.project_dir.clone(),
        now: opts.now,
        existing_versions: existing_versions(&opts.project_dir.join(&migrations_dir)),
        migrations_dir,
    };
    let files = renderer.render(&plan, &cx);
    let commands = renderer.commands(&files);
    let schema_changes = renderer
        .schema_file_change(&plan, &cx)
        .into_iter()
        .collect();
    lap("render");
    Ok(Generated {
        plan,
        analysis,
        files,
        commands,
        schema_changes,
        schema_source,
        renderer,
        dialect,
        framework_reason: detection.reason(),
        detection,
        timings,
    })
}
