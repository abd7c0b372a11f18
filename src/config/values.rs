//! Setting values as typed data, one optional field per key, and how each key's value is read
//! from TOML. The same [`Values`] holds what a file set and what the flags set; the layers are
//! merged in `settings`.

use super::dialect::{DialectChoice, DialectError};
use crate::plan::strategy::RenameStrategy;
use crate::schema::sizes::RowSpec;
use std::path::PathBuf;
use toml::Value;

/// One layer of settings; `None` is "not set here".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values {
    pub framework: Option<String>,
    pub dialect: Option<DialectChoice>,
    pub migrations_dir: Option<PathBuf>,
    pub schema: Option<PathBuf>,
    /// Flags and `DATABASE_URL` only: never read from a file.
    pub database_url: Option<String>,
    pub lock_timeout_ms: Option<u64>,
    pub statement_timeout_ms: Option<u64>,
    pub batch_size: Option<u64>,
    pub small_table_rows: Option<u64>,
    pub strategy: Option<RenameStrategy>,
    pub rows: Option<Vec<RowSpec>>,
    pub costs: Option<PathBuf>,
    /// `PG_VERSION_NUM` form (150004).
    pub pg_version: Option<u32>,
    pub assume_transaction: Option<bool>,
}

/// A value that does not fit its key, and why (the caller adds file, line and key).
pub(super) enum Problem {
    Bad(String),
    Dialect(DialectError),
}

impl From<String> for Problem {
    fn from(s: String) -> Self {
        Problem::Bad(s)
    }
}

/// Set the field of `key` from `value`. `key` is one of `keys::KEYS`.
pub(super) fn set(values: &mut Values, key: &str, value: &Value) -> Result<(), Problem> {
    match key {
        "framework" => values.framework = Some(framework(value)?),
        "dialect" => {
            let name = string(value)?;
            values.dialect = Some(DialectChoice::parse(&name).map_err(Problem::Dialect)?);
        }
        "migrations_dir" => values.migrations_dir = Some(path(value)?),
        "schema" => values.schema = Some(path(value)?),
        "costs" => values.costs = Some(path(value)?),
        "lock_timeout" => values.lock_timeout_ms = Some(duration(value)?),
        "statement_timeout" => values.statement_timeout_ms = Some(duration(value)?),
        "batch_size" => values.batch_size = Some(count(value)?.max(1)),
        "small_table_rows" => values.small_table_rows = Some(count(value)?),
        "strategy" => values.strategy = Some(parse_strategy(&string(value)?)?),
        "rows" => values.rows = Some(rows(value)?),
        "pg_version" => values.pg_version = Some(pg_version(value)?),
        "assume_transaction" => match value {
            Value::Boolean(b) => values.assume_transaction = Some(*b),
            other => return Err(format!("expected true or false, not {}", shown(other)).into()),
        },
        other => unreachable!("`{other}` is not in keys::KEYS"),
    }
    Ok(())
}

