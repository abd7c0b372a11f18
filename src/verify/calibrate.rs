//! `migsmith calibrate`: measure this server's per-row costs on a scratch database (never the
//! user's) — table rewrite, index builds (text and integer, plain and CONCURRENTLY), validation
//! and check scans, foreign key validation, batched backfill, full-table UPDATE, sequential scan
//! — scaled to seconds per million rows, as a [`CostTable`] that `generate` and `verify` use.
//! Rewrite, full-table UPDATE and batched backfill are measured with one index (the primary
//! key) and with three, so the per-index part (every rewritten or updated row writes every
//! index) is known apart; the batched backfill also at two batch sizes, so the cost of each
//! committed batch is known apart from the per-row cost.
//! The text index builds (plain and CONCURRENTLY) index random text (`md5`), as real columns
//! hold (e-mail addresses, names, uuids): ordered text such as `verify` seeds (`'v_' || n`)
//! sorts about twice as fast, so `verify`'s seeded tables build faster than estimated.
//! The foreign key is validated against a 1,000-row parent (cached) and against one as large as
//! the child (cold): the first is the cost per referencing row, the difference the cost per
//! referenced row (PostgreSQL checks with one anti-join, scanning both sides).
//! A validation scan is also timed right after a full-table UPDATE (dead rows, no hint bits),
//! as a plan that backfills then validates runs it. The catalog-only change, the fixed cost of
//! every statement (mostly its commit's WAL flush), is the median of 5, not the best: the
//! best is the idle case, the median what a statement meets on this server.

use super::cluster::Cluster;
use super::roundtrip::Where;
use super::scratch::{ScratchDb, Server};
use super::{db_message, VerifyError};
use crate::plan::cost::CostTable;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use postgres::Client;
use std::io::IsTerminal;
use std::time::Instant;

/// Rows in the measured table by default: big enough to dominate fixed costs, quick to build.
pub const DEFAULT_ROWS: u64 = 300_000;

struct Bench {
    client: Client,
    bar: ProgressBar,
}

impl Bench {
    fn exec(&mut self, sql: &str) -> Result<(), VerifyError> {
        self.client.batch_execute(sql).map_err(|e| {
            VerifyError::Scratch(format!(
                "calibration step `{sql}` failed: {}",
                db_message(&e)
            ))
        })
    }

    /// Seconds `sql` takes (best of `runs`, after `setup` before each run).
    fn time(
        &mut self,
        what: &str,
        setup: &str,
        sql: &str,
        runs: usize,
    ) -> Result<f64, VerifyError> {
        self.bar.set_message(what.to_string());
        let mut best = f64::INFINITY;
        for _ in 0..runs {
            if !setup.is_empty() {
                self.exec(setup)?;
            }
            let start = Instant::now();
            self.exec(sql)?;
            best = best.min(start.elapsed().as_secs_f64());
        }
        self.bar.inc(1);
        Ok(best)
    }
}

impl Bench {
    /// Seconds `sql` takes (median of `runs`, after `setup` before each run).
    fn median(
        &mut self,
        what: &str,
        setup: &str,
        sql: &str,
        runs: usize,
    ) -> Result<f64, VerifyError> {
        self.bar.set_message(what.to_string());
        let mut times = vec![];
        for _ in 0..runs {
            self.exec(setup)?;
            let start = Instant::now();
            self.exec(sql)?;
            times.push(start.elapsed().as_secs_f64());
        }
        self.bar.inc(1);
        times.sort_by(f64::total_cmp);
        Ok(times[times.len() / 2])
    }

    /// Seconds of an `IS NOT NULL` validation scan of `cal` right after an UPDATE of every row
    /// (best of 2, after a VACUUM FULL each: VACUUM runs alone, not in a transaction block).
    fn after_update(&mut self) -> Result<f64, VerifyError> {
        self.bar
            .set_message("validation scan after a full-table UPDATE".to_string());
        let mut best = f64::INFINITY;
        for _ in 0..2 {
            self.exec("VACUUM FULL cal")?;
            self.exec("UPDATE cal SET r = r + 1")?;
            self.exec("ALTER TABLE cal ADD CONSTRAINT cal_v CHECK (r IS NOT NULL) NOT VALID")?;
            let start = Instant::now();
            self.exec("ALTER TABLE cal VALIDATE CONSTRAINT cal_v")?;
            best = best.min(start.elapsed().as_secs_f64());
            self.exec("ALTER TABLE cal DROP CONSTRAINT cal_v")?;
        }
        self.bar.inc(1);
        Ok(best)
    }

