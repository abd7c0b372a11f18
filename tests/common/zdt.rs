//! Zero-downtime harness shared by `tests/zero_downtime.rs` and `benches/zero_downtime.rs`: a
//! database whose `users` table holds N rows (built with `generate_series`), migrations
//! generated as if `users` had a given size, and a second connection that issues single-row
//! UPDATEs while migration files run, recording the longest wait and what the writer's backend
//! was waiting on meanwhile (`pg_stat_activity` sampled every 10 ms: `Lock/transactionid` is a
//! row lock held by the migration, `IO/WALSync` the writer's own commit flush).

use super::TestDb;
use chrono::TimeZone;
use migsmith::generate::{generate, GenerateOptions, SchemaSource};
use migsmith::render::write_files;
use migsmith::schema::sizes::{RowCounts, RowSpec};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const SCHEMA: &str = "
CREATE TABLE accounts (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (
  id bigserial PRIMARY KEY,
  account_id bigint,
  email text,
  name text,
  created_at timestamptz,
  score integer,
  pad text
);
";

fn data(rows: u64) -> String {
    format!(
        "INSERT INTO accounts (name) SELECT 'account ' || i FROM generate_series(1, 1000) i;
         INSERT INTO users (account_id, email, name, created_at, score, pad)
         SELECT i % 1000 + 1, 'user' || i || '@example.com', 'name ' || md5(i::text), now(), i,
                repeat(md5(i::text), 3)
         FROM generate_series(1, {rows}) i;
         VACUUM ANALYZE users;"
    )
}

/// A database with `rows` users, and the schema dump `generate` reads.
pub struct Fixture {
    pub db: TestDb,
    pub dir: tempfile::TempDir,
    pub rows: u64,
}

/// Generated files in run order, with the estimated seconds of each up file.
pub struct Files {
    pub ups: Vec<PathBuf>,
    pub downs: Vec<PathBuf>,
    /// Per up file: (phase name, estimated seconds).
    pub estimates: Vec<(String, f64)>,
    /// The plan the files came from.
    pub plan: migsmith::plan::Plan,
}

impl Fixture {
    pub fn new(tag: &str, rows: u64) -> Option<Fixture> {
        let db = TestDb::create(tag)?;
        db.psql(SCHEMA).expect("schema loads");
        db.psql(&data(rows)).expect("rows load");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("schema.sql"), SCHEMA).unwrap();
        Some(Fixture { db, dir, rows })
    }

    /// A fixture whose database is a copy of this one's (no open connection to it allowed);
    /// files generated from this one run on it unchanged.
    pub fn copy(&self, tag: &str) -> Option<Fixture> {
        let db = TestDb::copy_of(&self.db, tag)?;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("schema.sql"), SCHEMA).unwrap();
        Some(Fixture {
            db,
            dir,
            rows: self.rows,
        })
    }

    pub fn options(&self, description: &str, project: PathBuf) -> GenerateOptions {
        GenerateOptions {
            description: description.to_string(),
            source: SchemaSource::Dump(self.dir.path().join("schema.sql")),
            project_dir: project,
            migrations_dir: PathBuf::from("migrations"),
            framework: None,
            costs: Default::default(),
            rows: Default::default(),
            pg_version: None,
            dialect: None,
            resolve: Default::default(),
            operations: None,
            strategy: migsmith::plan::StrategyOptions {
                lock_timeout_ms: 2_000,
                ..Default::default()
            },
            now: chrono::Utc
                .with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
                .unwrap(),
        }
    }

    /// Generate `description` as if `users` had `rows` rows.
    pub fn generate(&self, description: &str, rows: u64, tag: &str) -> Files {
        self.generate_with(description, rows, tag, |_| {})
    }

    /// [`Fixture::generate`] with the options adjusted by `tweak` (e.g. `--strategy`, costs).
    /// The options that read the schema from the live fixture database (with its tables'
    /// sizes, for the row-width term of the estimates).
    pub fn live_source(&self) -> SchemaSource {
        SchemaSource::Live(migsmith::generate::LiveSource {
            url: self.db.url.clone(),
            schema_name: None,
            exact_counts: false,
        })
    }

    pub fn generate_with(
        &self,
        description: &str,
        rows: u64,
        tag: &str,
        tweak: impl FnOnce(&mut GenerateOptions),
    ) -> Files {
        let project = self.dir.path().join(tag);
        let mut opts = self.options(description, project.clone());
        tweak(&mut opts);
        opts.rows = RowCounts::from_specs(&[RowSpec::Table("users".into(), rows)]);
        let generated = generate(&opts).unwrap_or_else(|e| panic!("{description}: {e}"));
        write_files(&project, &generated.files).unwrap();
        let files = |suffix: &str| -> Vec<PathBuf> {
            generated
                .files
                .iter()
                .filter(|f| f.path.ends_with(suffix))
                .map(|f| project.join(&f.path))
                .collect()
        };
        let mut downs = files(".down.sql");
        downs.reverse();
        Files {
            ups: files(".up.sql"),
            downs,
            estimates: generated
                .plan
                .phases
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        p.up.iter().map(|s| s.estimated_seconds).sum(),
                    )
                })
                .collect(),
            plan: generated.plan,
        }
    }

    /// Run `files` with psql while another connection updates single rows of `users` every
    /// ~5 ms; returns psql's result, the longest UPDATE, and each file's statement time.
    pub fn with_writer(&self, files: &[PathBuf]) -> (Result<(), String>, Duration, Vec<Duration>) {
        let run = self.run_with_writer(files);
        (run.result, run.longest, run.durations)
    }

    /// Run `files` with psql, nothing else running; each file's statement time.
    pub fn run_alone(&self, files: &[PathBuf]) -> Result<Vec<Duration>, String> {
        files
            .iter()
            .map(|f| timed_psql_file(&self.db.url, f))
            .collect()
    }

    /// [`Fixture::with_writer`], with the wait events of the longest UPDATE.
    pub fn run_with_writer(&self, files: &[PathBuf]) -> Run {
        let stop = Arc::new(AtomicBool::new(false));
        let longest = Arc::new(Mutex::new((Duration::ZERO, Instant::now(), Instant::now())));
        let mut client = self.db.client();
        let pid: i32 = client
            .query_one("SELECT pg_backend_pid()", &[])
            .unwrap()
            .get(0);
        let rows = self.rows.max(1);
        let writer = {
            let (stop, longest) = (stop.clone(), longest.clone());
            std::thread::spawn(move || {
                let mut k: u64 = 12345;
                while !stop.load(Ordering::SeqCst) {
                    k = k
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let id = ((k >> 33) % rows + 1) as i64;
                    let start = Instant::now();
                    client
                        .execute("UPDATE users SET score = score + 1 WHERE id = $1", &[&id])
                        .expect("probe update");
                    let took = start.elapsed();
                    let mut l = longest.lock().unwrap();
                    if took > l.0 {
                        *l = (took, start, Instant::now());
                    }
                    drop(l);
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        };
        let sampler = {
            let stop = stop.clone();
            let mut client = self.db.client();
            std::thread::spawn(move || {
                let mut samples = vec![];
                while !stop.load(Ordering::SeqCst) {
                    let row = client
                        .query_one(
                            "SELECT coalesce(wait_event_type || '/' || wait_event, 'running') FROM pg_stat_activity WHERE pid = $1",
                            &[&pid],
                        )
                        .ok();
                    if let Some(row) = row {
                        samples.push((Instant::now(), row.get::<_, String>(0)));
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                samples
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        let mut durations = vec![];
        let mut result = Ok(());
        for f in files {
            match timed_psql_file(&self.db.url, f) {
                Ok(d) => durations.push(d),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(50));
        stop.store(true, Ordering::SeqCst);
        writer.join().unwrap();
        let samples = sampler.join().unwrap();
        let (longest, from, to) = *longest.lock().unwrap();
        let mut waits: Vec<(String, usize)> = vec![];
        for (_, event) in samples.iter().filter(|(at, _)| *at >= from && *at <= to) {
            match waits.iter_mut().find(|(e, _)| e == event) {
                Some(w) => w.1 += 1,
                None => waits.push((event.clone(), 1)),
            }
        }
        waits.sort_by_key(|w| std::cmp::Reverse(w.1));
        Run {
            result,
            longest,
            longest_waits: waits
                .iter()
                .map(|(e, n)| format!("{e} ×{n}"))
                .collect::<Vec<_>>()
                .join(", "),
            durations,
        }
    }
}

/// What [`Fixture::run_with_writer`] saw.
pub struct Run {
    pub result: Result<(), String>,
    /// The longest single-row UPDATE.
    pub longest: Duration,
    /// Wait events sampled on the writer's backend during that UPDATE, most frequent first
    /// (`Lock/transactionid ×31, IO/WALSync ×2`); empty when it was too short to sample.
    pub longest_waits: String,
    /// Per file run: the statements' time as psql's `\timing` reports it (client start-up and
    /// connection excluded).
    pub durations: Vec<Duration>,
}

/// Run `file` with `psql -f` and `\timing on`; the sum of the statements' times.
pub fn timed_psql_file(url: &str, file: &std::path::Path) -> Result<Duration, String> {
    let out = std::process::Command::new("psql")
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            "\\timing on",
            "-f",
        ])
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "psql -f {} failed:\n{}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let ms: f64 = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("Time: "))
        .filter_map(|t| t.split(' ').next()?.parse::<f64>().ok())
        .sum();
    Ok(Duration::from_secs_f64(ms / 1000.0))
}
