//! The simple form: the operation's own statements in one stage, undone by its inverse.

use super::Stage;
use crate::plan::ops::Operation;

pub(crate) const CONCURRENT_REASON: &str = "CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block, so these statements run in a migration of their own, without BEGIN/COMMIT";

pub(crate) fn stages(op: &Operation) -> Vec<Stage> {
    let transactional = op.transactional() && op.inverse().iter().all(Operation::transactional);
    vec![Stage {
        name: if transactional {
            "schema"
        } else {
            "concurrent_indexes"
        },
        wave: 0,
        transactional,
        reason: (!transactional).then(|| CONCURRENT_REASON.to_string()),
        up: op.statements(),
        down: op
            .inverse()
            .iter()
            .flat_map(Operation::statements)
            .collect(),
        caveat: op.inverse_caveat(),
        deploy: None,
    }]
}
