//! PostgreSQL spelling of `add_unique_constraint`: `ALTER TABLE t ADD CONSTRAINT … UNIQUE (…)`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{AddUniqueConstraint, Statement};

pub(crate) fn statements(op: &AddUniqueConstraint) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
            sql::table(&op.table),
            sql::ident(&op.name),
            sql::ident_list(&op.columns)
        ),
        LockMode::AccessExclusive,
        &op.table,
    )
    .scanning()]
}
