//! Dependency warnings for drops, on the real PostgreSQL: a schema with a view, a trigger, a
//! generated column, policies and a function that use a table; the live reader and the
//! pg_dump loader record the same dependencies; `generate` refuses a drop PostgreSQL would
//! refuse (naming what depends on it) from either source, names everything before anything
//! runs, and with `--cascade` writes a migration that really runs on the server.
//!
//! Needs PostgreSQL on 127.0.0.1:5432 and `pg_dump`/`psql` on PATH; under `CI` a missing
//! server fails the test (see `tests/common`).

mod common;

use common::TestDb;
use migsmith::schema::live::postgres::{load, Options};
use migsmith::schema::sql::load_str;
use migsmith::schema::{Dependency, DependentKind, Schema};
use std::path::Path;
use std::process::{Command, Output};

const SCHEMA: &str = include_str!("fixtures/dependents.sql");

const ALL: Options = Options {
    schema_name: None,
    exact_counts: false,
};

fn dep(
    kind: DependentKind,
    name: &str,
    on: Option<&str>,
    table: &str,
    cols: &[&str],
) -> Dependency {
    Dependency {
        kind,
        name: name.into(),
        table: table.into(),
        columns: cols.iter().map(|c| c.to_string()).collect(),
        on: on.map(str::to_string),
        function: None,
    }
}

