//! PostgreSQL spelling of `add_index`: `CREATE [UNIQUE] INDEX [CONCURRENTLY] …`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{AddIndex, Statement};

pub(crate) fn statements(op: &AddIndex) -> Vec<Statement> {
    let text = sql::create_index(&op.index, &op.table, op.concurrently);
    let stmt = if op.concurrently {
        Statement::metadata(text, LockMode::ShareUpdateExclusive, &op.table).non_transactional()
    } else {
        Statement::metadata(text, LockMode::Share, &op.table)
    };
    vec![stmt.scanning()]
}
