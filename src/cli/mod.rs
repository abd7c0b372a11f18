//! Command-line interface: clap definitions and output. Thin: every decision is the library's.

mod check;
mod schema_text;
mod verify;

use anyhow::{anyhow, Context, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use migsmith::generate::{
    detect_framework, find_framework, generate, load_project_schema, GenerateError,
    GenerateOptions, LiveSource, SchemaSource,
};
use migsmith::plan::cost::CostTable;
use migsmith::render::schema_file::write_with_schema;
use migsmith::render::write_files;
use migsmith::report::{json, markdown, Report};
use std::path::PathBuf;

/// Turn a one-line description of a schema change into safe, reversible, reviewed migrations.
#[derive(Parser)]
#[command(name = "migsmith", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate migration files for a described change and print the review report.
    #[command(visible_alias = "g")]
    Generate(GenerateArgs),
    /// Print the schema migsmith loaded, as it sees it.
    Schema(SchemaArgs),
    /// Prove migrations on a scratch database: up, down, up; schema equality; locks; timings.
    Verify(verify::VerifyArgs),
    /// Measure this server's per-row costs on a scratch database and save them for estimates.
    Calibrate(verify::CalibrateArgs),
    /// Print the migration framework found in the project, and why.
    Detect(DetectArgs),
    /// Lint hand-written PostgreSQL migrations (files or directories of *.sql).
    Check(check::CheckArgs),
}

#[derive(clap::Args)]
struct DetectArgs {
    /// The project root (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    project_dir: PathBuf,
    /// Take this framework instead of detecting one (checks the name, finds its directory).
    #[arg(long, value_name = "NAME")]
    framework: Option<String>,
}

#[derive(clap::Args)]
pub(crate) struct SourceArgs {
    /// A PostgreSQL schema dump (`pg_dump --schema-only`) or DDL script. Without it, the
    /// migrations directory is replayed.
    #[arg(long, value_name = "FILE")]
    pub(crate) schema: Option<PathBuf>,
    /// The migrations directory (default: the detected framework's, e.g. `db/migrate` for
    /// Rails, `prisma/migrations` for Prisma, `migrations` for raw SQL).
    #[arg(long, value_name = "DIR")]
    pub(crate) migrations_dir: Option<PathBuf>,
    /// The project root (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub(crate) project_dir: PathBuf,
    /// Read the schema from this live PostgreSQL database, read-only
    /// (postgres://USER[:PASSWORD]@HOST[:PORT]/DB). Default: $DATABASE_URL when --schema is not
    /// given. The password is never printed.
    /// (`migsmith verify` also creates its throwaway database on this server.)
    #[arg(long, value_name = "URL")]
    pub(crate) database_url: Option<String>,
    /// With a database: read only this schema (namespace) instead of every non-system one.
    #[arg(long, value_name = "NAME")]
    pub(crate) schema_name: Option<String>,
    /// With a database: count rows with count(*) instead of trusting the planner statistics.
    #[arg(long)]
    pub(crate) exact_counts: bool,
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// The change, e.g. "add email_verified to users and add unique index on users.email".
    description: String,
    #[command(flatten)]
    source: SourceArgs,
    /// Write nothing; print the report with the files that would be written.
    #[arg(long)]
    dry_run: bool,
    /// Create a requested index even when an existing index already covers it (same
    /// columns in the same order, or a prefix of a unique index's columns).
    #[arg(long)]
    allow_duplicate: bool,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Also edit the framework's schema file in place (Prisma: `prisma/schema.prisma`, as shown
    /// in the report's "schema.prisma change"), together with the migration files: all or
    /// nothing. An error for frameworks without such a file.
    #[arg(long, conflicts_with = "dry_run")]
    write_schema: bool,
    /// The migration framework to write for (default: detected from the project).
    #[arg(long, value_name = "NAME")]
    framework: Option<String>,
    /// Also save the Markdown report to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Generation time, for reproducible output (`2026-11-22T12:00:00Z` or `20261122120000`;
    /// also from MIGSMITH_NOW).
    #[arg(long, value_name = "TIME", env = "MIGSMITH_NOW")]
    now: Option<String>,
    #[command(flatten)]
    verify: verify::GenerateVerifyArgs,
    #[command(flatten)]
    zdt: ZdtArgs,
}

/// Zero-downtime planning flags of `generate`.
#[derive(clap::Args)]
struct ZdtArgs {
    /// Table sizes: `N` for every table or `TABLE=N` (repeatable); overrides statistics.
    #[arg(long, value_name = "[TABLE=]N")]
    rows: Vec<migsmith::schema::sizes::RowSpec>,
    /// Target PostgreSQL major version, 12–17 (default: the live server's, else 15).
    #[arg(long, value_name = "MAJOR")]
    pg_version: Option<migsmith::dialect::postgres::PgVersion>,
    /// At or below this many rows a table gets the simple form.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    small_table_rows: u64,
    /// `SET lock_timeout` at the top of every migration (`5s`, `500ms`).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_millis)]
    lock_timeout: u64,
    /// Rows per committed batch in backfills.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    batch_size: u64,
    /// Form of renames: `plain` (one RENAME) or `expand-contract` (phased, old name kept
    /// working until a final contract migration).
    #[arg(long, value_enum, value_name = "STRATEGY", default_value = "plain")]
    strategy: StrategyArg,
    /// Per-row cost table (TOML, as written by `migsmith calibrate`); default
    /// ~/.config/migsmith/costs.toml when it exists, else the built-in figures.
    #[arg(long, value_name = "FILE")]
    costs: Option<PathBuf>,
}

