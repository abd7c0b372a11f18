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
use migsmith::check::{
    check_paths, mysql_rules, output, parse_pg_version, CheckDialect, CheckOptions,
};
use migsmith::config::DialectChoice;
use migsmith::config::{SchemaChoice, Settings, Values};
use migsmith::dialect::mysql::{Mysql, Version};
use migsmith::generate::{load_schema, GenerateError, LiveSource, SchemaSource};
use migsmith::schema::live::redact_url;
use migsmith::schema::sizes::{RowCounts, RowSpec};
use migsmith::schema::Engine;
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
    /// The engine the files are for: postgres, mysql or mariadb (sqlite is refused). Default:
    /// the `dialect` config key, else the schema's engine, else per file (backquotes,
    /// `ENGINE=`, `AUTO_INCREMENT` read as MySQL).
    #[arg(long, value_name = "ENGINE", value_parser = super::generate::parse_dialect)]
    dialect: Option<migsmith::config::DialectChoice>,
    /// Target MySQL/MariaDB version, e.g. 8.0.28 or 10.11.6-MariaDB (default: the live
    /// server's, else MySQL 8.0.35 / MariaDB 10.11.6).
    #[arg(long, value_name = "VERSION", value_parser = parse_mysql_version)]
    mysql_version: Option<migsmith::dialect::mysql::Version>,
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
        if let Some(rule) = by_id(id) {
            print!("{}", docs::page(rule));
            return Ok(exit::OK);
        }
        if let Some(rule) = mysql_rules::by_id(id) {
            print!("{}", mysql_rules::page(rule));
            return Ok(exit::OK);
        }
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.extend(
            mysql_rules::MYSQL_RULES
                .iter()
                .map(|r| r.id)
                .filter(|id| !mysql_rules::shared(id)),
        );
        return Err(anyhow!("no rule `{id}`; the rules are: {}", ids.join(", ")));
    }
    if args.dialect == Some(DialectChoice::Sqlite) {
        return Err(exit::Usage(
            "--dialect sqlite: migsmith check reads PostgreSQL, MySQL and MariaDB migrations; not SQLite yet".into(),
        )
        .into());
    }
    let flags = Values {
        dialect: args.dialect,
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
        dialect: CheckDialect::Postgres,
        schema,
    };
    let opts = CheckOptions {
        dialect: dialect(args, &settings, opts.schema.as_ref())?,
        ..opts
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

/// `--mysql-version`: `8.0.28`, `10.11.6-MariaDB`.
fn parse_mysql_version(text: &str) -> Result<Version, String> {
    Version::parse(text).ok_or_else(|| {
        format!("`{text}` is not a MySQL/MariaDB version (expected e.g. 8.0.28 or 10.11.6-MariaDB)")
    })
}

/// The engine the files are read as: `--dialect`/`dialect` key, else the schema's engine, else
/// per file.
fn dialect(
    args: &CheckArgs,
    settings: &Settings,
    schema: Option<&migsmith::schema::Schema>,
) -> Result<CheckDialect> {
    let chosen = (settings.dialect.origin != migsmith::config::Origin::Default)
        .then_some(settings.dialect.value);
    let engine = match chosen {
        Some(DialectChoice::Postgres) => return Ok(CheckDialect::Postgres),
        Some(DialectChoice::Mysql) => Some(Engine::Mysql),
        Some(DialectChoice::Mariadb) => Some(Engine::Mariadb),
        Some(DialectChoice::Sqlite) => {
            return Err(exit::Usage(
                "dialect sqlite: migsmith check reads PostgreSQL, MySQL and MariaDB migrations; not SQLite yet".into(),
            )
            .into())
        }
        None => schema.map(|s| s.engine).filter(|e| matches!(e, Engine::Mysql | Engine::Mariadb)),
    };
    let from_schema = schema
        .filter(|s| matches!(s.engine, Engine::Mysql | Engine::Mariadb))
        .map(|s| Mysql::for_schema(s).version);
    let mut version = args
        .mysql_version
        .or(from_schema)
        .unwrap_or_else(|| Version::default_for(engine.unwrap_or(Engine::Mysql)));
    if engine == Some(Engine::Mariadb) {
        version.engine = Engine::Mariadb;
    }
    if schema.is_some_and(|s| s.engine == Engine::Postgres && s.server.is_some())
        && engine.is_none()
    {
        return Ok(CheckDialect::Postgres);
    }
    Ok(match engine {
        Some(_) => CheckDialect::Mysql(version),
        None => CheckDialect::Infer(version),
    })
}
