//! PostgreSQL spelling of `add_foreign_key`: `ALTER TABLE t ADD CONSTRAINT … FOREIGN KEY …`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{AddForeignKey, Statement};

pub(crate) fn statements(op: &AddForeignKey) -> Vec<Statement> {
    let stmt = Statement::metadata(
        format!(
            "ALTER TABLE {} ADD CONSTRAINT {} {}",
            sql::table(&op.table),
            sql::ident(&op.foreign_key.name),
            sql::foreign_key_body(&op.foreign_key)
        ),
        LockMode::ShareRowExclusive,
        &op.table,
    )
    .also_locks(
        format!("table {} (referenced)", op.foreign_key.ref_table),
        LockMode::ShareRowExclusive,
    );
    vec![if op.foreign_key.validated {
        stmt.scanning()
    } else {
        stmt
    }]
}
