//! `migsmith config`'s output: every setting with its value and where it came from, as an
//! aligned table for people and as JSON for tools. Database URLs are shown password-free.

use super::settings::{Origin, Setting, Settings};
use super::values::{duration_text, rows_text, strategy_text};
use crate::schema::live::redact_url;
use serde_json::{json, Value};
use std::path::Path;

/// One row: key, value (JSON; `null` when unset), what unset means, and origin.
struct Row<'a> {
    key: &'static str,
    value: Value,
    unset: &'static str,
    origin: &'a Origin,
}

fn row<'a, T>(
    key: &'static str,
    s: &'a Setting<T>,
    unset: &'static str,
    f: impl Fn(&T) -> Value,
) -> Row<'a> {
    Row {
        key,
        value: f(&s.value),
        unset,
        origin: &s.origin,
    }
}

fn path(p: &Option<std::path::PathBuf>) -> Value {
    p.as_deref()
        .map(|p| json!(p.display().to_string()))
        .unwrap_or(Value::Null)
}

fn rows(s: &Settings) -> Vec<Row<'_>> {
    vec![
        row("project_dir", &s.project_dir, "", |p| {
            json!(p.display().to_string())
        }),
        row(
            "framework",
            &s.framework,
            "detected from the project",
            |f| f.as_ref().map(|f| json!(f)).unwrap_or(Value::Null),
        ),
        row("dialect", &s.dialect, "", |d| json!(d.name())),
        row(
            "migrations_dir",
            &s.migrations_dir,
            "the framework's own",
            path,
        ),
        row("schema", &s.schema, "none: replay the migrations", path),
        row("database_url", &s.database_url, "none", |u| {
            u.as_deref()
                .map(|u| json!(redact_url(u)))
                .unwrap_or(Value::Null)
        }),
        row("lock_timeout", &s.lock_timeout_ms, "", |ms| {
            json!(duration_text(*ms))
        }),
        row("statement_timeout", &s.statement_timeout_ms, "", |ms| {
            json!(duration_text(*ms))
        }),
        row("batch_size", &s.batch_size, "", |n| json!(n)),
        row("small_table_rows", &s.small_table_rows, "", |n| json!(n)),
        row("strategy", &s.strategy, "", |st| json!(strategy_text(*st))),
        row("rows", &s.rows, "", |r| json!(rows_text(r))),
        row(
            "costs",
            &s.costs,
            "calibrate's saved table, else built-in",
            path,
        ),
        row(
            "pg_version",
            &s.pg_version,
            "the live server's, else 15",
            |v| v.map(|n| json!(version_text(n))).unwrap_or(Value::Null),
        ),
        row("assume_transaction", &s.assume_transaction, "", |b| {
            json!(b)
        }),
    ]
}

/// `150000` → `15`, `150004` → `15.4`.
fn version_text(num: u32) -> String {
    match num % 10000 {
        0 => format!("{}", num / 10000),
        minor => format!("{}.{minor}", num / 10000),
    }
}

fn value_text(v: &Value, unset: &str) -> String {
    match v {
        Value::Null => format!("({unset})"),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "(none)".into(),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn file_line(file: Option<&Path>) -> String {
    match file {
        Some(f) => format!("config file: {}\n", f.display()),
        None => format!(
            "config file: none (no {} here or in a parent directory, or --no-config)\n",
            super::FILE_NAME
        ),
    }
}

/// The aligned table; `paint_origin` styles the origin column (colour on a terminal).
pub fn text(settings: &Settings, paint_origin: &dyn Fn(&str) -> String) -> String {
    let rows = rows(settings);
    let cells: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.key.to_string(),
                value_text(&r.value, r.unset),
                r.origin.to_string(),
            )
        })
        .collect();
    let kw = cells.iter().map(|c| c.0.len()).max().unwrap_or(0);
    let vw = cells.iter().map(|c| c.1.chars().count()).max().unwrap_or(0);
    let mut out = file_line(settings.file.as_deref());
    for (k, v, o) in cells {
        let pad = vw - v.chars().count();
        out.push_str(&format!(
            "{k:kw$}  {v}{}  {}\n",
            " ".repeat(pad),
            paint_origin(&o)
        ));
    }
    out
}

fn origin_json(o: &Origin) -> Value {
    match o {
        Origin::Default => json!({"source": "default"}),
        Origin::File { path, line } => {
            json!({"source": "file", "file": path.display().to_string(), "line": line})
        }
        Origin::FileDir(path) => {
            json!({"source": "file", "file": path.display().to_string()})
        }
        Origin::Flag(flag) => json!({"source": "flag", "flag": flag}),
        Origin::Env(var) => json!({"source": "environment", "variable": var}),
    }
}

/// `{"config_file": …, "settings": {"framework": {"value": …, "source": …, …}, …}}`.
pub fn json(settings: &Settings) -> Value {
    let mut map = serde_json::Map::new();
    for r in rows(settings) {
        let mut entry = origin_json(r.origin);
        entry["value"] = r.value;
        map.insert(r.key.to_string(), entry);
    }
    json!({
        "config_file": settings.file.as_ref().map(|f| f.display().to_string()),
        "settings": Value::Object(map),
    })
}
