//! Stages → phases: stage *k* of every operation joins wave *k*; within a wave, consecutive
//! stages that agree on running in a transaction share a migration. Each phase's down runs its
//! stages' downs in reverse order; every step gets its estimate at the table's size (a scan
//! after a step that updated every row of its table is estimated as such).

use super::{settings, Stage, StrategyOptions};
use crate::plan::cost;
use crate::plan::ops::Statement;
use crate::plan::{Phase, Step};
use crate::schema::Schema;

pub(crate) fn group(
    mut stages: Vec<(usize, Stage)>,
    before: &Schema,
    after: &Schema,
    opts: &StrategyOptions,
) -> Vec<Phase> {
    stages.sort_by_key(|(_, s)| s.wave); // stable: operation order within a wave
    let mut groups: Vec<Vec<(usize, Stage)>> = vec![];
    for (i, stage) in stages {
        match groups.last_mut() {
            Some(g) if g[0].1.wave == stage.wave && g[0].1.transactional == stage.transactional => {
                g.push((i, stage))
            }
            _ => groups.push(vec![(i, stage)]),
        }
    }
    let mut used: Vec<String> = vec![];
    let mut phases: Vec<Phase> = groups
        .into_iter()
        .map(|group| {
            let first = &group[0].1;
            let base = first.name;
            let name = match used.iter().filter(|u| u.starts_with(base)).count() {
                0 => base.to_string(),
                k => format!("{base}_{}", k + 1),
            };
            used.push(name.clone());
            let transactional = first.transactional;
            let reason = group.iter().find_map(|(_, s)| s.reason.clone());
            let mut operations: Vec<usize> = group.iter().map(|(i, _)| *i).collect();
            operations.dedup();
            let up: Vec<Step> = group
                .iter()
                .flat_map(|(_, s)| s.up.iter().cloned())
                .map(|s| step(s, before, opts))
                .collect();
            let down: Vec<Step> = group
                .iter()
                .rev()
                .flat_map(|(_, s)| s.down.iter().cloned())
                .map(|s| step(s, after, opts))
                .collect();
            let settings = settings::for_phase(&up, &down, opts);
            Phase {
                name,
                transactional,
                reason,
                operations,
                settings,
                down_caveats: group.iter().filter_map(|(_, s)| s.caveat.clone()).collect(),
                deploy: group.iter().filter_map(|(_, s)| s.deploy.clone()).collect(),
                up,
                down,
            }
        })
        .collect();
    in_plan_order(&mut phases, opts);
    phases
}

/// Re-estimate the up steps whose cost an earlier up step changes: a scan of a table it
/// updated in full (dead rows, no hint bits), a VALIDATE of a check it added NOT VALID (the
/// check's expression): `cost::mark_plan_order`.
fn in_plan_order(phases: &mut [Phase], opts: &StrategyOptions) {
    let mut shapes: Vec<cost::TableShape> = phases
        .iter()
        .flat_map(|p| p.up.iter())
        .map(|s| s.shape.unwrap_or_default())
        .collect();
    let statements: Vec<&Statement> = phases
        .iter()
        .flat_map(|p| p.up.iter())
        .map(|s| &s.statement)
        .collect();
    cost::mark_plan_order(statements.into_iter().zip(shapes.iter_mut()));
    let steps = phases.iter_mut().flat_map(|p| p.up.iter_mut());
    for (step, shape) in steps.zip(shapes) {
        if step.shape != Some(shape) && step.rows.is_some() {
            let estimate = cost::estimate_with(&opts.costs, &step.statement, &shape);
            step.estimated_seconds = estimate.seconds;
            step.estimate_inputs = Some(estimate.inputs);
            step.shape = Some(shape);
        }
    }
}

/// A statement with its estimate at the size of its table in `schema`.
pub(crate) fn step(statement: Statement, schema: &Schema, opts: &StrategyOptions) -> Step {
    let rows = statement
        .table
        .as_deref()
        .and_then(|t| schema.table(t))
        .and_then(|t| t.rows());
    let shape = cost::TableShape::of(schema, &statement, rows.unwrap_or(0));
    let estimate = cost::estimate_with(&opts.costs, &statement, &shape);
    let touches_rows = statement.scans_table || statement.rewrites_table;
    let inputs = if rows.is_none() && touches_rows {
        format!(
            "table size unknown (pass --rows TABLE=N): {}",
            estimate.inputs.replacen("0 rows × ", "rows × ", 1)
        )
    } else {
        estimate.inputs
    };
    Step {
        estimated_seconds: estimate.seconds,
        estimate_inputs: Some(inputs),
        rows,
        shape: Some(shape),
        statement,
    }
}
