//! Session settings at the top of every phase: `lock_timeout`, so a statement that queues for
//! its lock behind a long transaction fails fast (55P03) instead of stalling every query on
//! the table behind it; and `statement_timeout`: short for catalog-only phases, off (0) for
//! phases that scan, build or backfill, so a role default cannot cut a long validation short.

use super::StrategyOptions;
use crate::plan::Step;

/// `'5s'`, `'250ms'`.
pub fn duration_literal(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("'{}s'", ms / 1000)
    } else {
        format!("'{ms}ms'")
    }
}

pub(crate) fn for_phase(up: &[Step], down: &[Step], opts: &StrategyOptions) -> Vec<String> {
    let long = up
        .iter()
        .chain(down)
        .any(|s| s.statement.scans_table || s.statement.rewrites_table);
    let statement_timeout = if long {
        "0".to_string()
    } else {
        duration_literal(opts.statement_timeout_ms)
    };
    vec![
        format!(
            "SET lock_timeout = {}",
            duration_literal(opts.lock_timeout_ms)
        ),
        format!("SET statement_timeout = {statement_timeout}"),
    ]
}

#[cfg(test)]
mod test {
    use super::duration_literal;

    #[test]
    fn spells_durations_postgres_reads() {
        assert_eq!(duration_literal(5000), "'5s'");
        assert_eq!(duration_literal(250), "'250ms'");
    }
}