fn pg_dump_text(db: &TestDb) -> String {
    let out = Command::new("pg_dump")
        .args(["--schema-only", "--no-owner", "-d", &db.url])
        .output()
        .expect("run pg_dump");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn migsmith(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(args)
        .args(["--framework", "sql"])
        .env("MIGSMITH_NOW", "2026-12-03T12:00:00Z")
        .output()
        .expect("run migsmith")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn up_file(dir: &Path) -> std::path::PathBuf {
    let mut ups: Vec<_> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
        .collect();
    assert_eq!(ups.len(), 1, "{ups:?}");
    ups.pop().unwrap()
}

fn expected() -> Vec<Dependency> {
    use DependentKind::*;
    vec![
        dep(
            View,
            "active_users",
            None,
            "users",
            &["email", "id", "tenant"],
        ),
        Dependency {
            function: Some("audit".into()),
            ..dep(
                Trigger,
                "users_audit",
                Some("users"),
                "users",
                &["email", "note"],
            )
        },
        dep(Policy, "posts_owner", Some("posts"), "posts", &["user_id"]),
        dep(
            Policy,
            "posts_owner",
            Some("posts"),
            "users",
            &["email", "id"],
        ),
        dep(Policy, "tenant_only", Some("users"), "users", &["tenant"]),
        dep(
            GeneratedColumn,
            "full_name",
            Some("users"),
            "users",
            &["name"],
        ),
        dep(Function, "audit", None, "posts", &["id", "title"]),
        dep(Function, "audit", None, "users", &["id", "note"]),
    ]
}

#[test]
fn live_reader_and_pg_dump_loader_record_the_same_dependencies() {
    let Some(db) = TestDb::create("deps_live") else {
        return;
    };
    db.psql(SCHEMA).unwrap_or_else(|e| panic!("{e}"));
    let live: Schema = load(&db.url, ALL).unwrap_or_else(|e| panic!("{e}"));
    let dump = load_str(&pg_dump_text(&db), "pg_dump").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(live.dependencies, expected(), "live");
    assert_eq!(dump.dependencies, expected(), "pg_dump");
}

/// Every refused drop, from the live database and from its dump: exit 2, naming each
/// certain dependent and never writing a file.
#[test]
fn drops_postgresql_would_refuse_are_refused_naming_the_dependents() {
    let Some(db) = TestDb::create("deps_refuse") else {
        return;
    };
    db.psql(SCHEMA).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.sql"), pg_dump_text(&db)).unwrap();
    let cases: [(&str, &[&str]); 4] = [
        (
            "drop column tenant from users",
            &["view `active_users`", "policy `tenant_only` on `users`"],
        ),
        (
            "drop column note from users",
            &["trigger `users_audit` on `users` (executes `audit`)"],
        ),
        (
            "drop column name from users",
            &["generated column `users.full_name`"],
        ),
        (
            "drop table users",
            &["view `active_users`", "policy `posts_owner` on `posts`"],
        ),
    ];
    for source in [
        ["--database-url", db.url.as_str()],
        ["--schema", "schema.sql"],
    ] {
        for (description, named) in cases {
            let out = migsmith(
                dir.path(),
                &[&["generate", description][..], &source[..]].concat(),
            );
            let err = text(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{description} ({source:?}): {err}"
            );
            for n in named {
                assert!(
                    err.contains(n),
                    "{description} ({source:?}): {n} not in {err}"
                );
            }
            assert!(err.contains("--cascade"), "{err}");
            assert!(!dir.path().join("migrations").exists());
        }
    }
    // The server agrees: each of these drops fails there too.
    for sql in [
        "ALTER TABLE users DROP COLUMN tenant",
        "ALTER TABLE users DROP COLUMN note",
        "ALTER TABLE users DROP COLUMN name",
        "DROP TABLE users",
    ] {
        let e = db.psql(sql).unwrap_err();
        assert!(e.contains("other objects depend on it"), "{sql}: {e}");
    }
}

/// With `--cascade` the report names every dependent before anything runs and the generated
/// migration runs on the server; a function that only may use a column is named, not refused.
#[test]
fn cascade_migrations_name_the_dependents_and_run_on_the_server() {
    let Some(db) = TestDb::create("deps_cascade") else {
        return;
    };
    db.psql(SCHEMA).unwrap_or_else(|e| panic!("{e}"));

    // A column only a function body mentions: not refused, but named ("may").
    let dir = tempfile::tempdir().unwrap();
    let out = migsmith(
        dir.path(),
        &[
            "generate",
            "drop column title from posts",
            "--database-url",
            &db.url,
        ],
    );
    let report = text(&out.stdout);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        text(&out.stderr)
    );
    assert!(
        report.contains("function `audit` may use `posts.title`"),
        "{report}"
    );
    assert!(
        report.contains(
            "- **drop-dependents**: Objects use `posts.title`: function `audit` may use it"
        ),
        "{report}"
    );
    db.psql_file(&up_file(dir.path()))
        .unwrap_or_else(|e| panic!("{e}"));

    // A column a view and a policy use: dropped with them by CASCADE, JSON names them.
    let dir = tempfile::tempdir().unwrap();
    let out = migsmith(
        dir.path(),
        &[
            "generate",
            "drop column tenant from users",
            "--database-url",
            &db.url,
            "--cascade",
            "--format",
            "json",
        ],
    );
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        text(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let op = &json["operations"][0];
    assert_eq!(op["cascade"], true);
    let names: Vec<&str> = op["dependents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["active_users", "tenant_only"]);
    let decisions = json["decisions"].to_string();
    assert!(
        decisions.contains("view `active_users` uses `users.tenant`: dropped with it by CASCADE")
    );
    let up = up_file(dir.path());
    assert!(std::fs::read_to_string(&up)
        .unwrap()
        .contains("DROP COLUMN tenant CASCADE"));
    db.psql_file(&up).unwrap_or_else(|e| panic!("{e}"));
    assert!(db.query_bool(
        "SELECT NOT EXISTS (SELECT 1 FROM pg_views WHERE viewname = 'active_users') AS ok"
    ));

    // The whole table: its trigger goes with it, posts' policy by CASCADE.
    let dir = tempfile::tempdir().unwrap();
    let out = migsmith(
        dir.path(),
        &[
            "generate",
            "drop table users",
            "--database-url",
            &db.url,
            "--cascade",
        ],
    );
    let report = text(&out.stdout);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        text(&out.stderr)
    );
    for named in [
        "- **drop-dependents**: Objects use `users`: trigger `users_audit` on `users` (executes `audit`), generated column `users.full_name` go with it; policy `posts_owner` on `posts` are dropped by CASCADE",
        "trigger `users_audit` on `users` (executes `audit`) uses `users` and is dropped with it",
        "generated column `users.full_name` uses `users` and is dropped with it",
        "policy `posts_owner` on `posts` uses `users`: dropped with it by CASCADE",
    ] {
        assert!(report.contains(named), "{named} not in {report}");
    }
    db.psql_file(&up_file(dir.path()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(db.query_bool(
        "SELECT NOT EXISTS (SELECT 1 FROM pg_policy WHERE polname = 'posts_owner') AS ok"
    ));
}
