//! Requests the schema already satisfies (issue 14 §3): an index that an existing index
//! covers is refused with that index named (unless `--allow-duplicate`), and uniqueness that
//! already holds is reported as already true with nothing generated for it.
//!
//! Plan-level cases run on schemas loaded from SQL; the end-to-end cases run the binary
//! against a real PostgreSQL database, read both live (`--database-url`) and from its
//! `pg_dump --schema-only`, and run the `--allow-duplicate` migration on the server.

mod common;

use common::TestDb;
use migsmith::intent;
use migsmith::plan::{self, PlanError, ResolveOptions};
use migsmith::schema::sql::load_str;
use std::process::{Command, Output};

const SCHEMA: &str = "
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  email text NOT NULL,
  org_id bigint,
  handle text,
  created_at timestamptz
);
CREATE UNIQUE INDEX users_email_idx ON users (email);
CREATE UNIQUE INDEX users_org_handle_idx ON users (org_id, handle);
CREATE INDEX users_created_at_idx ON users (created_at, handle);
CREATE INDEX users_handle_hash ON users USING hash (handle);
CREATE INDEX users_active_email ON users (lower(email)) WHERE handle IS NOT NULL;
";

fn resolve(description: &str, allow_duplicate: bool) -> Result<plan::resolve::Resolved, PlanError> {
    let schema = load_str(SCHEMA, "schema.sql").unwrap();
    let intents = intent::parse(description).unwrap();
    plan::resolve_with(
        &intents,
        &schema,
        ResolveOptions {
            allow_duplicate,
            ..ResolveOptions::default()
        },
    )
}

fn refused_by(description: &str) -> String {
    match resolve(description, false) {
        Err(PlanError::AlreadyExists {
            what: "index",
            name,
            hint,
        }) => {
            assert!(
                hint.as_deref().unwrap_or("").contains("--allow-duplicate"),
                "{hint:?}"
            );
            name
        }
        other => panic!("{description}: expected a refusal, got {other:?}"),
    }
}

fn planned(description: &str) -> Vec<String> {
    let r = resolve(description, false).unwrap_or_else(|e| panic!("{description}: {e}"));
    r.operations.iter().map(|o| o.summary()).collect()
}

#[test]
fn same_columns_in_the_same_order_are_covered_whatever_the_uniqueness() {
    assert_eq!(refused_by("add index on users (email)"), "users_email_idx");
    assert_eq!(
        refused_by("add index on users (org_id, handle)"),
        "users_org_handle_idx"
    );
    assert_eq!(
        refused_by("add index on users (created_at, handle)"),
        "users_created_at_idx"
    );
    // The primary key's index covers its column.
    assert_eq!(refused_by("add index on users (id)"), "users_pkey");
}

#[test]
fn a_prefix_of_a_unique_index_is_covered_but_not_of_a_plain_one() {
    assert_eq!(
        refused_by("add index on users (org_id)"),
        "users_org_handle_idx"
    );
    // `users_created_at_idx` (created_at, handle) is not unique: (created_at) is allowed.
    assert_eq!(planned("add index on users (created_at)").len(), 1);
}

#[test]
fn other_order_method_or_predicate_is_not_covered() {
    assert_eq!(planned("add index on users (handle, org_id)").len(), 1);
    // The hash index does not serve a btree request, and a btree covers no hash request.
    assert_eq!(planned("add index on users (handle)").len(), 1);
    assert_eq!(planned("add index on users (email) using hash").len(), 1);
    assert_eq!(
        refused_by("add index on users (handle) using hash"),
        "users_handle_hash"
    );
}

#[test]
fn allow_duplicate_creates_it_and_says_why() {
    let r = resolve("add index on users (email)", true).unwrap();
    assert_eq!(r.operations.len(), 1);
    assert!(
        r.decisions
            .iter()
            .any(|d| d.contains("users_email_idx") && d.contains("--allow-duplicate")),
        "{:?}",
        r.decisions
    );
}

