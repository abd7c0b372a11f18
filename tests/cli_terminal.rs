//! Terminal manners, on a real pseudo-terminal (util-linux `script`, installed by
//! scripts/setup.sh): colour only on a terminal, never with NO_COLOR or `--color never`;
//! stdout free of escape codes when piped; progress bars only on a terminal and not with
//! `--quiet`; `--verbose` diagnostics on stderr.

mod common;

use common::verify_support::{server, write_pair};
use common::ADMIN_URL;
use std::path::Path;
use std::process::{Command, Output};

const ESC: &str = "\x1b[";
const BIN: &str = env!("CARGO_BIN_EXE_migsmith");

fn have_script() -> bool {
    let ok = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("CI: `script` (util-linux) is required; scripts/setup.sh installs it");
        }
        eprintln!("skipping: `script` is not installed");
    }
    ok
}

/// Run the shell command `line` (with `migsmith` standing for the binary) on a
/// pseudo-terminal in `dir`; returns what the terminal showed (stdout and stderr).
fn on_tty(dir: &Path, line: &str, env: &[(&str, &str)]) -> String {
    let line = line.replace("migsmith ", &format!("{BIN} "));
    let mut cmd = Command::new("script");
    cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
        .current_dir(dir)
        .env("TERM", "xterm-256color")
        .env("MIGSMITH_NOW", "2026-11-22T12:00:00Z")
        .env_remove("NO_COLOR")
        .env_remove("DATABASE_URL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run script");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn piped(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .output()
        .unwrap()
}

/// A directory with a migration that has an error-level finding.
fn lint_target() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.sql"), "VACUUM FULL users;\n").unwrap();
    dir
}

#[test]
fn colour_on_a_terminal_only() {
    if !have_script() {
        return;
    }
    let d = lint_target();
    let shown = on_tty(d.path(), "migsmith check m.sql", &[]);
    assert!(shown.contains("error[vacuum-full-or-cluster]"), "{shown:?}");
    assert!(shown.contains(ESC), "no colour on a terminal: {shown:?}");
    // NO_COLOR (any non-empty value), --color never: none.
    for (line, env) in [
        ("migsmith check m.sql", &[("NO_COLOR", "1")][..]),
        ("migsmith check m.sql", &[("NO_COLOR", "false")][..]),
        ("migsmith --color never check m.sql", &[][..]),
        ("migsmith check m.sql --color=never", &[][..]),
    ] {
        let shown = on_tty(d.path(), line, env);
        assert!(shown.contains("error[vacuum-full-or-cluster]"), "{shown:?}");
        assert!(!shown.contains(ESC), "{line} {env:?}: {shown:?}");
    }
    // An empty NO_COLOR is unset.
    assert!(on_tty(d.path(), "migsmith check m.sql", &[("NO_COLOR", "")]).contains(ESC));
    // clap's help follows the same rules.
    assert!(on_tty(d.path(), "migsmith --help", &[]).contains(ESC));
    assert!(!on_tty(d.path(), "migsmith --help", &[("NO_COLOR", "1")]).contains(ESC));
}

#[test]
fn piped_output_has_no_escape_codes() {
    let d = lint_target();
    let o = piped(d.path(), &["check", "m.sql"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&o.stdout).contains(ESC));
    let o = piped(d.path(), &["check", "nope.sql"]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains(ESC));
    // --color always is a request: honoured even into a pipe, and over NO_COLOR.
    let o = Command::new(BIN)
        .args(["--color", "always", "check", "m.sql"])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains(ESC));
    if !have_script() {
        return;
    }
    // stdout into a file while stderr is the terminal: the file stays plain, the error on
    // the terminal is coloured.
    let shown = on_tty(d.path(), "migsmith check m.sql nope.sql > out.txt", &[]);
    assert!(
        shown.contains(ESC) && shown.contains("nope.sql"),
        "{shown:?}"
    );
    let shown = on_tty(d.path(), "migsmith check m.sql > out.txt", &[]);
    assert!(!shown.contains("error["), "{shown:?}");
    let file = std::fs::read_to_string(d.path().join("out.txt")).unwrap();
    assert!(file.contains("error[vacuum-full-or-cluster]"), "{file}");
    assert!(!file.contains(ESC), "{file:?}");
}

#[test]
fn progress_bars_on_a_terminal_and_never_with_quiet() {
    if !server() || !have_script() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    write_pair(
        &d.path().join("migrations"),
        "20261122120000_t",
        "CREATE TABLE t (id bigint PRIMARY KEY);\n",
        "DROP TABLE t;\n",
    );
    std::fs::write(d.path().join("base.sql"), "CREATE TABLE u (id int);\n").unwrap();
    let verify =
        format!("migsmith verify --database-url {ADMIN_URL} --schema base.sql > report.md");
    let shown = on_tty(d.path(), &verify, &[]);
    assert!(shown.contains("verify: scratch database"), "{shown:?}");
    assert!(
        shown.contains("verify ["),
        "no progress bar on a terminal: {shown:?}"
    );
    let quiet = on_tty(d.path(), &format!("migsmith -q {}", &verify[9..]), &[]);
    assert!(!quiet.contains("verify ["), "{quiet:?}");
    assert!(!quiet.contains("verify: scratch database"), "{quiet:?}");
    let report = std::fs::read_to_string(d.path().join("report.md")).unwrap();
    assert!(
        report.contains("## Verified"),
        "the report is essential: {report}"
    );
    // Into a pipe: notes, but no bar.
    let o = piped(
        d.path(),
        &[
            "verify",
            "--database-url",
            ADMIN_URL,
            "--schema",
            "base.sql",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("verify: scratch database"), "{stderr}");
    assert!(!stderr.contains("verify ["), "{stderr}");
}

#[test]
fn verbose_says_what_was_chosen_and_how_long_each_stage_took() {
    let d = tempfile::tempdir().unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app.sql"),
        d.path().join("schema.sql"),
    )
    .unwrap();
    std::fs::write(d.path().join("migsmith.toml"), "lock_timeout = \"2s\"\n").unwrap();
    let args = [
        "generate",
        "add bio2 to users",
        "--schema",
        "schema.sql",
        "--dry-run",
    ];
    let quiet = piped(d.path(), &args);
    assert!(quiet.status.success());
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    let o = piped(d.path(), &[&["-v"][..], &args].concat());
    let stderr = String::from_utf8_lossy(&o.stderr);
    for wanted in [
        "migsmith: config file migsmith.toml",
        "migsmith: framework sql (no framework detected: plain SQL files)",
        "migsmith: schema from schema dump `schema.sql`",
        "migsmith: load schema: ",
        "migsmith: plan: ",
        "migsmith: render: ",
    ] {
        assert!(stderr.contains(wanted), "{wanted}: {stderr}");
    }
    assert!(!stderr.contains("lock_timeout"), "-v is not -vv: {stderr}");
    // stdout is the same report either way.
    assert_eq!(o.stdout, quiet.stdout);
    let o = piped(d.path(), &[&["-vv"][..], &args].concat());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("lock_timeout"), "{stderr}");
    assert!(stderr.contains("migsmith.toml:1"), "{stderr}");
    // -q and -v together make no sense.
    assert_eq!(
        piped(d.path(), &[&["-q", "-v"][..], &args].concat())
            .status
            .code(),
        Some(2)
    );
}
