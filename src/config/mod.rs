//! The project configuration file, `migsmith.toml`, and the effective settings of a run.
//!
//! `file` finds and reads the file (the nearest `migsmith.toml` walking up from the project
//! directory, or the one `--config` names) and types every value; `keys` lists the keys;
//! `settings` merges the layers (flag > environment > file > default) and remembers where each
//! value came from; `show` prints them for `migsmith config`; `dialect` is the engine choice.
//! This module reads files only; it never runs or writes anything.

mod dialect;
mod file;
pub mod keys;
mod paths;
mod settings;
mod show;
#[cfg(test)]
mod tests;
mod values;

pub use dialect::{DialectChoice, DialectError};
pub use file::{discover, ConfigFile};
pub use settings::{Inputs, Origin, SchemaChoice, Setting, Settings};
pub use show::{json as show_json, text as show_text};
pub use values::{duration_text, parse_duration_ms, parse_pg_version, parse_strategy, Values};

use std::path::{Path, PathBuf};

/// The file's name.
pub const FILE_NAME: &str = "migsmith.toml";

/// A `migsmith.toml` that cannot be used. Every message names the file and, where there is
/// one, the line.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {}: {message}", .path.display())]
    Read { path: PathBuf, message: String },
    #[error("{}:{line}: not valid TOML: {message}", .file.display())]
    Syntax {
        file: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}:{line}: unknown key `{key}`{}; the keys are: {}", .file.display(),
            .hint.as_ref().map(|h| format!(" ({h})")).unwrap_or_default(),
            keys::names().collect::<Vec<_>>().join(", "))]
    UnknownKey {
        file: PathBuf,
        line: usize,
        key: String,
        hint: Option<String>,
    },
    #[error("{}:{line}: `{key}`: {message}", .file.display())]
    BadValue {
        file: PathBuf,
        line: usize,
        key: &'static str,
        message: String,
    },
    #[error("{}:{line}: the project's database is {display} (from `dialect`); migsmith generates for PostgreSQL, MySQL, MariaDB and SQLite only: set dialect to \"postgres\", \"mysql\", \"mariadb\" or \"sqlite\", or remove the key", .file.display())]
    UnsupportedDialect {
        file: PathBuf,
        line: usize,
        display: &'static str,
    },
}

impl ConfigError {
    /// A stable kind for JSON errors.
    pub fn kind(&self) -> &'static str {
        match self {
            ConfigError::UnsupportedDialect { .. } => "unsupported_dialect",
            _ => "config",
        }
    }

    /// A config file is always the user's input.
    pub fn class(&self) -> crate::error::ErrorClass {
        crate::error::ErrorClass::Input
    }
}

/// Which config file a run uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// The nearest `migsmith.toml` at or above this directory, if any.
    Discover(PathBuf),
    /// This file (`--config FILE`); a missing file is an error.
    Named(PathBuf),
    /// None (`--no-config`).
    Ignore,
}

/// Find and read the config file `which` asks for; `cwd` is the working directory (absolute).
pub fn load(which: &Which, cwd: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    match which {
        Which::Ignore => Ok(None),
        Which::Named(path) => {
            if !path.is_file() {
                return Err(ConfigError::Read {
                    path: path.clone(),
                    message: "no such file (passed with --config)".into(),
                });
            }
            let mut file = ConfigFile::load(path)?;
            file.marks_project = false;
            Ok(Some(file))
        }
        Which::Discover(start) => match discover(start, cwd) {
            Some(path) => ConfigFile::load(&path).map(Some),
            None => Ok(None),
        },
    }
}

/// The candidate closest to `wanted`, if one is close.
fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    crate::schema::did_you_mean(wanted, candidates)
        .into_iter()
        .next()
}
