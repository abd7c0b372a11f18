//! The effective settings of one run: each value taken from the strongest layer that sets it —
//! command-line flag, then environment (`DATABASE_URL`), then `migsmith.toml`, then the
//! built-in default — and remembered with where it came from.

use super::file::ConfigFile;
use super::paths;
use super::values::Values;
use super::DialectChoice;
use crate::plan::strategy::RenameStrategy;
use crate::plan::StrategyOptions;
use crate::schema::sizes::RowSpec;
use std::path::{Path, PathBuf};

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    /// A key of this file, at this line.
    File {
        path: PathBuf,
        line: usize,
    },
    /// The directory of this config file (the project directory's default).
    FileDir(PathBuf),
    Flag(&'static str),
    Env(&'static str),
}

impl Origin {
    /// Flags beat the environment, which beats the file, which beats the default.
    fn rank(&self) -> u8 {
        match self {
            Origin::Default => 0,
            Origin::File { .. } | Origin::FileDir(_) => 1,
            Origin::Env(_) => 2,
            Origin::Flag(_) => 3,
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Default => write!(f, "default"),
            Origin::File { path, line } => write!(f, "{}:{line}", path.display()),
            Origin::FileDir(path) => write!(f, "directory of {}", path.display()),
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Env(var) => write!(f, "environment {var}"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

/// What the settings of a run are made from.
pub struct Inputs<'a> {
    pub file: Option<&'a ConfigFile>,
    pub flags: &'a Values,
    /// `--project-dir`, when given.
    pub project_dir: Option<PathBuf>,
    /// `DATABASE_URL`, for the commands that read it (empty counts as unset).
    pub env_database_url: Option<String>,
    /// The working directory (absolute), for re-expressing the file's relative paths.
    pub cwd: &'a Path,
}

/// Every setting of a run, resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The `migsmith.toml` in effect, as shown to people.
    pub file: Option<PathBuf>,
    /// Paths in `migrations_dir` and `schema` are relative to it, as flags' are.
    pub project_dir: Setting<PathBuf>,
    pub framework: Setting<Option<String>>,
    pub dialect: Setting<DialectChoice>,
    pub migrations_dir: Setting<Option<PathBuf>>,
    pub schema: Setting<Option<PathBuf>>,
    pub database_url: Setting<Option<String>>,
    pub lock_timeout_ms: Setting<u64>,
    pub statement_timeout_ms: Setting<u64>,
    pub batch_size: Setting<u64>,
    pub small_table_rows: Setting<u64>,
    pub strategy: Setting<RenameStrategy>,
    pub rows: Setting<Vec<RowSpec>>,
    /// Relative to the working directory.
    pub costs: Setting<Option<PathBuf>>,
    pub pg_version: Setting<Option<u32>>,
    pub assume_transaction: Setting<bool>,
}

/// Which setting names the current schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaChoice<'a> {
    Dump(&'a Path),
    Live(&'a str),
    /// `--schema` and `--database-url` were both passed.
    Both,
    /// Neither: replay the migrations.
    Neither,
}

impl Settings {
    pub fn resolve(inputs: &Inputs) -> Settings {
        let file = inputs.file;
        let flags = inputs.flags;
        let defaults = StrategyOptions::default();
        let project_dir = match (&inputs.project_dir, file) {
            (Some(dir), _) => Setting {
                value: dir.clone(),
                origin: Origin::Flag("--project-dir"),
            },
            (None, Some(f)) if f.marks_project => Setting {
                value: f.dir.clone(),
                origin: Origin::FileDir(f.path.clone()),
            },
            (None, _) => Setting {
                value: PathBuf::from("."),
                origin: Origin::Default,
            },
        };
        let cwd = inputs.cwd;
        let to_project =
            |p: &PathBuf, f: &ConfigFile| Some(paths::rebase(p, &f.dir, &project_dir.value, cwd));
        let to_cwd =
            |p: &PathBuf, f: &ConfigFile| Some(paths::rebase(p, &f.dir, Path::new("."), cwd));
        let migrations_dir = pick(
            "migrations_dir",
            flags.migrations_dir.clone().map(Some),
            file,
            |f| f.values.migrations_dir.as_ref().map(|p| to_project(p, f)),
            None,
        );
        let schema = pick(
            "schema",
            flags.schema.clone().map(Some),
            file,
            |f| f.values.schema.as_ref().map(|p| to_project(p, f)),
            None,
        );
        let costs = pick(
            "costs",
            flags.costs.clone().map(Some),
            file,
            |f| f.values.costs.as_ref().map(|p| to_cwd(p, f)),
            None,
        );
        let database_url = match (&flags.database_url, &inputs.env_database_url) {
            (Some(url), _) => Setting {
                value: Some(url.clone()),
                origin: Origin::Flag("--database-url"),
            },
            (None, Some(url)) if !url.is_empty() => Setting {
                value: Some(url.clone()),
                origin: Origin::Env("DATABASE_URL"),
            },
            _ => Setting {
                value: None,
                origin: Origin::Default,
            },
        };
        Settings {
            file: file.map(|f| f.path.clone()),
            framework: pick(
                "framework",
                flags.framework.clone().map(Some),
                file,
                |f| f.values.framework.clone().map(Some),
                None,
            ),
            dialect: pick(
                "dialect",
                flags.dialect,
                file,
                |f| f.values.dialect,
                DialectChoice::default(),
            ),
            migrations_dir,
            schema,
            database_url,
            lock_timeout_ms: pick(
                "lock_timeout",
                flags.lock_timeout_ms,
                file,
                |f| f.values.lock_timeout_ms,
                defaults.lock_timeout_ms,
            ),
            statement_timeout_ms: pick(
                "statement_timeout",
                flags.statement_timeout_ms,
                file,
                |f| f.values.statement_timeout_ms,
                defaults.statement_timeout_ms,
            ),
            batch_size: pick(
                "batch_size",
                flags.batch_size,
                file,
                |f| f.values.batch_size,
                defaults.batch_size,
            ),
            small_table_rows: pick(
                "small_table_rows",
                flags.small_table_rows,
                file,
                |f| f.values.small_table_rows,
                defaults.small_table_rows,
            ),
            strategy: pick(
                "strategy",
                flags.strategy,
                file,
                |f| f.values.strategy,
                defaults.renames,
            ),
            rows: pick(
                "rows",
                flags.rows.clone(),
                file,
                |f| f.values.rows.clone(),
                vec![],
            ),
            costs,
            pg_version: pick(
                "pg_version",
                flags.pg_version.map(Some),
                file,
                |f| f.values.pg_version.map(Some),
                None,
            ),
            assume_transaction: pick(
                "assume_transaction",
                flags.assume_transaction,
                file,
                |f| f.values.assume_transaction,
                false,
            ),
            project_dir,
        }
    }

    /// Which of `schema` and `database_url` names the current schema: the one from the
    /// stronger layer, so `DATABASE_URL` wins over the file's `schema` and `--schema` wins
    /// over `DATABASE_URL`.
    pub fn schema_choice(&self) -> SchemaChoice<'_> {
        match (&self.schema.value, &self.database_url.value) {
            (None, None) => SchemaChoice::Neither,
            (Some(p), None) => SchemaChoice::Dump(p),
            (None, Some(u)) => SchemaChoice::Live(u),
            (Some(p), Some(u)) => {
                let (s, d) = (self.schema.origin.rank(), self.database_url.origin.rank());
                if s == 3 && d == 3 {
                    SchemaChoice::Both
                } else if s >= d {
                    SchemaChoice::Dump(p)
                } else {
                    SchemaChoice::Live(u)
                }
            }
        }
    }

    /// The zero-downtime planning options these settings give (costs and version are the
    /// caller's: they need loading and the schema).
    pub fn strategy_options(&self) -> StrategyOptions {
        StrategyOptions {
            small_table_rows: self.small_table_rows.value,
            lock_timeout_ms: self.lock_timeout_ms.value,
            statement_timeout_ms: self.statement_timeout_ms.value,
            batch_size: self.batch_size.value.max(1),
            renames: self.strategy.value,
            ..StrategyOptions::default()
        }
    }
}

/// One key: the flag, else the file's value, else the default.
fn pick<T>(
    key: &'static str,
    flag: Option<T>,
    file: Option<&ConfigFile>,
    from_file: impl Fn(&ConfigFile) -> Option<T>,
    default: T,
) -> Setting<T> {
    if let Some(value) = flag {
        let flag_name = super::keys::by_name(key)
            .and_then(|k| k.flag)
            .unwrap_or("(flag)");
        return Setting {
            value,
            origin: Origin::Flag(flag_name),
        };
    }
    if let Some(f) = file {
        if let Some(value) = from_file(f) {
            let (path, line) = f.location(key).unwrap_or((f.path.clone(), 0));
            return Setting {
                value,
                origin: Origin::File { path, line },
            };
        }
    }
    Setting {
        value: default,
        origin: Origin::Default,
    }
}
