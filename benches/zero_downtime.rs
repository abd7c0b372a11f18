//! Zero-downtime benchmark (BENCHMARKS.md, "Zero downtime"): at 1M rows (`ZDT_ROWS` to change),
//! for each change the longest wait of a concurrent single-row UPDATE under the naive form
//! (what migsmith writes for a small table) and under the generated form, with what the writer
//! waited on; then each migration's estimated versus measured duration, the naive forms' too
//! (they hold the rewrites and plain index builds).
//!
//! One template database with the fixture's rows is built first; each change is generated once
//! from it (schema read live, so the estimates see the real table's width and column
//! statistics), then run for `ZDT_ROUNDS` rounds (default 3), each on a fresh copy of the
//! template made after a checkpoint: generated up and down on one copy, naive up on another,
//! all with the writer running; then as many rounds with nothing else running. The longest wait is the
//! worst round's. "Measured" is the median round's sum of psql's `\timing` over a file's
//! statements (client start-up and connection excluded), alone — the conditions `calibrate`
//! measures in, and the goal's comparison — and with the writer (its commits compete for the
//! WAL and the two cores).
//!
//! The estimates use a cost table `migsmith calibrate` measures on the same server at the start
//! of the run (`ZDT_COSTS=builtin`: the built-in figures instead; `ZDT_COSTS=FILE`: a saved
//! cost table) and include each migration's BEGIN, settings and COMMIT (`phase_overhead`).
//! `ZDT_ONLY=backfill,set not null` runs only those changes. Needs PostgreSQL on 127.0.0.1:5432.
//! Run: `ZDT_ROWS=1000000 cargo bench --bench zero_downtime`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::zdt::{Files, Fixture, Run};
use migsmith::plan::cost::{estimate_with, mark_plan_order, phase_overhead, CostTable, TableShape};
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
    mark_plan_order(steps.iter().map(|(_, s)| *s).zip(shapes.iter_mut()));
    let mut out: Vec<(String, f64)> = plan
        .phases
        .iter()
        .map(|p| {
            let overhead = phase_overhead(costs, p.transactional, p.settings.len(), p.up.len());
            (p.name.clone(), overhead.seconds)
        })
        .collect();
    for ((phase, statement), shape) in steps.iter().zip(&shapes) {
        let seconds = estimate_with(costs, statement, shape).seconds;
        if let Some((_, total)) = out.iter_mut().find(|(name, _)| name == phase) {
            *total += seconds;
        }
    }
    out
}

