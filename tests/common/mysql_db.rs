//! A throwaway MariaDB/MySQL database per test on 127.0.0.1:3306 (root, no password), dropped
//! when the value is dropped (even on panic), and the `mysql` / `mysqldump` clients run the
//! way users run them.
//!
//! Without a reachable server a test prints why and returns, except under CI (`CI` set), where
//! it fails, as the PostgreSQL tests do.

use std::process::{Command, Stdio};

#[path = "scratch.rs"]
mod scratch;

pub const HOST: &str = "127.0.0.1";
pub const PORT: &str = "3306";
pub const ADMIN_URL: &str = "mysql://root@127.0.0.1:3306";

pub struct MysqlDb {
    pub name: String,
    pub url: String,
}

fn admin() -> Result<mysql::Conn, mysql::Error> {
    let opts = mysql::OptsBuilder::new()
        .ip_or_hostname(Some(HOST))
        .tcp_port(PORT.parse().unwrap())
        .user(Some("root"))
        .tcp_connect_timeout(Some(std::time::Duration::from_secs(5)));
    mysql::Conn::new(opts)
}

impl MysqlDb {
    /// A fresh empty database named `<prefix>_<random>`, or `None` (with a message) when no
    /// server is reachable outside CI.
    pub fn create(prefix: &str) -> Option<MysqlDb> {
        use mysql::prelude::Queryable;
        let mut conn = scratch::reachable("MariaDB", ADMIN_URL, admin())?;
        let name = scratch::unique_name(prefix, "");
        conn.query_drop(format!("CREATE DATABASE `{name}`"))
            .expect("create test database");
        Some(MysqlDb {
            url: format!("{ADMIN_URL}/{name}"),
            name,
        })
    }

    /// Run a SQL script through the `mysql` client (so `DELIMITER` works as in a file).
    pub fn run_script(&self, sql: &str) -> Result<(), String> {
        use std::io::Write;
        let mut child = Command::new("mysql")
            .args(["-h", HOST, "-P", PORT, "-u", "root", &self.name])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run mysql: {e}"))?;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(sql.as_bytes())
            .map_err(|e| e.to_string())?;
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "mysql failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// `mysqldump --no-data DB` plus `extra` arguments; the dump text.
    pub fn dump(&self, extra: &[&str]) -> String {
        let out = Command::new("mysqldump")
            .args(["-h", HOST, "-P", PORT, "-u", "root", "--no-data"])
            .args(extra)
            .arg(&self.name)
            .output()
            .expect("run mysqldump");
        assert!(
            out.status.success(),
            "mysqldump failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("dump is UTF-8")
    }

    /// Run one statement as root in this database.
    pub fn exec(&self, sql: &str) {
        use mysql::prelude::Queryable;
        let mut conn = admin().expect("connect");
        conn.query_drop(format!("USE `{}`", self.name)).unwrap();
        conn.query_drop(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

impl Drop for MysqlDb {
    fn drop(&mut self) {
        use mysql::prelude::Queryable;
        if let Ok(mut conn) = admin() {
            let _ = conn.query_drop(format!("DROP DATABASE IF EXISTS `{}`", self.name));
        }
    }
}
