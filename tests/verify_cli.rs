//! `migsmith verify` and `migsmith calibrate` as processes: exit status and diff on failure,
//! passwords never printed, scratch databases and ephemeral clusters gone after success, failure
//! and SIGINT, the cluster as root and as an ordinary user, `generate --verify`, calibration.

mod common;

use common::verify_support::*;
use common::ADMIN_URL;
use migsmith::plan::cost::CostTable;
use migsmith::verify::{self, Subject, Where};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn cli_exits_non_zero_on_failure_and_drops_the_database() {
    if !server() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("migrations");
    write_pair(
        &migrations,
        "20261122120000_broken",
        "CREATE INDEX users_age_idx ON users (age);\n",
        "SELECT 1;\n",
    );
    let schema = fixture("app.sql");
    let out = migsmith(&["verify", "--database-url", ADMIN_URL, "--schema"])
        .arg(&schema)
        .arg("--project-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("## Verified") && stdout.contains("+ index CREATE INDEX users_age_idx"),
        "{stdout}"
    );
    assert!(stderr.contains("verification failed"), "{stderr}");
    let name = announced(&stderr, "scratch database ").expect("announced");
    assert!(!database_exists(&name), "{name} left behind");
}

#[test]
fn passwords_never_appear_in_output() {
    if !server() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_pair(
        &dir.path().join("migrations"),
        "1_a",
        "CREATE TABLE a (id int);\n",
        "DROP TABLE a;\n",
    );
    // The schema comes from a dump; the URL names only the server for the scratch database.
    std::fs::write(dir.path().join("schema.sql"), "").unwrap();
    for (url, ok) in [
        // trust authentication ignores the password: this run succeeds.
        ("postgres://postgres:s3cretpw@127.0.0.1:5432/postgres", true),
        ("postgres://postgres:s3cretpw@127.0.0.1:1/postgres", false),
    ] {
        for format in ["markdown", "json"] {
            let out = migsmith(&[
                "verify",
                "--format",
                format,
                "--database-url",
                url,
                "--schema",
                "schema.sql",
                "--project-dir",
            ])
            .arg(dir.path())
            .output()
            .unwrap();
            let (stdout, stderr) = text(&out);
            assert_eq!(out.status.success(), ok, "{stdout}\n{stderr}");
            assert!(
                !stdout.contains("s3cretpw") && !stderr.contains("s3cretpw"),
                "{stdout}\n{stderr}"
            );
            if !ok {
                let shown = if format == "json" { &stdout } else { &stderr };
                assert!(
                    shown.contains("postgres:***@127.0.0.1:1"),
                    "{stdout}\n{stderr}"
                );
            }
        }
    }
}

/// Spawn `migsmith verify` on a big seed, wait for `marker` on stderr, send SIGINT, and return
/// the announced value and the exit status.
fn interrupt(args: &[&str], marker: &str) -> (String, std::process::ExitStatus) {
    let dir = tempfile::tempdir().unwrap();
    write_pair(
        &dir.path().join("migrations"),
        "1_a",
        "ALTER TABLE users ADD COLUMN x int;\n",
        "ALTER TABLE users DROP COLUMN x;\n",
    );
    let mut child = migsmith(args)
        .arg("--schema")
        .arg(fixture("app.sql"))
        .arg("--project-dir")
        .arg(dir.path())
        .args(["--rows", "users=3000000"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut value = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(v) = announced(&line, marker) {
            value = Some(v);
        }
        if value.is_some() && line.contains("scratch database") {
            break;
        }
    }
    let value = value.expect("the run announces its scratch resource");
    std::thread::sleep(std::time::Duration::from_millis(400)); // now seeding 3M rows
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert!(
        rest.iter().any(|l| l.contains("scratch resources removed")),
        "{rest:?}"
    );
    (value, status)
}

#[test]
fn sigint_mid_run_drops_the_scratch_database() {
    if !server() {
        return;
    }
    let (name, status) = interrupt(
        &["verify", "--database-url", ADMIN_URL],
        "scratch database ",
    );
    assert_eq!(status.code(), Some(130));
    assert!(name.starts_with("migsmith_verify_"));
    assert!(!database_exists(&name), "{name} left behind after SIGINT");
}

#[test]
fn sigint_mid_run_stops_and_deletes_the_ephemeral_cluster() {
    if !have_server_binaries() {
        return;
    }
    let (dir, status) = interrupt(&["verify"], "cluster in ");
    assert_eq!(status.code(), Some(130));
    assert!(dir.contains("migsmith_verify_"), "{dir}");
    assert!(!Path::new(&dir).exists(), "{dir} left behind");
    assert!(!process_uses(&dir), "a server still runs from {dir}");
}

#[test]
fn ephemeral_cluster_verifies_as_root_and_disappears() {
    if !have_server_binaries() {
        return;
    }
    let mut opts = options(100);
    opts.place = Where::Ephemeral;
    let v = verify::verify(
        &Subject::from_plan(&plan_for("add index on users.age")),
        &opts,
    )
    .unwrap();
    assert!(v.passed, "{}", explain(&v));
    assert!(
        v.scratch.starts_with("ephemeral PostgreSQL"),
        "{}",
        v.scratch
    );
    // Through the CLI, to see the directory it announces.
    let dir = tempfile::tempdir().unwrap();
    write_pair(
        &dir.path().join("migrations"),
        "1_a",
        "ALTER TABLE users ADD COLUMN x int;\n",
        "ALTER TABLE users DROP COLUMN x;\n",
    );
    let out = migsmith(&["verify", "--schema"])
        .arg(fixture("app.sql"))
        .arg("--project-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let cluster = announced(&stderr, "cluster in ").unwrap();
    assert!(!Path::new(&cluster).exists(), "{cluster} left behind");
    assert!(
        !process_uses(&cluster),
        "a server still runs from {cluster}"
    );
}

#[test]
fn ephemeral_cluster_works_as_an_ordinary_user() {
    if !have_server_binaries() {
        return;
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        // Already an ordinary user: the test above covers it.
        return;
    }
    // A home and temp dir the `postgres` user can write, and inputs it can read.
    let home = tempfile::Builder::new()
        .prefix("migsmith_user_")
        .tempdir()
        .unwrap();
    Command::new("chown")
        .arg("postgres")
        .arg(home.path())
        .status()
        .unwrap();
    let migrations = home.path().join("migrations");
    write_pair(
        &migrations,
        "1_a",
        "ALTER TABLE users ADD COLUMN x int;\n",
        "ALTER TABLE users DROP COLUMN x;\n",
    );
    let schema = home.path().join("schema.sql");
    std::fs::copy(fixture("app.sql"), &schema).unwrap();
    Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(home.path())
        .status()
        .unwrap();
    let bin = env!("CARGO_BIN_EXE_migsmith");
    let out = Command::new("runuser")
        .args(["-u", "postgres", "--", "env"])
        .arg(format!("HOME={}", home.path().display()))
        .arg(format!("TMPDIR={}", home.path().display()))
        .arg(bin)
        .args(["verify", "--rows", "20", "--schema"])
        .arg(&schema)
        .arg("--project-dir")
        .arg(home.path())
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("✅ passed"), "{stdout}");
    let dir = announced(&stderr, "cluster in ").unwrap();
    assert!(dir.starts_with(&home.path().display().to_string()), "{dir}");
    assert!(!Path::new(&dir).exists());
}

/// `generate "add index on posts(title)" --verify --verify-rows ROWS` on tests/fixtures/app.sql:
/// the JSON report's `verification`, after asserting the command succeeded and verify passed.
fn generate_verified(rows: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let out = migsmith(&[
        "generate",
        "add index on posts(title)",
        "--verify",
        "--verify-url",
        ADMIN_URL,
        "--verify-rows",
        rows,
        "--format",
        "json",
        "--schema",
    ])
    .arg(fixture("app.sql"))
    .arg("--project-dir")
    .arg(dir.path())
    .output()
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["verification"]["passed"], true, "{stdout}");
    json["verification"].clone()
}

