//! Operations → phases. A phase is one migration: its operations run together, inside one
//! transaction when every statement allows it. Statements that cannot run in a transaction
//! block (`CREATE/DROP INDEX CONCURRENTLY`) get a phase of their own; the order of operations
//! is kept. Each phase's down steps are the inverses of its operations, in reverse order.

use super::cost;
use super::ops::Operation;
use super::resolve::Resolved;
use super::{Phase, Plan, Step};
use crate::schema::Schema;

/// Build the plan for resolved operations.
pub fn build(description: &str, before: &Schema, resolved: Resolved) -> Plan {
    let Resolved {
        operations,
        decisions,
        after,
    } = resolved;
    let mut groups: Vec<(bool, Vec<usize>)> = vec![];
    for (i, op) in operations.iter().enumerate() {
        let transactional = op.transactional() && op.inverse().iter().all(Operation::transactional);
        match groups.last_mut() {
            Some((t, ops)) if *t == transactional => ops.push(i),
            _ => groups.push((transactional, vec![i])),
        }
    }
    let mut used_names: Vec<String> = vec![];
    let phases = groups
        .into_iter()
        .map(|(transactional, indexes)| {
            let ops: Vec<&Operation> = indexes.iter().map(|&i| &operations[i]).collect();
            let up = ops
                .iter()
                .flat_map(|op| op.statements())
                .map(|s| step(s, before))
                .collect();
            let down = ops
                .iter()
                .rev()
                .flat_map(|op| op.inverse())
                .flat_map(|op| op.statements())
                .map(|s| step(s, &after))
                .collect();
            let down_caveats = ops.iter().filter_map(|op| op.inverse_caveat()).collect();
            let base = if transactional {
                "schema"
            } else {
                "concurrent_indexes"
            };
            let name = match used_names.iter().filter(|u| u.starts_with(base)).count() {
                0 => base.to_string(),
                k => format!("{base}_{}", k + 1),
            };
            used_names.push(name.clone());
            Phase {
                name,
                transactional,
                reason: (!transactional).then(|| {
                    "CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction block, so these statements run in a migration of their own, without BEGIN/COMMIT".to_string()
                }),
                operations: indexes,
                up,
                down,
                down_caveats,
            }
        })
        .collect();
    Plan {
        description: description.to_string(),
        operations,
        phases,
        decisions,
        before: before.clone(),
        after,
    }
}

fn step(statement: super::Statement, schema: &Schema) -> Step {
    let rows = statement
        .table
        .as_deref()
        .and_then(|t| schema.table(t))
        .and_then(|t| t.rows())
        .unwrap_or(0);
    Step {
        estimated_seconds: cost::estimate(&statement, rows),
        statement,
    }
}
