//! Helpers for the `migsmith verify` tests (tests/verify.rs, tests/verify_cli.rs): plans from
//! the fixture, verify options against the test server, migration pairs on disk, and the
//! binary's announcements of the scratch resources it made.

use super::ADMIN_URL;
use chrono::TimeZone;
use migsmith::generate::{generate, GenerateOptions, SchemaSource};
use migsmith::plan::cost::CostTable;
use migsmith::schema::sizes::RowCounts;
use migsmith::verify::{self, Options, Subject, Verification, Where};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The server is reachable (else skip, or fail under CI).
pub fn server() -> bool {
    super::TestDb::create("probe").is_some()
}

pub fn plan_for(description: &str) -> migsmith::plan::Plan {
    let project = tempfile::tempdir().unwrap();
    generate(&GenerateOptions {
        now: chrono::Utc
            .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
            .unwrap(),
        ..GenerateOptions::new(
            description,
            SchemaSource::Dump(fixture("app.sql")),
            project.path(),
        )
    })
    .unwrap_or_else(|e| panic!("{description}: {e}"))
    .plan
}

pub fn options(rows: u64) -> Options {
    Options {
        place: Where::Server(ADMIN_URL.into()),
        base_schema: std::fs::read_to_string(fixture("app.sql")).unwrap(),
        base_schema_origin: "tests/fixtures/app.sql".into(),
        rows: RowCounts {
            all: (rows > 0).then_some(rows),
            ..RowCounts::default()
        },
        costs: CostTable::default(),
    }
}

pub fn database_exists(name: &str) -> bool {
    let mut admin = postgres::Client::connect(ADMIN_URL, postgres::NoTls).unwrap();
    admin
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .unwrap()
        .get::<_, i64>(0)
        == 1
}

pub fn explain(v: &Verification) -> String {
    migsmith::report::verified::section(v)
}

pub fn verify_plan(description: &str, rows: u64) -> Verification {
    let plan = plan_for(description);
    let v = verify::verify(&Subject::from_plan(&plan), &options(rows))
        .unwrap_or_else(|e| panic!("{description}: {e}"));
    assert!(
        !database_exists(&v.scratch_database),
        "{description}: scratch database left behind"
    );
    v
}

/// Write a raw SQL migration pair into `dir`; returns the `.up.sql` path.
pub fn write_pair(dir: &Path, stem: &str, up: &str, down: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(format!("{stem}.up.sql"));
    std::fs::write(&path, up).unwrap();
    std::fs::write(dir.join(format!("{stem}.down.sql")), down).unwrap();
    path
}

pub fn migsmith(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_migsmith"));
    cmd.args(args).env_remove("MIGSMITH_NOW");
    cmd
}

pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The value after `marker` on the first stderr line holding it, up to a space.
pub fn announced(stderr: &str, marker: &str) -> Option<String> {
    stderr.lines().find_map(|l| {
        l.split_once(marker)
            .map(|(_, rest)| rest.split_whitespace().next().unwrap_or("").to_string())
    })
}

/// Whether any process mentions `dir` on its command line (a server still running from it).
pub fn process_uses(dir: &str) -> bool {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| {
            std::fs::read(e.path().join("cmdline"))
                .map(|c| String::from_utf8_lossy(&c).contains(dir))
                .unwrap_or(false)
        })
}

pub fn have_server_binaries() -> bool {
    match migsmith::verify::cluster::find_bindir() {
        Ok(_) => true,
        Err(e) if std::env::var_os("CI").is_some() => panic!("CI: {e}"),
        Err(e) => {
            eprintln!("skipping: {e}");
            false
        }
    }
}
