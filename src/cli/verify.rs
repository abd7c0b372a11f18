//! `migsmith verify`, `migsmith calibrate` and `generate --verify`: argument parsing and output
//! only; the work is `migsmith::verify`.

use super::context::{self, Ctx};
use super::SourceArgs;
use anyhow::{anyhow, Context, Result};
use clap::ValueEnum;
use migsmith::generate::SchemaSource;
use migsmith::plan::cost::CostTable;
use migsmith::plan::Plan;
use migsmith::report::verified;
use migsmith::schema::live::redact_url;
use migsmith::schema::sizes::{RowCounts, RowSpec};
use migsmith::verify::{self, calibrate, cleanup, script, Options, Subject, Verification, Where};
use std::path::{Path, PathBuf};

/// Verification failed: the report was printed; exit non-zero without a second error document.
#[derive(Debug, thiserror::Error)]
#[error("verification failed: {0} check(s) did not pass (see the Verified section)")]
pub struct Failed(pub usize);

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum VerifyFormat {
    Markdown,
    Json,
}

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// Raw SQL migrations (`*.up.sql`, each with its `*.down.sql`), applied in the order given.
    /// Default: the newest one in the migrations directory.
    #[arg(value_name = "MIGRATION")]
    migrations: Vec<PathBuf>,
    #[command(flatten)]
    source: SourceArgs,
    /// Seed synthetic rows before migrating: `N` for every table, `TABLE=N` for one (repeatable).
    #[arg(long, value_name = "N|TABLE=N")]
    rows: Vec<RowSpec>,
    /// Cost table for the estimates (default: the one `migsmith calibrate` saved, if any).
    #[arg(long, value_name = "FILE")]
    costs: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Markdown)]
    pub format: VerifyFormat,
}

/// `generate` flags for verifying right after generating.
#[derive(clap::Args)]
pub struct GenerateVerifyArgs {
    /// Prove the generated migration on a scratch database (up, down, up; locks; timings)
    /// and add a "Verified" section to the report. Exits non-zero when a check fails.
    #[arg(long)]
    pub verify: bool,
    /// With --verify: make the throwaway database on this server (default: the --database-url
    /// server when the schema is read from it, else an ephemeral cluster).
    #[arg(long, value_name = "URL", requires = "verify")]
    verify_url: Option<String>,
    /// With --verify: seed synthetic rows first (`N` or `TABLE=N`, repeatable).
    #[arg(long, value_name = "N|TABLE=N", requires = "verify")]
    verify_rows: Vec<RowSpec>,
}

#[derive(clap::Args)]
pub struct CalibrateArgs {
    /// Measure on a throwaway database on this server (default: an ephemeral cluster).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Where to save the cost table (default: migsmith.toml's `costs`, else
    /// ~/.config/migsmith/costs.toml).
    #[arg(long, value_name = "FILE")]
    costs: Option<PathBuf>,
    /// Rows in the measured table.
    #[arg(long, value_name = "N", default_value_t = calibrate::DEFAULT_ROWS)]
    rows: u64,
}

fn place(url: Option<&String>) -> Where {
    match url {
        Some(url) => Where::Server(url.clone()),
        None => Where::Ephemeral,
    }
}

/// The newest `.up.sql` in the migrations directory.
fn newest(dir: &Path) -> Result<PathBuf> {
    script::up_files(dir).pop().ok_or_else(|| {
        anyhow!(
            "no *.up.sql migrations in {}: pass the MIGRATION files to verify, or generate one first",
            dir.display()
        )
    })
}

