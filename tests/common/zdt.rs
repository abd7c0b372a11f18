//! Zero-downtime harness shared by `tests/zero_downtime.rs` and `benches/zero_downtime.rs`: a
//! database whose `users` table holds N rows (built with `generate_series`), migrations
//! generated as if `users` had a given size, and a second connection that issues single-row
//! UPDATEs while migration files run, recording the longest wait.

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

    /// [`Fixture::generate`] with the options adjusted by `tweak` (e.g. `--strategy`).
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
        }
    }

    /// Run `files` with psql while another connection updates single rows of `users` every
    /// ~5 ms; returns psql's result, the longest UPDATE, and each file's duration.
    pub fn with_writer(&self, files: &[PathBuf]) -> (Result<(), String>, Duration, Vec<Duration>) {
        let stop = Arc::new(AtomicBool::new(false));
        let longest = Arc::new(Mutex::new(Duration::ZERO));
        let mut client = self.db.client();
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
                    *l = (*l).max(took);
                    drop(l);
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        let mut durations = vec![];
        let mut result = Ok(());
        for f in files {
            let start = Instant::now();
            result = self.db.psql_file(f);
            durations.push(start.elapsed());
            if result.is_err() {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
        stop.store(true, Ordering::SeqCst);
        writer.join().unwrap();
        let l = *longest.lock().unwrap();
        (result, l, durations)
    }
}
