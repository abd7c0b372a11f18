//! `migsmith calibrate`: measure this server's costs on a scratch database (never the user's)
//! as a [`CostTable`] that `generate` and `verify` use.
//!
//! Work that reads or writes whole rows is measured on two tables of the same rows and
//! different widths (`cal`, narrow, and `cal_wide`, the same columns with a longer pad), and
//! split into a per-row and a per-byte part by the difference: validation scans (`read_per_gb`,
//! shared by every scan and index build), table rewrites, full-table UPDATEs, batched
//! backfills and the scan after an UPDATE. The tables are made wide enough to exceed half of
//! `shared_buffers` where a row under TOAST's threshold allows it, so PostgreSQL reads them
//! through a small ring of buffers and an UPDATE's new row versions overflow the buffers, as
//! with every large table, and the figures are a large table's.
//! Everything else is measured on the narrow table, its heap read subtracted to leave the
//! per-row part: check scans, foreign key validation (against a 1,000-row parent, and against
//! one as large as the child: the difference is per referenced row), index builds on text and
//! on integers, each shuffled and in key order, plain and CONCURRENTLY. Rewrite,
//! UPDATE and batched backfill (keyset batches, a COMMIT each, in one `DO` block as generated)
//! are also timed with three indexes, so the per-index part is known apart, and the backfill at
//! two batch sizes, so the cost of each committed batch is. Fixed costs: a control statement's
//! round trip, a catalog change inside a transaction, its COMMIT.
//!
//! Each figure is the median of its runs (11 for scans, 7 for index builds, 5 for fixed costs,
//! 3 for the scan after an UPDATE, 2 — their mean — for the slow writes): the best run is the
//! idle server, the median what a statement meets on it.

use super::cluster::Cluster;
use super::roundtrip::Where;
use super::scratch::{ScratchDb, Server};
use super::{db_message, VerifyError};
use crate::plan::cost::{CostTable, MODEL};
use crate::plan::strategy::thousands;
use indicatif::ProgressBar;
use postgres::Client;
use std::time::Instant;

/// Rows in the measured tables by default: big enough to dominate fixed costs, quick to build.
pub const DEFAULT_ROWS: u64 = 300_000;

/// Bytes per row of the narrow table without its pad's characters (header, line pointer, the
/// other six columns).
const NARROW_BASE_BYTES: u64 = 114;
/// The wide table's rows are this much wider than the narrow table's.
const WIDE_EXTRA_BYTES: u64 = 400;
/// The narrow table's rows stay under this, so the wide table's stay under TOAST's threshold
/// (about 2 kB a row), where a long value would be compressed or moved out of line.
const MAX_NARROW_BYTES: u64 = 1_400;
const _: () = assert!(MAX_NARROW_BYTES + WIDE_EXTRA_BYTES < 2_000);

/// Runs of each scan: tens of milliseconds each, where one slow run weighs most.
const SCAN_RUNS: usize = 11;

/// Runs of each index build (plain and CONCURRENTLY in pairs): a few hundred milliseconds
/// each, and CONCURRENTLY's extra work is their difference.
const BUILD_RUNS: usize = 7;