pub fn run_verify(ctx: &Ctx, args: VerifyArgs) -> Result<()> {
    cleanup::install_interrupt_handler();
    let flags = migsmith::config::Values {
        costs: args.costs.clone(),
        ..args.source.values()
    };
    let settings = ctx.settings(&flags, args.source.project_dir.clone(), true)?;
    let project = &settings.project_dir.value;
    // verify reads raw SQL pairs: the raw SQL renderer's directory unless told otherwise.
    let migrations_dir = settings
        .migrations_dir
        .value
        .clone()
        .unwrap_or_else(|| PathBuf::from("migrations"));
    let migrations = if args.migrations.is_empty() {
        vec![newest(&project.join(&migrations_dir))?]
    } else {
        args.migrations.clone()
    };
    let source = super::source(&settings, &args.source, true)?;
    if let Some(url) = args
        .source
        .database_url
        .as_ref()
        .filter(|u| migsmith::schema::live::mysql::is_mysql_url(u))
    {
        let subject = verify::mysql::subject_from_files(&migrations)?;
        let (base_schema, origin) =
            mysql_base_schema(&source, project, &migrations_dir, &migrations)?;
        let rows = RowCounts::from_specs(&args.rows);
        let v = ctx.stage("verify", || {
            Ok(verify::mysql::verify(
                &subject,
                url,
                &base_schema,
                &origin,
                None,
                &rows,
            )?)
        })?;
        return print_verification(&v, args.format);
    }
    let subject = Subject::from_files(&migrations)?;
    let (base_schema, base_schema_origin) =
        script::base_schema(&source, project, &migrations_dir, &migrations)?;
    let opts = Options {
        place: place(args.source.database_url.as_ref()),
        base_schema,
        base_schema_origin,
        rows: RowCounts::from_specs(&args.rows),
        costs: context::costs(&settings)?,
    };
    let v = ctx.stage("verify", || Ok(verify::verify(&subject, &opts)?))?;
    print_verification(&v, args.format)
}

fn print_verification(v: &Verification, format: VerifyFormat) -> Result<()> {
    match format {
        VerifyFormat::Markdown => print!("{}", verified::section(v)),
        VerifyFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "verification": v }))
                .expect("a verification serializes")
        ),
    }
    outcome(v)
}

/// The SQL building the schema before the migration on MySQL: the live database's
/// `SHOW CREATE TABLE`s, or the dump / earlier migrations as written.
fn mysql_base_schema(
    source: &SchemaSource,
    project_dir: &Path,
    migrations_dir: &Path,
    exclude: &[PathBuf],
) -> Result<(String, String)> {
    Ok(match source {
        SchemaSource::Live(live) => (
            verify::mysql::live_base_schema(&live.url)?,
            format!(
                "`SHOW CREATE TABLE` of each table of {}",
                redact_url(&live.url)
            ),
        ),
        other => script::base_schema(other, project_dir, migrations_dir, exclude)?,
    })
}

/// Verify a freshly generated plan (the SQL the plan produced, whatever the framework).
#[allow(clippy::too_many_arguments)]
pub fn verify_generated(
    ctx: &Ctx,
    args: &GenerateVerifyArgs,
    plan: &Plan,
    source: &SchemaSource,
    project_dir: &Path,
    migrations_dir: &Path,
    generated_paths: &[PathBuf],
    costs: &CostTable,
) -> Result<Option<Verification>> {
    if !args.verify {
        return Ok(None);
    }
    if plan.before.engine == migsmith::schema::Engine::Sqlite {
        return verify_sqlite(ctx, plan, source, project_dir);
    }
    cleanup::install_interrupt_handler();
    if matches!(
        plan.before.engine,
        migsmith::schema::Engine::Mysql | migsmith::schema::Engine::Mariadb
    ) {
        let url = args
            .verify_url
            .clone()
            .or(match source {
                SchemaSource::Live(live) => Some(live.url.clone()),
                _ => None,
            })
            .filter(|u| migsmith::schema::live::mysql::is_mysql_url(u))
            .ok_or_else(|| {
                anyhow!(
                    "--verify for MySQL/MariaDB needs a server to make its scratch database on: \
                     read the schema with --database-url mysql://… or pass --verify-url mysql://…"
                )
            })?;
        let (base_schema, origin) =
            mysql_base_schema(source, project_dir, migrations_dir, generated_paths)?;
        let rows = RowCounts::from_specs(&args.verify_rows);
        return ctx.stage("verify", || {
            Ok(Some(verify::mysql::verify(
                &Subject::from_plan(plan),
                &url,
                &base_schema,
                &origin,
                Some(&plan.after),
                &rows,
            )?))
        });
    }
    let (base_schema, base_schema_origin) =
        script::base_schema(source, project_dir, migrations_dir, generated_paths)?;
    let opts = Options {
        place: place(args.verify_url.as_ref().or(match source {
            SchemaSource::Live(live) => Some(&live.url),
            _ => None,
        })),
        base_schema,
        base_schema_origin,
        rows: RowCounts::from_specs(&args.verify_rows),
        costs: costs.clone(),
    };
    ctx.stage("verify", || {
        Ok(Some(verify::verify(&Subject::from_plan(plan), &opts)?))
    })
}

