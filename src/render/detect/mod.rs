//! Framework detection: which migration framework a project uses, where it keeps its
//! migrations, which database its config names, and the files that said so.
//!
//! The project directory and its subdirectories (to [`MAX_DEPTH`] levels, skipping
//! dependency, build and VCS folders) are candidate roots, so a framework in
//! `services/api/` of a monorepo is found. Each framework has one probe in `probes` that looks
//! at a root and returns what it found. No probe matching means raw SQL; two frameworks (or one
//! framework in two places) is an [`DetectError::Ambiguous`] error listing them, which
//! `--framework NAME` (or `--project-dir`) resolves. Detection reads files; it never runs
//! anything or writes.

mod probes;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

/// How deep below the project directory roots are looked for (`apps/api/` is depth 2).
pub const MAX_DEPTH: usize = 3;

/// Directory names never searched: dependencies, build output, virtualenvs, VCS, and the
/// places a repository keeps test fixtures, examples and tooling (a fixture project under
/// `tests/` or an example under `examples/` is not the project's own framework).
const SKIP: &[&str] = &[
    "tests",
    "test",
    "spec",
    "fixtures",
    "testdata",
    "examples",
    "scripts",
    "docs",
    "node_modules",
    "target",
    "vendor",
    "venv",
    "env",
    "__pycache__",
    "dist",
    "build",
    "site-packages",
];

/// Every framework detection knows, by the name `--framework` takes.
pub const FRAMEWORKS: &[&str] = &[
    "sequelize",
    "typeorm",
    "prisma",
    "django",
    "rails",
    "flyway",
    "knex",
    "alembic",
    "liquibase",
    "dbmate",
    "golang-migrate",
    "goose",
    "diesel",
    "sqlx",
    "laravel",
];

/// The database a project's config names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialect {
    /// `postgresql`, `mysql`, `mariadb`, `sqlite`, `sqlserver`, `oracle`.
    pub name: &'static str,
    /// The file (relative to the project directory) that named it.
    pub source: String,
}

impl Dialect {
    pub fn is_postgres(&self) -> bool {
        self.name == "postgresql"
    }

    /// The schema model's engine, when the model has one for this database.
    pub fn engine(&self) -> Option<crate::schema::Engine> {
        use crate::schema::Engine;
        match self.name {
            "postgresql" => Some(Engine::Postgres),
            "mysql" => Some(Engine::Mysql),
            "mariadb" => Some(Engine::Mariadb),
            "sqlite" => Some(Engine::Sqlite),
            _ => None,
        }
    }

    /// Whether migsmith generates for it (`dialect::generates_for`).
    pub fn is_supported(&self) -> bool {
        self.engine()
            .is_some_and(|e| crate::dialect::generates_for(e).is_ok())
    }

    pub fn display(&self) -> &'static str {
        match self.name {
            "postgresql" => "PostgreSQL",
            "mysql" => "MySQL",
            "mariadb" => "MariaDB",
            "sqlite" => "SQLite",
            "sqlserver" => "SQL Server",
            "oracle" => "Oracle",
            _ => "an unknown database",
        }
    }
}

/// What detection decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The framework's `--framework` name; `sql` for raw SQL.
    pub framework: String,
    /// The directory (relative to the project directory) the framework was found in; empty for
    /// the project directory itself.
    pub root: PathBuf,
    /// The migrations directory, relative to the project directory.
    pub migrations_dir: PathBuf,
    /// The files and facts that identified it, relative to the project directory.
    pub evidence: Vec<String>,
    /// The database the framework's config names, when it names one.
    pub dialect: Option<Dialect>,
    /// `--framework` chose it (evidence, if any, only located its directory).
    pub chosen: bool,
}

impl Detection {
    /// One line for reports: "detected from prisma/schema.prisma, …".
    pub fn reason(&self) -> String {
        match (self.chosen, self.evidence.is_empty()) {
            (true, true) => "chosen with --framework".into(),
            (true, false) => format!(
                "chosen with --framework; found {}",
                self.evidence.join(", ")
            ),
            (false, true) => "no framework detected: plain SQL files".into(),
            (false, false) => format!("detected from {}", self.evidence.join(", ")),
        }
    }

    fn raw_sql(migrations_dir: PathBuf, chosen: bool) -> Detection {
        Detection {
            framework: "sql".into(),
            root: PathBuf::new(),
            migrations_dir,
            evidence: vec![],
            dialect: None,
            chosen,
        }
    }
}

