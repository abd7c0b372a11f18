//! Zero-downtime benchmark (BENCHMARKS.md, "Zero downtime"): at 1M rows (`ZDT_ROWS` to change),
//! for each change the longest wait of a concurrent single-row UPDATE under the naive form
//! (what migsmith writes for a small table) and under the generated form, both in the same run,
//! with what the writer waited on; then each migration's estimated versus measured duration, the
//! naive forms' too (they hold the rewrites and plain index builds).
//!
//! The estimates use a cost table `migsmith calibrate` measures on the same server at the start
//! of the run (`ZDT_COSTS=builtin`: the built-in figures instead), and the schema is read from
//! the live fixture database, so the row-width term sees the real table. "Measured" is the sum
//! of psql's `\timing` over a file's statements: client start-up and connection excluded.
//! `ZDT_ONLY=backfill,set not null` runs only those changes. Needs PostgreSQL on 127.0.0.1:5432.
//! Run: `ZDT_ROWS=1000000 cargo bench --bench zero_downtime`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::zdt::{Files, Fixture};
use migsmith::plan::cost::{estimate_with, mark_churned, CostTable, TableShape};
use migsmith::verify::{calibrate, Where};

/// (name, description)
const CHANGES: &[(&str, &str)] = &[
    ("create index (text)", "add index on users.name"),
    ("create index (integer)", "add index on users.score"),
    ("unique constraint", "add unique constraint on users.email"),
    (
        "foreign key",
        "add foreign key from users.account_id to accounts.id",
    ),
    (
        "check constraint",
        "add check constraint score >= 0 on users",
    ),
    ("set not null", "make users.email not null"),
    (
        "volatile default",
        "add token uuid default gen_random_uuid() not null to users",
    ),
    ("backfill", "backfill users.name with 'someone'"),
];

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Per up phase of `files`: (phase, estimated seconds at `rows` rows).
fn estimates(files: &Files, costs: &CostTable, rows: u64) -> Vec<(String, f64)> {
    let plan = &files.plan;
    let steps: Vec<_> = plan
        .phases
        .iter()
        .flat_map(|p| p.up.iter().map(move |s| (p.name.clone(), &s.statement)))
        .collect();
    let mut shapes: Vec<TableShape> = steps
        .iter()
        .map(|(_, s)| TableShape::of(&plan.before, s, rows))
        .collect();
    mark_churned(steps.iter().map(|(_, s)| *s).zip(shapes.iter_mut()));
    let mut out: Vec<(String, f64)> = vec![];
    for ((phase, statement), shape) in steps.iter().zip(&shapes) {
        let seconds = estimate_with(costs, statement, shape).seconds;
        match out.last_mut() {
            Some((name, total)) if name == phase => *total += seconds,
            _ => out.push((phase.clone(), seconds)),
        }
    }
    out
}

fn main() {
    let rows: u64 = std::env::var("ZDT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let only: Vec<String> = std::env::var("ZDT_ONLY")
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    let started = chrono::Utc::now();
    println!("run started {started} (load average {})\n", load());
    let costs = if std::env::var("ZDT_COSTS").as_deref() == Ok("builtin") {
        CostTable::default()
    } else {
        let url = common::ADMIN_URL.to_string();
        let costs = calibrate::calibrate(&Where::Server(url), calibrate::DEFAULT_ROWS)
            .expect("calibrate on the local server");
        println!(
            "calibrated (load average {}):\n\n```toml\n{}```\n",
            load(),
            costs.to_toml()
        );
        costs
    };
    println!("## longest single-row UPDATE wait at {rows} rows (ms)\n");
    println!(
        "| change | naive | generated | naive / generated | generated: writer waited on | load |"
    );
    println!("|---|---|---|---|---|---|");
    let mut table = vec![];
    for (name, description) in CHANGES {
        if !only.is_empty() && !only.iter().any(|o| name.starts_with(o.as_str())) {
            continue;
        }
        let Some(fx) = Fixture::new("bench_zdt", rows) else {
            eprintln!("PostgreSQL is unreachable");
            std::process::exit(1);
        };
        let live = |o: &mut migsmith::generate::GenerateOptions| {
            o.costs = costs.clone();
            o.source = fx.live_source();
        };
        let safe = fx.generate_with(description, rows, "safe", live);
        let naive = fx.generate_with(description, 100, "naive", live);
        let load_before = load();
        let safe_run = fx.run_with_writer(&safe.ups);
        safe_run.result.as_ref().expect("generated up");
        fx.with_writer(&safe.downs).0.expect("generated down");
        let naive_run = fx.run_with_writer(&naive.ups);
        naive_run.result.as_ref().expect("naive up");
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {name} | {:.0} | {:.0} | {:.1}× | {} | {load_before} |",
            ms(naive_run.longest),
            ms(safe_run.longest),
            ms(naive_run.longest) / ms(safe_run.longest).max(1.0),
            safe_run.longest_waits,
        );
        for (form, files, run) in [
            ("generated", &safe, &safe_run),
            ("naive", &naive, &naive_run),
        ] {
            for ((phase, est), measured) in estimates(files, &costs, rows)
                .into_iter()
                .zip(&run.durations)
            {
                table.push((name.to_string(), form, phase, est, measured.as_secs_f64()));
            }
        }
    }
    println!("\n## estimated vs measured duration per migration (s)\n");
    println!("| change | form | migration | estimated | measured | measured / estimated |");
    println!("|---|---|---|---|---|---|");
    for (name, form, phase, est, measured) in table {
        println!(
            "| {name} | {form} | `{phase}` | {est:.2} | {measured:.2} | {:.2} |",
            measured / est.max(0.001)
        );
    }
    println!(
        "\nrun ended {} (load average {})",
        chrono::Utc::now(),
        load()
    );
}
