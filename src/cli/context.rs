//! The global flags (`--config`, `--no-config`, `--color`, `-q`, `-v`) and what every command
//! gets from them: the terminal and the effective settings (flags over `DATABASE_URL` over
//! `migsmith.toml` over defaults, resolved by `migsmith::config`).

use super::term::{ColorWhen, Term};
use anyhow::Result;
use migsmith::config::{self, Inputs, Settings, Values, Which};
use std::path::PathBuf;

/// The help heading of the global flags.
const GLOBAL: &str = "Global options";

#[derive(clap::Args)]
pub struct GlobalArgs {
    /// Read settings from this file instead of the nearest migsmith.toml (an error if it
    /// does not exist).
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_config", help_heading = GLOBAL)]
    config: Option<PathBuf>,
    /// Read no migsmith.toml: built-in defaults, flags and environment only.
    #[arg(long, global = true, help_heading = GLOBAL)]
    no_config: bool,
    /// When to colour output: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto, help_heading = GLOBAL)]
    color: ColorWhen,
    /// Print only the essential output and errors: no progress bars or notes on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    quiet: bool,
    /// Print extra diagnostics on stderr: the config file, framework and schema source chosen,
    /// time per stage (-vv: every effective setting too).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    verbose: u8,
}

impl GlobalArgs {
    /// `--config FILE` / `--no-config` as given, for the commands `migsmith mcp` runs.
    pub fn config_flags(&self) -> Vec<std::ffi::OsString> {
        match (&self.config, self.no_config) {
            (Some(file), _) => vec!["--config".into(), file.clone().into_os_string()],
            (None, true) => vec!["--no-config".into()],
            (None, false) => vec![],
        }
    }
}

/// What every command runs with.
pub struct Ctx {
    pub term: Term,
    which: Option<PathBuf>,
    no_config: bool,
    cwd: PathBuf,
}

impl Ctx {
    pub fn new(global: &GlobalArgs) -> Ctx {
        Ctx {
            term: Term::new(global.color, global.quiet, global.verbose),
            which: global.config.clone(),
            no_config: global.no_config,
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
        }
    }

    /// The settings of a command: its flags (`flags`, `--project-dir`), `DATABASE_URL` when
    /// `read_env`, and the config file (searched from the project directory upwards).
    pub fn settings(
        &self,
        flags: &Values,
        project_dir: Option<PathBuf>,
        read_env: bool,
    ) -> Result<Settings> {
        let which = match (&self.which, self.no_config) {
            (_, true) => Which::Ignore,
            (Some(file), false) => Which::Named(file.clone()),
            (None, false) => {
                Which::Discover(project_dir.clone().unwrap_or_else(|| PathBuf::from(".")))
            }
        };
        let file = config::load(&which, &self.cwd)?;
        let settings = Settings::resolve(&Inputs {
            file: file.as_ref(),
            flags,
            project_dir,
            env_database_url: if read_env {
                std::env::var("DATABASE_URL").ok()
            } else {
                None
            },
            cwd: &self.cwd,
        });
        match &settings.file {
            Some(f) => self.term.debug(1, &format!("config file {}", f.display())),
            None => self.term.debug(1, "no config file"),
        }
        if self.term.verbose >= 2 {
            for line in config::show_text(&settings, &|o| o.to_string())
                .lines()
                .skip(1)
            {
                self.term.debug(2, line);
            }
        }
        Ok(settings)
    }

    /// Time `f` as one stage, reported with `-v`.
    pub fn stage<T>(&self, name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let start = std::time::Instant::now();
        let out = f();
        self.term.debug(
            1,
            &format!("{name}: {:.1} ms", start.elapsed().as_secs_f64() * 1000.0),
        );
        out
    }
}

/// Read a cost table the settings name (else the saved one, else the built-in figures).
pub fn costs(settings: &Settings) -> Result<migsmith::plan::cost::CostTable> {
    Ok(migsmith::plan::cost::CostTable::load_or_default(
        settings.costs.value.as_deref(),
    )?)
}