#[test]
fn generate_verify_adds_the_verified_section() {
    if !server() {
        return;
    }
    let verification = generate_verified("30");
    assert_eq!(verification["seeded_rows"]["posts"], 30, "{verification}");
}

/// `--verify-rows posts=N` alone: posts.user_id is a NOT NULL foreign key to users, so users
/// is seeded with as many rows (before, the insert failed and verify told the user to seed
/// fewer tables).
#[test]
fn seeding_one_table_fills_its_required_parents() {
    if !server() {
        return;
    }
    let verification = generate_verified("posts=25");
    assert_eq!(verification["seeded_rows"]["posts"], 25, "{verification}");
    assert_eq!(verification["seeded_rows"]["users"], 25, "{verification}");
}

#[test]
fn calibrate_saves_a_cost_table_that_loads() {
    if !server() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("costs.toml");
    let out = migsmith(&[
        "calibrate",
        "--rows",
        "20000",
        "--database-url",
        ADMIN_URL,
        "--costs",
    ])
    .arg(&path)
    .output()
    .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let table = CostTable::load(&path).unwrap();
    assert!(table
        .server
        .as_deref()
        .unwrap_or("")
        .starts_with("PostgreSQL "));
    assert_eq!(table.model, migsmith::plan::cost::MODEL);
    assert!(
        table
            .measured_on
            .as_deref()
            .is_some_and(|m| m.contains("shared_buffers")),
        "{:?}",
        table.measured_on
    );
    // 20,000 rows are too few for every per-row / per-byte split to come out positive (a
    // difference of two noisy timings is clamped at 0), but never negative or missing; work
    // timed directly is positive.
    let toml: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for (name, v) in &toml {
        if let Some(v) = v.as_float() {
            assert!(v >= 0.0 && v.is_finite(), "{name} = {v}");
        }
    }
    assert!(toml.contains_key("index_build_text_sorted"), "{toml:?}");
    for (name, v) in [
        ("index_build_text", table.index_build_text),
        ("metadata_seconds", table.metadata_seconds),
        ("commit_seconds", table.commit_seconds),
    ] {
        assert!(v > 0.0, "{name} = {v}");
    }
    let name = announced(&stderr, "scratch database ").unwrap();
    assert!(!database_exists(&name));
    // A file that is not a calibrated cost table is never overwritten.
    let mine = dir.path().join("mine.toml");
    std::fs::write(&mine, "x = 1\n").unwrap();
    let out = migsmith(&[
        "calibrate",
        "--rows",
        "20000",
        "--database-url",
        ADMIN_URL,
        "--costs",
    ])
    .arg(&mine)
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "x = 1\n");
}

#[test]
fn missing_server_binaries_say_what_to_install() {
    let dir = tempfile::tempdir().unwrap();
    write_pair(
        &dir.path().join("migrations"),
        "1_a",
        "CREATE TABLE a (id int);\n",
        "DROP TABLE a;\n",
    );
    let out = migsmith(&["verify", "--project-dir"])
        .arg(dir.path())
        .env("MIGSMITH_PG_BINDIR", dir.path())
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("no PostgreSQL server binaries found")
            && stderr.contains("apt-get install postgresql")
            && stderr.contains("--database-url"),
        "{stderr}"
    );
}
