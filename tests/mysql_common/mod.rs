//! Shared MariaDB test support: a throwaway database per test on 127.0.0.1:3306 (root, no
//! password), dropped when the value is dropped (also on panic), and a catalog snapshot from
//! `SHOW CREATE TABLE` to compare schemas exactly.
//!
//! Without a reachable server a test prints why and returns, except under CI (`CI` set), where
//! it fails: in CI a database test never silently skips.

#![allow(dead_code)]

#[path = "../common/scratch.rs"]
mod scratch;

use mysql::prelude::Queryable;

pub const SERVER_URL: &str = "mysql://root@127.0.0.1:3306";

/// A scratch database `mysqlddl_<tag>_<pid>_<n>_<nanos>` (see `scratch::unique_name`).
pub struct MyDb {
    pub name: String,
    pub url: String,
    pool: mysql::Pool,
}

impl MyDb {
    pub fn create(tag: &str) -> Option<MyDb> {
        let pool = scratch::reachable(
            "MariaDB",
            SERVER_URL,
            mysql::Pool::new(SERVER_URL).and_then(|p| p.get_conn().map(|_| p)),
        )?;
        let name = scratch::unique_name("mysqlddl", tag);
        pool.get_conn()
            .unwrap()
            .query_drop(format!("CREATE DATABASE `{name}`"))
            .expect("create scratch database");
        let url = format!("{SERVER_URL}/{name}");
        let pool = mysql::Pool::new(url.as_str()).expect("connect to scratch database");
        Some(MyDb { name, url, pool })
    }

    pub fn conn(&self) -> mysql::PooledConn {
        self.pool.get_conn().expect("connection")
    }

    /// Run a file's text statement by statement (split at `;` + newline), naming the failing one.
    pub fn run_file(&self, text: &str) -> Result<(), String> {
        let mut conn = self.conn();
        for stmt in text.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
            conn.query_drop(stmt)
                .map_err(|e| format!("{e}\n  in: {stmt}"))?;
        }
        Ok(())
    }

    /// Every table's `SHOW CREATE TABLE`, normalized: `AUTO_INCREMENT=n` removed, and the
    /// key and constraint lines sorted (their order is not part of the schema).
    pub fn catalog(&self) -> String {
        self.catalog_without(&[])
    }

    /// [`Self::catalog`] without the tables named in `skip` (a framework's history tables).
    pub fn catalog_without(&self, skip: &[&str]) -> String {
        let mut conn = self.conn();
        let mut tables: Vec<String> = conn.query("SHOW TABLES").unwrap();
        tables.retain(|t| !skip.contains(&t.as_str()));
        tables.sort();
        let mut out = String::new();
        for t in tables {
            let (_, create): (String, String) = conn
                .query_first(format!("SHOW CREATE TABLE `{}`", t.replace('`', "``")))
                .unwrap()
                .unwrap();
            out.push_str(&normalize(&create));
            out.push('\n');
        }
        out
    }
}

fn normalize(create: &str) -> String {
    let mut columns = vec![];
    let mut keys = vec![];
    let mut tail = String::new();
    for line in create.lines() {
        let l = line.trim().trim_end_matches(',');
        if l.starts_with("CREATE TABLE") {
            columns.push(l.to_string());
        } else if l.starts_with(')') {
            tail = l
                .split_whitespace()
                .filter(|w| !w.starts_with("AUTO_INCREMENT="))
                .collect::<Vec<_>>()
                .join(" ");
        } else if l.starts_with('`') {
            columns.push(l.to_string());
        } else {
            keys.push(l.to_string());
        }
    }
    keys.sort();
    format!("{}\n{}\n{tail}", columns.join("\n"), keys.join("\n"))
}

impl Drop for MyDb {
    fn drop(&mut self) {
        if let Ok(pool) = mysql::Pool::new(SERVER_URL) {
            if let Ok(mut c) = pool.get_conn() {
                let _ = c.query_drop(format!("DROP DATABASE IF EXISTS `{}`", self.name));
            }
        }
    }
}