/// Measurements taken in `calibrate`, for the progress bar.
const STEPS: u64 = 24;

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

    fn number(&mut self, sql: &str) -> Result<i64, VerifyError> {
        self.client
            .query_one(sql, &[])
            .map(|row| row.get(0))
            .map_err(|e| VerifyError::Scratch(db_message(&e)))
    }

    /// Seconds `sql` takes: the median of `runs` (with 2, their mean), after `setup` before
    /// each run.
    fn typical(
        &mut self,
        what: &str,
        setup: &str,
        sql: &str,
        runs: usize,
    ) -> Result<f64, VerifyError> {
        self.bar.set_message(what.to_string());
        let mut times = vec![];
        for _ in 0..runs {
            if !setup.is_empty() {
                self.exec(setup)?;
            }
            let start = Instant::now();
            self.exec(sql)?;
            times.push(start.elapsed().as_secs_f64());
        }
        self.bar.inc(1);
        Ok(median(&mut times))
    }

    /// Seconds of a control statement (`BEGIN`, `SET …`), of a catalog change inside a
    /// transaction and of the transaction's `COMMIT`, each in a new session as a migration
    /// runs (its catalog caches cold): medians of 5 such migrations adding a check NOT VALID
    /// and 5 dropping it.
    fn migration_costs(&mut self, scratch: &ScratchDb) -> Result<(f64, f64, f64), VerifyError> {
        self.bar
            .set_message("control statement, catalog change, commit".to_string());
        let (mut control, mut change, mut commit) = (vec![], vec![], vec![]);
        for _ in 0..5 {
            for sql in [
                "ALTER TABLE cal ADD CONSTRAINT cal_m CHECK (n IS NOT NULL) NOT VALID",
                "ALTER TABLE cal DROP CONSTRAINT cal_m",
            ] {
                let mut session = scratch.connect()?;
                let mut timed = |sql: &str, into: &mut Vec<f64>| {
                    let start = Instant::now();
                    session.batch_execute(sql).map_err(|e| {
                        VerifyError::Scratch(format!(
                            "calibration step `{sql}` failed: {}",
                            db_message(&e)
                        ))
                    })?;
                    into.push(start.elapsed().as_secs_f64());
                    Ok::<(), VerifyError>(())
                };
                timed("BEGIN", &mut control)?;
                timed("SET lock_timeout = '5s'", &mut control)?;
                timed(sql, &mut change)?;
                timed("COMMIT", &mut commit)?;
            }
        }
        self.bar.inc(1);
        Ok((
            median(&mut control),
            median(&mut change),
            median(&mut commit),
        ))
    }

    /// Seconds of a plain index build on `cal.column` and what CONCURRENTLY adds to it: the
    /// medians of `BUILD_RUNS` plain builds and of the differences of each with the
    /// CONCURRENTLY build right after it (pairs cancel the machine's slow drifts).
    fn builds(&mut self, what: &str, column: &str) -> Result<(f64, f64), VerifyError> {
        self.bar.set_message(format!("index builds ({what})"));
        let (mut plain, mut extra) = (vec![], vec![]);
        for _ in 0..BUILD_RUNS {
            let mut time = |sql: &str| {
                self.exec("DROP INDEX IF EXISTS cal_x")?;
                let start = Instant::now();
                self.exec(sql)?;
                Ok::<f64, VerifyError>(start.elapsed().as_secs_f64())
            };
            let p = time(&format!("CREATE INDEX cal_x ON cal ({column})"))?;
            let c = time(&format!(
                "CREATE INDEX CONCURRENTLY cal_x ON cal ({column})"
            ))?;
            plain.push(p);
            extra.push(c - p);
        }
        self.exec("DROP INDEX cal_x")?;
        self.bar.inc(1);
        Ok((median(&mut plain), median(&mut extra)))
    }

    /// Seconds of a plain index build on `cal.column`: the median of `BUILD_RUNS`.
    fn plain_build(&mut self, what: &str, column: &str) -> Result<f64, VerifyError> {
        let seconds = self.typical(
            &format!("index build ({what})"),
            "DROP INDEX IF EXISTS cal_x",
            &format!("CREATE INDEX cal_x ON cal ({column})"),
            BUILD_RUNS,
        )?;
        self.exec("DROP INDEX cal_x")?;
        Ok(seconds)
    }

    /// Seconds per 1M rows of evaluating `gen_random_uuid()` (PostgreSQL 13+), or `None`
    /// where the server has no such function.
    fn uuid_generation(&mut self, rows: u64) -> Result<Option<f64>, VerifyError> {
        let series = format!("FROM generate_series(1, {rows}) g");
        if self
            .client
            .batch_execute("SELECT gen_random_uuid()")
            .is_err()
        {
            self.bar.inc(2);
            return Ok(None);
        }
        let with = self.typical(
            "evaluating gen_random_uuid()",
            "",
            &format!("SELECT count(gen_random_uuid()) {series}"),
            3,
        )?;
        let without = self.typical(
            "the same rows without it",
            "",
            &format!("SELECT count(g) {series}"),
            3,
        )?;
        Ok(Some(((with - without) * 1e6 / rows as f64).max(0.0)))
    }

    /// `|pg_stats.correlation|` of `cal.column` (analyzed).
    fn correlation(&mut self, column: &str) -> Result<f64, VerifyError> {
        let sql = format!(
            "SELECT abs(correlation)::float8 FROM pg_stats \
             WHERE tablename = 'cal' AND attname = '{column}'"
        );
        self.client
            .query_one(&sql, &[])
            .map(|row| row.get(0))
            .map_err(|e| VerifyError::Scratch(db_message(&e)))
    }

    /// Seconds of an `IS NOT NULL` validation scan of `table` right after an UPDATE of every
    /// row (median of 3, after a VACUUM FULL each: VACUUM runs alone, not in a transaction).
    fn after_update(&mut self, table: &str) -> Result<f64, VerifyError> {
        self.bar
            .set_message(format!("validation scan after a full UPDATE of {table}"));
        let mut times = vec![];
        for _ in 0..3 {
            self.exec(&format!("VACUUM FULL {table}"))?;
            self.exec(&format!("UPDATE {table} SET r = r + 1"))?;
            self.exec(&format!(
                "ALTER TABLE {table} ADD CONSTRAINT {table}_v CHECK (r IS NOT NULL) NOT VALID"
            ))?;
            let start = Instant::now();
            self.exec(&format!(
                "ALTER TABLE {table} VALIDATE CONSTRAINT {table}_v"
            ))?;
            times.push(start.elapsed().as_secs_f64());
            self.exec(&format!("ALTER TABLE {table} DROP CONSTRAINT {table}_v"))?;
        }
        self.bar.inc(1);
        Ok(median(&mut times))
    }

    /// Seconds of a batched backfill of every row of `table` in batches of `batch` (mean of 2,
    /// after a VACUUM FULL each).
    fn batched(&mut self, table: &str, batch: u64) -> Result<f64, VerifyError> {
        let sql = format!(
            "DO $cal$ DECLARE next_key bigint; batch_end bigint; BEGIN \
             SELECT min(id) INTO next_key FROM {table}; \
             WHILE next_key IS NOT NULL LOOP \
             SELECT max(id) INTO batch_end FROM \
             (SELECT id FROM {table} WHERE id >= next_key ORDER BY id LIMIT {batch}) AS b; \
             UPDATE {table} SET r = r + 1 WHERE id >= next_key AND id <= batch_end; COMMIT; \
             SELECT min(id) INTO next_key FROM {table} WHERE id > batch_end; END LOOP; END $cal$"
        );
        self.typical(
            &format!("batched backfill of {table} ({batch} rows per batch)"),
            &format!("VACUUM FULL {table}"),
            &sql,
            2,
        )
    }

    /// Heap bytes of `table` (`pg_table_size`).
    fn heap_bytes(&mut self, table: &str) -> Result<f64, VerifyError> {
        Ok(self.number(&format!("SELECT pg_table_size('{table}')"))? as f64)
    }
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    let n = times.len();
    if n.is_multiple_of(2) {
        (times[n / 2 - 1] + times[n / 2]) / 2.0
    } else {
        times[n / 2]
    }
}

