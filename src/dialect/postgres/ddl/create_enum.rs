//! PostgreSQL spelling of `create_enum`: `CREATE TYPE … AS ENUM (…)`.

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{CreateEnum, Statement};

pub(crate) fn statements(op: &CreateEnum) -> Vec<Statement> {
    vec![Statement {
        sql: format!(
            "CREATE TYPE {} AS ENUM ({})",
            sql::table(&op.name),
            sql::literal_list(&op.values)
        ),
        lock: LockMode::None,
        table: None,
        transactional: true,
        rewrites_table: false,
        scans_table: false,
        locks: vec![],
        min_version: None,
        engine_lock: None,
        origin: None,
    }]
}
