//! Command-line interface: clap definitions and output. Thin: every decision is the library's.
//!
//! `context` holds the global flags and builds each command's settings; `exit` the exit codes
//! and error printing; `term` colour and quiet/verbose; one file per command group.

mod check;
mod config_cmd;
mod context;
mod docs;
mod exit;
mod generate;
mod inspect;
mod schema_text;
mod term;
mod verify;

use anyhow::Result;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use context::{Ctx, GlobalArgs};
use exit::Usage;
use migsmith::config::{SchemaChoice, Settings, Values};
use migsmith::generate::{LiveSource, SchemaSource};
use std::path::PathBuf;

/// Exit codes and environment, for `--help` and the man page.
const AFTER_HELP: &str = "\
Exit status:
  0  done
  1  check found an error-level finding, or verify had a failing check
  2  usage or input error: bad flags, unknown phrase, missing table, broken schema file,
     bad migsmith.toml, a file in the way
  3  database unreachable: connection refused or timed out, authentication failed, or
     verify's scratch server could not be had
  130  interrupted (scratch databases are removed first)
  141  stdout was closed early (`migsmith … | head`)
The same codes with --format json, whose errors are {\"error\": {\"kind\", \"message\", \"suggestions\"}}.

Environment:
  DATABASE_URL   read the current schema from this database (flags win over it; it wins over
                 migsmith.toml's schema)
  MIGSMITH_NOW   generation time, for reproducible output
  NO_COLOR       any non-empty value turns colour off (--color always turns it back on)

Settings are read from the nearest migsmith.toml at or above the project directory
(see `migsmith config`).";

/// Turn a one-line description of a schema change into safe, reversible, reviewed migrations.
#[derive(Parser)]
#[command(name = "migsmith", version, about, after_long_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: GlobalArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Generate migration files for a described change and print the review report.
    #[command(visible_alias = "g")]
    Generate(generate::GenerateArgs),
    /// Print the schema migsmith loaded, as it sees it.
    Schema(inspect::SchemaArgs),
    /// Prove migrations on a scratch database: up, down, up; schema equality; locks; timings.
    Verify(verify::VerifyArgs),
    /// Measure this server's per-row costs on a scratch database and save them for estimates.
    Calibrate(verify::CalibrateArgs),
    /// Print the migration framework found in the project, and why.
    Detect(inspect::DetectArgs),
    /// Lint hand-written PostgreSQL migrations (files or directories of *.sql).
    Check(check::CheckArgs),
    /// Print the effective settings (migsmith.toml, flags, environment) and where each came from.
    Config(config_cmd::ConfigArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout.
    Completions(docs::CompletionsArgs),
    /// Print the man page (roff) on stdout, or write one page per command with --dir.
    Man(docs::ManArgs),
    /// Serve the Model Context Protocol on stdin/stdout, for AI agents (tools: detect, schema,
    /// generate, verify, check, explain_rule).
    Mcp,
    /// Set up AI agents: `agent install` writes the /generate-migration command file and prints
    /// the MCP server configuration.
    Agent(crate::agent::AgentArgs),
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
    /// The project root (default: the directory of migsmith.toml, else the current directory).
    #[arg(long, value_name = "DIR")]
    pub(crate) project_dir: Option<PathBuf>,
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

impl SourceArgs {
    /// These flags as a settings layer.
    pub(crate) fn values(&self) -> Values {
        Values {
            schema: self.schema.clone(),
            migrations_dir: self.migrations_dir.clone(),
            database_url: self.database_url.clone(),
            ..Values::default()
        }
    }
}

/// The schema source the settings name: `--schema`/`--database-url` first, then
/// `DATABASE_URL`, then migsmith.toml's `schema`, else the migrations. With `both_ok`
/// (verify), `--schema` and `--database-url` together mean the dump, the URL being only for
/// the scratch database.
pub(crate) fn source(
    settings: &Settings,
    args: &SourceArgs,
    both_ok: bool,
) -> Result<SchemaSource> {
    let choice = settings.schema_choice();
    let url = match choice {
        SchemaChoice::Both if !both_ok => {
            return Err(Usage(
                "--schema and --database-url both name the current schema: pass one of them".into(),
            )
            .into())
        }
        SchemaChoice::Live(url) => Some(url),
        _ => None,
    };
    if url.is_none() && (args.schema_name.is_some() || args.exact_counts) {
        return Err(Usage(
            "--schema-name and --exact-counts read a live database: pass --database-url URL (or set DATABASE_URL) instead of --schema".into(),
        )
        .into());
    }
    Ok(match (choice, url) {
        (_, Some(url)) => SchemaSource::Live(LiveSource {
            url: url.to_string(),
            schema_name: args.schema_name.clone(),
            exact_counts: args.exact_counts,
        }),
        (SchemaChoice::Dump(path), None) => SchemaSource::Dump(path.to_path_buf()),
        (SchemaChoice::Both, None) => SchemaSource::Dump(
            settings
                .schema
                .value
                .clone()
                .expect("both: a schema is set"),
        ),
        _ => SchemaSource::Migrations,
    })
}

/// The command (for completions and man pages).
pub(crate) fn command() -> clap::Command {
    Cli::command()
}

/// Run the CLI; returns the process exit code (141, quietly, when stdout is closed early).
pub fn guarded_run() -> i32 {
    exit::guard_broken_pipe(run)
}

/// Run the CLI; returns the process exit code.
fn run() -> i32 {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = command()
        .color(term::ColorWhen::prescan(&args).clap())
        .try_get_matches_from(&args);
    let cli = match matches.and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(e) => return exit::clap_error(e, &args),
    };
    let ctx = Ctx::new(&cli.global);
    migsmith::verify::progress::set_enabled(!ctx.term.quiet);
    let (result, json_errors) = match cli.command {
        Command::Generate(args) => {
            let json = args.format == generate::Format::Json;
            (generate::run(&ctx, args), json)
        }
        Command::Detect(args) => {
            let json = args.format == inspect::SchemaFormat::Json;
            (inspect::run_detect(&ctx, args), json)
        }
        Command::Check(args) => return check::run(&ctx, args),
        Command::Schema(args) => {
            let json = args.format == inspect::SchemaFormat::Json;
            (inspect::run_schema(&ctx, args), json)
        }
        Command::Verify(args) => {
            let json = args.format == verify::VerifyFormat::Json;
            (verify::run_verify(&ctx, args), json)
        }
        Command::Calibrate(args) => (verify::run_calibrate(&ctx, args), false),
        Command::Config(args) => {
            let json = args.format == config_cmd::ConfigFormat::Json;
            (config_cmd::run(&ctx, args), json)
        }
        Command::Completions(args) => (docs::completions(args), false),
        Command::Man(args) => (docs::man(args), false),
        Command::Mcp => (crate::mcp::serve(cli.global.config_flags()), false),
        Command::Agent(args) => (crate::agent::run(args), false),
    };
    match result {
        Ok(()) => exit::OK,
        Err(e) => exit::report(&ctx.term, &e, json_errors),
    }
}
