//! `migsmith check PATH…`: lint hand-written migrations. Parses flags, loads the optional schema
//! (for column types and table sizes), runs `migsmith::check`, prints, and picks the exit code:
//! 0 clean (warnings and notes allowed), 1 when an error-level finding remains, 2 when the check
//! could not run (missing path, unreadable schema).

use clap::ValueEnum;
use migsmith::analyze::rules::{by_id, docs, RULES};
use migsmith::check::{check_paths, output, parse_pg_version, CheckOptions};
use migsmith::generate::{load_schema, LiveSource, SchemaSource};
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
    /// Table size for the size-aware rules: `N` for every table or `TABLE=N` (repeatable).
    #[arg(long, value_name = "[TABLE=]N")]
    rows: Vec<RowSpec>,
    /// Tables with fewer rows make lock and rewrite findings notes.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    small_table_rows: u64,
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
pub fn run(args: CheckArgs) -> i32 {
    if let Some(id) = &args.explain {
        return match by_id(id) {
            Some(rule) => {
                print!("{}", docs::page(rule));
                0
            }
            None => {
                let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
                eprintln!("error: no rule `{id}`; the rules are: {}", ids.join(", "));
                2
            }
        };
    }
    let schema = match load(&args) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let server_version = schema
        .as_ref()
        .and_then(|s| s.server.as_ref())
        .map(|s| s.version_num);
    let opts = CheckOptions {
        pg_version: args.pg_version.or(server_version).unwrap_or(150000),
        assume_transaction: args.assume_transaction,
        small_table_rows: args.small_table_rows,
        rows: RowCounts::from_specs(&args.rows),
        schema,
    };
    let (files, findings) = match check_paths(&args.paths, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    match args.format {
        CheckFormat::Text => print!("{}", output::text(&findings, files)),
        CheckFormat::Json => println!("{}", output::json(&findings, files, opts.pg_version)),
        CheckFormat::Github => print!("{}", output::github(&findings)),
    }
    let (errors, _, _) = output::counts(&findings);
    i32::from(errors > 0)
}

fn load(args: &CheckArgs) -> Result<Option<migsmith::schema::Schema>, String> {
    let source = match (&args.database_url, &args.schema) {
        (Some(url), _) => SchemaSource::Live(LiveSource {
            url: url.clone(),
            schema_name: None,
            exact_counts: false,
        }),
        (None, Some(path)) => SchemaSource::Dump(path.clone()),
        (None, None) => return Ok(None),
    };
    load_schema(&source, Path::new("."), Path::new("migrations"))
        .map(|(schema, _)| Some(schema))
        .map_err(|e| match &args.database_url {
            Some(url) => format!("cannot read the schema of {}: {e}", redact_url(url)),
            None => format!("cannot load the schema: {e}"),
        })
}
