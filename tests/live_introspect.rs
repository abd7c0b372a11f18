//! Live PostgreSQL introspection against the real server: a fixture with every object kind
//! (`tests/fixtures/live_all_kinds.sql`) read from the catalogs equals the same database
//! loaded from `pg_dump --schema-only`; statistics, `--schema-name`, `--exact-counts`,
//! read-only behaviour, INVALID indexes, and passwords never printed by the binary.
//!
//! Each test uses its own throwaway database (`tests/common`). Needs PostgreSQL on
//! 127.0.0.1:5432 and `pg_dump`/`psql` on PATH; under `CI` a missing server fails the test.

mod common;

use common::TestDb;
use migsmith::schema::live::postgres::{load, Options};
use migsmith::schema::live::LiveError;
use migsmith::schema::sql::{load_str, names};
use migsmith::schema::{RowsSource, Schema};
use std::process::{Command, Output};

const FIXTURE: &str = include_str!("fixtures/live_all_kinds.sql");

const ALL: Options = Options {
    schema_name: None,
    exact_counts: false,
};

fn fixture_db(tag: &str) -> Option<TestDb> {
    let db = TestDb::create(tag)?;
    db.psql(FIXTURE).unwrap_or_else(|e| panic!("{e}"));
    Some(db)
}

fn pg_dump(db: &TestDb, extra: &[&str]) -> Schema {
    let out = Command::new("pg_dump")
        .args(["--schema-only", "--no-owner", "-d", &db.url])
        .args(extra)
        .output()
        .expect("run pg_dump");
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 dump");
    load_str(&text, "pg_dump").unwrap_or_else(|e| panic!("{e}"))
}

/// The parts a dump cannot have: server, statistics, INVALID indexes (pg_dump omits them),
/// and notes (a dump notes functions and more; domains are compared separately).
fn comparable(mut s: Schema) -> Schema {
    s.server = None;
    s.notes.clear();
    for t in s.tables.values_mut() {
        t.stats = None;
        t.column_correlations.clear();
        let invalid = std::mem::take(&mut t.invalid_indexes);
        t.indexes.retain(|i| !invalid.contains(&i.name));
    }
    s
}

fn assert_same(live: Schema, dump: Schema) {
    assert_eq!(
        names::domains(&live),
        names::domains(&dump),
        "domains: live vs pg_dump"
    );
    let (live, dump) = (comparable(live), comparable(dump));
    for (k, t) in &dump.tables {
        assert_eq!(live.tables.get(k), Some(t), "table {k}: live vs pg_dump");
    }
    assert_eq!(live, dump);
}

#[test]
fn live_load_equals_pg_dump_load_for_every_object_kind() {
    let Some(db) = fixture_db("live_eq") else {
        return;
    };
    let live = load(&db.url, ALL).unwrap_or_else(|e| panic!("{e}"));
    // The fixture really has every kind, so the equality below covers them.
    let accounts = &live.tables["accounts"];
    assert_eq!(accounts.comment.as_deref(), Some("Customer accounts"));
    assert_eq!(accounts.column("email").unwrap().data_type, "email_address");
    assert_eq!(accounts.column("tags").unwrap().data_type, "text[]");
    assert_eq!(
        accounts.column("balance").unwrap().data_type,
        "numeric(12,2)"
    );
    assert_eq!(
        accounts.column("id").unwrap().serial_sequence.as_deref(),
        Some("accounts_id_seq")
    );
    let methods: Vec<&str> = accounts.indexes.iter().map(|i| i.method.as_str()).collect();
    for m in ["btree", "gin", "brin", "hash"] {
        assert!(methods.contains(&m), "index method {m} in {methods:?}");
    }
    assert!(accounts.indexes.iter().any(|i| i.predicate.is_some()));
    assert!(accounts.indexes.iter().any(|i| !i.include.is_empty()));
    let orders = &live.tables["orders"];
    assert!(orders.column("id").unwrap().identity.is_some());
    let fk = &orders.foreign_keys[0];
    assert!(fk.deferrable && fk.initially_deferred);
    assert!(orders.check_constraints.iter().any(|c| !c.validated));
    let bookings = &live.tables["bookings"];
    assert_eq!(bookings.exclusion_constraints.len(), 1);
    assert_eq!(bookings.exclusion_constraints[0].method, "gist");
    assert_eq!(live.enums["audit.level"].values, ["info", "warn", "error"]);
    assert!(live.tables["audit.events"].foreign_keys[0].ref_table == "accounts");
    assert!(live.server.as_ref().is_some_and(|s| s.major() >= 10));

    assert_same(live, pg_dump(&db, &[]));
}

