//! The lock trace: while the migration runs on one connection, a second connection samples
//! `pg_locks` for that backend's pid (every couple of milliseconds, and once more right after
//! each statement — inside a transaction the locks are still held then, so no transactional
//! statement is missed). Per statement: the strongest lock it newly took on each table, how long
//! that lock stayed held, beside the plan's predicted lock; a stronger lock than predicted is a
//! failed check.

use super::scratch::Server;
use super::VerifyError;
use crate::dialect::LockMode;
use std::collections::BTreeMap;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the sampler looks, between statement boundaries.
const INTERVAL: Duration = Duration::from_millis(2);

/// One look at the backend's table locks.
#[derive(Debug, Clone)]
pub struct Sample {
    pub at: Instant,
    pub locks: BTreeMap<String, LockMode>,
}

enum Message {
    Barrier(Sender<Sample>),
    Stop,
}

/// The sampling thread; [`LockSampler::finish`] returns every sample taken.
pub struct LockSampler {
    tx: Sender<Message>,
    handle: JoinHandle<Vec<Sample>>,
}

/// `pg_locks.mode` text → the lock mode.
pub fn parse_mode(mode: &str) -> Option<LockMode> {
    Some(match mode {
        "AccessShareLock" => LockMode::AccessShare,
        "RowShareLock" => LockMode::RowShare,
        "RowExclusiveLock" => LockMode::RowExclusive,
        "ShareUpdateExclusiveLock" => LockMode::ShareUpdateExclusive,
        "ShareLock" => LockMode::Share,
        "ShareRowExclusiveLock" => LockMode::ShareRowExclusive,
        "ExclusiveLock" => LockMode::Exclusive,
        "AccessExclusiveLock" => LockMode::AccessExclusive,
        _ => return None,
    })
}

const QUERY: &str = "SELECT CASE WHEN n.nspname = 'public' THEN c.relname::text
                            ELSE n.nspname || '.' || c.relname END, l.mode
     FROM pg_locks l
     JOIN pg_class c ON c.oid = l.relation
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE l.pid = $1 AND l.locktype = 'relation' AND l.granted
       AND c.relkind IN ('r', 'p', 'm', 'f')
       AND n.nspname NOT IN ('pg_catalog', 'information_schema')";

impl LockSampler {
    /// Start sampling the locks of backend `pid` in `database` on `server`.
    pub fn start(server: &Server, database: &str, pid: i32) -> Result<LockSampler, VerifyError> {
        let mut client = server.connect_to(Some(database))?;
        let statement = client
            .prepare(QUERY)
            .map_err(|e| VerifyError::Scratch(super::db_message(&e)))?;
        let (tx, rx) = mpsc::channel::<Message>();
        let handle = std::thread::spawn(move || {
            let mut samples = vec![];
            let mut take = |samples: &mut Vec<Sample>| {
                let at = Instant::now();
                let mut locks = BTreeMap::new();
                for row in client.query(&statement, &[&pid]).unwrap_or_default() {
                    let relation: String = row.get(0);
                    if let Some(mode) = parse_mode(row.get(1)) {
                        let held = locks.entry(relation).or_insert(mode);
                        *held = (*held).max(mode);
                    }
                }
                let sample = Sample { at, locks };
                samples.push(sample.clone());
                sample
            };
            loop {
                match rx.recv_timeout(INTERVAL) {
                    Ok(Message::Barrier(reply)) => {
                        let _ = reply.send(take(&mut samples));
                    }
                    Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                    Err(RecvTimeoutError::Timeout) => {
                        take(&mut samples);
                    }
                }
            }
            samples
        });
        Ok(LockSampler { tx, handle })
    }

    /// Take a sample now and wait for it (call right after a statement returns).
    pub fn barrier(&self) -> Option<Sample> {
        let (reply, answer) = mpsc::channel();
        self.tx.send(Message::Barrier(reply)).ok()?;
        answer.recv().ok()
    }

    pub fn finish(self) -> Vec<Sample> {
        let _ = self.tx.send(Message::Stop);
        self.handle.join().unwrap_or_default()
    }
}

/// A lock one statement took on one table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TracedLock {
    pub table: String,
    pub mode: LockMode,
    /// From the statement's start until the lock was released (its transaction ended).
    pub held_seconds: f64,
}

/// When a statement ran, and the sample taken right after it.
#[derive(Debug, Clone)]
pub struct Window {
    pub start: Instant,
    pub barrier: Instant,
}

/// The locks statement `k` newly took: for each table, the strongest mode seen between its
/// start and its barrier sample that was not already held at the previous barrier.
pub fn attribute(samples: &[Sample], windows: &[Window], k: usize) -> Vec<TracedLock> {
    let w = &windows[k];
    let baseline: BTreeMap<String, LockMode> = match k.checked_sub(1) {
        Some(prev) => samples
            .iter()
            .find(|s| s.at == windows[prev].barrier)
            .map(|s| s.locks.clone())
            .unwrap_or_default(),
        None => BTreeMap::new(),
    };
    let mut strongest: BTreeMap<String, LockMode> = BTreeMap::new();
    for s in samples
        .iter()
        .filter(|s| s.at >= w.start && s.at <= w.barrier)
    {
        for (table, mode) in &s.locks {
            let m = strongest.entry(table.clone()).or_insert(*mode);
            *m = (*m).max(*mode);
        }
    }
    strongest
        .into_iter()
        .filter(|(table, mode)| baseline.get(table).is_none_or(|b| b < mode))
        .map(|(table, mode)| {
            let released = samples
                .iter()
                .filter(|s| s.at > w.start)
                .skip_while(|s| s.locks.get(&table).is_none_or(|m| *m < mode))
                .find(|s| s.locks.get(&table).is_none_or(|m| *m < mode))
                .map(|s| s.at)
                .or_else(|| samples.last().map(|s| s.at))
                .unwrap_or(w.barrier);
            TracedLock {
                held_seconds: released.saturating_duration_since(w.start).as_secs_f64(),
                table,
                mode,
            }
        })
        .collect()
}

#[cfg(test)]
mod test {
    use super::*;

    fn sample(at: Instant, locks: &[(&str, LockMode)]) -> Sample {
        Sample {
            at,
            locks: locks.iter().map(|(t, m)| (t.to_string(), *m)).collect(),
        }
    }

    #[test]
    fn a_statement_gets_only_the_locks_it_added_and_their_hold_time() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        use LockMode::*;
        let samples = vec![
            sample(ms(1), &[("users", AccessExclusive)]), // barrier of statement 0
            sample(ms(5), &[("users", AccessExclusive), ("posts", Share)]), // barrier 1
            sample(ms(9), &[]),                           // barrier of COMMIT
        ];
        let windows = vec![
            Window {
                start: t0,
                barrier: ms(1),
            },
            Window {
                start: ms(2),
                barrier: ms(5),
            },
            Window {
                start: ms(6),
                barrier: ms(9),
            },
        ];
        let first = attribute(&samples, &windows, 0);
        assert_eq!(first.len(), 1);
        assert_eq!(
            (first[0].table.as_str(), first[0].mode),
            ("users", AccessExclusive)
        );
        assert!((first[0].held_seconds - 0.009).abs() < 1e-9);
        let second = attribute(&samples, &windows, 1);
        assert_eq!(second.len(), 1, "users was already held: {second:?}");
        assert_eq!(second[0].mode, Share);
        assert!(attribute(&samples, &windows, 2).is_empty());
    }
}
