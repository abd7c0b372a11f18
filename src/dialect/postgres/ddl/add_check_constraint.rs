//! PostgreSQL spelling of `add_check_constraint`: `ALTER TABLE t ADD CONSTRAINT … CHECK (…)`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{AddCheckConstraint, Statement};

pub(crate) fn statements(op: &AddCheckConstraint) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})",
            sql::table(&op.table),
            sql::ident(&op.name),
            op.expression
        ),
        LockMode::AccessExclusive,
        &op.table,
    )
    .scanning()]
}
