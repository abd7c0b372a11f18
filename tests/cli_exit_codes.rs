//! The documented exit codes, one test per class, each in text and in JSON mode:
//! 0 done; 1 check findings or a failed verification; 2 usage or input error; 3 database
//! unreachable. JSON errors keep the `{"error": {"kind", "message", "suggestions"}}` shape.

mod common;

use common::verify_support::{server, write_pair};
use common::ADMIN_URL;
use std::path::Path;
use std::process::{Command, Output};

/// Nothing listens on port 1.
const CLOSED: &str = "postgres://postgres:hunter2@127.0.0.1:1/nowhere";

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir)
        .args(args)
        .env("MIGSMITH_NOW", "2026-11-22T12:00:00Z")
        .env_remove("DATABASE_URL")
        .output()
        .expect("run migsmith")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON error document on stdout: its kind.
fn json_error(o: &Output) -> String {
    let v: serde_json::Value = serde_json::from_str(&out(o))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", out(o), err(o)));
    let e = &v["error"];
    assert!(e["message"].is_string(), "{v}");
    assert!(e["suggestions"].is_array(), "{v}");
    e["kind"].as_str().unwrap().to_string()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app.sql"),
        dir.path().join("schema.sql"),
    )
    .unwrap();
    dir
}

#[test]
fn exit_0_when_done() {
    let p = project();
    let args = [
        "generate",
        "add bio2 to users",
        "--schema",
        "schema.sql",
        "--dry-run",
    ];
    assert_eq!(run(p.path(), &args).status.code(), Some(0));
    let o = run(p.path(), &[&args[..], &["--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert!(v["operations"].is_array());
}

#[test]
fn exit_1_for_check_findings() {
    let p = project();
    std::fs::write(p.path().join("m.sql"), "VACUUM FULL users;\n").unwrap();
    for format in ["text", "json", "github"] {
        let o = run(p.path(), &["check", "m.sql", "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", out(&o));
    }
}

#[test]
fn exit_1_for_a_failed_verification() {
    if !server() {
        return;
    }
    let p = project();
    write_pair(
        &p.path().join("migrations"),
        "20261122120000_broken",
        "CREATE INDEX users_age_idx ON users (age);\n",
        "SELECT 1;\n",
    );
    let args = [
        "verify",
        "--database-url",
        ADMIN_URL,
        "--schema",
        "schema.sql",
    ];
    let o = run(p.path(), &args);
    assert_eq!(o.status.code(), Some(1), "{}\n{}", out(&o), err(&o));
    assert!(err(&o).contains("verification failed"), "{}", err(&o));
    let o = run(p.path(), &[&args[..], &["--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["verification"]["passed"], false, "{v}");
}

#[test]
fn exit_2_for_usage_errors() {
    let p = project();
    // clap's own: an unknown flag, a missing argument.
    let o = run(p.path(), &["generate", "add x to users", "--frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--frobnicate"), "{}", err(&o));
    let o = run(
        p.path(),
        &[
            "generate",
            "add x to users",
            "--frobnicate",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json_error(&o), "usage");
    assert_eq!(run(p.path(), &["generate"]).status.code(), Some(2));
    assert_eq!(run(p.path(), &[]).status.code(), Some(2));
    // migsmith's own: flags that cannot go together.
    let both = [
        "generate",
        "add x to users",
        "--schema",
        "schema.sql",
        "--database-url",
        CLOSED,
    ];
    let o = run(p.path(), &both);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let o = run(p.path(), &[&both[..], &["--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json_error(&o), "usage");
    // Help and version are not errors.
    assert_eq!(run(p.path(), &["--help"]).status.code(), Some(0));
    assert_eq!(run(p.path(), &["--version"]).status.code(), Some(0));
}

#[test]
fn exit_2_for_input_errors() {
    let p = project();
    std::fs::write(
        p.path().join("broken.sql"),
        "CREATE TABLE t (\n  id int,\n  oops oops oops\n);\n",
    )
    .unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["generate", "frobnicate the users", "--schema", "schema.sql"],
            "parse",
        ),
        (
            &["generate", "add x to nosuchtable", "--schema", "schema.sql"],
            "unknown_table",
        ),
        (
            &["generate", "add x to t", "--schema", "broken.sql"],
            "schema",
        ),
        (&["schema", "--schema", "missing.sql"], "schema"),
    ];
    for (args, kind) in cases {
        let o = run(p.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", err(&o));
        assert!(
            err(&o).contains("error:") || !out(&o).is_empty(),
            "{args:?}"
        );
        let json_args = [args, &["--format", "json"]].concat();
        let o = run(p.path(), &json_args);
        assert_eq!(o.status.code(), Some(2), "{args:?} json");
        assert_eq!(json_error(&o), kind, "{args:?}");
    }
    // check: a missing path, in text and JSON.
    let o = run(p.path(), &["check", "nope.sql"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(p.path(), &["check", "nope.sql", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json_error(&o), "error");
    // A bad migsmith.toml.
    std::fs::write(p.path().join("migsmith.toml"), "batch_size = \"many\"\n").unwrap();
    let o = run(
        p.path(),
        &["generate", "add x to users", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json_error(&o), "config");
}

#[test]
fn exit_3_when_the_database_is_unreachable() {
    let p = project();
    let cases: [&[&str]; 4] = [
        &["generate", "add x to users", "--database-url", CLOSED],
        &["schema", "--database-url", CLOSED],
        &["check", "schema.sql", "--database-url", CLOSED],
        &[
            "verify",
            "--database-url",
            CLOSED,
            "--schema",
            "schema.sql",
            "x.up.sql",
        ],
    ];
    std::fs::write(p.path().join("x.up.sql"), "SELECT 1;\n").unwrap();
    std::fs::write(p.path().join("x.down.sql"), "SELECT 1;\n").unwrap();
    for args in cases {
        let o = run(p.path(), args);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", err(&o));
        assert!(
            err(&o).contains("cannot connect to"),
            "{args:?}: {}",
            err(&o)
        );
        assert!(
            !err(&o).contains("hunter2"),
            "password printed: {}",
            err(&o)
        );
        let o = run(p.path(), &[args, &["--format", "json"]].concat());
        assert_eq!(o.status.code(), Some(3), "{args:?} json: {}", err(&o));
        assert_eq!(json_error(&o), "database_unreachable", "{args:?}");
        assert!(!out(&o).contains("hunter2"));
    }
    // The same through DATABASE_URL.
    let o = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(p.path())
        .args(["generate", "add x to users"])
        .env("DATABASE_URL", CLOSED)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", err(&o));
}

#[test]
fn a_closed_stdout_ends_quietly_with_141() {
    let p = project();
    std::fs::write(p.path().join("m.sql"), "VACUUM FULL users;\n").unwrap();
    // The reading end is gone before migsmith writes: every write fails with EPIPE.
    for args in [
        &["completions", "zsh"][..],
        &["config"][..],
        &["check", "m.sql"][..],
        &[
            "generate",
            "add bio2 to users",
            "--schema",
            "schema.sql",
            "--dry-run",
        ][..],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = Command::new(env!("CARGO_BIN_EXE_migsmith"))
            .current_dir(p.path())
            .args(args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(141), "{args:?}: {}", err(&o));
        assert!(o.stderr.is_empty(), "{args:?}: {}", err(&o));
    }
}
