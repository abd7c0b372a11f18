//! PostgreSQL spelling of `rename_table`: `ALTER TABLE a RENAME TO b`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{RenameTable, Statement};

pub(crate) fn statements(op: &RenameTable) -> Vec<Statement> {
    vec![Statement::metadata(
        format!(
            "ALTER TABLE {} RENAME TO {}",
            sql::table(&op.from),
            sql::ident(sql::bare_name(&op.to))
        ),
        LockMode::AccessExclusive,
        &op.from,
    )]
}
