//! `migsmith check`: lint hand-written PostgreSQL migrations, and MySQL/MariaDB ones ([`mysql`]).
//!
//! The pipeline, one step per module: collect the `*.sql` files ([`collect_files`]) → split each
//! into statements with lines and ignore comments (`source`) → classify each statement's locks
//! (`dialect::postgres::locks`) with what the file did so far (`state`) → run every rule of
//! `analyze::rules::RULES` → [`Finding`]s, downgraded to notes on tables known to be small →
//! printed by [`output`]. Nothing here decides what is safe: that is the rules' data.

pub mod mysql;
pub mod mysql_rules;
pub mod output;
mod source;
mod state;

use crate::analyze::rules::{Level, Stmt, RULES};
use crate::dialect::postgres::locks::classify;
use crate::schema::sizes::RowCounts;
use crate::schema::Schema;
use serde::Serialize;
use state::FileState;
use std::path::{Path, PathBuf};

/// How to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Target `server_version_num` (e.g. 150000).
    pub pg_version: u32,
    /// Files without BEGIN run inside one transaction (the migration tool wraps them).
    pub assume_transaction: bool,
    /// Tables with fewer rows than this make lock and rewrite findings notes.
    pub small_table_rows: u64,
    /// `--rows` counts.
    pub rows: RowCounts,
    /// The schema before the migrations (types, indexes, checks and, from a live database, sizes).
    pub schema: Option<Schema>,
    /// Which engine's rules the files get.
    pub dialect: CheckDialect,
}

/// The engine `check` reads the files as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckDialect {
    Postgres,
    /// MySQL or MariaDB, at this version (`dialect::mysql::online`'s model).
    Mysql(crate::dialect::mysql::Version),
    /// Per file: MySQL (at this version) when it reads as MySQL (backquotes, `ENGINE=`,
    /// `AUTO_INCREMENT`…), else PostgreSQL.
    Infer(crate::dialect::mysql::Version),
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            pg_version: 150000,
            assume_transaction: false,
            small_table_rows: 10_000,
            rows: RowCounts::default(),
            schema: None,
            dialect: CheckDialect::Postgres,
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    pub file: String,
    pub line: usize,
    pub message: String,
    /// The safe alternative.
    pub help: String,
    /// Why the level was lowered (a small table), if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The id of the finding for a file PostgreSQL's parser refuses.
pub const SYNTAX_ERROR: &str = "syntax-error";

/// Errors that stop the check (findings are not errors).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("`{0}` does not exist; pass migration files or directories of *.sql files")]
    NotFound(PathBuf),
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no *.sql files under `{0}`")]
    NoSqlFiles(PathBuf),
}

/// Every `*.sql` file named or under a named directory (recursively), sorted within each directory.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CheckError> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CheckError> {
        let read = |e| CheckError::Read {
            path: dir.to_path_buf(),
            source: e,
        };
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(read)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(read)?;
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out)?;
            } else if path.extension().is_some_and(|e| e == "sql") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = vec![];
    for path in paths {
        if path.is_dir() {
            let before = out.len();
            walk(path, &mut out)?;
            if out.len() == before {
                return Err(CheckError::NoSqlFiles(path.clone()));
            }
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(CheckError::NotFound(path.clone()));
        }
    }
    Ok(out)
}

/// Check files and directories; findings in file order.
pub fn check_paths(
    paths: &[PathBuf],
    opts: &CheckOptions,
) -> Result<(usize, Vec<Finding>), CheckError> {
    let files = collect_files(paths)?;
    let mut findings = vec![];
    for file in &files {
        let sql = std::fs::read_to_string(file).map_err(|e| CheckError::Read {
            path: file.clone(),
            source: e,
        })?;
        findings.extend(check_sql(&sql, &file.display().to_string(), opts));
    }
    Ok((files.len(), findings))
}

/// Check the text of one migration file with the rules of its engine.
pub fn check_sql(sql: &str, file: &str, opts: &CheckOptions) -> Vec<Finding> {
    match opts.dialect {
        CheckDialect::Mysql(v) => mysql::check_sql(sql, file, opts, v),
        CheckDialect::Infer(v) if mysql::looks_like_mysql(sql) => {
            mysql::check_sql(sql, file, opts, v)
        }
        _ => check_postgres(sql, file, opts),
    }
}

/// Check the text of one PostgreSQL migration file.
pub fn check_postgres(sql: &str, file: &str, opts: &CheckOptions) -> Vec<Finding> {
    let parsed = match source::parse(sql) {
        Ok(p) => p,
        Err(e) => {
            return vec![Finding {
                rule: SYNTAX_ERROR,
                level: Level::Error,
                file: file.to_string(),
                line: e.line,
                message: format!("PostgreSQL cannot parse this statement: {}", e.message),
                help: "Fix the SQL (psql meta-commands such as \\set are not SQL).".into(),
                note: None,
            }]
        }
    };
    let nodes: Vec<_> = parsed.statements.iter().map(|s| s.node.clone()).collect();
    let wrapped = opts.assume_transaction && !FileState::explicit_transactions(&nodes);
    let mut state = FileState::new(opts.schema.as_ref(), wrapped);
    let mut findings = vec![];
    for st in &parsed.statements {
        let effect = classify(&st.node, opts.pg_version, &state);
        let holding = state
            .holding_access_exclusive
            .as_ref()
            .map(|(t, l)| (t.as_str(), *l));
        let ctx = Stmt {
            node: &st.node,
            effect: &effect,
            pg_version: opts.pg_version,
            in_transaction: state.in_transaction,
            lock_timeout_set: state.lock_timeout_set(),
            holding_access_exclusive: holding,
            new_tables: &state.new_tables,
        };
        for rule in RULES {
            let silenced = |ids: &[String]| ids.iter().any(|i| i == rule.id || i == "*");
            if silenced(&st.ignores) || silenced(&parsed.file_ignores) {
                continue;
            }
            for hit in (rule.check)(&ctx) {
                let mut level = hit.level.unwrap_or(rule.level);
                let mut note = None;
                if let (true, Some(table)) = (rule.size_sensitive, hit.table.as_deref()) {
                    if let Some(rows) = rows_of(table, opts) {
                        if rows < opts.small_table_rows {
                            level = Level::Note;
                            note = Some(format!(
                                "`{table}` has {rows} rows (fewer than --small-table-rows {}): the lock is brief",
                                opts.small_table_rows
                            ));
                        }
                    }
                }
                findings.push(Finding {
                    rule: rule.id,
                    level,
                    file: file.to_string(),
                    line: st.line,
                    message: hit.message,
                    help: rule
                        .alternative
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    note,
                });
            }
        }
        state.apply(&st.node, &effect, st.line);
    }
    findings
}

/// Known row count of a table: `--rows` first, then the schema's statistics.
fn rows_of(table: &str, opts: &CheckOptions) -> Option<u64> {
    opts.rows
        .for_table(table)
        .or_else(|| opts.schema.as_ref()?.table(table)?.rows())
}

/// `--pg-version` → `server_version_num`: a major (`12`…`17`), `major.minor`, or a full number.
pub fn parse_pg_version(text: &str) -> Result<u32, String> {
    let bad = || format!("`{text}` is not a PostgreSQL version (expected e.g. 12, 15.4 or 150004)");
    let mut parts = text.trim().split('.');
    let major: u32 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
    let minor: u32 = match parts.next() {
        Some(m) => m.parse().map_err(|_| bad())?,
        None => 0,
    };
    match major {
        9..=99 => Ok(major * 10000 + minor),
        90000..=999999 => Ok(major),
        _ => Err(bad()),
    }
}