/// `--strategy` values.
#[derive(Clone, Copy, clap::ValueEnum)]
enum StrategyArg {
    Plain,
    ExpandContract,
}

/// `5s`, `500ms`, `2min`, or plain seconds.
fn parse_millis(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (number, unit) = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|i| t.split_at(i))
        .unwrap_or((t, "s"));
    let n: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 5s, 500ms)"))?;
    let factor = match unit.trim() {
        "ms" => 1.0,
        "s" => 1000.0,
        "min" => 60_000.0,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}` (use ms, s or min)"
            ))
        }
    };
    Ok((n * factor).round() as u64)
}

#[derive(clap::Args)]
struct SchemaArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// The migration framework whose migrations to replay (default: detected).
    #[arg(long, value_name = "NAME")]
    framework: Option<String>,
    #[arg(long, value_enum, default_value_t = SchemaFormat::Text)]
    format: SchemaFormat,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum SchemaFormat {
    Text,
    Json,
}

/// Run the CLI; returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate(args) => {
            let json_errors = args.format == Format::Json;
            match run_generate(args) {
                Ok(()) => 0,
                Err(e) => report_error(&e, json_errors),
            }
        }
        Command::Detect(args) => match run_detect(args) {
            Ok(()) => 0,
            Err(e) => report_error(&e, false),
        },
        Command::Check(args) => check::run(args),
        Command::Schema(args) => {
            let json_errors = args.format == SchemaFormat::Json;
            match run_schema(args) {
                Ok(()) => 0,
                Err(e) => report_error(&e, json_errors),
            }
        }
        Command::Verify(args) => {
            let json_errors = args.format == verify::VerifyFormat::Json;
            match verify::run_verify(args) {
                Ok(()) => 0,
                Err(e) => report_error(&e, json_errors),
            }
        }
        Command::Calibrate(args) => match verify::run_calibrate(args) {
            Ok(()) => 0,
            Err(e) => report_error(&e, false),
        },
    }
}

fn report_error(e: &anyhow::Error, as_json: bool) -> i32 {
    // An interrupt being handled owns the outcome (exit 130 once scratch resources are gone).
    migsmith::verify::cleanup::wait_if_interrupted();
    if let Some(failed) = e.downcast_ref::<verify::Failed>() {
        eprintln!("error: {failed}");
        return 1;
    }
    let (kind, suggestions) = match e.downcast_ref::<GenerateError>() {
        Some(g) => (g.kind(), g.suggestions()),
        None => ("error", vec![]),
    };
    let message = format!("{e:#}");
    if as_json {
        println!("{}", json::error(kind, &message, &suggestions));
    } else {
        eprintln!("error: {message}");
        if let Some(GenerateError::Parse(_)) = e.downcast_ref::<GenerateError>() {
            if !suggestions.is_empty() {
                eprintln!("\nSupported forms that come close:");
                for s in &suggestions {
                    eprintln!("  migsmith generate \"{s}\"");
                }
            }
        }
    }
    1
}

/// `--schema FILE` first, then `--database-url` (or `DATABASE_URL`), else the migrations.
fn source(args: &SourceArgs) -> Result<SchemaSource> {
    if args.schema.is_some() && args.database_url.is_some() {
        return Err(anyhow!(
            "--schema and --database-url both name the current schema: pass one of them"
        ));
    }
    any_source(args)
}

/// The schema source; with both `--schema` and `--database-url`, the dump (verify uses the URL
/// only for its scratch database then).
pub(crate) fn any_source(args: &SourceArgs) -> Result<SchemaSource> {
    let url = match (&args.schema, &args.database_url) {
        (Some(_), _) => None,
        (None, Some(url)) => Some(url.clone()),
        (None, None) => std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()),
    };
    if url.is_none() && (args.schema_name.is_some() || args.exact_counts) {
        return Err(anyhow!(
            "--schema-name and --exact-counts read a live database: pass --database-url URL (or set DATABASE_URL) instead of --schema"
        ));
    }
    Ok(match (&args.schema, url) {
        (Some(path), _) => SchemaSource::Dump(path.clone()),
        (None, Some(url)) => SchemaSource::Live(LiveSource {
            url,
            schema_name: args.schema_name.clone(),
            exact_counts: args.exact_counts,
        }),
        (None, None) => SchemaSource::Migrations,
    })
}

fn parse_now(text: Option<&str>) -> Result<DateTime<Utc>> {
    let Some(text) = text else {
        return Ok(Utc::now());
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y%m%d%H%M%S")
        .map(|t| t.and_utc())
        .map_err(|_| {
            anyhow!("--now `{text}` is neither RFC 3339 (2026-11-22T12:00:00Z) nor YYYYMMDDHHMMSS")
        })
}

fn run_generate(args: GenerateArgs) -> Result<()> {
    let opts = GenerateOptions {
        description: args.description.clone(),
        source: source(&args.source)?,
        project_dir: args.source.project_dir.clone(),
        migrations_dir: args.source.migrations_dir.clone().unwrap_or_default(),
        now: parse_now(args.now.as_deref())?,
        framework: args.framework.clone(),
        costs: CostTable::load_or_default(args.zdt.costs.as_deref())?,
        rows: migsmith::schema::sizes::RowCounts::from_specs(&args.zdt.rows),
        pg_version: args.zdt.pg_version,
        strategy: migsmith::plan::StrategyOptions {
            small_table_rows: args.zdt.small_table_rows,
            lock_timeout_ms: args.zdt.lock_timeout,
            batch_size: args.zdt.batch_size.max(1),
            renames: match args.zdt.strategy {
                StrategyArg::Plain => migsmith::plan::strategy::RenameStrategy::Plain,
                StrategyArg::ExpandContract => {
                    migsmith::plan::strategy::RenameStrategy::ExpandContract
                }
            },
            ..Default::default()
        },
        resolve: migsmith::plan::ResolveOptions {
            allow_duplicate: args.allow_duplicate,
        },
    };
    let generated = generate(&opts)?;
    if args.write_schema && generated.schema_changes.is_empty() {
        return Err(GenerateError::NoSchemaFile {
            framework: generated.renderer.display_name().into(),
        }
        .into());
    }
    if args.write_schema {
        write_with_schema(
            &opts.project_dir,
            &generated.files,
            &generated.schema_changes,
        )
        .map_err(GenerateError::from)?;
    } else if !args.dry_run {
        write_files(&opts.project_dir, &generated.files).map_err(GenerateError::from)?;
    }
    let generated_paths: Vec<PathBuf> = generated
        .files
        .iter()
        .map(|f| opts.project_dir.join(&f.path))
        .collect();
    let verification = verify::verify_generated(
        &args.verify,
        &generated.plan,
        &opts.source,
        &opts.project_dir,
        &opts.migrations_dir,
        &generated_paths,
        &opts.costs,
    )?;
    let report = Report {
        plan: &generated.plan,
        analysis: &generated.analysis,
        files: &generated.files,
        commands: &generated.commands,
        framework: generated.renderer.name(),
        framework_display: generated.renderer.display_name(),
        framework_reason: &generated.framework_reason,
        dialect: "postgres",
        dialect_display: "PostgreSQL",
        schema_source: &generated.schema_source,
        generated_at: opts.now,
        written: !args.dry_run,
        schema_changes: &generated.schema_changes,
        schema_written: args.write_schema,
        verification: verification.as_ref(),
    };
    let markdown_text = markdown::render(&report);
    if let Some(path) = &args.report {
        std::fs::write(path, &markdown_text)
            .with_context(|| format!("cannot write the report to {}", path.display()))?;
    }
    match args.format {
        Format::Markdown => print!("{markdown_text}"),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json::render(&report)).expect("report serializes")
        ),
    }
    match &verification {
        Some(v) => verify::outcome(v),
        None => Ok(()),
    }
}

fn run_detect(args: DetectArgs) -> Result<()> {
    let d = find_framework(&args.project_dir, args.framework.as_deref())?;
    println!("framework: {} — {}", d.framework, d.reason());
    if !d.root.as_os_str().is_empty() {
        println!("project: {}", d.root.display());
    }
    println!("migrations: {}", d.migrations_dir.display());
    match &d.dialect {
        Some(dialect) if dialect.is_postgres() => {
            println!("database: {} (from {})", dialect.display(), dialect.source)
        }
        Some(dialect) => println!(
            "database: {} (from {}) — migsmith generates PostgreSQL only today: `generate` will refuse this project",
            dialect.display(),
            dialect.source
        ),
        None => println!("database: not named by the project's config (PostgreSQL assumed)"),
    }
    Ok(())
}

fn run_schema(args: SchemaArgs) -> Result<()> {
    let source = source(&args.source)?;
    // The framework matters only for replaying the project's own migrations.
    let (framework, detected_dir) = match (&source, &args.framework) {
        (SchemaSource::Migrations, _) | (_, Some(_)) => {
            let d = detect_framework(&args.source.project_dir, args.framework.as_deref())?;
            (d.framework, d.migrations_dir)
        }
        _ => ("sql".to_string(), PathBuf::from("migrations")),
    };
    let migrations_dir = args.source.migrations_dir.clone().unwrap_or(detected_dir);
    let (schema, from) = load_project_schema(
        &source,
        &args.source.project_dir,
        &migrations_dir,
        &framework,
    )
    .map_err(GenerateError::from)?;
    match args.format {
        SchemaFormat::Text => print!("{}", schema_text::render(&schema, &from)),
        SchemaFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&schema).expect("schema serializes")
        ),
    }
    Ok(())
}