/// `5s`, `500ms`, `2min`, or plain seconds: the form `--lock-timeout` takes.
pub fn parse_duration_ms(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (number, unit) = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|i| t.split_at(i))
        .unwrap_or((t, "s"));
    let n: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 5s, 500ms)"))?;
    let factor = match unit.trim() {
        "ms" => 1.0,
        "s" => 1000.0,
        "min" => 60_000.0,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}` (use ms, s or min)"
            ))
        }
    };
    Ok((n * factor).round() as u64)
}

/// Milliseconds as `parse_duration_ms` reads them back: `5s`, `250ms`, `2min`.
pub fn duration_text(ms: u64) -> String {
    if ms >= 60_000 && ms.is_multiple_of(60_000) {
        format!("{}min", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// `plain` or `expand-contract`, as `--strategy` takes them.
pub fn parse_strategy(text: &str) -> Result<RenameStrategy, String> {
    match text.trim() {
        "plain" => Ok(RenameStrategy::Plain),
        "expand-contract" | "expand_contract" => Ok(RenameStrategy::ExpandContract),
        other => Err(format!(
            "unknown strategy `{other}`; use \"plain\" or \"expand-contract\""
        )),
    }
}

pub fn strategy_text(s: RenameStrategy) -> &'static str {
    match s {
        RenameStrategy::Plain => "plain",
        RenameStrategy::ExpandContract => "expand-contract",
    }
}

/// A `PG_VERSION_NUM` from `15`, `"15.4"` or `150004`, for a major version migsmith plans for.
pub fn parse_pg_version(text: &str) -> Result<u32, String> {
    let num = crate::check::parse_pg_version(text)?;
    crate::dialect::postgres::PgVersion::new(num / 10000).map_err(|e| e.to_string())?;
    Ok(num)
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the string \"{s}\""),
        Value::Integer(i) => format!("the number {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Boolean(b) => format!("{b}"),
        Value::Datetime(d) => format!("the date {d}"),
        Value::Array(_) => "a list".into(),
        Value::Table(_) => "a table".into(),
    }
}

fn string(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(format!("expected a string, not {}", shown(other))),
    }
}

fn path(value: &Value) -> Result<PathBuf, String> {
    let s = string(value)?;
    if s.trim().is_empty() {
        return Err("expected a path, not an empty string".into());
    }
    Ok(PathBuf::from(s))
}

fn count(value: &Value) -> Result<u64, String> {
    match value {
        Value::Integer(i) if *i >= 0 => Ok(*i as u64),
        Value::Integer(i) => Err(format!("expected a whole number of 0 or more, not {i}")),
        Value::String(s) => s
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|_| format!("expected a whole number (e.g. 10000), not \"{s}\"")),
        other => Err(format!("expected a whole number, not {}", shown(other))),
    }
}

fn duration(value: &Value) -> Result<u64, String> {
    match value {
        Value::String(s) => parse_duration_ms(s),
        Value::Integer(i) if *i >= 0 => Ok(*i as u64 * 1000),
        other => Err(format!(
            "expected a duration such as \"5s\" or \"500ms\", not {}",
            shown(other)
        )),
    }
}

fn framework(value: &Value) -> Result<String, String> {
    let name = string(value)?;
    let mut known = crate::render::registry::names();
    for f in crate::render::detect::FRAMEWORKS {
        if !known.contains(f) {
            known.push(f);
        }
    }
    if known.contains(&name.as_str()) {
        return Ok(name);
    }
    let hint = super::closest(&name, known.iter().copied())
        .map(|s| format!("did you mean \"{s}\"? "))
        .unwrap_or_default();
    Err(format!(
        "unknown framework \"{name}\"; {hint}known: {}",
        known.join(", ")
    ))
}

fn pg_version(value: &Value) -> Result<u32, String> {
    match value {
        Value::Integer(i) => parse_pg_version(&i.to_string()),
        Value::String(s) => parse_pg_version(s),
        Value::Float(f) => parse_pg_version(&f.to_string()),
        other => Err(format!(
            "expected a version such as 16, not {}",
            shown(other)
        )),
    }
}

/// `1000`, `"users=1000"`, `["users=1000", "50"]` or `{ users = 1000 }`.
fn rows(value: &Value) -> Result<Vec<RowSpec>, String> {
    let one = |v: &Value| -> Result<RowSpec, String> {
        match v {
            Value::Integer(i) if *i >= 0 => Ok(RowSpec::All(*i as u64)),
            Value::String(s) => s.parse(),
            other => Err(format!(
                "expected a row count or \"TABLE=N\", not {}",
                shown(other)
            )),
        }
    };
    match value {
        Value::Array(items) => items.iter().map(one).collect(),
        Value::Table(tables) => tables
            .iter()
            .map(|(table, n)| match n {
                Value::Integer(i) if *i >= 0 => Ok(RowSpec::Table(table.clone(), *i as u64)),
                other => Err(format!(
                    "rows.{table}: expected a row count, not {}",
                    shown(other)
                )),
            })
            .collect(),
        other => one(other).map(|r| vec![r]),
    }
}

/// `rows` as the file would spell it: `["users=1000", "50"]`.
pub fn rows_text(rows: &[RowSpec]) -> Vec<String> {
    rows.iter()
        .map(|r| match r {
            RowSpec::All(n) => n.to_string(),
            RowSpec::Table(t, n) => format!("{t}={n}"),
        })
        .collect()
}
