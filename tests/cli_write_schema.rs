//! `migsmith generate --write-schema` as users run it: the report's "schema.prisma change"
//! section and JSON `schema_changes`, the in-place edit together with the migration files, and
//! the refusals (a framework without a schema file, `--dry-run`) that leave everything as it
//! was.

use std::path::Path;
use std::process::{Command, Output};

fn migsmith(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(args)
        .env("MIGSMITH_NOW", "2026-11-22T12:00:00Z")
        .output()
        .expect("run migsmith")
}

fn prisma_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("prisma")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma/prisma/schema.prisma"),
        dir.path().join("prisma/schema.prisma"),
    )
    .unwrap();
    dir
}

fn schema(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("prisma/schema.prisma")).unwrap()
}

const ADD: &str = "add column phone varchar(20) to users";

#[test]
fn report_shows_the_change_and_write_schema_applies_it() {
    let dir = prisma_project();
    let original = schema(dir.path());
    let dry = migsmith(dir.path(), &["generate", ADD, "--dry-run"]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let report = String::from_utf8_lossy(&dry.stdout);
    assert!(report.contains("## schema.prisma change"), "{report}");
    assert!(
        report.contains("+  phone       String?    @db.VarChar(20)"),
        "{report}"
    );
    assert!(report.contains("Not written: run again with `--write-schema`"));
    assert_eq!(schema(dir.path()), original);

    let out = migsmith(
        dir.path(),
        &["generate", ADD, "--write-schema", "--format", "json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let change = &json["schema_changes"][0];
    assert_eq!(change["path"], "prisma/schema.prisma");
    assert_eq!(change["written"], true);
    assert_eq!(schema(dir.path()), change["contents"].as_str().unwrap());
    assert!(
        schema(dir.path()).contains("// login name"),
        "comments kept"
    );
    assert!(dir
        .path()
        .join("prisma/migrations/20261122120000_add_column_phone_varchar_20_to_users/migration.sql")
        .exists());
}

#[test]
fn write_schema_refuses_a_framework_without_a_schema_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app.sql"),
        dir.path().join("schema.sql"),
    )
    .unwrap();
    let out = migsmith(
        dir.path(),
        &[
            "generate",
            ADD,
            "--schema",
            "schema.sql",
            "--framework",
            "sql",
            "--write-schema",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--write-schema") && err.contains("keeps none"),
        "{err}"
    );
    assert!(!dir.path().join("migrations").exists(), "nothing written");
}

/// (That a migration which cannot be written leaves schema.prisma alone is proven on the
/// library call, `render::schema_file` tests: migsmith never picks a taken version itself.)
#[test]
fn write_schema_and_dry_run_contradict() {
    let dir = prisma_project();
    let original = schema(dir.path());
    let out = migsmith(
        dir.path(),
        &["generate", ADD, "--write-schema", "--dry-run"],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--dry-run"));
    assert_eq!(schema(dir.path()), original);
    assert!(!dir.path().join("prisma/migrations").exists());
}
