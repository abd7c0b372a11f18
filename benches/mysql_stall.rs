//! MariaDB stall benchmark (BENCHMARKS.md, "MariaDB: a writer's worst stall at 1M rows"): on a
//! table of 1M rows (`STALL_ROWS` to change), for each change the worst wait of a concurrent
//! single-row INSERT/UPDATE writer, and the ALTER's duration, under three forms of the same
//! change, run side by side in one run:
//!
//! - **generated**: the up file `migsmith generate … --framework sql --dialect mariadb` writes
//!   (its `ALGORITHM=…, LOCK=…` clauses and `lock_wait_timeout`), from a `mysqldump --no-data`
//!   of the scratch database and `--rows items=N`;
//! - **plain**: the same ALTER without those clauses, what a hand-written migration does (MariaDB
//!   then picks the cheapest algorithm itself, so it can equal the generated form);
//! - **COPY**: the plain ALTER with `ALGORITHM=COPY`, the table copy the clauses exist to avoid.
//!
//! Each run starts from a fresh copy of one template table (`CREATE TABLE … LIKE` + `INSERT …
//! SELECT`), so every form meets the same state. "rows affected" is what the server reports for
//! the ALTER: a table copy reports every row, INSTANT and INPLACE report 0. `STALL_ROUNDS` sets
//! the rounds (default 2); the worst stall is the worst round's. Fails (non-zero) when MariaDB
//! is unreachable on 127.0.0.1:3306 (root, no password). The scratch database is dropped at the
//! end, on a panic too.
//! Run: `cargo bench --bench mysql_stall`.

#[path = "../tests/common/mysql_db.rs"]
#[allow(dead_code)]
mod mysql_db;

use mysql::prelude::Queryable;
use mysql_db::MysqlDb;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// (name, description)
const CHANGES: &[(&str, &str)] = &[
    ("add column", "add note varchar(100) to items"),
    ("add index", "add index on items.name"),
    ("change type INT→BIGINT", "change items.qty to bigint"),
    ("drop column", "drop column legacy from items"),
];

const TABLE: &str = "CREATE TABLE items_template (
  id int NOT NULL AUTO_INCREMENT,
  qty int NOT NULL DEFAULT 0,
  name varchar(64) NOT NULL DEFAULT '',
  legacy varchar(32) DEFAULT NULL,
  updated_at datetime DEFAULT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

/// How long the writer runs alone before and after each ALTER.
const MARGIN: Duration = Duration::from_millis(300);

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn connect(url: &str) -> mysql::Conn {
    mysql::Conn::new(mysql::Opts::from_url(url).expect("database URL")).expect("connect")
}

/// `items` as a fresh copy of the template.
fn reset(conn: &mut mysql::Conn) {
    conn.query_drop("DROP TABLE IF EXISTS items")
        .expect("drop items");
    conn.query_drop("CREATE TABLE items LIKE items_template")
        .expect("create items");
    conn.query_drop("INSERT INTO items SELECT * FROM items_template")
        .expect("copy the template's rows");
}

/// The up file's statements for `description`, and the lines of the report that say how the
/// table is locked and whether an online schema-change tool is recommended.
fn generated(db: &MysqlDb, description: &str, rows: u64) -> (Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("schema.sql"), db.dump(&[])).expect("write the dump");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .current_dir(dir.path())
        .args(["generate", description, "--framework", "sql"])
        .args(["--dialect", "mariadb", "--schema", "schema.sql"])
        .args([
            "--rows",
            &format!("items={rows}"),
            "--now",
            "20261204120000",
        ])
        .output()
        .expect("run migsmith");
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "migsmith generate {description:?} failed:\n{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let up = std::fs::read_dir(dir.path().join("migrations"))
        .expect("migrations written")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().ends_with(".up.sql"))
        .expect("an up file");
    let text = std::fs::read_to_string(up).expect("read the up file");
    let statements = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
        .split(';')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let notes = report
        .lines()
        .filter(|l| l.contains("**Table Lock**") || l.contains("gh-ost"))
        .map(|l| {
            let l = l.trim_start_matches(['-', ' ']).to_string();
            match l.char_indices().nth(160) {
                Some((i, _)) => format!("{}…", &l[..i]),
                None => l,
            }
        })
        .collect();
    (statements, notes)
}

