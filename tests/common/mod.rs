//! Shared test support: a throwaway PostgreSQL database per test (so tests run in parallel), a
//! way to run SQL files the way users do (`psql -f`), and a catalog snapshot to compare schemas
//! exactly.
//!
//! Without a reachable server a test prints why and returns, except under CI (`CI` set), where
//! it fails: in CI a database test never silently skips.

#![allow(dead_code)]

pub mod clauses;
pub mod scratch;
pub mod sqlite;
pub mod verify_support;
pub mod zdt;

use std::path::Path;
use std::process::Command;

pub const ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn server_url(db: &str) -> String {
    format!("postgres://postgres@127.0.0.1:5432/{db}")
}

/// A database created for one test and dropped when the value is dropped (even on panic).
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// A fresh empty database, or `None` (with a message) when no server is reachable outside CI.
    pub fn create(tag: &str) -> Option<TestDb> {
        let mut admin = scratch::reachable(
            "PostgreSQL",
            ADMIN_URL,
            postgres::Client::connect(ADMIN_URL, postgres::NoTls),
        )?;
        let name = scratch::unique_name("migsmith_t", tag);
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create test database");
        Some(TestDb {
            url: server_url(&name),
            name,
        })
    }

    /// A copy of `template` (which must have no open connection), or `None` as [`create`]
    /// does. PostgreSQL 15+ copies its files after a checkpoint (`STRATEGY FILE_COPY`), so the
    /// copy starts with no dirty buffers and no WAL of its own.
    ///
    /// [`create`]: TestDb::create
    pub fn copy_of(template: &TestDb, tag: &str) -> Option<TestDb> {
        let db = TestDb::create(tag)?;
        let mut admin = postgres::Client::connect(ADMIN_URL, postgres::NoTls).ok()?;
        admin
            .batch_execute(&format!("DROP DATABASE \"{}\"", db.name))
            .expect("drop the empty database to copy over it");
        let create = format!(
            "CREATE DATABASE \"{}\" TEMPLATE \"{}\"",
            db.name, template.name
        );
        admin
            .batch_execute(&format!("{create} STRATEGY FILE_COPY"))
            .or_else(|_| admin.batch_execute(&create))
            .expect("copy the template database");
        Some(db)
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect to test database")
    }

    /// Run a SQL file exactly as the report tells users to: `psql -v ON_ERROR_STOP=1 -f FILE`.
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

/// The schema as the catalog sees it, one sorted line per object (`migsmith::verify::catalog`,
/// the same snapshot `migsmith verify` compares).
pub fn snapshot(client: &mut postgres::Client) -> Vec<String> {
    migsmith::verify::catalog::snapshot(client).expect("catalog query")
}

/// Assert two snapshots are equal, printing only the lines that differ.
pub fn assert_same_schema(context: &str, expected: &[String], actual: &[String]) {
    if expected == actual {
        return;
    }
    let mut msg = format!("{context}: schemas differ\n");
    for l in migsmith::verify::catalog::diff(expected, actual) {
        msg.push_str(&format!("  {l}\n"));
    }
    panic!("{msg}");
}