fn main() {
    let rows: u64 = std::env::var("ZDT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let rounds: usize = std::env::var("ZDT_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(3);
    let only: Vec<String> = std::env::var("ZDT_ONLY")
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect())
        .unwrap_or_default();
    let started = chrono::Utc::now();
    println!("run started {started} (load average {})\n", load());
    let costs = if let Ok(choice) = std::env::var("ZDT_COSTS") {
        if choice == "builtin" {
            CostTable::default()
        } else {
            CostTable::load(std::path::Path::new(&choice)).expect("the ZDT_COSTS file loads")
        }
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
    let Some(template) = Fixture::new("bench_zdt_template", rows) else {
        eprintln!("PostgreSQL is unreachable");
        std::process::exit(1);
    };
    // Let the template's writes reach the disk before any measurement (the first copy's
    // writer otherwise waits on the flush: IO/WALSync for hundreds of milliseconds).
    template
        .db
        .client()
        .batch_execute("CHECKPOINT")
        .expect("checkpoint");
    let _ = std::process::Command::new("sync").status();
    println!("## longest single-row UPDATE wait at {rows} rows (ms), {rounds} rounds\n");
    println!(
        "| change | naive: longest (rounds) | generated: longest (rounds) | naive / generated | \
         generated: writer waited on | load |"
    );
    println!("|---|---|---|---|---|---|");
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let rounds_text = |runs: &[Run]| {
        runs.iter()
            .map(|r| format!("{:.0}", ms(r.longest)))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let longest = |runs: &[Run]| runs.iter().max_by_key(|r| r.longest).map(|r| r.longest);
    let mut table = vec![];
    for (name, description) in CHANGES {
        if !only.is_empty() && !only.iter().any(|o| name.starts_with(o.as_str())) {
            continue;
        }
        // Generated once from the template (read live, with its sizes), run on fresh copies.
        let live = |o: &mut migsmith::generate::GenerateOptions| {
            o.costs = costs.clone();
            o.source = template.live_source();
        };
        let safe = template.generate_with(description, rows, "safe", live);
        let naive = template.generate_with(description, 100, "naive", live);
        let load_before = load();
        let (mut safe_runs, mut naive_runs) = (vec![], vec![]);
        let (mut safe_alone, mut naive_alone) = (vec![], vec![]);
        // Each form on its own copy: the naive form would otherwise meet the checkpoint the
        // generated form's WAL brought on.
        let copy = || template.copy("bench_zdt").expect("copy the template");
        for _ in 0..rounds {
            let fx = copy();
            let safe_run = fx.run_with_writer(&safe.ups);
            safe_run.result.as_ref().expect("generated up");
            fx.with_writer(&safe.downs).0.expect("generated down");
            drop(fx);
            let naive_run = copy().run_with_writer(&naive.ups);
            naive_run.result.as_ref().expect("naive up");
            safe_runs.push(safe_run);
            naive_runs.push(naive_run);
        }
        for _ in 0..rounds {
            let fx = copy();
            safe_alone.push(fx.run_alone(&safe.ups).expect("generated up"));
            fx.run_alone(&safe.downs).expect("generated down");
            drop(fx);
            naive_alone.push(copy().run_alone(&naive.ups).expect("naive up"));
        }
        let worst_safe = safe_runs
            .iter()
            .max_by_key(|r| r.longest)
            .expect("at least one round");
        println!(
            "| {name} | {:.0} ({}) | {:.0} ({}) | {:.1}× | {} | {load_before} |",
            ms(longest(&naive_runs).unwrap_or_default()),
            rounds_text(&naive_runs),
            ms(worst_safe.longest),
            rounds_text(&safe_runs),
            ms(longest(&naive_runs).unwrap_or_default()) / ms(worst_safe.longest).max(1.0),
            worst_safe.longest_waits,
        );
        for (form, files, runs, alone) in [
            ("generated", &safe, &safe_runs, &safe_alone),
            ("naive", &naive, &naive_runs, &naive_alone),
        ] {
            for (k, (phase, est)) in estimates(files, &costs, rows).into_iter().enumerate() {
                let sorted = |mut v: Vec<f64>| {
                    v.sort_by(f64::total_cmp);
                    v
                };
                let alone = sorted(alone.iter().map(|r| r[k].as_secs_f64()).collect());
                let writer = sorted(runs.iter().map(|r| r.durations[k].as_secs_f64()).collect());
                table.push((name.to_string(), form, phase, est, alone, writer));
            }
        }
    }
    println!(
        "\n## estimated vs measured duration per migration (s): median of the rounds (min–max), \
         alone and with the writer\n"
    );
    println!(
        "| change | form | migration | estimated | measured alone | measured / estimated | \
         with the writer | measured / estimated |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let median = |v: &[f64]| v[v.len() / 2];
    for (name, form, phase, est, alone, writer) in table {
        println!(
            "| {name} | {form} | `{phase}` | {est:.3} | {:.3} ({:.3}–{:.3}) | {:.2} | {:.3} ({:.3}–{:.3}) | {:.2} |",
            median(&alone),
            alone[0],
            alone[alone.len() - 1],
            median(&alone) / est.max(0.0001),
            median(&writer),
            writer[0],
            writer[writer.len() - 1],
            median(&writer) / est.max(0.0001),
        );
    }
    println!(
        "\nrun ended {} (load average {})",
        chrono::Utc::now(),
        load()
    );
}
