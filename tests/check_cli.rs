//! `migsmith check` as users run it: exit codes, the three output formats, ignore comments,
//! table sizes, transactions, syntax errors, directories.

use std::path::Path;
use std::process::{Command, Output};

fn write(dir: &Path, name: &str, sql: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, sql).unwrap();
}

fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn error_findings_exit_1_with_file_line_and_help() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.sql",
        "SET lock_timeout = '5s';\n\nCREATE INDEX users_email_idx ON users (email);\n",
    );
    let out = check(dir.path(), &["m.sql"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("m.sql:3: error[create-index-non-concurrently]"),
        "{text}"
    );
    assert!(text.contains("help: `CREATE INDEX CONCURRENTLY`"), "{text}");
    assert!(text.contains("1 error(s), 0 warning(s)"), "{text}");
}

#[test]
fn warnings_alone_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.sql",
        "ALTER TABLE users ADD COLUMN bio text;\n",
    );
    let out = check(dir.path(), &["m.sql"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("warning[missing-lock-timeout]"));
}

#[test]
fn ignore_comments_silence_a_statement_or_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let sql = "SET lock_timeout = '5s';\n-- migsmith:ignore create-index-non-concurrently\nCREATE INDEX a_idx ON users (a);\nCREATE INDEX b_idx ON users (b);\n";
    write(dir.path(), "one.sql", sql);
    let out = check(dir.path(), &["one.sql", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<u64> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![4], "{json}");
    write(
        dir.path(),
        "all.sql",
        &format!("-- migsmith:ignore create-index-non-concurrently\n{sql}"),
    );
    let out = check(dir.path(), &["all.sql"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn small_tables_turn_lock_findings_into_notes_that_say_why() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.sql", "SET lock_timeout = '5s';\nCREATE INDEX a_idx ON users (a);\nCREATE INDEX b_idx ON orders (b);\n");
    let out = check(
        dir.path(),
        &[
            "m.sql",
            "--rows",
            "users=500",
            "--rows",
            "orders=2000000",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = json["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2, "{json}");
    assert_eq!(f[0]["level"], "note");
    assert!(
        f[0]["note"].as_str().unwrap().contains("500 rows"),
        "{json}"
    );
    assert_eq!(f[1]["level"], "error");
    // Below the threshold for both: nothing fails.
    let out = check(dir.path(), &["m.sql", "--rows", "1000"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn tables_created_in_the_same_file_are_not_flagged() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.sql",
        "CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);\nCREATE INDEX tags_name_idx ON tags (name);\nALTER TABLE tags ADD CONSTRAINT tags_name_check CHECK (name <> '');\nALTER TABLE tags ALTER COLUMN name SET NOT NULL;\n",
    );
    let out = check(dir.path(), &["m.sql"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("0 error(s), 0 warning(s)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn assume_transaction_makes_concurrent_index_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.sql",
        "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY a_idx ON users (a);\n",
    );
    assert_eq!(check(dir.path(), &["m.sql"]).status.code(), Some(0));
    let out = check(dir.path(), &["m.sql", "--assume-transaction"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error[concurrent-index-in-transaction]"));
}

#[test]
fn pg_version_decides_enum_values_and_defaults() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.sql",
        "BEGIN;\nALTER TYPE mood ADD VALUE 'calm';\nCOMMIT;\n",
    );
    assert_eq!(
        check(dir.path(), &["m.sql", "--pg-version", "12"])
            .status
            .code(),
        Some(0)
    );
    let out = check(dir.path(), &["m.sql", "--pg-version", "11"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("enum-value-in-transaction"));
    write(dir.path(), "d.sql", "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;\n");
    assert_eq!(
        check(dir.path(), &["d.sql", "--pg-version", "15"])
            .status
            .code(),
        Some(0)
    );
    let out = check(dir.path(), &["d.sql", "--pg-version", "10"]);
    assert!(
        stdout(&out).contains("error[volatile-default]"),
        "{}",
        stdout(&out)
    );
    let out = check(dir.path(), &["d.sql", "--pg-version", "nine"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn github_format_prints_workflow_annotations() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "db/m.sql", "VACUUM FULL users;\n");
    let out = check(dir.path(), &["db", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error file=db/m.sql,line=1,title=vacuum-full-or-cluster::")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("::warning file=db/m.sql,line=1,title=missing-lock-timeout::")),
        "{text}"
    );
}

#[test]
fn unparseable_file_is_an_error_at_its_line_and_others_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "migrations/001_ok.sql",
        "CREATE TABLE a (id bigint PRIMARY KEY);\n",
    );
    write(
        dir.path(),
        "migrations/nested/002_bad.sql",
        "SELECT 1;\n\nALTER TABLE users ADD COLUMN;\n",
    );
    write(dir.path(), "migrations/README.md", "not sql");
    let out = check(dir.path(), &["migrations"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("migrations/nested/002_bad.sql:3: error[syntax-error]"),
        "{text}"
    );
    assert!(text.contains("2 file(s) checked"), "{text}");
}

#[test]
fn missing_path_exits_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &["nope.sql"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nope.sql` does not exist"));
}

#[test]
fn schema_dump_gives_column_types() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "schema.sql",
        "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50), score integer);\n",
    );
    write(
        dir.path(),
        "widen.sql",
        "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN email TYPE varchar(100);\n",
    );
    write(
        dir.path(),
        "int.sql",
        "SET lock_timeout = '5s';\nALTER TABLE users ALTER COLUMN score TYPE bigint;\n",
    );
    // Without the schema the current type is unknown: a warning, not an error.
    let out = check(dir.path(), &["int.sql"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("warning[type-change-rewrites]"));
    let out = check(dir.path(), &["int.sql", "--schema", "schema.sql"]);
    assert_eq!(out.status.code(), Some(1));
    let out = check(dir.path(), &["widen.sql", "--schema", "schema.sql"]);
    assert!(
        !stdout(&out).contains("type-change-rewrites"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn explain_prints_the_rule_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &["--explain", "set-not-null-with-scan"]);
    assert_eq!(out.status.code(), Some(0));
    let page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules/set-not-null-with-scan.md"),
    )
    .unwrap();
    assert_eq!(stdout(&out), page);
    let out = check(dir.path(), &["--explain", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn dialect_picks_the_rules_and_sqlite_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.sql", "CREATE INDEX i ON t (c);\n");
    let pg = check(dir.path(), &["m.sql", "--dialect", "postgres"]);
    assert_eq!(pg.status.code(), Some(1), "{}", stdout(&pg));
    assert!(
        stdout(&pg).contains("create-index-non-concurrently"),
        "{}",
        stdout(&pg)
    );
    // The same file as MySQL: no CONCURRENTLY rule there, but no lock_wait_timeout either.
    let mysql = check(dir.path(), &["m.sql", "--dialect", "mysql"]);
    assert_eq!(mysql.status.code(), Some(0), "{}", stdout(&mysql));
    assert!(
        stdout(&mysql).contains("warning[missing-lock-timeout]"),
        "{}",
        stdout(&mysql)
    );
    assert!(!stdout(&mysql).contains("create-index-non-concurrently"));
    let sqlite = check(dir.path(), &["m.sql", "--dialect", "sqlite"]);
    assert_eq!(sqlite.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&sqlite.stderr).contains("not SQLite yet"));
}
