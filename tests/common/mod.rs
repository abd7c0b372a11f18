//! Shared test support: a throwaway PostgreSQL database per test (so tests run in parallel), a
//! way to run SQL files the way users do (`psql -f`), and a catalog snapshot to compare schemas
//! exactly.
//!
//! Without a reachable server a test prints why and returns, except under CI (`CI` set), where
//! it fails: in CI a database test never silently skips.

#![allow(dead_code)]

pub mod clauses;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

pub const ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn server_url(db: &str) -> String {
    format!("postgres://postgres@127.0.0.1:5432/{db}")
}

/// A database created for one test and dropped when the value is dropped (even on panic).
pub struct TestDb {
    pub name: String,
    pub url: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A fresh empty database, or `None` (with a message) when no server is reachable outside CI.
    pub fn create(tag: &str) -> Option<TestDb> {
        let mut admin = match postgres::Client::connect(ADMIN_URL, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => {
                if std::env::var_os("CI").is_some() {
                    panic!("CI: PostgreSQL at {ADMIN_URL} is required but unreachable: {e}");
                }
                eprintln!("skipping: PostgreSQL at {ADMIN_URL} is unreachable ({e})");
                return None;
            }
        };
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let tag: String = tag
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(20)
            .collect();
        let name = format!("migsmith_t_{tag}_{}_{n}_{nanos}", std::process::id());
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create test database");
        Some(TestDb {
            url: server_url(&name),
            name,
        })
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to test database")
    }

    /// Run a SQL file exactly as the README tells users to: `psql -v ON_ERROR_STOP=1 -f FILE`.
    pub fn psql_file(&self, file: &Path) -> Result<(), String> {
        let out = Command::new("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &self.url, "-f"])
            .arg(file)
            .output()
            .map_err(|e| format!("cannot run psql: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "psql -f {} failed:\n{}",
                file.display(),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// Run SQL text through psql (so multi-statement scripts behave as in a file).
    pub fn psql(&self, sql: &str) -> Result<(), String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("script.sql");
        std::fs::write(&path, sql).unwrap();
        self.psql_file(&path)
    }

    /// One boolean from a query returning a single `ok` column.
    pub fn query_bool(&self, sql: &str) -> bool {
        self.client()
            .query_one(sql, &[])
            .unwrap_or_else(|e| panic!("query failed: {e}\n{sql}"))
            .get::<_, bool>(0)
    }

    /// The schema as the catalog sees it, as sorted lines (see [`snapshot`]).
    pub fn snapshot(&self) -> Vec<String> {
        snapshot(&mut self.client())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(ADMIN_URL, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

const USER_NAMESPACES: &str =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";

/// Every user-visible schema object as one line each, sorted: relations, columns (type,
/// nullability, default, identity), constraints (full definition and validity), indexes (full
/// definition and validity), enum labels in order, comments. Column order is not included:
/// PostgreSQL cannot put a re-added column back in its old position.
pub fn snapshot(client: &mut postgres::Client) -> Vec<String> {
    let queries = [
        format!(
            "SELECT 'relation ' || n.nspname || '.' || c.relname::text || ' kind=' || c.relkind::text
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_NAMESPACES} AND c.relkind IN ('r','p','v','m','S','i','f')"
        ),
        format!(
            "SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname
                    || ' ' || format_type(a.atttypid, a.atttypmod)
                    || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                    || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
                    || CASE a.attidentity WHEN 'a' THEN ' IDENTITY ALWAYS' WHEN 'd' THEN ' IDENTITY BY DEFAULT' ELSE '' END
                    || coalesce(' COMMENT ' || col_description(c.oid, a.attnum), '')
             FROM pg_attribute a
             JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE {USER_NAMESPACES} AND c.relkind IN ('r','p','v','m','f')
               AND a.attnum > 0 AND NOT a.attisdropped"
        ),
        format!(
            "SELECT 'constraint ' || n.nspname || '.' || c.relname || ' ' || k.conname || ' '
                    || pg_get_constraintdef(k.oid)
                    || CASE WHEN k.convalidated THEN '' ELSE ' (not validated)' END
             FROM pg_constraint k
             JOIN pg_class c ON c.oid = k.conrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_NAMESPACES}"
        ),
        format!(
            "SELECT 'index ' || pg_get_indexdef(i.indexrelid)
                    || CASE WHEN i.indisvalid THEN '' ELSE ' (INVALID)' END
             FROM pg_index i
             JOIN pg_class c ON c.oid = i.indrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_NAMESPACES}"
        ),
        format!(
            "SELECT 'enum ' || n.nspname || '.' || t.typname || ' '
                    || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
             FROM pg_type t
             JOIN pg_namespace n ON n.oid = t.typnamespace
             JOIN pg_enum e ON e.enumtypid = t.oid
             WHERE {USER_NAMESPACES}
             GROUP BY n.nspname, t.typname"
        ),
        format!(
            "SELECT 'comment ' || n.nspname || '.' || c.relname || ' ' || obj_description(c.oid, 'pg_class')
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {USER_NAMESPACES} AND obj_description(c.oid, 'pg_class') IS NOT NULL"
        ),
    ];
    let mut lines = vec![];
    for q in queries {
        for row in client.query(q.as_str(), &[]).expect("catalog query") {
            lines.push(row.get::<_, String>(0));
        }
    }
    lines.sort();
    lines
}

/// Assert two snapshots are equal, printing only the lines that differ.
pub fn assert_same_schema(context: &str, expected: &[String], actual: &[String]) {
    if expected == actual {
        return;
    }
    let missing: Vec<&String> = expected.iter().filter(|l| !actual.contains(l)).collect();
    let extra: Vec<&String> = actual.iter().filter(|l| !expected.contains(l)).collect();
    let mut msg = format!("{context}: schemas differ\n");
    for l in missing {
        msg.push_str(&format!("  - {l}\n"));
    }
    for l in extra {
        msg.push_str(&format!("  + {l}\n"));
    }
    panic!("{msg}");
}