    /// Seconds of a batched backfill of every row of `cal` in batches of `batch` (best of 2,
    /// after a VACUUM FULL each).
    fn batched(&mut self, batch: u64) -> Result<f64, VerifyError> {
        self.bar
            .set_message(format!("batched backfill ({batch} rows per batch)"));
        let mut best = f64::INFINITY;
        for _ in 0..2 {
            self.exec("VACUUM FULL cal")?;
            let start = Instant::now();
            self.exec(&format!(
                "DO $cal$ DECLARE k bigint; e bigint; BEGIN SELECT min(id) INTO k FROM cal; \
                 WHILE k IS NOT NULL LOOP \
                 SELECT max(id) INTO e FROM (SELECT id FROM cal WHERE id >= k ORDER BY id LIMIT {batch}) AS b; \
                 UPDATE cal SET r = r + 1 WHERE id >= k AND id <= e; COMMIT; \
                 SELECT min(id) INTO k FROM cal WHERE id > e; END LOOP; END $cal$"
            ))?;
            best = best.min(start.elapsed().as_secs_f64());
        }
        self.bar.inc(1);
        Ok(best)
    }
}

/// Measure on a scratch database at `place` with a table of `rows` rows.
pub fn calibrate(place: &Where, rows: u64) -> Result<CostTable, VerifyError> {
    if rows < 1000 {
        return Err(VerifyError::Input(format!(
            "--rows {rows} is too small to measure per-row costs; use at least 100000"
        )));
    }
    let cluster = match place {
        Where::Ephemeral => Some(Cluster::start()?),
        Where::Server(_) => None,
    };
    let server = match (place, &cluster) {
        (Where::Server(url), _) => Server::from_url(url)?,
        (_, Some(c)) => c.server(),
        _ => unreachable!("the cluster was started above"),
    };
    let scratch = ScratchDb::create(&server)?;
    eprintln!(
        "calibrate: scratch database {} created on {}",
        scratch.name, server.display
    );
    let bar = ProgressBar::new(19);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            ProgressStyle::with_template("{spinner} calibrate [{bar:20}] {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let mut b = Bench {
        client: scratch.connect()?,
        bar,
    };
    let version: String = b
        .client
        .query_one(
            "SELECT 'PostgreSQL ' || current_setting('server_version')",
            &[],
        )
        .map_err(|e| VerifyError::Scratch(db_message(&e)))?
        .get(0);
    b.bar.set_message(format!("building a {rows}-row table"));
    b.exec(&format!(
        "CREATE TABLE cal (id bigint PRIMARY KEY, n integer NOT NULL, t text NOT NULL, r bigint);
         INSERT INTO cal SELECT g, g % 1000, 'v_' || g, g FROM generate_series(1, {rows}) g;
         CREATE TABLE cal_parent (id bigint PRIMARY KEY);
         INSERT INTO cal_parent SELECT g FROM generate_series(1, {rows}) g;
         CREATE TABLE cal_small_parent (id bigint PRIMARY KEY);
         INSERT INTO cal_small_parent SELECT g FROM generate_series(0, 999) g;
         CREATE TABLE cal_text (t text NOT NULL);
         INSERT INTO cal_text SELECT md5(g::text) FROM generate_series(1, {rows}) g;"
    ))?;
    b.exec("VACUUM ANALYZE cal")?;
    b.exec("VACUUM ANALYZE cal_parent")?;
    b.exec("VACUUM ANALYZE cal_small_parent")?;
    b.exec("VACUUM ANALYZE cal_text")?;
    let heap_bytes: i64 = b
        .client
        .query_one("SELECT pg_table_size('cal')", &[])
        .map_err(|e| VerifyError::Scratch(db_message(&e)))?
        .get(0);
    let per_million = |seconds: f64| seconds * 1e6 / rows as f64;
    let metadata = b.median(
        "catalog-only change",
        "ALTER TABLE cal DROP COLUMN IF EXISTS m",
        "ALTER TABLE cal ADD COLUMN m integer",
        5,
    )?;
    let seq = b.time("sequential scan", "", "SELECT count(*) FROM cal", 3)?;
    let text = b.time(
        "index build (text)",
        "DROP INDEX IF EXISTS cal_text_t",
        "CREATE INDEX cal_text_t ON cal_text (t)",
        2,
    )?;
    let integer = b.time(
        "index build (integer)",
        "DROP INDEX IF EXISTS cal_r",
        "CREATE INDEX cal_r ON cal (r)",
        2,
    )?;
    let concurrent = b.time(
        "index build CONCURRENTLY (text)",
        "DROP INDEX IF EXISTS cal_text_t",
        "CREATE INDEX CONCURRENTLY cal_text_t ON cal_text (t)",
        2,
    )?;
    b.exec("DROP INDEX cal_text_t; DROP INDEX cal_r; DROP TABLE cal_text")?;
    let validation = b.time(
        "validation scan (IS NOT NULL)",
        "ALTER TABLE cal DROP CONSTRAINT IF EXISTS cal_v; ALTER TABLE cal ADD CONSTRAINT cal_v CHECK (r IS NOT NULL) NOT VALID",
        "ALTER TABLE cal VALIDATE CONSTRAINT cal_v",
        2,
    )?;
    let check = b.time(
        "check scan (function call)",
        "ALTER TABLE cal DROP CONSTRAINT IF EXISTS cal_c; ALTER TABLE cal ADD CONSTRAINT cal_c CHECK (char_length(t) <= 100) NOT VALID",
        "ALTER TABLE cal VALIDATE CONSTRAINT cal_c",
        2,
    )?;
    let fk = b.time(
        "foreign key validation",
        "ALTER TABLE cal DROP CONSTRAINT IF EXISTS cal_fk; ALTER TABLE cal ADD CONSTRAINT cal_fk FOREIGN KEY (r) REFERENCES cal_parent (id) NOT VALID",
        "ALTER TABLE cal VALIDATE CONSTRAINT cal_fk",
        2,
    )?;
    let fk_small = b.time(
        "foreign key validation (1,000-row parent)",
        "ALTER TABLE cal DROP CONSTRAINT IF EXISTS cal_fks; ALTER TABLE cal ADD CONSTRAINT cal_fks FOREIGN KEY (n) REFERENCES cal_small_parent (id) NOT VALID",
        "ALTER TABLE cal VALIDATE CONSTRAINT cal_fks",
        2,
    )?;
    b.exec("ALTER TABLE cal DROP CONSTRAINT cal_v, DROP CONSTRAINT cal_c, DROP CONSTRAINT cal_fk, DROP CONSTRAINT cal_fks")?;
    // One index (the primary key): `n` and `r` are in no index, so the UPDATE cannot be HOT
    // only for lack of room (VACUUM FULL leaves none).
    let rewrite = b.time(
        "table rewrite, 1 index",
        "VACUUM FULL cal",
        "ALTER TABLE cal ALTER COLUMN n TYPE bigint USING n + 0",
        2,
    )?;
    let update = b.time(
        "full-table UPDATE, 1 index",
        "VACUUM FULL cal",
        "UPDATE cal SET r = r + 1",
        2,
    )?;
    let churned = b.after_update()?;
    // Three indexes: two more, on columns the statements do not change.
    b.exec("CREATE INDEX cal_t ON cal (t); CREATE INDEX cal_i ON cal (id, t)")?;
    let rewrite3 = b.time(
        "table rewrite, 3 indexes",
        "VACUUM FULL cal",
        "ALTER TABLE cal ALTER COLUMN n TYPE bigint USING n + 0",
        2,
    )?;
    let update3 = b.time(
        "full-table UPDATE, 3 indexes",
        "VACUUM FULL cal",
        "UPDATE cal SET r = r + 1",
        2,
    )?;
    // Batched backfill as `generate` writes it (keyset batches, COMMIT after each; no pause,
    // the estimate adds the generated pauses), still with 3 indexes, then with 1 at two batch
    // sizes: per row, per further index, and per committed batch apart.
    let backfill3 = b.batched(10_000)?;
    b.exec("DROP INDEX cal_t; DROP INDEX cal_i")?;
    let backfill = b.batched(10_000)?;
    let backfill_small = b.batched(2_000)?;
    let (many, few) = (rows.div_ceil(2_000) as f64, rows.div_ceil(10_000) as f64);
    let batch_commit = ((backfill_small - backfill) / (many - few)).max(0.0);
    let batched = (backfill - few * batch_commit).max(0.0);
    let batched3 = (backfill3 - few * batch_commit).max(0.0);
    b.bar.finish_and_clear();
    drop(b);
    drop(scratch);
    drop(cluster);
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    Ok(CostTable {
        source: format!("measured now on {version}"),
        server: Some(version),
        measured_at: Some(chrono::Utc::now().to_rfc3339()),
        rewrite: round(per_million(rewrite)),
        rewrite_per_index: round(per_million((rewrite3 - rewrite).max(0.0) / 2.0)),
        index_build_text: round(per_million(text)),
        index_build_integer: round(per_million(integer)),
        concurrent_factor: round(concurrent / text),
        validation_scan: round(per_million(validation)),
        check_scan: round(per_million(check)),
        fk_validation: round(per_million(fk_small)),
        // The large parent has `rows` rows, as many as the child.
        fk_validation_parent: round(per_million((fk - fk_small).max(0.0))),
        churned_scan: round(per_million(churned)),
        batched_backfill: round(per_million(batched)),
        batch_commit: round(batch_commit),
        backfill_per_index: round(per_million((batched3 - batched).max(0.0) / 2.0)),
        full_update: round(per_million(update)),
        update_per_index: round(per_million((update3 - update).max(0.0) / 2.0)),
        seq_scan: round(per_million(seq)),
        metadata_seconds: round(metadata.max(0.001)),
        row_bytes: round(heap_bytes as f64 / rows as f64),
        // Measured at one width only: the built-in share (BENCHMARKS.md, "Zero downtime").
        update_width_share: CostTable::default().update_width_share,
    })
}
