//! `migsmith generate`: flags, settings, writing the files, printing the report.

use super::context::{self, Ctx};
use super::{verify, SourceArgs};
use anyhow::{anyhow, Context, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use clap::ValueEnum;
use migsmith::config::{DialectChoice, DialectError, Origin, Settings, Values};
use migsmith::dialect::postgres::PgVersion;
use migsmith::generate::{generate, GenerateError, GenerateOptions};
use migsmith::render::schema_file::write_with_schema;
use migsmith::render::write_files;
use migsmith::report::{json, markdown, Report};
use migsmith::schema::sizes::RowSpec;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct GenerateArgs {
    /// The change, e.g. "add email_verified to users and add unique index on users.email".
    /// With --ops it is not parsed, only names the migration (default: the report's
    /// `description`, else a summary of the operations).
    #[arg(required_unless_present = "ops")]
    description: Option<String>,
    /// Generate these operations instead of parsing a description: the JSON `operations`
    /// array that `--format json` prints (or that whole report), from FILE or `-` (stdin).
    /// Checked against the schema like a description, with the same errors.
    #[arg(long, value_name = "FILE|-")]
    ops: Option<PathBuf>,
    #[command(flatten)]
    source: SourceArgs,
    /// Write nothing; print the report with the files that would be written.
    #[arg(long)]
    dry_run: bool,
    /// Create a requested index even when an existing index already covers it (same
    /// columns in the same order, or a prefix of a unique index's columns).
    #[arg(long)]
    allow_duplicate: bool,
    /// Drop a column or table together with the views, triggers, policies and generated
    /// columns that use it (`DROP … CASCADE`); without it such a drop is refused.
    #[arg(long)]
    cascade: bool,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
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
    pub(crate) zdt: ZdtArgs,
}

/// Zero-downtime planning flags (of `generate`, and of `config` to show their effect).
#[derive(clap::Args)]
pub struct ZdtArgs {
    /// Table sizes: `N` for every table or `TABLE=N` (repeatable); overrides statistics.
    #[arg(long, value_name = "[TABLE=]N")]
    rows: Vec<RowSpec>,
    /// Target PostgreSQL major version, 12–17 (default: the live server's, else 15).
    #[arg(long, value_name = "MAJOR")]
    pg_version: Option<PgVersion>,
    /// The database engine to generate for: postgres, mysql, mariadb or sqlite (default: the
    /// `dialect` key, else the --database-url scheme, else the framework's config, else
    /// postgres).
    #[arg(long, value_name = "ENGINE", value_parser = parse_dialect)]
    dialect: Option<DialectChoice>,
    /// At or below this many rows a table gets the simple form [default: 10000].
    #[arg(long, value_name = "N")]
    small_table_rows: Option<u64>,
    /// `SET lock_timeout` at the top of every migration (`5s`, `500ms`) [default: 5s].
    #[arg(long, value_name = "DURATION", value_parser = migsmith::config::parse_duration_ms)]
    lock_timeout: Option<u64>,
    /// `SET statement_timeout` of migrations that only change the catalog; those that scan,
    /// build or backfill set 0 [default: 30s].
    #[arg(long, value_name = "DURATION", value_parser = migsmith::config::parse_duration_ms)]
    statement_timeout: Option<u64>,
    /// Rows per committed batch in backfills [default: 10000].
    #[arg(long, value_name = "N")]
    batch_size: Option<u64>,
    /// Form of renames: `plain` (one RENAME) or `expand-contract` (phased, old name kept
    /// working until a final contract migration) [default: plain].
    #[arg(long, value_enum, value_name = "STRATEGY")]
    strategy: Option<StrategyArg>,
    /// Per-row cost table (TOML, as written by `migsmith calibrate`); default
    /// ~/.config/migsmith/costs.toml when it exists, else the built-in figures.
    #[arg(long, value_name = "FILE")]
    costs: Option<PathBuf>,
}

impl ZdtArgs {
    /// These flags as a settings layer on top of `values`.
    pub fn onto(&self, values: Values) -> Values {
        Values {
            rows: (!self.rows.is_empty()).then(|| self.rows.clone()),
            pg_version: self.pg_version.map(|v| v.major() * 10000),
            dialect: self.dialect.or(values.dialect),
            small_table_rows: self.small_table_rows,
            lock_timeout_ms: self.lock_timeout,
            statement_timeout_ms: self.statement_timeout,
            batch_size: self.batch_size,
            strategy: self.strategy.map(|s| match s {
                StrategyArg::Plain => migsmith::plan::strategy::RenameStrategy::Plain,
                StrategyArg::ExpandContract => {
                    migsmith::plan::strategy::RenameStrategy::ExpandContract
                }
            }),
            costs: self.costs.clone(),
            ..values
        }
    }
}

/// `--dialect NAME`, with the `dialect` key's names and errors.
pub(crate) fn parse_dialect(text: &str) -> Result<DialectChoice, String> {
    DialectChoice::parse(text).map_err(|e| match e {
        DialectError::NotSupported { display } => {
            format!("migsmith does not know {display}; the engines are postgres, mysql, mariadb, sqlite")
        }
        DialectError::Unknown { suggestion } => format!(
            "unknown database engine{}; the engines are postgres, mysql, mariadb, sqlite",
            suggestion
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default()
        ),
    })
}

/// `--strategy` values.
#[derive(Clone, Copy, ValueEnum)]
enum StrategyArg {
    Plain,
    ExpandContract,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum Format {
    Markdown,
    Json,
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

/// The JSON of `--ops FILE|-`; unreadable or malformed JSON is an `invalid_operations` error.
pub(crate) fn read_ops(path: &std::path::Path) -> Result<serde_json::Value> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("--ops -: cannot read standard input")?;
        text
    } else {
        std::fs::read_to_string(path)
            .with_context(|| format!("--ops: cannot read {}", path.display()))?
    };
    serde_json::from_str(&text).map_err(|e| {
        let name = if path.as_os_str() == "-" {
            "standard input".to_string()
        } else {
            path.display().to_string()
        };
        GenerateError::Operations(migsmith::plan::resolve::OperationsError(format!(
            "{name} is not JSON: {e}"
        )))
        .into()
    })
}

/// Detection's reason, saying "migsmith.toml:1" when the file (not --framework) chose.
fn reason(detected: &str, origin: &Origin) -> String {
    match origin {
        Origin::File { .. } => {
            detected.replace("chosen with --framework", &format!("chosen in {origin}"))
        }
        _ => detected.to_string(),
    }
}

/// Where `--dialect`/`dialect` was set, for the refusal message.
fn dialect_origin(origin: &Origin) -> String {
    match origin {
        Origin::File { path, line } => format!("`dialect` in {}:{line}", path.display()),
        other => other.to_string().replace("flag ", ""),
    }
}

fn settings(ctx: &Ctx, args: &GenerateArgs) -> Result<Settings> {
    let flags = args.zdt.onto(Values {
        framework: args.framework.clone(),
        ..args.source.values()
    });
    ctx.settings(&flags, args.source.project_dir.clone(), true)
}

pub fn run(ctx: &Ctx, args: GenerateArgs) -> Result<()> {
    let settings = settings(ctx, &args)?;
    let source = super::source(&settings, &args.source, false)?;
    let pg_version = match settings.pg_version.value {
        Some(num) => Some(PgVersion::new(num / 10000)?),
        None => None,
    };
    let operations = match &args.ops {
        Some(path) => Some(read_ops(path)?),
        None => None,
    };
    let opts = GenerateOptions {
        description: args.description.clone().unwrap_or_default(),
        operations,
        source,
        project_dir: settings.project_dir.value.clone(),
        migrations_dir: settings.migrations_dir.value.clone().unwrap_or_default(),
        now: parse_now(args.now.as_deref())?,
        framework: settings.framework.value.clone(),
        costs: context::costs(&settings)?,
        rows: migsmith::schema::sizes::RowCounts::from_specs(&settings.rows.value),
        pg_version,
        dialect: (settings.dialect.origin != Origin::Default).then(|| {
            (
                settings.dialect.value,
                dialect_origin(&settings.dialect.origin),
            )
        }),
        strategy: settings.strategy_options(),
        resolve: migsmith::plan::ResolveOptions {
            allow_duplicate: args.allow_duplicate,
            cascade: args.cascade,
        },
    };
    let generated = generate(&opts)?;
    let framework_reason = reason(&generated.framework_reason, &settings.framework.origin);
    let term = &ctx.term;
    term.debug(
        1,
        &format!(
            "framework {} ({})",
            generated.renderer.name(),
            framework_reason
        ),
    );
    term.debug(1, &format!("schema from {}", generated.schema_source));
    for (stage, took) in &generated.timings {
        term.debug(
            1,
            &format!("{stage}: {:.1} ms", took.as_secs_f64() * 1000.0),
        );
    }
    if args.write_schema && generated.schema_changes.is_empty() {
        return Err(GenerateError::NoSchemaFile {
            framework: generated.renderer.display_name().into(),
        }
        .into());
    }
    ctx.stage("write", || {
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
        Ok(())
    })?;
    let generated_paths: Vec<PathBuf> = generated
        .files
        .iter()
        .map(|f| opts.project_dir.join(&f.path))
        .collect();
    let verification = verify::verify_generated(
        ctx,
        &args.verify,
        &generated.plan,
        &opts.source,
        &opts.project_dir,
        &opts.migrations_dir,
        &generated_paths,
        &opts.costs,
    )?;
    let dialect = generated.dialect;
    // Raw SQL files are run with the engine's own client.
    let engine = generated.plan.before.engine;
    let engine_commands = (generated.renderer.name() == "sql"
        && engine != migsmith::schema::Engine::Postgres)
        .then(|| migsmith::render::sql::engine_commands(engine, &generated.files));
    let report = Report {
        plan: &generated.plan,
        analysis: &generated.analysis,
        files: &generated.files,
        commands: engine_commands.as_ref().unwrap_or(&generated.commands),
        framework: generated.renderer.name(),
        framework_display: generated.renderer.display_name(),
        framework_reason: &framework_reason,
        // A schema read from another engine (SQLite, MySQL) names that engine.
        dialect: match generated.plan.before.engine {
            migsmith::schema::Engine::Postgres => dialect.name(),
            other => other.name(),
        },
        dialect_display: match generated.plan.before.engine {
            migsmith::schema::Engine::Postgres => dialect.display_name(),
            other => other.display(),
        },
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
