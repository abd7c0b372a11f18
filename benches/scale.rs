//! Scale benchmark (issue 14 §2): `migsmith schema` and `migsmith generate` (the release
//! binary, as a user runs it) on the same schema at several sizes (default 250, 500, 1,000 and
//! 2,000 tables),
//! read from each source in [`sources::SOURCES`], with `pg_dump --schema-only` of the same
//! database timed in the same run. Each table: a bigserial key, nine typed columns with
//! defaults, a CHECK, a partial expression index, a column comment; every tenth table a
//! foreign key.
//!
//! Prints, per source and command: the median wall time of 5 runs at each size, the ratio of
//! the largest to the smallest (linear growth means ≈ the ratio of the sizes, 8×; the bound is
//! 10×), the ratio to pg_dump at the largest size, and the highest peak RSS of any run
//! (`wait4`'s `ru_maxrss` of that child). Checks the bounds (≤ 200 ms and ≤ 100 MB at the
//! largest size, ≤ 10× growth) and exits 1 when one is missed.
//!
//! Run: `cargo bench --bench scale` (PostgreSQL on 127.0.0.1:5432, user `postgres`, `pg_dump`
//! on PATH). `MIGSMITH_BENCH_URL` overrides the server, `MIGSMITH_BENCH_SIZES` the sizes
//! (`250,500,1000,2000`; at least two, smallest first), and `MIGSMITH_BENCH_DIR` keeps the
//! dumps and projects in that directory (for profiling one of them) instead of a temporary one.
//! BENCHMARKS.md records the figures.

#[path = "scale/child.rs"]
mod child;
#[path = "scale/sources.rs"]
mod sources;

use child::{measure, Cost};
use sources::{ScratchDb, SOURCES};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const RUNS: usize = 5;
const MAX_WALL: Duration = Duration::from_millis(200);
const MAX_RSS_MIB: u64 = 100;
const MAX_GROWTH: f64 = 10.0;

/// What `migsmith` is asked to do with each source.
const COMMANDS: &[(&str, &[&str])] = &[
    ("schema", &["schema", "--format", "json"]),
    (
        "generate",
        &[
            "generate",
            "add index on t0007 (qty) and add last_seen_at to t0042",
            "--dry-run",
            "--format",
            "json",
            "--now",
            "2026-01-01T00:00:00Z",
        ],
    ),
];

struct Size {
    tables: usize,
    pg_dump: Cost,
    /// `[source][command]`.
    costs: Vec<Vec<Cost>>,
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn measure_size(server: &str, tables: usize, scratch: &Path) -> Size {
    let db = ScratchDb::create(server, tables);
    let dir = scratch.join(format!("t{tables}"));
    std::fs::create_dir_all(&dir).expect("create size dir");
    let dump = dir.join("dump.sql");
    db.dump(&dump);
    let pg_dump = measure(3, scratch, || {
        let mut c = Command::new("pg_dump");
        c.args(["--schema-only", "--no-owner", "-d", &db.url]);
        c
    });
    drop(db);
    let mut costs = Vec::new();
    for (si, source) in SOURCES.iter().enumerate() {
        let project = dir.join(format!("source{si}"));
        std::fs::create_dir_all(&project).expect("create project dir");
        let flags = (source.prepare)(tables, &project, &dump);
        let mut per_command = Vec::new();
        for (_, args) in COMMANDS {
            per_command.push(measure(RUNS, scratch, || {
                let mut c = Command::new(env!("CARGO_BIN_EXE_migsmith"));
                c.args(*args).args(&flags).current_dir(&project);
                c
            }));
        }
        costs.push(per_command);
    }
    Size {
        tables,
        pg_dump,
        costs,
    }
}

fn main() {
    let server = std::env::var("MIGSMITH_BENCH_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string());
    let sizes: Vec<usize> = std::env::var("MIGSMITH_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![250, 500, 1000, 2000]);
    assert!(
        sizes.len() >= 2,
        "MIGSMITH_BENCH_SIZES takes at least two sizes, smallest first: 250,2000"
    );
    let temp = tempfile::tempdir().expect("scratch dir");
    let scratch = match std::env::var_os("MIGSMITH_BENCH_DIR") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => temp.path().to_path_buf(),
    };
    let measured: Vec<Size> = sizes
        .iter()
        .map(|&n| measure_size(&server, n, &scratch))
        .collect();
    let (small, large) = (&measured[0], &measured[measured.len() - 1]);
    let growth_of_size = large.tables as f64 / small.tables as f64;

    let tables: Vec<String> = measured.iter().map(|m| m.tables.to_string()).collect();
    println!(
        "scale: {} tables (×{growth_of_size:.0} from first to last); median of {RUNS} runs; release build",
        tables.join(" / ")
    );
    let dumps: Vec<String> = measured.iter().map(|m| ms(m.pg_dump.wall)).collect();
    println!(
        "pg_dump --schema-only of the same database: {} (×{:.1})",
        dumps.join(" / "),
        large.pg_dump.wall.as_secs_f64() / small.pg_dump.wall.as_secs_f64()
    );
    println!();
    let heads: Vec<String> = measured
        .iter()
        .map(|m| format!("{} tables", m.tables))
        .collect();
    println!(
        "| source | command | {} | growth | ÷ pg_dump | peak RSS | bounds |",
        heads.join(" | ")
    );
    println!("|---|---|{}---|---|---|---|", "---|".repeat(measured.len()));
    let mut failed = Vec::new();
    for (si, source) in SOURCES.iter().enumerate() {
        for (ci, (command, _)) in COMMANDS.iter().enumerate() {
            let (s, l) = (small.costs[si][ci], large.costs[si][ci]);
            let growth = l.wall.as_secs_f64() / s.wall.as_secs_f64();
            let vs_dump = l.wall.as_secs_f64() / large.pg_dump.wall.as_secs_f64();
            let rss = mib(measured
                .iter()
                .map(|m| m.costs[si][ci].max_rss_kib)
                .max()
                .unwrap_or(0));
            let mut missed = Vec::new();
            if l.wall > MAX_WALL {
                missed.push(format!("> {}", ms(MAX_WALL)));
            }
            if rss > MAX_RSS_MIB as f64 {
                missed.push(format!("> {MAX_RSS_MIB} MiB"));
            }
            if growth > MAX_GROWTH {
                missed.push(format!("growth > {MAX_GROWTH}×"));
            }
            let verdict = if missed.is_empty() {
                "ok".to_string()
            } else {
                failed.push(format!("{} {command}", source.name));
                format!("MISSED: {}", missed.join(", "))
            };
            let walls: Vec<String> = measured.iter().map(|m| ms(m.costs[si][ci].wall)).collect();
            println!(
                "| {} | {command} | {} | ×{growth:.2} | {vs_dump:.2} | {rss:.1} MiB | {verdict} |",
                source.name,
                walls.join(" | "),
            );
        }
    }
    if !failed.is_empty() {
        eprintln!("\nbounds missed by: {}", failed.join("; "));
        std::process::exit(1);
    }
}