/// Seconds per GB of work whose per-row part is known (`per_row`, s per 1M rows), by least
/// squares over `(seconds, bytes)` timings of `rows` rows: not negative.
pub(crate) fn per_byte_given_per_row(rows: u64, per_row: f64, timings: &[(f64, f64)]) -> f64 {
    let fixed = per_row * rows as f64 / 1e6;
    let (num, den) = timings.iter().fold((0.0, 0.0), |(n, d), (seconds, bytes)| {
        (n + bytes * (seconds - fixed), d + bytes * bytes)
    });
    if den > 0.0 {
        (num / den * 1e9).max(0.0)
    } else {
        0.0
    }
}

/// Split two timings of the same work on `rows` rows of two widths into (seconds per 1M rows,
/// seconds per GB): `seconds = rows × per_row + bytes × per_byte`, neither negative.
pub(crate) fn per_row_and_byte(
    rows: u64,
    (narrow_seconds, narrow_bytes): (f64, f64),
    (wide_seconds, wide_bytes): (f64, f64),
) -> (f64, f64) {
    let per_byte = if wide_bytes > narrow_bytes {
        ((wide_seconds - narrow_seconds) / (wide_bytes - narrow_bytes)).max(0.0)
    } else {
        0.0
    };
    let per_row = ((narrow_seconds - narrow_bytes * per_byte) / rows as f64).max(0.0);
    (per_row * 1e6, per_byte * 1e9)
}

