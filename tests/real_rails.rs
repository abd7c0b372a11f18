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

type Built = (Schema, TestDb, Vec<String>);

/// Load a schema.rb, build its DDL on a scratch database, and compare: the file's model, the
/// database and the differences; Err when the DDL does not run; None without a server.
fn build_and_compare(text: &str, origin: &str, tag: &str) -> Option<Result<Built, String>> {
    let file = rails_schema::load(text, origin).unwrap_or_else(|e| panic!("{e}"));
    let db = TestDb::create(tag)?;
    if let Err(e) = db.psql(&rails_schema::to_sql(text)) {
        return Some(Err(e));
    }
    let options = live::postgres::Options {
        schema_name: None,
        exact_counts: false,
    };
    let live = live::postgres::load(&db.url, options).unwrap();
    let diffs = differences(&file, &live);
    Some(Ok((file, db, diffs)))
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
        let Some(built) = build_and_compare(&text, &path.display().to_string(), &name) else {
            return;
        };
        let (file, _db, diffs) = match built {
            Ok(b) => b,
            Err(e) => {
                let first = e.lines().find(|l| l.contains("ERROR")).unwrap_or(&e);
                println!("{name}: the DDL does not run on PostgreSQL: {first}");
                continue;
            }
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

/// The `*.up.sql` files migsmith wrote into `dir/migrations`, in order.
fn ups(dir: &Path) -> Vec<PathBuf> {
    let mut ups: Vec<PathBuf> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
        .collect();
    ups.sort();
    ups
}

/// Generate `description` from `schema` (a file migsmith reads) as plain SQL migrations and
/// run them on `db`: the model read from the file fits the database built from it.
fn generate_and_apply(schema: &Path, description: &str, db: &TestDb) {
    let project = tempfile::tempdir().unwrap();
    let schema = schema.to_str().unwrap();
    let out = migsmith(
        project.path(),
        &[
            "generate",
            description,
            "--framework",
            "sql",
            "--schema",
            schema,
        ],
    );
    assert!(
        out.status.success(),
        "{description}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = ups(project.path());
    assert!(!files.is_empty());
    for up in files {
        db.psql_file(&up)
            .unwrap_or_else(|e| panic!("{description}: {e}"));
    }
}

#[test]
fn trimmed_real_schema_rb_files_build_the_same_schema_on_postgresql() {
    for (file, tag, description, check) in [
        (
            "rubygems_org_schema.rb",
            "rubygems",
            "add column probe text to organizations and add index on organizations (created_at)",
            "SELECT count(*) = 1 AS ok FROM pg_indexes WHERE indexname = 'organizations_created_at_idx'",
        ),
        (
            "publishing_api_schema.rb",
            "publishing_api",
            "add column probe text to editions",
            "SELECT count(*) = 1 AS ok FROM information_schema.columns WHERE table_name = 'editions' AND column_name = 'probe'",
        ),
    ] {
        let path = fixtures().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let Some(built) = build_and_compare(&text, file, tag) else {
            return;
        };
        let (model, db, diffs) = built.unwrap_or_else(|e| panic!("{file}: the DDL does not run: {e}"));
        assert!(diffs.is_empty(), "{file}: file and catalog differ:\n{}", diffs.join("\n"));
        assert!(model.tables.len() >= 6, "{file}: {:?}", model.tables.keys());
        generate_and_apply(&path, description, &db);
        assert!(db.query_bool(check), "{file}: {check}");
    }
}

/// The issue's own failure: rubygems.org's expression index `lower((handle)::text)`.
#[test]
fn rubygems_expression_and_covering_indexes_are_read() {
    let path = fixtures().join("rubygems_org_schema.rb");
    let s = rails_schema::load(&std::fs::read_to_string(&path).unwrap(), "schema.rb").unwrap();
    let org = &s.tables["organizations"];
    let lower = org.index("index_organizations_on_lower_handle").unwrap();
    assert!(lower.unique);
    assert_eq!(
        serde_json::to_value(&lower.columns).unwrap(),
        serde_json::json!([{"expression": "lower(handle::text)"}])
    );
    let v = s.tables["versions"]
        .index("index_versions_on_rubygem_id_and_position_and_created_at")
        .unwrap();
    assert_eq!(v.include, ["full_name", "number", "platform"]);
    assert_eq!(v.predicate.as_deref(), Some("indexed = true"));
    assert!(s.tables["api_keys"].check_constraints.len() >= 3);
}

/// A Rails project whose `config/application.rb` sets `schema_format = :sql` is read from
/// its real `db/structure.sql` (feedbin): detected, loaded, equal to the catalog that file
/// builds, and a generated migration applies to that database.
#[test]
fn real_structure_sql_project_is_detected_loaded_and_matches_the_catalog() {
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    for d in ["db/migrate", "config"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::write(
        root.join("Gemfile"),
        "source \"https://rubygems.org\"\ngem \"rails\"\ngem \"pg\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("config/application.rb"),
        "module App\n  class Application < Rails::Application\n    config.active_record.schema_format = :sql\n  end\nend\n",
    )
    .unwrap();
    let structure = root.join("db/structure.sql");
    std::fs::copy(fixtures().join("feedbin_structure.sql"), &structure).unwrap();
    let out = migsmith(root, &["detect"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("framework: rails"), "{text}");
    let out = migsmith(root, &["schema", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tables = v["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 10, "{v}");
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("ignored 1 INSERT INTO schema_migrations"),
        "{notes}"
    );
    let out = migsmith(
        root,
        &["generate", "add column probe text to feeds", "--dry-run"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let file = migsmith::schema::project::replay(
        migsmith::schema::project::Replay::Rails,
        root,
        Path::new("db/migrate"),
        "rails",
    )
    .unwrap()
    .0;
    let Some(db) = TestDb::create("feedbin") else {
        return;
    };
    db.psql_file(&structure).unwrap_or_else(|e| panic!("{e}"));
    let options = live::postgres::Options {
        schema_name: None,
        exact_counts: false,
    };
    let live = live::postgres::load(&db.url, options).unwrap();
    let diffs = differences(&file, &live);
    assert!(
        diffs.is_empty(),
        "structure.sql and catalog differ:\n{}",
        diffs.join("\n")
    );
    generate_and_apply(&structure, "add column probe text to feeds", &db);
}

/// rubygems.org's trimmed `schema.rb` as a Rails project, its database named through ERB in
/// `config/database.yml`: detect, schema and generate all work from the project's files.
#[test]
fn real_schema_rb_project_is_detected_read_and_generates() {
    let project = tempfile::tempdir().unwrap();
    let root = project.path();
    for d in ["db/migrate", "config"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::write(root.join("Gemfile"), "gem \"rails\"\n").unwrap();
    std::fs::write(
        root.join("config/database.yml"),
        "default: &default\n  adapter: <%= ENV.fetch(\"DB_ADAPTER\", \"postgresql\") %>\n  url: <%= ENV[\"DATABASE_URL\"] %>\n",
    )
    .unwrap();
    std::fs::copy(
        fixtures().join("rubygems_org_schema.rb"),
        root.join("db/schema.rb"),
    )
    .unwrap();
    std::fs::write(root.join("db/queue_schema.rb"), "").unwrap();
    let out = migsmith(root, &["detect"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("framework: rails"), "{text}");
    assert!(
        text.contains("database: PostgreSQL (from config/database.yml)"),
        "{text}"
    );
    let out = migsmith(root, &["schema"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("unique index index_organizations_on_lower_handle"),
        "{text}"
    );
    assert!(text.contains("another database (queue)"), "{text}");
    let out = migsmith(
        root,
        &[
            "generate",
            "add column probe text to organizations",
            "--dry-run",
        ],
    );
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        report.contains("add_column :organizations, :probe, :text"),
        "{report}"
    );
}
