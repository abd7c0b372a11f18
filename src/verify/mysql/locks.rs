//! Metadata locks of the migrating connection, sampled on a second connection from
//! `performance_schema.metadata_locks` or MariaDB's `METADATA_LOCK_INFO`, when the server has
//! either.

use crate::dialect::LockMode;
use mysql::prelude::Queryable;
use mysql::Conn;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where metadata locks can be read on this server.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum LockSource {
    PerformanceSchema,
    MetadataLockInfo,
}

pub(super) fn lock_source(conn: &mut Conn) -> Result<LockSource, String> {
    let ps: Option<String> = conn
        .query_first("SELECT @@performance_schema")
        .unwrap_or(None);
    if ps.as_deref() == Some("1") {
        let on: Option<u64> = conn
            .query_first(
                "SELECT COUNT(*) FROM performance_schema.setup_instruments \
                 WHERE NAME = 'wait/lock/metadata/sql/mdl' AND ENABLED = 'YES'",
            )
            .unwrap_or(None);
        if on.unwrap_or(0) > 0 {
            return Ok(LockSource::PerformanceSchema);
        }
    }
    let plugin: Option<String> = conn
        .query_first(
            "SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'METADATA_LOCK_INFO'",
        )
        .unwrap_or(None);
    if plugin.as_deref() == Some("ACTIVE") {
        return Ok(LockSource::MetadataLockInfo);
    }
    Err(format!(
        "metadata locks: not observable on this server (performance_schema is {}; the \
         METADATA_LOCK_INFO plugin is not installed). Start the server with performance_schema=ON, \
         or on MariaDB run INSTALL SONAME 'metadata_lock_info', to see them",
        if ps.as_deref() == Some("1") {
            "ON but the wait/lock/metadata/sql/mdl instrument is disabled"
        } else {
            "OFF"
        }
    ))
}

/// One sample: when, table, MDL type (`MDL_EXCLUSIVE`, `SHARED_UPGRADABLE`…).
pub(super) type Sample = (Instant, String, String);

/// Polls the migrating connection's metadata locks on a second connection.
pub(super) struct Sampler {
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<Sample>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sampler {
    pub(super) fn start(
        mut conn: Conn,
        source: LockSource,
        target: u32,
        database: &str,
    ) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let samples: Arc<Mutex<Vec<Sample>>> = Arc::default();
        let db = database.replace('\'', "''");
        let query = match source {
            LockSource::PerformanceSchema => format!(
                "SELECT m.OBJECT_NAME, m.LOCK_TYPE FROM performance_schema.metadata_locks m \
                 JOIN performance_schema.threads t ON t.THREAD_ID = m.OWNER_THREAD_ID \
                 WHERE t.PROCESSLIST_ID = {target} AND m.OBJECT_SCHEMA = '{db}' \
                 AND m.OBJECT_TYPE = 'TABLE' AND m.LOCK_STATUS = 'GRANTED'"
            ),
            LockSource::MetadataLockInfo => format!(
                "SELECT TABLE_NAME, LOCK_MODE FROM information_schema.METADATA_LOCK_INFO \
                 WHERE THREAD_ID = {target} AND TABLE_SCHEMA = '{db}' AND TABLE_NAME <> ''"
            ),
        };
        let (s, out) = (stop.clone(), samples.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                let at = Instant::now();
                if let Ok(rows) = conn.query::<(String, String), _>(&query) {
                    let mut out = out.lock().unwrap_or_else(|p| p.into_inner());
                    out.extend(rows.into_iter().map(|(t, m)| (at, t, m)));
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        Sampler {
            stop,
            samples,
            thread: Some(thread),
        }
    }

    pub(super) fn finish(mut self) -> Vec<Sample> {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        std::mem::take(&mut *self.samples.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// The MySQL dialect's reading of a metadata lock type (see `dialect::mysql`'s statements):
/// blocks reads → EXCLUSIVE, blocks writes → SHARE, online DDL → SHARE UPDATE EXCLUSIVE.
pub(super) fn mdl_mode(mdl: &str) -> LockMode {
    match mdl.trim_start_matches("MDL_") {
        "EXCLUSIVE" | "SHARED_NO_READ_WRITE" => LockMode::Exclusive,
        "SHARED_NO_WRITE" | "SHARED_READ_ONLY" => LockMode::Share,
        "SHARED_UPGRADABLE" => LockMode::ShareUpdateExclusive,
        "SHARED_WRITE" | "SHARED_WRITE_LOW_PRIO" => LockMode::RowExclusive,
        _ => LockMode::AccessShare,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn reads_metadata_lock_types_as_the_dialect_does() {
        assert_eq!(mdl_mode("MDL_EXCLUSIVE"), LockMode::Exclusive);
        assert_eq!(mdl_mode("SHARED_NO_WRITE"), LockMode::Share);
        assert_eq!(
            mdl_mode("MDL_SHARED_UPGRADABLE"),
            LockMode::ShareUpdateExclusive
        );
    }
}