/// `statement` without its trailing `, ALGORITHM=…` / `, LOCK=…` clauses.
fn plain(statement: &str) -> String {
    let mut s = statement.trim_end().to_string();
    while let Some(i) = s.rfind(", ") {
        let tail = s[i + 2..].to_ascii_uppercase();
        if tail.starts_with("ALGORITHM=") || tail.starts_with("LOCK=") {
            s.truncate(i);
        } else {
            break;
        }
    }
    s
}

struct Run {
    alter: Duration,
    rows_affected: u64,
    worst: Duration,
    writes: usize,
    errors: Vec<String>,
}

/// Single-row INSERTs and UPDATEs on `items` in a tight loop on its own connection until
/// `stop`; each statement's latency.
fn writer(url: &str, rows: u64, stop: Arc<AtomicBool>) -> (Vec<Duration>, Vec<String>) {
    let mut conn = connect(url);
    let (mut latencies, mut errors) = (vec![], vec![]);
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut n: u64 = 0;
    while !stop.load(Ordering::Relaxed) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let id = x % rows + 1;
        let sql = if n.is_multiple_of(2) {
            format!("UPDATE items SET qty = qty + 1, updated_at = NOW() WHERE id = {id}")
        } else {
            format!("INSERT INTO items (qty, name) VALUES ({n}, 'writer {n}')")
        };
        n += 1;
        let t = Instant::now();
        let result = conn.query_drop(&sql);
        latencies.push(t.elapsed());
        if let Err(e) = result {
            errors.push(e.to_string());
        }
    }
    (latencies, errors)
}

