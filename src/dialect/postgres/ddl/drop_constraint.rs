//! PostgreSQL spelling of `drop_constraint`: `ALTER TABLE t DROP CONSTRAINT <name>` for unique and check constraints

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{DropConstraint, Statement};

pub(crate) fn statements(op: &DropConstraint) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            sql::table(&op.table),
            sql::ident(&op.name)
        ),
        LockMode::AccessExclusive,
        &op.table,
    )]
}
