//! `missing-lock-timeout`: a blocking lock requested without `SET lock_timeout` first.

use super::{Hit, Level, Rule, Stmt};

pub static RULE: Rule = Rule {
    id: "missing-lock-timeout",
    level: Level::Warning,
    title: "blocking lock without SET lock_timeout",
    why: "A statement that needs a lock blocking writes (SHARE or stronger) waits behind any long-running \
          transaction on the table, and every new read and write queues behind it: a 2 ms RENAME stalled \
          all traffic for 5 s behind a 6 s SELECT here. This does not depend on the table's size.",
    alternative: "Start the migration with `SET lock_timeout = '5s';` (or shorter) so the statement fails \
                  fast (SQLSTATE 55P03) instead of stalling the table, and retry with backoff.",
    bad: include_str!("examples/missing-lock-timeout.bad.sql"),
    good: include_str!("examples/missing-lock-timeout.good.sql"),
    size_sensitive: false,
    examples_on: 150000,
    check,
};

fn check(s: &Stmt) -> Vec<Hit> {
    if s.lock_timeout_set {
        return vec![];
    }
    s.effect
        .locks
        .iter()
        .filter(|l| l.mode.blocks_writes() && s.existing(&l.relation))
        .take(1)
        .flat_map(|l| {
            Hit::on(
                &l.relation,
                format!(
                    "{} on `{}` is requested without a lock_timeout: behind a long transaction it stalls every query on the table",
                    l.mode.name(),
                    l.relation
                ),
            )
        })
        .collect()
}