#[test]
fn invalid_indexes_are_flagged_and_kept() {
    let Some(db) = TestDb::create("live_invalid") else {
        return;
    };
    db.psql("CREATE TABLE dups (v integer); INSERT INTO dups VALUES (1), (1);")
        .unwrap();
    // A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind.
    assert!(db
        .psql("CREATE UNIQUE INDEX CONCURRENTLY dups_v_idx ON dups (v);")
        .is_err());
    let live = load(&db.url, ALL).unwrap_or_else(|e| panic!("{e}"));
    let t = &live.tables["dups"];
    assert_eq!(t.invalid_indexes, ["dups_v_idx"]);
    assert!(t.index("dups_v_idx").is_some_and(|i| i.unique));
    let dump = pg_dump(&db, &[]);
    assert!(dump.tables["dups"].indexes.is_empty(), "pg_dump omits it");
    assert_same(live, dump);
}

#[test]
fn statistics_sizes_and_exact_counts() {
    let Some(db) = TestDb::create("live_stats") else {
        return;
    };
    db.psql(
        "CREATE TABLE analyzed (id bigint PRIMARY KEY, body text) WITH (autovacuum_enabled = false);
         INSERT INTO analyzed SELECT g, repeat('x', 50) FROM generate_series(1, 5000) g;
         ANALYZE analyzed;
         CREATE TABLE fresh (id bigint, n integer) WITH (autovacuum_enabled = false);
         INSERT INTO fresh SELECT g, g FROM generate_series(1, 3000) g;
         CREATE TABLE empty (id bigint) WITH (autovacuum_enabled = false);",
    )
    .unwrap();
    let live = load(&db.url, ALL).unwrap_or_else(|e| panic!("{e}"));
    let s = live.tables["analyzed"].stats.expect("stats");
    assert_eq!(s.rows_source, Some(RowsSource::Statistics));
    assert_eq!(s.rows, 5000, "ANALYZE of a small table counts every row");
    let (heap, index, total) = (
        s.heap_bytes.unwrap(),
        s.index_bytes.unwrap(),
        s.total_bytes.unwrap(),
    );
    assert!(heap > 0 && index > 0 && total == heap + index, "{s:?}");
    // Column order statistics for the index-build estimate: `id` was inserted in key order;
    // a table never analyzed has none.
    let correlations = &live.tables["analyzed"].column_correlations;
    assert!(correlations["id"] > 0.99, "{correlations:?}");
    assert!(live.tables["fresh"].column_correlations.is_empty());

    // Never analyzed: reltuples is -1; the planner's size-based guess is used and said so.
    let fresh = live.tables["fresh"].stats.expect("stats");
    assert_eq!(fresh.rows_source, Some(RowsSource::SizeGuess));
    assert!(
        (1000..=10_000).contains(&fresh.rows),
        "guess in the right order of magnitude: {fresh:?}"
    );
    let empty = live.tables["empty"].stats.expect("stats");
    assert_eq!(
        (empty.rows, empty.rows_source),
        (0, Some(RowsSource::SizeGuess))
    );

    let exact = load(
        &db.url,
        Options {
            schema_name: None,
            exact_counts: true,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let fresh = exact.tables["fresh"].stats.expect("stats");
    assert_eq!(
        (fresh.rows, fresh.rows_source),
        (3000, Some(RowsSource::Exact))
    );

    let version: String = db
        .client()
        .query_one("SHOW server_version_num", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        live.server.expect("server").version_num,
        version.parse::<u32>().unwrap()
    );
}

#[test]
fn schema_name_reads_one_schema() {
    let Some(db) = fixture_db("live_ns") else {
        return;
    };
    let only = |ns| Options {
        schema_name: Some(ns),
        exact_counts: false,
    };
    let audit = load(&db.url, only("audit")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(audit.tables.keys().collect::<Vec<_>>(), ["audit.events"]);
    assert_eq!(audit.enums.keys().collect::<Vec<_>>(), ["audit.level"]);
    // `pg_dump --schema audit` cannot be loaded on its own (its foreign key points into
    // `public`), so compare with the same tables of the whole dump.
    let mut dump = comparable(pg_dump(&db, &[]));
    dump.tables.retain(|k, _| k.starts_with("audit."));
    assert_eq!(
        comparable(audit).tables,
        dump.tables,
        "live --schema-name vs the same tables of pg_dump"
    );

    let err = load(&db.url, only("nope")).unwrap_err();
    assert!(matches!(err, LiveError::NoSuchSchema { .. }), "{err}");
    assert!(
        err.to_string().contains("audit"),
        "lists what exists: {err}"
    );
}

#[test]
fn introspection_never_writes() {
    let Some(db) = fixture_db("live_ro") else {
        return;
    };
    let before = db.snapshot();
    // Works where writing is impossible (every transaction read-only)…
    db.client()
        .batch_execute(&format!(
            "ALTER DATABASE \"{}\" SET default_transaction_read_only = on",
            db.name
        ))
        .unwrap();
    let live = load(
        &db.url,
        Options {
            schema_name: None,
            exact_counts: true,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(live.tables.contains_key("accounts"));
    assert!(live.tables["accounts"].stats.is_some());
    assert_eq!(before, db.snapshot(), "catalog unchanged");
}

fn migsmith(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run migsmith")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const SECRET: &str = "Sup3rS3cret";

#[test]
fn binary_never_prints_the_password() {
    let Some(db) = fixture_db("live_pw") else {
        return;
    };
    // Trust auth accepts any password, so the URL works and the password must stay hidden.
    let url = db.url.replace("postgres@", &format!("postgres:{SECRET}@"));
    let out = migsmith(&["schema", "--database-url", &url]);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(!all.contains(SECRET), "password printed:\n{all}");
    assert!(all.contains("postgres:***@"), "redacted URL shown:\n{all}");
    assert!(
        all.contains("`, PostgreSQL 1"),
        "server version shown:\n{all}"
    );
    assert!(
        all.contains("table accounts ("),
        "rows and size shown:\n{all}"
    );

    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(["generate", "add index on orders(placed_at)", "--dry-run"])
        .args(["--project-dir", dir.path().to_str().unwrap()])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(!all.contains(SECRET), "password in report:\n{all}");
    assert!(
        all.contains("**Schema source**: live database `postgres://postgres:***@"),
        "{all}"
    );

    let out = migsmith(&["schema", "--format", "json", "--database-url", &url]);
    assert!(out.status.success());
    assert!(!text(&out).contains(SECRET));
}

#[test]
fn unreachable_server_and_bad_url_are_clear_errors() {
    // Port 1 on localhost: nothing listens there.
    let url = format!("postgres://postgres:{SECRET}@127.0.0.1:1/nowhere");
    let out = migsmith(&["schema", "--database-url", &url]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(
        all.contains("cannot connect to postgres://postgres:***@127.0.0.1:1/nowhere"),
        "{all}"
    );
    assert!(!all.contains(SECRET), "{all}");

    let out = migsmith(&[
        "schema",
        "--format",
        "json",
        "--database-url",
        &format!("postgres://u:{SECRET}@127.0.0.1:notaport/db"),
    ]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("invalid database URL"), "{all}");
    assert!(!all.contains(SECRET), "{all}");

    let out = migsmith(&[
        "schema",
        "--schema",
        "db.sql",
        "--database-url",
        "postgres://x@h/d",
    ]);
    assert!(
        !out.status.success(),
        "--schema with --database-url is an error"
    );
    let out = migsmith(&["schema", "--schema-name", "public"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("--database-url"), "{}", text(&out));
}
