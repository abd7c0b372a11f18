//! What gets verified: the statements of each migration in both directions, the checks that
//! must hold after up and after down, and the plan's data-loss claim. Built from a plan (the
//! SQL the plan produced — `Phase.settings` then steps, in a transaction when
//! `Phase.transactional` — whatever framework the files are for) or from raw `.up.sql` /
//! `.down.sql` files (no plan: no predictions, only the round trip).

use super::script::split;
use super::VerifyError;
use crate::plan::cost::TableShape;
use crate::plan::ops::{DataLoss, Operation, Statement};
use crate::plan::{Phase, Plan, Step};
use crate::report::checks::{self, Check};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One statement to run, with what the plan says about it (nothing for control statements such
/// as `BEGIN` or `SET lock_timeout`, or for raw files).
#[derive(Debug, Clone)]
pub struct SubjectStatement {
    pub sql: String,
    pub planned: Option<Statement>,
    pub estimated_seconds: Option<f64>,
    /// The planned table shape (index count, key type) for re-estimating at the seeded size.
    pub shape: Option<TableShape>,
}

impl SubjectStatement {
    fn control(sql: &str) -> Self {
        SubjectStatement {
            sql: sql.to_string(),
            planned: None,
            estimated_seconds: None,
            shape: None,
        }
    }
}

/// One migration (a phase, or one file pair).
#[derive(Debug, Clone)]
pub struct Migration {
    pub name: String,
    pub up: Vec<SubjectStatement>,
    pub down: Vec<SubjectStatement>,
}

/// Everything the round trip needs to know.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub migrations: Vec<Migration>,
    /// Must hold after up (and after up again).
    pub up_checks: Vec<Check>,
    /// Must hold after down.
    pub down_checks: Vec<Check>,
    /// `Some(columns changed per table)` when the plan claims no data loss: the rows of every
    /// table, and the values of every column not listed, must survive up + down unchanged.
    pub preserves_rows: Option<BTreeMap<String, Vec<String>>>,
}

fn phase_statements(phase: &Phase, steps: &[Step]) -> Vec<SubjectStatement> {
    let mut out = vec![];
    if phase.transactional {
        out.push(SubjectStatement::control("BEGIN"));
    }
    out.extend(phase.settings.iter().map(|s| SubjectStatement::control(s)));
    out.extend(steps.iter().map(|step| SubjectStatement {
        sql: step.statement.sql.clone(),
        planned: Some(step.statement.clone()),
        estimated_seconds: Some(step.estimated_seconds),
        shape: step.shape,
    }));
    if phase.transactional {
        out.push(SubjectStatement::control("COMMIT"));
    }
    out
}

/// The table and columns an operation changes the values of (all columns: an empty list).
fn touched(op: &Operation) -> Option<(String, Option<String>)> {
    use Operation::*;
    let column = match op {
        AddColumn(o) => Some(o.column.name.clone()),
        DropColumn(o) => Some(o.column.clone()),
        RenameColumn(o) => Some(o.from.clone()),
        ChangeColumnType(o) => Some(o.column.clone()),
        SetNotNull(o) => Some(o.column.clone()),
        DropNotNull(o) => Some(o.column.clone()),
        SetDefault(o) => Some(o.column.clone()),
        DropDefault(o) => Some(o.column.clone()),
        Backfill(o) => Some(o.column.clone()),
        _ => None,
    };
    Some((op.table()?.to_string(), column))
}

impl Subject {
    /// The plan's own statements and promises.
    pub fn from_plan(plan: &Plan) -> Subject {
        let migrations = plan
            .phases
            .iter()
            .map(|phase| Migration {
                name: phase.name.clone(),
                up: phase_statements(phase, &phase.up),
                down: phase_statements(phase, &phase.down),
            })
            .collect();
        let inverses: Vec<Operation> = plan
            .operations
            .iter()
            .rev()
            .flat_map(|o| o.inverse())
            .collect();
        let loss = plan
            .operations
            .iter()
            .map(|o| o.data_loss())
            .max()
            .unwrap_or(DataLoss::None);
        let preserves_rows = (loss == DataLoss::None).then(|| {
            let mut changed: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (table, column) in plan.operations.iter().filter_map(touched) {
                changed.entry(table).or_default().extend(column);
            }
            changed
        });
        Subject {
            migrations,
            up_checks: checks::final_checks(&plan.operations)
                .into_iter()
                .map(|(_, c)| c)
                .collect(),
            down_checks: checks::final_checks(&inverses)
                .into_iter()
                .map(|(_, c)| c)
                .collect(),
            preserves_rows,
        }
    }

    /// Raw SQL migrations: each `.up.sql` with the `.down.sql` beside it.
    pub fn from_files(ups: &[PathBuf]) -> Result<Subject, VerifyError> {
        let mut migrations = vec![];
        for up in ups {
            let name = up.to_string_lossy();
            let Some(stem) = name.strip_suffix(".up.sql") else {
                return Err(VerifyError::Input(format!(
                    "{name}: expected a raw SQL migration named *.up.sql (with its *.down.sql beside it)"
                )));
            };
            let down = PathBuf::from(format!("{stem}.down.sql"));
            let read = |p: &Path| {
                std::fs::read_to_string(p).map_err(|e| {
                    VerifyError::Input(format!(
                        "cannot read {}: {e}{}",
                        p.display(),
                        if p == down.as_path() {
                            " (every .up.sql needs its .down.sql to be verified)"
                        } else {
                            ""
                        }
                    ))
                })
            };
            let statements = |p: &Path| -> Result<Vec<SubjectStatement>, VerifyError> {
                Ok(split(&read(p)?, &p.display().to_string())?
                    .iter()
                    .map(|s| SubjectStatement::control(s))
                    .collect())
            };
            migrations.push(Migration {
                name: up
                    .file_name()
                    .map(|n| n.to_string_lossy().trim_end_matches(".up.sql").to_string())
                    .unwrap_or_default(),
                up: statements(up)?,
                down: statements(&down)?,
            });
        }
        Ok(Subject {
            migrations,
            ..Subject::default()
        })
    }
}
