//! The binary as users run it: exit codes, error messages (text and JSON), dry runs, never
//! overwriting files, and the `schema` command.

use std::path::Path;
use std::process::{Command, Output};

const NOW: &str = "2026-11-22T12:00:00Z";

fn migsmith(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(args)
        .env("MIGSMITH_NOW", NOW)
        .output()
        .expect("run migsmith")
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("db")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app.sql"),
        dir.path().join("db/schema.sql"),
    )
    .unwrap();
    dir
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn migration_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn generate_writes_the_file_pair_and_prints_the_report() {
    let p = project();
    let out = migsmith(
        p.path(),
        &[
            "generate",
            "add email_verified_at to users",
            "--schema",
            "db/schema.sql",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        migration_files(p.path()),
        [
            "20261122120000_add_email_verified_at_to_users.down.sql",
            "20261122120000_add_email_verified_at_to_users.up.sql"
        ]
    );
    let report = stdout(&out);
    assert!(report.starts_with("# Migration: Add email_verified_at to users"));
    assert!(report.contains("**Data Loss Potential**: None"));
    let up = std::fs::read_to_string(
        p.path()
            .join("migrations/20261122120000_add_email_verified_at_to_users.up.sql"),
    )
    .unwrap();
    assert!(up.contains("ALTER TABLE users ADD COLUMN email_verified_at timestamptz;"));
}

#[test]
fn alias_g_dry_run_writes_nothing_and_json_follows_the_contract() {
    let p = project();
    let out = migsmith(
        p.path(),
        &[
            "g",
            "add is_admin to users and add unique index on users.email",
            "--schema",
            "db/schema.sql",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(migration_files(p.path()).is_empty());
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["dialect"], "postgres");
    assert_eq!(v["framework"], "sql");
    assert_eq!(v["operations"][0]["op"], "add_column");
    assert_eq!(v["operations"][0]["column"]["name"], "is_admin");
    assert_eq!(v["operations"][0]["column"]["type"], "boolean");
    assert_eq!(v["operations"][0]["column"]["nullable"], false);
    assert_eq!(v["operations"][0]["column"]["default"], "false");
    assert_eq!(v["operations"][1]["op"], "add_index");
    assert_eq!(v["operations"][1]["unique"], true);
    assert_eq!(v["operations"][1]["columns"][0], "email");
    assert_eq!(v["phases"].as_array().unwrap().len(), 2);
    assert_eq!(v["phases"][1]["transactional"], false);
    let step = &v["phases"][1]["up"][0];
    assert_eq!(step["lock"], "SHARE UPDATE EXCLUSIVE");
    assert_eq!(step["transactional"], false);
    for key in ["rewrites_table", "scans_table", "estimated_seconds", "sql"] {
        assert!(step.get(key).is_some(), "step has {key}");
    }
    let a = &v["analysis"];
    for key in [
        "risk",
        "reversible",
        "data_loss",
        "downtime",
        "affected_rows",
        "estimated_seconds",
        "warnings",
    ] {
        assert!(a.get(key).is_some(), "analysis has {key}");
    }
    assert_eq!(v["files"].as_array().unwrap().len(), 4);
}

#[test]
fn never_overwrites_an_existing_migration() {
    let p = project();
    let args = [
        "generate",
        "add is_admin to users",
        "--schema",
        "db/schema.sql",
    ];
    assert!(migsmith(p.path(), &args).status.success());
    let up = p
        .path()
        .join("migrations/20261122120000_add_is_admin_to_users.up.sql");
    std::fs::write(&up, "-- my own edits\n").unwrap();
    // Same description, same clock: the version is bumped past the existing one, nothing is lost.
    let out = migsmith(p.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&up).unwrap(), "-- my own edits\n");
    assert!(p
        .path()
        .join("migrations/20261122120001_add_is_admin_to_users.up.sql")
        .exists());
}

#[test]
fn unknown_table_is_an_error_with_did_you_mean() {
    let p = project();
    let out = migsmith(
        p.path(),
        &[
            "generate",
            "add email_verified to usres",
            "--schema",
            "db/schema.sql",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    // (`user` is read as `users` now: only a name no singular/plural fits is unknown.)
    assert!(err.contains("table `usres` does not exist"), "{err}");
    assert!(err.contains("did you mean `users`"), "{err}");
    assert!(migration_files(p.path()).is_empty());
}

#[test]
fn an_empty_schema_says_how_to_provide_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = migsmith(dir.path(), &["generate", "add email_verified to users"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("the schema is empty"), "{err}");
    assert!(err.contains("--schema FILE"), "{err}");
}

#[test]
fn unknown_column_is_an_error_with_did_you_mean_in_json() {
    let p = project();
    let out = migsmith(
        p.path(),
        &[
            "generate",
            "remove emial from users",
            "--schema",
            "db/schema.sql",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["error"]["kind"], "unknown_column");
    assert_eq!(v["error"]["suggestions"][0], "email");
}

#[test]
fn unparseable_description_quotes_the_fragment_and_suggests_forms() {
    let p = project();
    let out = migsmith(
        p.path(),
        &[
            "generate",
            "frobnicate the users",
            "--schema",
            "db/schema.sql",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("frobnicate"), "{err}");
    assert!(err.contains("migsmith generate \""), "{err}");
}

#[test]
fn existing_column_and_no_op_are_errors() {
    let p = project();
    let out = migsmith(
        p.path(),
        &[
            "generate",
            "add email to users",
            "--schema",
            "db/schema.sql",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    let out = migsmith(
        p.path(),
        &[
            "generate",
            "make users.bio nullable",
            "--schema",
            "db/schema.sql",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nothing to do"), "{}", stderr(&out));
}

#[test]
fn broken_schema_file_is_a_clear_error() {
    let p = project();
    std::fs::write(
        p.path().join("db/broken.sql"),
        "CREATE TABLE t (\n  id int,\n  oops oops oops\n);\n",
    )
    .unwrap();
    let out = migsmith(
        p.path(),
        &["generate", "add x to t", "--schema", "db/broken.sql"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("db/broken.sql"), "{err}");
    let out = migsmith(
        p.path(),
        &["generate", "add x to t", "--schema", "db/missing.sql"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.sql"));
}

#[test]
fn hostile_identifiers_stay_inside_their_quotes() {
    let p = project();
    let out = migsmith(
        p.path(),
        &[
            "generate",
            r#"create table "x""; DROP TABLE users; --" with "a""b":text"#,
            "--schema",
            "db/schema.sql",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let sql = v["phases"][0]["up"][0]["sql"].as_str().unwrap();
    assert!(
        sql.starts_with(r#"CREATE TABLE "x""; DROP TABLE users; --" ("#),
        "{sql}"
    );
    // The statement parses as exactly one CREATE TABLE.
    let parsed = pg_query::parse(sql, 0).map(|r| r.protobuf.stmts.len());
    assert_eq!(parsed.ok(), Some(1));
}

#[test]
fn migrations_directory_is_replayed_when_no_schema_is_given() {
    let p = project();
    std::fs::create_dir_all(p.path().join("migrations")).unwrap();
    std::fs::write(
        p.path().join("migrations/20240101000000_init.up.sql"),
        "CREATE TABLE widgets (id bigserial PRIMARY KEY, name text);\n",
    )
    .unwrap();
    std::fs::write(
        p.path().join("migrations/20240101000000_init.down.sql"),
        "DROP TABLE widgets;\n",
    )
    .unwrap();
    let out = migsmith(p.path(), &["generate", "add color to widgets"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Numbered after the newest existing file, even though the clock is later anyway.
    assert!(migration_files(p.path())
        .contains(&"20261122120000_add_color_to_widgets.up.sql".to_string()));
    // Now the replayed schema includes the generated migration.
    let out = migsmith(p.path(), &["schema"]);
    assert!(stdout(&out).contains("color"), "{}", stdout(&out));
    let out = migsmith(p.path(), &["generate", "add color to widgets"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn report_file_is_saved_alongside_stdout() {
    let p = project();
    let out = migsmith(
        p.path(),
        &[
            "generate",
            "add is_admin to users",
            "--schema",
            "db/schema.sql",
            "--dry-run",
            "--format",
            "json",
            "--report",
            "review.md",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let saved = std::fs::read_to_string(p.path().join("review.md")).unwrap();
    assert!(saved.starts_with("# Migration: Add is_admin to users"));
    assert!(serde_json::from_str::<serde_json::Value>(&stdout(&out)).is_ok());
}

#[test]
fn schema_command_prints_text_and_json() {
    let p = project();
    let out = migsmith(p.path(), &["schema", "--schema", "db/schema.sql"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("table users"), "{text}");
    assert!(
        text.contains("enum post_status: draft, published"),
        "{text}"
    );
    let out = migsmith(
        p.path(),
        &["schema", "--schema", "db/schema.sql", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let users = v["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "users")
        .expect("users listed");
    assert!(users["columns"].is_array());
    assert_eq!(
        v["enums"][0]["values"],
        serde_json::json!(["draft", "published"])
    );
}

/// Regression: the repository's own test fixtures and e2e tooling (a package.json naming both
/// sequelize and typeorm) made detection in the repository root ambiguous, so the README's
/// quick-start command failed there.
#[test]
fn readme_quick_start_command_works_in_the_repository_root() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = migsmith(
        root,
        &[
            "generate",
            "add email_verified to members and add index on tasks(assignee_id)",
            "--schema",
            "examples/saas.sql",
            "--dry-run",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("CREATE INDEX CONCURRENTLY"));
    let detect = migsmith(root, &["detect"]);
    assert!(detect.status.success(), "{}", stderr(&detect));
    assert!(
        stdout(&detect).starts_with("framework: sql"),
        "{}",
        stdout(&detect)
    );
}
