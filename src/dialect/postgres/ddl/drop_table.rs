//! PostgreSQL spelling of `drop_table`: `DROP TABLE t`; its inverse re-creates the table's full definition.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{DropTable, Statement};

pub(crate) fn statements(op: &DropTable) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "DROP TABLE {}{}",
            sql::table(&op.table),
            if op.cascade { " CASCADE" } else { "" }
        ),
        LockMode::AccessExclusive,
        &op.table,
    )]
}
