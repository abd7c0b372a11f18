//! `migsmith detect` and detection in `generate`, through the binary, on the fixture projects
//! under `tests/fixtures/frameworks/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/frameworks")
        .join(name)
}

fn migsmith(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(args)
        .env_remove("MIGSMITH_NOW")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn detect_prints_the_framework_the_reason_the_directory_and_the_database() {
    let dir = fixture("monorepo");
    let out = migsmith(&["detect", "--project-dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("framework: flyway — detected from services/api/flyway.conf"),
        "{t}"
    );
    assert!(t.contains("migrations: services/api/db/migration"), "{t}");
    assert!(t.contains("database: PostgreSQL"), "{t}");
}

#[test]
fn detect_names_a_mysql_project_and_generate_plans_for_it() {
    let dir = fixture("rails_mysql");
    let dir = dir.to_str().unwrap();
    let out = migsmith(&["detect", "--project-dir", dir]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("database: MySQL (from config/database.yml)"));
    let out = migsmith(&[
        "generate",
        "add x to users",
        "--project-dir",
        dir,
        "--dry-run",
    ]);
    // MySQL is generated now: the run gets past the engine and stops at the empty schema.
    assert_eq!(out.status.code(), Some(2));
    assert!(!text(&out).contains("PostgreSQL only"), "{}", text(&out));
    assert!(text(&out).contains("the schema is empty"), "{}", text(&out));
}

#[test]
fn two_frameworks_fail_until_one_is_chosen() {
    let dir = fixture("two");
    let dir = dir.to_str().unwrap();
    let out = migsmith(&["detect", "--project-dir", dir]);
    assert_eq!(out.status.code(), Some(2));
    let t = text(&out);
    assert!(t.contains("prisma") && t.contains("dbmate"), "{t}");
    let out = migsmith(&["detect", "--project-dir", dir, "--framework", "dbmate"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("migrations: services/b/db/migrations"));
    let out = migsmith(&["detect", "--project-dir", dir, "--framework", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("unknown framework `nope`"),
        "{}",
        text(&out)
    );
}

#[test]
fn generate_writes_into_the_detected_frameworks_directory_from_its_replayed_schema() {
    let project = tempfile::tempdir().unwrap();
    let src = fixture("dbmate");
    let migrations = project.path().join("db/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    for e in std::fs::read_dir(src.join("db/migrations")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), migrations.join(e.file_name())).unwrap();
    }
    let dir = project.path().to_str().unwrap();
    let out = migsmith(&[
        "generate",
        "add phone to users",
        "--project-dir",
        dir,
        "--now",
        "20261122120000",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("**Framework**: dbmate (detected from db/migrations/"),
        "{t}"
    );
    assert!(
        t.contains("2 migration(s) replayed from `db/migrations`"),
        "{t}"
    );
    let written = migrations.join("20261122120000_add_phone_to_users.sql");
    let contents = std::fs::read_to_string(&written).unwrap();
    assert!(contents.starts_with("-- migrate:up\n"), "{contents}");
    assert!(
        contents.contains("ALTER TABLE users ADD COLUMN phone"),
        "{contents}"
    );
}