/// SQLite: up → down → up on a copy of the database file (never the file itself), or in
/// memory when the schema came from text; a mismatch fails the command.
fn verify_sqlite(
    ctx: &Ctx,
    plan: &Plan,
    source: &SchemaSource,
    project_dir: &Path,
) -> Result<Option<Verification>> {
    use migsmith::schema::live::sqlite;
    let file = match source {
        SchemaSource::Live(live) if sqlite::is_sqlite_url(&live.url) => {
            sqlite::url_path(&live.url).ok()
        }
        SchemaSource::Dump(path) if sqlite::is_database_file(&project_dir.join(path)) => {
            Some(project_dir.join(path))
        }
        _ => None,
    };
    let v = migsmith::dialect::sqlite::verify::verify(plan, file.as_deref())
        .map_err(|e| anyhow!("--verify (SQLite) failed: {e}"))?;
    ctx.term.info(&format!(
        "verify: up, down and up again ran on {} ({:.3} s, {:.3} s, {:.3} s); the schema read back was the planned one each time",
        v.on, v.seconds[0], v.seconds[1], v.seconds[2]
    ));
    Ok(None)
}

/// `Err(Failed)` when any check failed.
pub fn outcome(v: &Verification) -> Result<()> {
    match v.failed_checks().count() {
        0 => Ok(()),
        n => Err(Failed(n).into()),
    }
}

pub fn run_calibrate(ctx: &Ctx, args: CalibrateArgs) -> Result<()> {
    cleanup::install_interrupt_handler();
    let flags = migsmith::config::Values {
        costs: args.costs.clone(),
        ..Default::default()
    };
    let settings = ctx.settings(&flags, None, false)?;
    let path = match &settings.costs.value {
        Some(p) => p.clone(),
        None => CostTable::default_path().ok_or_else(|| {
            anyhow!(
                "cannot find a home directory for ~/.config/migsmith/costs.toml: pass --costs FILE"
            )
        })?,
    };
    if path.exists() {
        let existing = std::fs::read_to_string(&path).unwrap_or_default();
        if !existing.contains("measured_at") {
            return Err(anyhow!(
                "{} exists and is not a cost table saved by `migsmith calibrate`; refusing to overwrite it (choose another --costs FILE)",
                path.display()
            ));
        }
    }
    if let Some(url) = &args.database_url {
        ctx.term.info(&format!(
            "calibrate: measuring on a throwaway database on {}",
            redact_url(url)
        ));
    }
    let table = ctx.stage("calibrate", || {
        Ok(calibrate::calibrate(
            &place(args.database_url.as_ref()),
            args.rows,
        )?)
    })?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&path, table.to_toml())
        .with_context(|| format!("cannot write {}", path.display()))?;
    print!("{}", table.to_toml());
    ctx.term
        .info(&format!("calibrate: saved to {}", path.display()));
    Ok(())
}