/// Why detection could not decide.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DetectError {
    #[error("more than one migration framework found: {}; choose one with --framework NAME (or point --project-dir at one project)", describe(.found))]
    Ambiguous { found: Vec<Detection> },
    #[error("unknown framework `{name}`; known: {}", .known.join(", "))]
    UnknownFramework { name: String, known: Vec<String> },
    #[error("the project's database is {} (from {}); migsmith generates for PostgreSQL, MySQL/MariaDB and SQLite only, so it will not write {framework} migrations for it (--dialect postgres overrides the detection)", .dialect.display(), .dialect.source)]
    UnsupportedDialect { framework: String, dialect: Dialect },
}

fn describe(found: &[Detection]) -> String {
    found
        .iter()
        .map(|d| format!("{} ({})", d.framework, d.reason()))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every framework found under `project_dir`, sorted by root then name.
pub fn find_all(project_dir: &Path) -> Vec<Detection> {
    let mut found = vec![];
    for rel in roots(project_dir) {
        let root = probes::Root::new(project_dir, &rel);
        for (name, probe) in probes::PROBES {
            if let Some(f) = probe(&root) {
                // The same files seen from two roots (`prisma/schema.prisma` from the project,
                // `schema.prisma` from `prisma/`) are one finding: keep the outer root's.
                let seen = found.iter().any(|d: &Detection| {
                    d.framework == *name && d.evidence.iter().any(|e| f.evidence.contains(e))
                });
                if seen {
                    continue;
                }
                found.push(Detection {
                    framework: name.to_string(),
                    migrations_dir: rel.join(&f.migrations_dir),
                    evidence: f.evidence,
                    dialect: f.dialect,
                    root: rel.clone(),
                    chosen: false,
                });
            }
        }
    }
    found
}

/// Detect the project's framework, or take `--framework NAME` (`known` are the names a
/// renderer exists for). A chosen framework found in the project keeps its directory and
/// evidence; otherwise it gets `default_dir(name)`.
pub fn detect(
    project_dir: &Path,
    chosen: Option<&str>,
    known: &[&str],
    default_dir: impl Fn(&str) -> PathBuf,
) -> Result<Detection, DetectError> {
    let found = find_all(project_dir);
    if let Some(name) = chosen {
        let mut names: Vec<String> = known.iter().map(|s| s.to_string()).collect();
        names.extend(
            FRAMEWORKS
                .iter()
                .filter(|f| !known.contains(f))
                .map(|f| f.to_string()),
        );
        if !names.iter().any(|n| n == name) {
            return Err(DetectError::UnknownFramework {
                name: name.to_string(),
                known: names,
            });
        }
        let mut matching: Vec<Detection> =
            found.into_iter().filter(|d| d.framework == name).collect();
        return match matching.len() {
            0 if name == "sql" => Ok(Detection::raw_sql(default_dir(name), true)),
            0 => Ok(Detection {
                framework: name.to_string(),
                migrations_dir: default_dir(name),
                ..Detection::raw_sql(PathBuf::new(), true)
            }),
            1 => {
                let mut d = matching.remove(0);
                d.chosen = true;
                Ok(d)
            }
            _ => Err(DetectError::Ambiguous { found: matching }),
        };
    }
    match found.len() {
        0 => Ok(Detection::raw_sql(default_dir("sql"), false)),
        1 => Ok(found.into_iter().next().expect("one")),
        _ => Err(DetectError::Ambiguous { found }),
    }
}

/// The project directory and its subdirectories to [`MAX_DEPTH`], as relative paths, in a
/// stable order. Hidden directories and [`SKIP`] are not entered; neither are directories
/// under a `migrations`-like folder (a framework's own files are not projects).
fn roots(project_dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![PathBuf::new()];
    let mut frontier = vec![PathBuf::new()];
    for _ in 0..MAX_DEPTH {
        let mut next = vec![];
        for rel in &frontier {
            let Ok(entries) = std::fs::read_dir(project_dir.join(rel)) else {
                continue;
            };
            let mut dirs: Vec<String> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.') && !SKIP.contains(&n.as_str()))
                .filter(|n| !n.contains("migrat") && n != "versions" && n != "db")
                .collect();
            dirs.sort();
            next.extend(dirs.into_iter().map(|d| rel.join(d)));
        }
        out.extend(next.iter().cloned());
        frontier = next;
    }
    out
}
