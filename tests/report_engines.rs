//! The report speaks the engine's truth: on MySQL/MariaDB and SQLite the Markdown and JSON
//! reports of several kinds of change name no PostgreSQL-only lock, setting, catalog or client,
//! and do name the engine's (ALGORITHM, lock_wait_timeout, metadata lock; the database write
//! lock, busy_timeout); the verification queries are run for real after the up file, on
//! MariaDB and on SQLite, and each returns ok = 1.

mod mysql_common;

use mysql::prelude::Queryable;
use mysql_common::MyDb;
use std::path::Path;
use std::process::Command;

const PG_ONLY: &[&str] = &[
    "ACCESS EXCLUSIVE",
    "SHARE UPDATE EXCLUSIVE",
    "lock_timeout",
    "pg_stat_activity",
    "pg_attribute",
    "pg_indexes",
    "pg_index",
    "psql",
    "CONCURRENTLY",
    "built concurrently",
    "VACUUM",
    "to_regclass",
    "pg_dump",
];

const KINDS: &[&str] = &[
    "add email_verified to users",
    "add index on users.name",
    "change users.name to varchar(120)",
    "drop column users.bio",
    "add foreign key posts.user_id to users",
];

fn migsmith(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every string value of a JSON document (keys such as `lock_timeout_retry` are names, not text).
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// Markdown and JSON of one change (dry run), checked for PostgreSQL-only words.
fn reports(dir: &Path, args: &[&str]) -> (String, serde_json::Value) {
    let mut md_args = args.to_vec();
    md_args.push("--dry-run");
    let md = migsmith(dir, &md_args);
    md_args.extend(["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&migsmith(dir, &md_args)).unwrap();
    let mut texts = vec![];
    strings(&json, &mut texts);
    let texts = texts.join("\n");
    for word in PG_ONLY {
        assert!(!md.contains(word), "{args:?}: Markdown says {word}:\n{md}");
        assert!(
            !texts.contains(word),
            "{args:?}: JSON says {word}:\n{json:#}"
        );
    }
    (md, json)
}

fn up_file(dir: &Path) -> String {
    let mut ups: Vec<_> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
        .collect();
    ups.sort();
    ups.iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn queries(json: &serde_json::Value) -> Vec<String> {
    json["verification_queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["sql"].as_str().unwrap().to_string())
        .collect()
}

const SQLITE_START: &str = "
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT, bio TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT NOT NULL);
INSERT INTO users (email, name) VALUES ('a@x.io', 'Ann'), ('b@x.io', NULL), ('c@x.io', 'Cy');
INSERT INTO posts (user_id, title) VALUES (1, 'One');
";

#[test]
fn sqlite_reports_speak_sqlite_and_their_checks_pass() {
    for kind in KINDS {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("app.db");
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute_batch(SQLITE_START)
            .unwrap();
        let url = format!("sqlite://{}", db.display());
        let args = [
            "generate",
            kind,
            "--database-url",
            &url,
            "--framework",
            "sql",
        ];
        let (md, json) = reports(dir.path(), &args);
        assert!(md.contains("busy_timeout"), "{kind}: {md}");
        assert!(md.contains("locked for writers"), "{kind}: {md}");
        assert!(
            md.contains("sqlite3 -bail app.db < migrations/"),
            "{kind}: {md}"
        );
        assert!(md.contains("Planned for SQLite"), "{kind}: {md}");
        assert!(
            kind.starts_with("drop") || json["analysis"]["risk"] != "high",
            "{kind}: a few-row table is no high risk unless data goes: {json:#}"
        );
        let checks = queries(&json);
        assert!(!checks.is_empty(), "{kind}");
        assert!(
            checks
                .iter()
                .all(|q| q.contains("pragma_") || q.contains("sqlite_master")),
            "{checks:?}"
        );
        migsmith(dir.path(), &args);
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(&up_file(dir.path())).unwrap();
        for q in &checks {
            let ok: i64 = conn
                .query_row(q, [], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{q}: {e}"));
            assert_eq!(ok, 1, "{kind}: {q}");
        }
    }
    // The same checks fail before the change: they can tell.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(SQLITE_START).unwrap();
    let url = format!("sqlite://{}", db.display());
    let (_, json) = reports(
        dir.path(),
        &[
            "generate",
            KINDS[0],
            "--database-url",
            &url,
            "--framework",
            "sql",
        ],
    );
    let ok: i64 = conn
        .query_row(&queries(&json)[0], [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, 0);
}

const MYSQL_START: &str = "CREATE TABLE users (
  id bigint NOT NULL AUTO_INCREMENT,
  email varchar(191) NOT NULL,
  name varchar(80) DEFAULT NULL,
  bio text,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
CREATE TABLE posts (
  id bigint NOT NULL AUTO_INCREMENT,
  user_id bigint DEFAULT NULL,
  title varchar(200) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
";

#[test]
fn mariadb_reports_speak_mysql_and_their_checks_pass() {
    for (n, kind) in KINDS.iter().enumerate() {
        let Some(db) = MyDb::create(&format!("repeng{n}")) else {
            return;
        };
        db.run_file(MYSQL_START).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("schema.sql"), MYSQL_START).unwrap();
        let args = [
            "generate",
            kind,
            "--dialect",
            "mariadb",
            "--schema",
            "schema.sql",
            "--framework",
            "sql",
        ];
        let (md, json) = reports(dir.path(), &args);
        for word in [
            "ALGORITHM=",
            "lock_wait_timeout",
            "metadata lock",
            "mysql \"$DB\" < migrations/",
            "information_schema",
            "Planned for MariaDB",
        ] {
            assert!(md.contains(word), "{kind}: no {word}:\n{md}");
        }
        let checks = queries(&json);
        assert!(!checks.is_empty(), "{kind}");
        migsmith(dir.path(), &args);
        db.run_file(&up_file(dir.path())).unwrap();
        let mut conn = db.conn();
        for q in &checks {
            let ok: Option<i64> = conn.query_first(q).unwrap_or_else(|e| panic!("{q}: {e}"));
            assert_eq!(ok, Some(1), "{kind}: {q}");
        }
    }
}

#[test]
fn mariadb_reports_spell_inferred_types_as_mysql_does() {
    // What migsmith decided (inferred types, the key it adds) and every summary line are in
    // the types the files write, not PostgreSQL's canonical ones the description maps from.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("schema.sql"), MYSQL_START).unwrap();
    let (md, json) = reports(
        dir.path(),
        &[
            "generate",
            "add last_login_at to users and add email_verified to users and create table tags with name:string",
            "--dialect",
            "mariadb",
            "--schema",
            "schema.sql",
            "--framework",
            "sql",
        ],
    );
    let text = format!("{md}\n{json}");
    for pg in [
        "timestamptz",
        "GENERATED BY DEFAULT AS IDENTITY",
        "`boolean",
    ] {
        assert!(!text.contains(pg), "says {pg}:\n{md}");
    }
    for my in [
        "inferred `datetime(6)`",
        "inferred `tinyint(1) NOT NULL DEFAULT 0`",
        "Add column `last_login_at` datetime(6) to `users`",
        "gets a primary key `id bigint NOT NULL AUTO_INCREMENT`",
    ] {
        assert!(md.contains(my), "no {my}:\n{md}");
    }
}