/// Two index builds' per-row figures at two `pg_stats` correlations, as the figures of keys in
/// random order (correlation 0) and in key order (1), linear in the correlation's square in
/// between as the estimate takes them (`CostTable::index_build_integer_sorted`); neither
/// negative.
pub(crate) fn by_order((a, a_order): (f64, f64), (b, b_order): (f64, f64)) -> (f64, f64) {
    let (x_a, x_b) = (a_order.powi(2), b_order.powi(2));
    if (x_b - x_a).abs() < 0.1 {
        let mean = (a + b) / 2.0;
        return (mean, mean);
    }
    let slope = (b - a) / (x_b - x_a);
    let random = (a - slope * x_a).max(0.0);
    (random, (random + slope).max(0.0))
}

/// The width of the narrow table's rows, in bytes: enough for `rows` of them to fill half of
/// `shared_buffers` and a quarter more, within limits. A scan then reads it through the ring
/// (larger than a quarter), and an UPDATE writes new versions past what the buffers hold, as
/// on a large table.
fn narrow_row_bytes(rows: u64, shared_buffers: u64) -> u64 {
    (shared_buffers / 2 * 5 / 4)
        .div_ceil(rows.max(1))
        .clamp(NARROW_BASE_BYTES, MAX_NARROW_BYTES)
}

