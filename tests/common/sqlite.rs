//! SQLite catalog comparison: the model migsmith's own loader reads from a database file
//! (columns, keys, indexes, foreign keys, CHECKs, views and triggers — see docs/sqlite.md), and
//! an equality that names the first difference by its path in the model.

use migsmith::schema::live::sqlite::{self as loader, Counts};
use migsmith::schema::Schema;
use rusqlite::Connection;
use std::path::Path;

/// The model of the database open on `conn`.
pub fn load(conn: &Connection) -> Schema {
    loader::load_connection(conn, Counts::None).expect("load the SQLite catalog")
}

/// The model of the database file at `path`, without the tables in `skip` (a framework's
/// bookkeeping) and the dependencies and notes that name them.
pub fn load_file_without(path: &Path, skip: &[&str]) -> Schema {
    let conn = Connection::open(path).expect("open the SQLite database");
    let mut schema = load(&conn);
    schema
        .tables
        .retain(|_, t| !skip.contains(&t.name.as_str()));
    schema
}

/// The first difference of two models, by its path in their JSON form
/// (`.tables[1].columns[2]…`); `None` when they are equal.
pub fn difference(a: &Schema, b: &Schema) -> Option<String> {
    fn walk(path: &str, a: &serde_json::Value, b: &serde_json::Value) -> Option<String> {
        use serde_json::Value::*;
        match (a, b) {
            (Object(x), Object(y)) => x.keys().chain(y.keys()).find_map(|k| {
                walk(
                    &format!("{path}.{k}"),
                    x.get(k).unwrap_or(&Null),
                    y.get(k).unwrap_or(&Null),
                )
            }),
            (Array(x), Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| walk(&format!("{path}[{i}]"), p, q)),
            _ if a == b => None,
            _ => Some(format!("{path}: {a} vs {b}")),
        }
    }
    if a == b {
        return None;
    }
    walk(
        "",
        &serde_json::to_value(a).unwrap(),
        &serde_json::to_value(b).unwrap(),
    )
    .or_else(|| Some("models differ (not in their JSON form)".into()))
}

/// Equal models, else a panic naming the first difference by path.
pub fn same(a: &Schema, b: &Schema, what: &str) {
    if let Some(d) = difference(a, b) {
        panic!("{what}: {d}");
    }
}
