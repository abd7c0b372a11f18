//! PostgreSQL spelling of `drop_index`: `DROP INDEX [CONCURRENTLY] …`; the inverse rebuilds it from its definition.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{DropIndex, Statement};

pub(crate) fn statements(op: &DropIndex) -> Vec<Statement> {
    let text = sql::drop_index(&op.index.name, &op.table, op.concurrently);
    vec![if op.concurrently {
        Statement::metadata(text, LockMode::ShareUpdateExclusive, &op.table).non_transactional()
    } else {
        Statement::metadata(text, LockMode::AccessExclusive, &op.table)
    }]
}