/// Run `statements` on a fresh copy of the template while the writer runs.
fn run(db: &MysqlDb, admin: &mut mysql::Conn, statements: &[String], rows: u64) -> Run {
    reset(admin);
    let stop = Arc::new(AtomicBool::new(false));
    let handle = {
        let stop = stop.clone();
        let url = db.url.clone();
        std::thread::spawn(move || writer(&url, rows, stop))
    };
    std::thread::sleep(MARGIN);
    let started = Instant::now();
    let mut rows_affected = 0;
    for s in statements {
        admin.query_drop(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        rows_affected += admin.affected_rows();
    }
    let alter = started.elapsed();
    std::thread::sleep(MARGIN);
    stop.store(true, Ordering::Relaxed);
    let (latencies, errors) = handle.join().expect("writer thread");
    Run {
        alter,
        rows_affected,
        worst: latencies.iter().max().copied().unwrap_or_default(),
        writes: latencies.len(),
        errors,
    }
}

fn main() {
    let rows: u64 = std::env::var("STALL_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let rounds: usize = std::env::var("STALL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(2);
    println!(
        "run started {} (load average {})\n",
        chrono::Utc::now(),
        load()
    );
    let Some(db) = MysqlDb::create("bench_stall") else {
        eprintln!("MariaDB at {} is unreachable", mysql_db::ADMIN_URL);
        std::process::exit(1);
    };
    let mut admin = connect(&db.url);
    let version: String = admin
        .query_first("SELECT VERSION()")
        .expect("server version")
        .unwrap_or_default();
    let loading = Instant::now();
    admin.query_drop(TABLE).expect("create the template");
    admin
        .query_drop(format!(
            "INSERT INTO items_template (id, qty, name, legacy, updated_at) \
             SELECT seq, seq % 1000, CONCAT('name ', MD5(seq)), LEFT(MD5(seq), 20), NOW() \
             FROM seq_1_to_{rows}"
        ))
        .expect("load the template's rows (MariaDB's Sequence engine)");
    reset(&mut admin);
    println!(
        "server {version}; {rows} rows loaded in {:.1} s\n",
        loading.elapsed().as_secs_f64()
    );

    let baseline = run(&db, &mut admin, &[], rows);
    println!(
        "writer alone ({:.0} ms, no ALTER): {} statements, worst {:.1} ms\n",
        ms(MARGIN * 2),
        baseline.writes,
        ms(baseline.worst)
    );

    let mut table = vec![];
    let mut summary = vec![];
    let mut notes = vec![];
    for (name, description) in CHANGES {
        let (generated, report) = generated(&db, description, rows);
        notes.push((name, report));
        let alters: Vec<&String> = generated
            .iter()
            .filter(|s| s.to_ascii_uppercase().starts_with("ALTER"))
            .collect();
        let plain: Vec<String> = alters.iter().map(|s| plain(s)).collect();
        let copy: Vec<String> = plain
            .iter()
            .map(|s| format!("{s}, ALGORITHM=COPY"))
            .collect();
        let forms = [
            ("generated", generated.clone()),
            ("plain", plain),
            ("COPY", copy),
        ];
        let mut runs: Vec<Vec<Run>> = forms.iter().map(|_| vec![]).collect();
        for _ in 0..rounds {
            for (k, (_, statements)) in forms.iter().enumerate() {
                runs[k].push(run(&db, &mut admin, statements, rows));
            }
        }
        let worst = |runs: &[Run]| runs.iter().map(|r| r.worst).max().unwrap_or_default();
        for ((form, statements), runs) in forms.iter().zip(&runs) {
            let alter_text = statements
                .iter()
                .filter(|s| s.to_ascii_uppercase().starts_with("ALTER"))
                .map(|s| format!("`` {s} ``"))
                .collect::<Vec<_>>()
                .join("; ");
            let per_round =
                |f: &dyn Fn(&Run) -> String| runs.iter().map(f).collect::<Vec<_>>().join(" / ");
            let errors: Vec<&String> = runs.iter().flat_map(|r| &r.errors).collect();
            table.push(format!(
                "| {name} | {form} | {alter_text} | {:.0} ({}) | {} | {:.0} ({}) | {} | {} |",
                ms(worst(runs)),
                per_round(&|r| format!("{:.0}", ms(r.worst))),
                per_round(&|r| r.rows_affected.to_string()),
                ms(runs.iter().map(|r| r.alter).max().unwrap_or_default()),
                per_round(&|r| format!("{:.0}", ms(r.alter))),
                per_round(&|r| r.writes.to_string()),
                match errors.first() {
                    None => "0".to_string(),
                    Some(e) => format!("{} ({e})", errors.len()),
                },
            ));
        }
        let (g, p, c) = (
            ms(worst(&runs[0])),
            ms(worst(&runs[1])),
            ms(worst(&runs[2])),
        );
        summary.push(format!(
            "| {name} | {g:.0} | {p:.0} | {c:.0} | {:.1}× | {:.1}× |",
            p / g.max(1.0),
            c / g.max(1.0)
        ));
        eprintln!("{name} done (load average {})", load());
    }

    println!(
        "## worst single-row INSERT/UPDATE wait per form at {rows} rows (ms), {rounds} rounds\n"
    );
    println!(
        "| change | generated: worst | plain ALTER: worst | ALGORITHM=COPY: worst | plain / generated | COPY / generated |"
    );
    println!("|---|---|---|---|---|---|");
    for line in &summary {
        println!("{line}");
    }
    println!(
        "\n## per form: worst wait (rounds), rows affected, ALTER duration, writer statements\n"
    );
    println!(
        "| change | form | ALTER | writer: worst ms (rounds) | rows affected | ALTER ms: max (rounds) | writer statements | writer errors |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for line in &table {
        println!("{line}");
    }
    println!("\n## what migsmith's report says\n");
    for (name, lines) in notes {
        for l in lines {
            println!("- {name}: {l}");
        }
    }
    println!(
        "\nrun ended {} (load average {})",
        chrono::Utc::now(),
        load()
    );
}
