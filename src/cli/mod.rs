//! Command-line interface: clap definitions and output. Thin: every decision is the library's.

mod schema_text;

use anyhow::{anyhow, Context, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use clap::{Parser, Subcommand, ValueEnum};
use migsmith::generate::{generate, load_schema, GenerateError, GenerateOptions, SchemaSource};
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
}

#[derive(clap::Args)]
struct SourceArgs {
    /// A PostgreSQL schema dump (`pg_dump --schema-only`) or DDL script. Without it, the
    /// migrations directory is replayed.
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// The migrations directory.
    #[arg(long, value_name = "DIR", default_value = "migrations")]
    migrations_dir: PathBuf,
    /// The project root (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    project_dir: PathBuf,
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
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    format: Format,
    /// Also save the Markdown report to this file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Generation time, for reproducible output (`2026-11-22T12:00:00Z` or `20261122120000`;
    /// also from MIGSMITH_NOW).
    #[arg(long, value_name = "TIME", env = "MIGSMITH_NOW")]
    now: Option<String>,
}

#[derive(clap::Args)]
struct SchemaArgs {
    #[command(flatten)]
    source: SourceArgs,
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
        Command::Schema(args) => {
            let json_errors = args.format == SchemaFormat::Json;
            match run_schema(args) {
                Ok(()) => 0,
                Err(e) => report_error(&e, json_errors),
            }
        }
    }
}

fn report_error(e: &anyhow::Error, as_json: bool) -> i32 {
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

fn source(args: &SourceArgs) -> SchemaSource {
    match &args.schema {
        Some(path) => SchemaSource::Dump(path.clone()),
        None => SchemaSource::Migrations,
    }
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
        source: source(&args.source),
        project_dir: args.source.project_dir.clone(),
        migrations_dir: args.source.migrations_dir.clone(),
        now: parse_now(args.now.as_deref())?,
    };
    let generated = generate(&opts)?;
    if !args.dry_run {
        write_files(&opts.project_dir, &generated.files).map_err(GenerateError::from)?;
    }
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
    Ok(())
}

fn run_schema(args: SchemaArgs) -> Result<()> {
    let (schema, from) = load_schema(
        &source(&args.source),
        &args.source.project_dir,
        &args.source.migrations_dir,
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
