//! `cargo bench --bench verify`: verify wall time for a one-column change on an empty and a
//! 1M-row table, then — after calibrating this server — estimated vs measured duration per step
//! kind at 1M rows. Needs PostgreSQL at `MIGSMITH_BENCH_URL` (default the local test server);
//! `MIGSMITH_BENCH_ROWS` changes the size. Prints Markdown tables for BENCHMARKS.md.

use chrono::TimeZone;
use migsmith::generate::{generate, GenerateOptions, SchemaSource};
use migsmith::plan::cost::CostTable;
use migsmith::schema::sizes::{RowCounts, RowSpec};
use migsmith::verify::{self, calibrate, Options, Subject, Verification, Where};
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app.sql")
}

fn run(url: &str, description: &str, rows: &[RowSpec], costs: &CostTable) -> Verification {
    let project = tempfile::tempdir().unwrap();
    let plan = generate(&GenerateOptions {
        now: chrono::Utc
            .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
            .unwrap(),
        ..GenerateOptions::new(description, SchemaSource::Dump(fixture()), project.path())
    })
    .unwrap_or_else(|e| panic!("{description}: {e}"))
    .plan;
    let opts = Options {
        place: Where::Server(url.into()),
        base_schema: std::fs::read_to_string(fixture()).unwrap(),
        base_schema_origin: "tests/fixtures/app.sql".into(),
        rows: RowCounts::from_specs(rows),
        costs: costs.clone(),
    };
    let v = verify::verify(&Subject::from_plan(&plan), &opts).unwrap();
    assert!(v.passed, "{}", migsmith::report::verified::section(&v));
    v
}

fn main() {
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return; // `cargo test --benches` probes: nothing to list.
    }
    let url = std::env::var("MIGSMITH_BENCH_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let n: u64 = std::env::var("MIGSMITH_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let builtin = CostTable::default();

    println!("### Verify wall time: one-column change (`add nickname text to users`)\n");
    println!("| users rows | verify wall time (s) | of which schema + seeding (s) | round trip (s) | up statement (s) |\n|---|---|---|---|---|");
    let walls: Vec<u64> = match std::env::var("MIGSMITH_BENCH_KINDS") {
        Ok(_) => vec![],
        Err(_) => vec![0, n],
    };
    for rows in walls {
        let specs = if rows == 0 {
            vec![]
        } else {
            vec![RowSpec::Table("users".into(), rows)]
        };
        let v = run(&url, "add column nickname text to users", &specs, &builtin);
        let up: f64 = v
            .statements
            .iter()
            .filter(|s| s.direction == "up" && s.predicted_lock.is_some())
            .map(|s| s.measured_seconds)
            .sum();
        println!(
            "| {rows} | {:.2} | {:.2} | {:.2} | {:.4} |",
            v.wall_seconds,
            v.seed_seconds,
            v.wall_seconds - v.seed_seconds,
            up
        );
    }

    eprintln!(
        "calibrating on {} …",
        migsmith::schema::live::redact_url(&url)
    );
    let costs = match std::env::var("MIGSMITH_BENCH_SKIP_ESTIMATES") {
        Ok(_) => return,
        Err(_) => {
            calibrate::calibrate(&Where::Server(url.clone()), calibrate::DEFAULT_ROWS).unwrap()
        }
    };
    println!(
        "\n### Calibrated cost table (s per 1M rows)\n\n```toml\n{}```\n",
        costs.to_toml()
    );
    println!("### Estimate vs measured at {n} rows, calibrated table\n");
    println!("| step kind | statement | estimated (s) | measured (s) | measured / estimated |\n|---|---|---|---|---|");
    let users = |extra: &[(&str, u64)]| {
        let mut specs = vec![RowSpec::Table("users".into(), n)];
        specs.extend(extra.iter().map(|(t, r)| RowSpec::Table(t.to_string(), *r)));
        specs
    };
    let cases: Vec<(&str, &str, Vec<RowSpec>)> = vec![
        (
            "table rewrite",
            "change type of users.age to bigint",
            users(&[]),
        ),
        (
            "index build CONCURRENTLY (text)",
            "add index on users.old_name",
            users(&[]),
        ),
        (
            "index build CONCURRENTLY (integer)",
            "add index on users.age",
            users(&[]),
        ),
        (
            "validation scan (SET NOT NULL)",
            "make users.old_name not null",
            users(&[]),
        ),
        (
            "check scan",
            "add check constraint char_length(email) <= 200 on users",
            users(&[]),
        ),
        (
            "foreign key validation",
            "add foreign key from comments.post_id to posts.id",
            vec![
                RowSpec::Table("users".into(), 1000),
                RowSpec::Table("posts".into(), n),
                RowSpec::Table("comments".into(), n),
            ],
        ),
        (
            "backfill",
            "backfill users.email_verified with true where confirmed_at is not null",
            users(&[]),
        ),
    ];
    // `MIGSMITH_BENCH_KINDS=check,foreign` runs only the kinds containing one of the words.
    let only: Vec<String> = std::env::var("MIGSMITH_BENCH_KINDS")
        .map(|v| v.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    for (kind, description, specs) in cases {
        if !only.is_empty() && !only.iter().any(|w| kind.contains(w.as_str())) {
            continue;
        }
        let v = run(&url, description, &specs, &costs);
        for s in v
            .statements
            .iter()
            .filter(|s| s.direction == "up" && s.predicted_lock.is_some())
        {
            let est = s.estimated_seconds.unwrap_or(0.0);
            if est <= costs.metadata_seconds * 1.01 && s.measured_seconds < 0.05 {
                continue; // catalog-only companions (ADD CONSTRAINT … NOT VALID)
            }
            println!(
                "| {kind} | `{}` | {est:.3} | {:.3} | {:.2} |",
                s.sql.replace('|', "\\|"),
                s.measured_seconds,
                s.measured_seconds / est.max(1e-9)
            );
        }
    }
}
