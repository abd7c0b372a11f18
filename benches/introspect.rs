//! Introspection benchmark: a throwaway database with 2,000 tables and 20,000 columns (each
//! table: a bigserial primary key, nine typed columns with defaults, a check, a secondary
//! index, and every tenth table a foreign key), read live by `schema::live::postgres::load`,
//! compared with `pg_dump --schema-only` of the same database loaded by `schema::sql::load_str`.
//!
//! Run: `cargo bench --bench introspect` (PostgreSQL on 127.0.0.1:5432, user `postgres`,
//! `pg_dump` on PATH; `MIGSMITH_BENCH_URL` overrides the server URL, `MIGSMITH_BENCH_TABLES`
//! the table count). Prints the median of 3 runs of each and their ratios; BENCHMARKS.md
//! records the figures.

use migsmith::schema::live::postgres::{load, Options};
use migsmith::schema::sql::load_str;
use postgres::{Client, NoTls};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 3;

struct Db {
    admin_url: String,
    name: String,
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect(&self.admin_url, NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// One script per table (a single multi-statement batch is one transaction and runs out of
/// lock slots).
fn ddl(tables: usize) -> Vec<String> {
    let mut scripts = Vec::new();
    for i in 0..tables {
        scripts.push(format!(
            "CREATE TABLE t{i:04} (
               id bigserial PRIMARY KEY,
               name varchar(100) NOT NULL DEFAULT '',
               email text,
               amount numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
               qty integer NOT NULL DEFAULT 1,
               active boolean NOT NULL DEFAULT true,
               tags text[],
               created_at timestamptz NOT NULL DEFAULT now(),
               ref_id bigint{},
               payload jsonb);
             CREATE INDEX t{i:04}_lower_email_idx ON t{i:04} (lower(email)) WHERE active;\n",
            if i % 10 == 9 {
                format!(" REFERENCES t{:04} (id) ON DELETE CASCADE", i - 9)
            } else {
                String::new()
            }
        ));
    }
    scripts
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let server = std::env::var("MIGSMITH_BENCH_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string());
    let tables: usize = std::env::var("MIGSMITH_BENCH_TABLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let admin_url = format!("{server}/postgres");
    let mut admin = match Client::connect(&admin_url, NoTls) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("introspect bench needs PostgreSQL at {server}: {e}");
            std::process::exit(1);
        }
    };
    let db = Db {
        admin_url: admin_url.clone(),
        name: format!("migsmith_bench_{}", std::process::id()),
    };
    admin
        .batch_execute(&format!("CREATE DATABASE \"{}\"", db.name))
        .expect("create bench database");
    let url = format!("{server}/{}", db.name);
    let mut client = Client::connect(&url, NoTls).expect("connect");
    let t = Instant::now();
    for script in ddl(tables) {
        client.batch_execute(&script).expect("build schema");
    }
    client.batch_execute("ANALYZE").expect("analyze");
    let columns: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0",
            &[],
        )
        .unwrap()
        .get(0);
    println!(
        "built {tables} tables, {columns} columns in {:.1?}",
        t.elapsed()
    );

    let opts = Options {
        schema_name: None,
        exact_counts: false,
    };
    let mut live_times = Vec::new();
    let mut live_schema = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let s = load(&url, opts).expect("live load");
        live_times.push(t.elapsed());
        live_schema = Some(s);
    }
    let mut dump_times = Vec::new();
    let mut parse_times = Vec::new();
    let mut dumped = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let out = Command::new("pg_dump")
            .args(["--schema-only", "--no-owner", "-d", &url])
            .output()
            .expect("run pg_dump");
        assert!(out.status.success(), "pg_dump failed");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        dump_times.push(t.elapsed());
        let t = Instant::now();
        let s = load_str(&text, "pg_dump").expect("load dump");
        parse_times.push(t.elapsed());
        dumped = Some(s);
    }
    let (live, dump, parse) = (median(live_times), median(dump_times), median(parse_times));
    let live_schema = live_schema.expect("ran");
    assert_eq!(live_schema.tables.len(), tables);
    assert_eq!(
        live_schema.tables.len(),
        dumped.expect("ran").tables.len(),
        "both loads see every table"
    );
    println!("live introspection (median of {RUNS}):       {live:.2?}");
    println!("pg_dump --schema-only (process):           {dump:.2?}");
    println!("load_str of that dump:                     {parse:.2?}");
    println!(
        "ratio live / load_str(dump):               {:.2}",
        live.as_secs_f64() / parse.as_secs_f64()
    );
    println!(
        "ratio live / (pg_dump + load_str):         {:.2}",
        live.as_secs_f64() / (dump + parse).as_secs_f64()
    );
}
