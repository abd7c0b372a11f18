//! `migsmith config`: the effective settings and where each came from. It takes the setting
//! flags of the other commands, so `migsmith config --lock-timeout 1s` shows what a flag does.

use super::context::Ctx;
use super::generate::ZdtArgs;
use super::term::DIM;
use anyhow::Result;
use clap::ValueEnum;
use migsmith::config::{self, Values};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ConfigArgs {
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = ConfigFormat::Text)]
    pub format: ConfigFormat,
    /// The project root (default: the directory of migsmith.toml, else the current directory).
    #[arg(long, value_name = "DIR")]
    project_dir: Option<PathBuf>,
    /// As `generate --framework`.
    #[arg(long, value_name = "NAME")]
    framework: Option<String>,
    /// As `generate --migrations-dir`.
    #[arg(long, value_name = "DIR")]
    migrations_dir: Option<PathBuf>,
    /// As `generate --schema`.
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// As `generate --database-url` (shown without its password).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// As `check --assume-transaction`.
    #[arg(long)]
    assume_transaction: bool,
    #[command(flatten)]
    zdt: ZdtArgs,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum ConfigFormat {
    Text,
    Json,
}

pub fn run(ctx: &Ctx, args: ConfigArgs) -> Result<()> {
    let flags = args.zdt.onto(Values {
        framework: args.framework.clone(),
        migrations_dir: args.migrations_dir.clone(),
        schema: args.schema.clone(),
        database_url: args.database_url.clone(),
        assume_transaction: args.assume_transaction.then_some(true),
        ..Values::default()
    });
    let settings = ctx.settings(&flags, args.project_dir.clone(), true)?;
    match args.format {
        ConfigFormat::Text => print!(
            "{}",
            config::show_text(&settings, &|origin| ctx.term.out(DIM, origin))
        ),
        ConfigFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&config::show_json(&settings))
                .expect("settings serialize")
        ),
    }
    Ok(())
}
