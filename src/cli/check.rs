//! `migsmith check PATH…`: lint hand-written migrations. Parses flags, loads the optional schema
//! (for column types and table sizes), runs `migsmith::check`, prints, and picks the exit code:
//! 0 clean (warnings and notes allowed), 1 when an error-level finding remains, 2 when the check
//! could not run (missing path, unreadable schema, bad flags), 3 when `--database-url` cannot be
//! reached (see `exit`).

use super::context::Ctx;
use super::exit;
use super::term::{Term, BOLD, DIM, ERROR, NOTE, WARNING};
use anyhow::{anyhow, Result};
use clap::ValueEnum;
use migsmith::analyze::rules::{by_id, docs, Level, RULES};
use migsmith::check::{check_paths, output, parse_pg_version, CheckOptions};
use migsmith::config::{SchemaChoice, Settings, Values};
use migsmith::generate::{load_schema, GenerateError, LiveSource, SchemaSource};
use migsmith::schema::live::redact_url;
use migsmith::schema::sizes::{RowCounts, RowSpec};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Migration files, or directories searched recursively for *.sql.
    #[arg(value_name = "PATH", required_unless_present = "explain")]
    paths: Vec<PathBuf>,
    /// Output format: text, json, or github (workflow annotations).
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// Target PostgreSQL version: 12…17, 15.4 or 150004 (default: the live server's, else 15).
    #[arg(long, value_name = "VERSION", value_parser = parse_pg_version)]
    pg_version: Option<u32>,
    /// The engine the files are for: postgres (the only one `check` reads today; mysql,
    /// mariadb and sqlite are refused).
    #[arg(long, value_name = "ENGINE", value_parser = super::generate::parse_dialect)]
    dialect: Option<migsmith::config::DialectChoice>,
    /// Table size for the size-aware rules: `N` for every table or `TABLE=N` (repeatable).
    #[arg(long, value_name = "[TABLE=]N")]
    rows: Vec<RowSpec>,
    /// Tables with fewer rows make lock and rewrite findings notes [default: 10000].
    #[arg(long, value_name = "N")]
    small_table_rows: Option<u64>,
    /// Read column types, indexes and table sizes from this database (read-only).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Read column types, indexes and checks from a schema dump (`pg_dump --schema-only`).
    #[arg(long, value_name = "FILE", conflicts_with = "database_url")]
    schema: Option<PathBuf>,
    /// Files without BEGIN are run inside one transaction by your migration tool (Rails,
    /// Django, Flyway, sqlx…); without this flag they are checked as psql runs them, one
    /// statement at a time.
    #[arg(long)]
    assume_transaction: bool,
    /// Print the documentation of a rule and exit.
    #[arg(long, value_name = "RULE")]
    explain: Option<String>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum CheckFormat {
    Text,
    Json,
    Github,
}

/// Run `migsmith check`; returns the exit code.
pub fn run(ctx: &Ctx, args: CheckArgs) -> i32 {
    let json = args.format == CheckFormat::Json;
    match findings(ctx, &args) {
        Ok(code) => code,
        Err(e) => exit::report(&ctx.term, &e, json),
    }
}

fn findings(ctx: &Ctx, args: &CheckArgs) -> Result<i32> {
    if let Some(id) = &args.explain {
        let Some(rule) = by_id(id) else {
            let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
            return Err(anyhow!("no rule `{id}`; the rules are: {}", ids.join(", ")));
        };
        print!("{}", docs::page(rule));
        return Ok(exit::OK);
    }
    if let Some(d) = args
        .dialect
        .filter(|d| *d != migsmith::config::DialectChoice::Postgres)
    {
        return Err(anyhow!(
            "--dialect {}: migsmith check reads PostgreSQL only today; drop --dialect or pass --dialect postgres",
            d.name()
        ));
    }
    let flags = Values {
        rows: (!args.rows.is_empty()).then(|| args.rows.clone()),
        small_table_rows: args.small_table_rows,
        pg_version: args.pg_version,
        schema: args.schema.clone(),
        database_url: args.database_url.clone(),
        assume_transaction: args.assume_transaction.then_some(true),
        ..Values::default()
    };
    // check reads a database only when told to with --database-url, never from DATABASE_URL;
    // its paths are the working directory's.
    let settings = ctx.settings(&flags, Some(PathBuf::from(".")), false)?;
    let schema = ctx.stage("load schema", || load(&settings))?;
    let server_version = schema
        .as_ref()
        .and_then(|s| s.server.as_ref())
        .map(|s| s.version_num);
    let opts = CheckOptions {
        pg_version: settings
            .pg_version
            .value
            .or(server_version)
            .unwrap_or(150000),
        assume_transaction: settings.assume_transaction.value,
        small_table_rows: settings.small_table_rows.value,
        rows: RowCounts::from_specs(&settings.rows.value),
        schema,
    };
    let (files, findings) = ctx.stage("check", || Ok(check_paths(&args.paths, &opts)?))?;
    match args.format {
        CheckFormat::Text => print!("{}", text(&ctx.term, &findings, files)),
        CheckFormat::Json => println!("{}", output::json(&findings, files, opts.pg_version)),
        CheckFormat::Github => print!("{}", output::github(&findings)),
    }
    let (errors, _, _) = output::counts(&findings);
    Ok(if errors > 0 { exit::FINDINGS } else { exit::OK })
}

/// The text report, coloured on a terminal.
fn text(term: &Term, findings: &[migsmith::check::Finding], files: usize) -> String {
    output::text_with(findings, files, &|part| match part {
        output::Part::Location(t) => term.out(BOLD, t),
        output::Part::Level(Level::Error, t) => term.out(ERROR, t),
        output::Part::Level(Level::Warning, t) => term.out(WARNING, t),
        output::Part::Level(Level::Note, t) => term.out(NOTE, t),
        output::Part::Label(t) => term.out(DIM, t),
    })
}

fn load(settings: &Settings) -> Result<Option<migsmith::schema::Schema>> {
    let source = match settings.schema_choice() {
        SchemaChoice::Live(url) => SchemaSource::Live(LiveSource {
            url: url.to_string(),
            schema_name: None,
            exact_counts: false,
        }),
        SchemaChoice::Dump(path) => SchemaSource::Dump(path.to_path_buf()),
        SchemaChoice::Both => {
            return Err(exit::Usage(
                "--schema and --database-url both name the schema: pass one of them".into(),
            )
            .into())
        }
        SchemaChoice::Neither => return Ok(None),
    };
    let (schema, _) = match (
        load_schema(&source, Path::new("."), Path::new("migrations")),
        &source,
    ) {
        (Err(GenerateError::Live(e)), SchemaSource::Live(live)) => {
            let shown = redact_url(&live.url);
            return Err(anyhow::Error::new(e).context(format!("cannot read the schema of {shown}")));
        }
        (result, _) => result?,
    };
    Ok(Some(schema))
}
