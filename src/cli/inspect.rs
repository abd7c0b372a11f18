//! `migsmith detect` and `migsmith schema`: what migsmith sees in the project.

use super::context::Ctx;
use super::{schema_text, SourceArgs};
use anyhow::Result;
use clap::ValueEnum;
use migsmith::config::Values;
use migsmith::generate::{detect_framework, find_framework, load_project_schema, SchemaSource};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct DetectArgs {
    /// The project root (default: the directory of migsmith.toml, else the current directory).
    #[arg(long, value_name = "DIR")]
    project_dir: Option<PathBuf>,
    /// Take this framework instead of detecting one (checks the name, finds its directory).
    #[arg(long, value_name = "NAME")]
    framework: Option<String>,
    /// Output format on stdout (`json`: `framework`, `reason`, `root`, `migrations_dir`,
    /// `evidence`, `database`).
    #[arg(long, value_enum, default_value_t = SchemaFormat::Text)]
    pub format: SchemaFormat,
}

#[derive(clap::Args)]
pub struct SchemaArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// The migration framework whose migrations to replay (default: detected).
    #[arg(long, value_name = "NAME")]
    framework: Option<String>,
    #[arg(long, value_enum, default_value_t = SchemaFormat::Text)]
    pub format: SchemaFormat,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum SchemaFormat {
    Text,
    Json,
}

pub fn run_detect(ctx: &Ctx, args: DetectArgs) -> Result<()> {
    let flags = Values {
        framework: args.framework.clone(),
        ..Values::default()
    };
    let settings = ctx.settings(&flags, args.project_dir.clone(), false)?;
    let d = find_framework(
        &settings.project_dir.value,
        settings.framework.value.as_deref(),
    )?;
    if args.format == SchemaFormat::Json {
        let database = d.dialect.as_ref().map(|dialect| {
            serde_json::json!({
                "name": dialect.display(),
                "source": dialect.source,
                "supported": dialect.is_supported(),
            })
        });
        let value = serde_json::json!({
            "framework": d.framework,
            "reason": d.reason(),
            "root": d.root,
            "migrations_dir": d.migrations_dir,
            "evidence": d.evidence,
            "database": database,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).expect("detection serializes")
        );
        return Ok(());
    }
    println!("framework: {} — {}", d.framework, d.reason());
    if !d.root.as_os_str().is_empty() {
        println!("project: {}", d.root.display());
    }
    println!("migrations: {}", d.migrations_dir.display());
    match &d.dialect {
        Some(dialect) if dialect.is_supported() => {
            println!("database: {} (from {})", dialect.display(), dialect.source)
        }
        Some(dialect) => println!(
            "database: {} (from {}) — migsmith generates PostgreSQL and SQLite only today: `generate` will refuse this project",
            dialect.display(),
            dialect.source
        ),
        None => println!("database: not named by the project's config (PostgreSQL assumed)"),
    }
    Ok(())
}

pub fn run_schema(ctx: &Ctx, args: SchemaArgs) -> Result<()> {
    let flags = Values {
        framework: args.framework.clone(),
        ..args.source.values()
    };
    let settings = ctx.settings(&flags, args.source.project_dir.clone(), true)?;
    let source = super::source(&settings, &args.source, false)?;
    let project_dir = &settings.project_dir.value;
    // The framework matters only for replaying the project's own migrations.
    let framework = settings.framework.value.as_deref();
    let (framework, detected_dir) = match (&source, framework) {
        (SchemaSource::Migrations, _) | (_, Some(_)) => {
            let d = detect_framework(project_dir, framework)?;
            (d.framework, d.migrations_dir)
        }
        _ => ("sql".to_string(), PathBuf::from("migrations")),
    };
    let migrations_dir = settings
        .migrations_dir
        .value
        .clone()
        .unwrap_or(detected_dir);
    let (schema, from) = ctx.stage("load schema", || {
        Ok(load_project_schema(
            &source,
            project_dir,
            &migrations_dir,
            &framework,
        )?)
    })?;
    ctx.term
        .debug(1, &format!("framework {framework}; schema from {from}"));
    match args.format {
        SchemaFormat::Text => print!("{}", schema_text::render(&schema, &from)),
        SchemaFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&schema).expect("schema serializes")
        ),
    }
    Ok(())
}