#[test]
fn uniqueness_that_holds_is_already_true_and_generates_nothing() {
    let e = resolve("add unique index on users (email)", false).unwrap_err();
    assert_eq!(e.kind(), "no_op");
    assert!(
        e.to_string().contains("`users_email_idx` makes it so"),
        "{e}"
    );
    // Column order does not matter for uniqueness.
    let e = resolve("add unique constraint on users (handle, org_id)", false).unwrap_err();
    assert!(e.to_string().contains("users_org_handle_idx"), "{e}");
    // Together with a real change: that change is planned, the other reported.
    let r = resolve(
        "add unique index on users (email) and add nickname to users",
        false,
    )
    .unwrap();
    assert_eq!(r.operations.len(), 1);
    assert_eq!(r.already_true.len(), 1);
    assert_eq!(r.already_true[0].by, "users_email_idx");
    // A prefix of a unique index is not unique by itself.
    assert_eq!(planned("add unique index on users (org_id)").len(), 1);
}

#[test]
fn implied_indexes_of_references_are_skipped_when_covered() {
    let sql = format!("{SCHEMA}CREATE TABLE orgs (id bigserial PRIMARY KEY);");
    let schema = load_str(&sql, "schema.sql").unwrap();
    let intents = intent::parse("add foreign key on users (org_id) references orgs").unwrap();
    let r = plan::resolve(&intents, &schema).unwrap();
    let ops: Vec<String> = r.operations.iter().map(|o| o.summary()).collect();
    assert!(
        ops.iter().all(|o| !o.to_lowercase().contains("index")),
        "{ops:?}"
    );
}

// End to end, on the real server.

fn migsmith(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(args)
        .env("MIGSMITH_NOW", "2026-11-22T12:00:00Z")
        .env_remove("DATABASE_URL")
        .output()
        .expect("run migsmith")
}

fn dump(db: &TestDb, to: &std::path::Path) {
    let out = Command::new("pg_dump")
        .args(["--schema-only", "--no-owner", "-f"])
        .arg(to)
        .args(["-d", &db.url])
        .output()
        .expect("run pg_dump");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn refusal_and_already_true_from_a_live_database_and_its_dump() {
    let Some(db) = TestDb::create("covering") else {
        return;
    };
    db.psql(SCHEMA).unwrap_or_else(|e| panic!("{e}"));
    let project = tempfile::tempdir().unwrap();
    dump(&db, &project.path().join("schema.sql"));
    let sources: [&[&str]; 2] = [&["--database-url", &db.url], &["--schema", "schema.sql"]];
    for source in sources {
        let run = |description: &str, extra: &[&str]| {
            let mut args = vec!["generate", description, "--framework", "sql", "--dry-run"];
            args.extend_from_slice(source);
            args.extend_from_slice(extra);
            migsmith(project.path(), &args)
        };
        let out = run("add index on users (org_id)", &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{source:?}");
        assert!(
            err.contains("users_org_handle_idx") && err.contains("--allow-duplicate"),
            "{err}"
        );
        let out = run("add unique index on users (email)", &["--format", "json"]);
        assert!(!out.status.success());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["error"]["kind"], "no_op", "{v}");
        let out = run(
            "add unique index on users (email) and add nickname to users",
            &["--format", "json"],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["already_true"][0]["by"], "users_email_idx", "{v}");
        assert_eq!(v["operations"].as_array().unwrap().len(), 1, "{v}");
        let files = v["files"].to_string();
        assert!(!files.contains("UNIQUE INDEX"), "{files}");
    }
    // --allow-duplicate writes a migration that the server runs.
    let out = migsmith(
        project.path(),
        &[
            "generate",
            "add index on users (org_id)",
            "--framework",
            "sql",
            "--schema",
            "schema.sql",
            "--allow-duplicate",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut ups: Vec<_> = std::fs::read_dir(project.path().join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
        .collect();
    ups.sort();
    for up in ups {
        db.psql(&std::fs::read_to_string(up).unwrap())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut c = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'users' AND indexdef LIKE '%(org_id)'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
}