/// Measure on a scratch database at `place` with tables of `rows` rows.
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
    super::progress::note(&format!(
        "calibrate: scratch database {} created on {}",
        scratch.name, server.display
    ));
    let bar = super::progress::bar("calibrate", STEPS);
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
    let shared_buffers = b.number(
        "SELECT setting::bigint * current_setting('block_size')::bigint \
         FROM pg_settings WHERE name = 'shared_buffers'",
    )? as u64;
    let narrow = narrow_row_bytes(rows, shared_buffers);
    let pad = narrow - NARROW_BASE_BYTES;
    let wide_pad = pad + WIDE_EXTRA_BYTES;
    b.bar.set_message(format!("building {rows}-row tables"));
    // Index keys: `m` and `t` text shuffled and in key order (zero-padded numbers); `m` starts
    // with a few bytes every row shares, as most text does (emails, names, URLs), which leaves
    // the sort's 8-byte abbreviated keys less to tell rows apart by: bare `md5` would make the
    // figure a sort's best case.
    // `q` and `r` integers shuffled and in key order (`pg_stats.correlation` about 0 and 1: a
    // serial key); `t` is also the check's. `n` references a 1,000-row parent. `n` and `r` are
    // in no index, so the UPDATEs cannot be HOT only for lack of room (VACUUM FULL leaves none).
    let columns = "id bigint PRIMARY KEY, n bigint NOT NULL, r bigint, q bigint NOT NULL, \
                   t text NOT NULL, m text NOT NULL, p text NOT NULL";
    let fill = |table: &str, pad: u64| {
        format!(
            "INSERT INTO {table} SELECT g, g % 1000, g, g::bigint * 7919 % {rows}, lpad(g::text, 10, '0'), 'key ' || md5(g::text), \
             repeat('x', {pad}) FROM generate_series(1, {rows}) g;"
        )
    };
    b.exec(&format!(
        "CREATE TABLE cal ({columns}); {}
         CREATE TABLE cal_wide ({columns}); {}
         CREATE TABLE cal_parent (id bigint PRIMARY KEY);
         INSERT INTO cal_parent SELECT g FROM generate_series(1, {rows}) g;
         CREATE TABLE cal_small_parent (id bigint PRIMARY KEY);
         INSERT INTO cal_small_parent SELECT g FROM generate_series(0, 999) g;",
        fill("cal", pad),
        fill("cal_wide", wide_pad)
    ))?;
    for table in ["cal", "cal_wide", "cal_parent", "cal_small_parent"] {
        b.exec(&format!("VACUUM ANALYZE {table}"))?;
    }
    // Let the tables' writes reach the disk before timing anything, so the first figures do
    // not share the machine with their flush. CHECKPOINT needs a superuser (or, from
    // PostgreSQL 15, pg_checkpoint): without the right, calibrate goes on unsettled.
    let _ = b.client.batch_execute("CHECKPOINT");
    let narrow_bytes = b.heap_bytes("cal")?;
    let wide_bytes = b.heap_bytes("cal_wide")?;
    let large = narrow_bytes > shared_buffers as f64 / 2.0;
    // As PostgreSQL writes sizes (`shared_buffers = 128MB`): 2^20 bytes.
    let mb = |bytes: f64| format!("{:.0} MB", bytes / 1_048_576.0);
    let measured_on = format!(
        "{} rows of {:.0} and {:.0} bytes ({} and {}); shared_buffers {}: {}",
        thousands(rows),
        narrow_bytes / rows as f64,
        wide_bytes / rows as f64,
        mb(narrow_bytes),
        mb(wide_bytes),
        mb(shared_buffers as f64),
        if large {
            "both larger than half of it, read through a ring buffer and updated past what it \
             holds, as large tables are"
        } else {
            "the tables fit in half of it, so reads and writes stayed in shared buffers: tables \
             larger than that cost more per byte than these figures (calibrate with more --rows)"
        }
    );
    if !large {
        super::progress::note(&format!("calibrate: note: {measured_on}"));
    }

    let (statement, metadata, commit) = b.migration_costs(&scratch)?;

    let validation = |b: &mut Bench, table: &str| {
        b.typical(
            &format!("validation scan (IS NOT NULL) of {table}"),
            &format!(
                "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_v; \
                 ALTER TABLE {table} ADD CONSTRAINT {table}_v CHECK (r IS NOT NULL) NOT VALID"
            ),
            &format!("ALTER TABLE {table} VALIDATE CONSTRAINT {table}_v"),
            SCAN_RUNS,
        )
    };
    let scan = validation(&mut b, "cal")?;
    let scan_wide = validation(&mut b, "cal_wide")?;
    let (validation_scan, read_per_gb) =
        per_row_and_byte(rows, (scan, narrow_bytes), (scan_wide, wide_bytes));
    // The narrow table's heap read, to subtract from work measured on it alone.
    let read = narrow_bytes * read_per_gb / 1e9;
    let per_row = |seconds: f64| ((seconds - read) * 1e6 / rows as f64).max(0.0);
    let check = b.typical(
        "check scan (function call)",
        "ALTER TABLE cal DROP CONSTRAINT IF EXISTS cal_c; \
         ALTER TABLE cal ADD CONSTRAINT cal_c CHECK (char_length(t) <= 100) NOT VALID",
        "ALTER TABLE cal VALIDATE CONSTRAINT cal_c",
        SCAN_RUNS,
    )?;
    let fk = b.typical(
        "foreign key validation",
        "ALTER TABLE cal DROP CONSTRAINT IF EXISTS cal_fk; \
         ALTER TABLE cal ADD CONSTRAINT cal_fk FOREIGN KEY (r) REFERENCES cal_parent (id) NOT VALID",
        "ALTER TABLE cal VALIDATE CONSTRAINT cal_fk",
        SCAN_RUNS,
    )?;
    let fk_small = b.typical(
        "foreign key validation (1,000-row parent)",
        "ALTER TABLE cal DROP CONSTRAINT IF EXISTS cal_fks; \
         ALTER TABLE cal ADD CONSTRAINT cal_fks FOREIGN KEY (n) REFERENCES cal_small_parent (id) NOT VALID",
        "ALTER TABLE cal VALIDATE CONSTRAINT cal_fks",
        SCAN_RUNS,
    )?;
    b.exec(
        "ALTER TABLE cal DROP CONSTRAINT cal_v, DROP CONSTRAINT cal_c, \
         DROP CONSTRAINT cal_fk, DROP CONSTRAINT cal_fks; \
         ALTER TABLE cal_wide DROP CONSTRAINT cal_wide_v",
    )?;

    let text = b.builds("text, random", "m")?;
    let integer = b.builds("integer, in key order", "r")?;
    let integer_random = b.plain_build("integer, shuffled", "q")?;
    let text_sorted = b.plain_build("text, in key order", "t")?;
    let (integer_random, integer_sorted) = by_order(
        (per_row(integer_random), b.correlation("q")?),
        (per_row(integer.0), b.correlation("r")?),
    );
    let (text_random, text_sorted) = by_order(
        (per_row(text.0), b.correlation("m")?),
        (per_row(text_sorted), b.correlation("t")?),
    );
    // CONCURRENTLY: the plain build, then a validation pass that reads the heap again.
    let concurrent_extra = |(_, extra): (f64, f64)| per_row(extra);
    let uuid_generation = b.uuid_generation(rows)?;

    let twice = |b: &mut Bench, what: &str, table: &str, sql: &str| {
        b.typical(
            &format!("{what} of {table}"),
            &format!("VACUUM FULL {table}"),
            &sql.replace("{t}", table),
            2,
        )
    };
    let rewrite_sql = "ALTER TABLE {t} ALTER COLUMN n TYPE bigint USING n + 0";
    let update_sql = "UPDATE {t} SET r = r + 1";
    let rewrite1 = twice(&mut b, "table rewrite, 1 index", "cal", rewrite_sql)?;
    let rewrite_wide = twice(&mut b, "table rewrite, 1 index", "cal_wide", rewrite_sql)?;
    let update1 = twice(&mut b, "full-table UPDATE, 1 index", "cal", update_sql)?;
    let update_wide = twice(&mut b, "full-table UPDATE, 1 index", "cal_wide", update_sql)?;
    let churned = b.after_update("cal")?;
    let churned_wide = b.after_update("cal_wide")?;
    // Batched backfill as `generate` writes it (keyset batches, COMMIT after each; no pause,
    // the estimate adds the generated pauses) at both widths, and on the narrow table in
    // smaller batches: per row, per byte and per committed batch apart.
    let backfill1 = b.batched("cal", 10_000)?;
    let backfill_wide = b.batched("cal_wide", 10_000)?;
    let backfill_small = b.batched("cal", 2_000)?;
    b.exec("DROP TABLE cal_wide")?;
    let (rewrite, rewrite_per_gb) =
        per_row_and_byte(rows, (rewrite1, narrow_bytes), (rewrite_wide, wide_bytes));
    let (full_update, update_per_gb) =
        per_row_and_byte(rows, (update1, narrow_bytes), (update_wide, wide_bytes));
    // Per row it does what a validation scan does: the rest is per byte (the dead versions
    // read too, every page's hint bits set and written back), fitted on both widths through
    // that fixed per-row part. A free intercept swung by half between runs.
    let churned_scan = validation_scan;
    let churned_per_gb = per_byte_given_per_row(
        rows,
        churned_scan,
        &[(churned, narrow_bytes), (churned_wide, wide_bytes)],
    );

    // Three indexes: two more, on columns the statements do not change.
    b.exec("CREATE INDEX cal_t ON cal (t); CREATE INDEX cal_i ON cal (id, t)")?;
    let rewrite3 = twice(&mut b, "table rewrite, 3 indexes", "cal", rewrite_sql)?;
    let update3 = twice(&mut b, "full-table UPDATE, 3 indexes", "cal", update_sql)?;
    let backfill3 = b.batched("cal", 10_000)?;
    b.exec("DROP INDEX cal_t; DROP INDEX cal_i")?;
    let (many, few) = (rows.div_ceil(2_000) as f64, rows.div_ceil(10_000) as f64);
    let batch_commit = ((backfill_small - backfill1) / (many - few)).max(0.0);
    let commits = few * batch_commit;
    let (batched, backfill_per_gb) = per_row_and_byte(
        rows,
        (backfill1 - commits, narrow_bytes),
        (backfill_wide - commits, wide_bytes),
    );
    // Two more indexes: half the difference, per 1M rows.
    let per_index = |three: f64, one: f64| ((three - one) * 1e6 / rows as f64 / 2.0).max(0.0);
    b.bar.finish_and_clear();
    drop(b);
    drop(scratch);
    drop(cluster);
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    let fixed = |x: f64| (x * 1e6).round() / 1e6;
    Ok(CostTable {
        source: format!("measured now on {version}"),
        model: MODEL,
        server: Some(version),
        measured_at: Some(chrono::Utc::now().to_rfc3339()),
        measured_on: Some(measured_on),
        statement_seconds: fixed(statement),
        metadata_seconds: fixed(metadata),
        commit_seconds: fixed(commit),
        read_per_gb: round(read_per_gb),
        validation_scan: round(validation_scan),
        check_scan: round(per_row(check)),
        fk_validation: round(per_row(fk_small)),
        // The large parent has `rows` rows, as many as the child.
        fk_validation_parent: round(((fk - fk_small) * 1e6 / rows as f64).max(0.0)),
        churned_scan: round(churned_scan),
        churned_per_gb: round(churned_per_gb),
        index_build_text: round(text_random),
        index_build_text_sorted: round(text_sorted),
        index_build_integer: round(integer_random),
        index_build_integer_sorted: round(integer_sorted),
        sort_rows: rows,
        concurrent_text: round(concurrent_extra(text)),
        concurrent_integer: round(concurrent_extra(integer)),
        rewrite: round(rewrite),
        rewrite_per_gb: round(rewrite_per_gb),
        rewrite_per_index: round(per_index(rewrite3, rewrite1)),
        full_update: round(full_update),
        update_per_gb: round(update_per_gb),
        update_per_index: round(per_index(update3, update1)),
        batched_backfill: round(batched),
        backfill_per_gb: round(backfill_per_gb),
        batch_commit: round(batch_commit),
        backfill_per_index: round(per_index(backfill3, backfill1)),
        uuid_generation: round(uuid_generation.unwrap_or(CostTable::default().uuid_generation)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_widths_split_into_per_row_and_per_byte() {
        // 1M rows: 0.1 s/1M rows + 0.25 s/GB, at 100 and 500 bytes a row.
        let (narrow, wide) = (100e6, 500e6);
        let at = |bytes: f64| 0.1 + bytes * 0.25 / 1e9;
        let (per_row, per_gb) = per_row_and_byte(1_000_000, (at(narrow), narrow), (at(wide), wide));
        assert!((per_row - 0.1).abs() < 1e-9, "{per_row}");
        assert!((per_gb - 0.25).abs() < 1e-9, "{per_gb}");
        // Noise that makes the wide table faster gives no negative figure.
        let (per_row, per_gb) = per_row_and_byte(1_000_000, (0.2, narrow), (0.19, wide));
        assert_eq!(per_gb, 0.0);
        assert!((per_row - 0.2).abs() < 1e-9);
    }

    #[test]
    fn a_known_per_row_part_leaves_the_per_byte_part() {
        // 1M rows: 0.1 s/1M rows + 1.5 s/GB, at 300 and 700 MB.
        let at = |bytes: f64| 0.1 + bytes * 1.5 / 1e9;
        let timings = [(at(300e6), 300e6), (at(700e6), 700e6)];
        let per_gb = per_byte_given_per_row(1_000_000, 0.1, &timings);
        assert!((per_gb - 1.5).abs() < 1e-9, "{per_gb}");
        assert_eq!(per_byte_given_per_row(1_000_000, 0.1, &[]), 0.0);
    }

    #[test]
    fn two_orders_give_the_random_and_the_sorted_figure() {
        // 1.4 at correlation 0, 0.6 at 1, by c² between: measured at 0.02 and 0.82.
        let at = |c: f64| 1.4 - 0.8 * c * c;
        let (random, sorted) = by_order((at(0.02), 0.02), (at(0.82), 0.82));
        assert!((random - 1.4).abs() < 1e-9 && (sorted - 0.6).abs() < 1e-9);
        // Orders too close to tell apart: their mean for both.
        assert_eq!(by_order((1.0, 0.5), (2.0, 0.55)), (1.5, 1.5));
    }

    #[test]
    fn the_narrow_table_is_sized_past_half_of_shared_buffers() {
        // 128 MB: half is 64 MB; 300,000 rows need 280 bytes for 80 MB.
        assert_eq!(narrow_row_bytes(300_000, 128 << 20), 280);
        // Few buffers: the base width; many: the cap, under TOAST's threshold.
        assert_eq!(narrow_row_bytes(300_000, 1 << 20), NARROW_BASE_BYTES);
        assert_eq!(narrow_row_bytes(300_000, 8 << 30), MAX_NARROW_BYTES);
    }
}
