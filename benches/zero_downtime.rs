//! Zero-downtime benchmark (BENCHMARKS.md, "Zero downtime"): at 1M rows (`ZDT_ROWS` to change),
//! for each change the longest wait of a concurrent single-row UPDATE under the naive form
//! (what migsmith writes for a small table) and under the generated form, and for each
//! generated migration its estimated versus measured duration. Needs PostgreSQL on
//! 127.0.0.1:5432. Run: `cargo bench --bench zero_downtime`.

#[path = "../tests/common/mod.rs"]
mod common;

use common::zdt::Fixture;

const CHANGES: &[(&str, &str)] = &[
    ("create index", "add index on users.name"),
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

fn main() {
    let rows: u64 = std::env::var("ZDT_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    println!("## longest single-row UPDATE wait at {rows} rows (ms)\n");
    println!("| change | naive | generated | naive / generated |");
    println!("|---|---|---|---|");
    let mut estimates = vec![];
    for (name, description) in CHANGES {
        let Some(fx) = Fixture::new("bench_zdt", rows) else {
            eprintln!("PostgreSQL is unreachable");
            std::process::exit(1);
        };
        let safe = fx.generate(description, rows, "safe");
        let naive = fx.generate(description, 100, "naive");
        let (r, safe_up, durations) = fx.with_writer(&safe.ups);
        r.expect("generated up");
        fx.with_writer(&safe.downs).0.expect("generated down");
        let (r, naive_up, _) = fx.with_writer(&naive.ups);
        r.expect("naive up");
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {name} | {:.0} | {:.0} | {:.1}× |",
            ms(naive_up),
            ms(safe_up),
            ms(naive_up) / ms(safe_up).max(1.0)
        );
        for ((phase, est), measured) in safe.estimates.iter().zip(durations) {
            estimates.push((
                name.to_string(),
                phase.clone(),
                *est,
                measured.as_secs_f64(),
            ));
        }
    }
    println!("\n## estimated vs measured duration per generated migration (s)\n");
    println!("| change | migration | estimated | measured | estimated / measured |");
    println!("|---|---|---|---|---|");
    for (name, phase, est, measured) in estimates {
        println!(
            "| {name} | `{phase}` | {est:.2} | {measured:.2} | {:.2} |",
            est / measured.max(0.001)
        );
    }
}
