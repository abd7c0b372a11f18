//! Finding and reading `migsmith.toml`: the nearest one walking up from a directory to the
//! filesystem root, or the one `--config` names; its keys checked against `keys::KEYS` and its
//! values typed, every problem reported with file and line.

use super::values::{self, Problem, Values};
use super::{keys, ConfigError, FILE_NAME};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A `migsmith.toml` that was read.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    /// The path as shown to people (`migsmith.toml`, `../../migsmith.toml`, or as given).
    pub path: PathBuf,
    /// Its directory, as a path usable from the working directory; relative paths in the
    /// file are relative to it.
    pub dir: PathBuf,
    pub values: Values,
    /// Found by walking up (it marks the project root, so the project directory defaults to
    /// its directory); false for a file named with `--config`, which is only settings.
    pub marks_project: bool,
    /// The line each key was set on.
    pub lines: BTreeMap<&'static str, usize>,
}

/// The nearest `migsmith.toml` at or above `start` (a directory), as a path from `cwd`:
/// `migsmith.toml`, `../migsmith.toml`, … Stops at the filesystem root. A `.git` directory
/// is no boundary: like rustfmt, ruff and cargo, the nearest file wins wherever it is.
pub fn discover(start: &Path, cwd: &Path) -> Option<PathBuf> {
    let start = super::paths::absolute(start, cwd);
    let mut dir = start.as_path();
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(super::paths::relative(cwd, &candidate));
        }
        dir = dir.parent()?;
    }
}

impl ConfigFile {
    /// Read and check the file at `path` (relative to the working directory).
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Self::parse(&text, path)
    }

    /// Check `text` as the contents of `path`.
    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
        let file = path.to_path_buf();
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let table: BTreeMap<Spanned<String>, Spanned<toml::Value>> =
            toml::from_str(text).map_err(|e| ConfigError::Syntax {
                file: file.clone(),
                line: e.span().map(|s| line_of(s.start)).unwrap_or(1),
                message: e.message().trim().to_string(),
            })?;
        let mut values = Values::default();
        let mut lines = BTreeMap::new();
        for (key, value) in &table {
            let line = line_of(key.span().start);
            let name = key.get_ref().as_str();
            let Some(known) = keys::by_name(name) else {
                return Err(unknown_key(&file, line, name));
            };
            values::set(&mut values, known.name, value.get_ref()).map_err(|p| match p {
                Problem::Bad(message) => ConfigError::BadValue {
                    file: file.clone(),
                    line,
                    key: known.name,
                    message,
                },
                Problem::Dialect(super::DialectError::NotSupported { display }) => {
                    ConfigError::UnsupportedDialect {
                        file: file.clone(),
                        line,
                        display,
                    }
                }
                Problem::Dialect(super::DialectError::Unknown { suggestion }) => {
                    ConfigError::BadValue {
                        file: file.clone(),
                        line,
                        key: known.name,
                        message: format!(
                            "unknown database engine {}{}; the engines are: {}",
                            value.get_ref(),
                            suggestion
                                .map(|s| format!(" (did you mean \"{s}\"?)"))
                                .unwrap_or_default(),
                            super::DialectChoice::ALL
                                .iter()
                                .map(|d| d.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    }
                }
            })?;
            lines.insert(known.name, line);
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Ok(ConfigFile {
            path: file,
            dir,
            values,
            marks_project: true,
            lines,
        })
    }

    /// Where `key` was set: `migsmith.toml:3`.
    pub fn location(&self, key: &str) -> Option<(PathBuf, usize)> {
        self.lines.get(key).map(|l| (self.path.clone(), *l))
    }
}

fn unknown_key(file: &Path, line: usize, name: &str) -> ConfigError {
    let hint = match name {
        "database_url" | "database-url" | "url" => Some(
            "a connection URL carries a password and migsmith.toml is usually committed: set \
             DATABASE_URL or pass --database-url instead"
                .to_string(),
        ),
        _ => super::closest(&name.replace('-', "_"), keys::names())
            .map(|k| format!("did you mean `{k}`?")),
    };
    ConfigError::UnknownKey {
        file: file.to_path_buf(),
        line,
        key: name.to_string(),
        hint,
    }
}
