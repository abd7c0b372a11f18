//! PostgreSQL spelling of `drop_enum`: `DROP TYPE <enum>` (the inverse of `create_enum`).

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{DropEnum, ObjectLock, Statement};

pub(crate) fn statements(op: &DropEnum) -> Vec<Statement> {
    vec![Statement {
        sql: format!("DROP TYPE {}", sql::table(&op.name)),
        lock: LockMode::None,
        table: None,
        transactional: true,
        rewrites_table: false,
        scans_table: false,
        locks: vec![ObjectLock {
            object: format!("type {}", op.name),
            lock: LockMode::AccessExclusive,
        }],
        min_version: None,
        engine_lock: None,
        origin: None,
    }]
}
