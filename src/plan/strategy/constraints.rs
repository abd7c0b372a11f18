//! Foreign keys and check constraints on large tables: `ADD CONSTRAINT … NOT VALID` (a brief
//! lock, no scan) in one migration, `VALIDATE CONSTRAINT` (SHARE UPDATE EXCLUSIVE on the table,
//! ROW SHARE on the referenced one: reads and writes continue) in the next.

use super::{Cx, Size, Stage};
use crate::dialect::postgres::capabilities::VALIDATE_CONSTRAINT;
use crate::dialect::LockMode;
use crate::plan::ops::{sql, AddCheckConstraint, AddForeignKey, Operation, Statement};

const FORM: &str = "ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT in a separate migration";

pub(crate) fn foreign_key(op: &AddForeignKey, cx: &mut Cx) -> Option<Vec<Stage>> {
    let fk = &op.foreign_key;
    if !fk.validated
        || cx.size(&op.table, &format!("foreign key `{}`", fk.name), FORM) == Size::Small
    {
        return None;
    }
    let mut not_valid = op.clone();
    not_valid.foreign_key.validated = false;
    let add = Operation::from(not_valid.clone()).statements();
    let drop: Vec<Statement> = Operation::from(not_valid)
        .inverse()
        .iter()
        .flat_map(Operation::statements)
        .collect();
    let validate = validate(&op.table, &fk.name).also_locks(
        format!("table {} (referenced)", fk.ref_table),
        LockMode::RowShare,
    );
    Some(two_stages(&op.table, &fk.name, add, drop, validate))
}

pub(crate) fn check(op: &AddCheckConstraint, cx: &mut Cx) -> Option<Vec<Stage>> {
    if cx.size(&op.table, &format!("check constraint `{}`", op.name), FORM) == Size::Small {
        return None;
    }
    let add = vec![Statement::metadata(
        format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({}) NOT VALID",
            sql::table(&op.table),
            sql::ident(&op.name),
            op.expression
        ),
        LockMode::AccessExclusive,
        &op.table,
    )];
    let drop: Vec<Statement> = Operation::from(op.clone())
        .inverse()
        .iter()
        .flat_map(Operation::statements)
        .collect();
    Some(two_stages(
        &op.table,
        &op.name,
        add,
        drop,
        validate(&op.table, &op.name),
    ))
}

fn validate(table: &str, name: &str) -> Statement {
    Statement::metadata(
        format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
            sql::table(table),
            sql::ident(name)
        ),
        LockMode::ShareUpdateExclusive,
        table,
    )
    .scanning()
    .since(VALIDATE_CONSTRAINT)
}

fn two_stages(
    table: &str,
    name: &str,
    add: Vec<Statement>,
    drop: Vec<Statement>,
    validate: Statement,
) -> Vec<Stage> {
    let mut redo = drop.clone();
    redo.extend(add.iter().cloned());
    vec![
        Stage {
            name: "schema",
            wave: 0,
            transactional: true,
            reason: None,
            up: add,
            down: drop,
            caveat: None,
            deploy: Some(format!(
                "new and updated rows of `{table}` must satisfy `{name}` from this migration on: deploy code that does before it"
            )),
        },
        Stage {
            name: "validate",
            wave: 1,
            transactional: true,
            reason: Some(format!(
                "VALIDATE CONSTRAINT checks the existing rows of `{table}` under SHARE UPDATE EXCLUSIVE, so reads and writes continue; it runs apart from the ADD so the brief lock of the ADD is not held during the scan"
            )),
            up: vec![validate],
            // Back to the NOT VALID constraint the previous migration left.
            down: redo,
            caveat: None,
            deploy: None,
        },
    ]
}
