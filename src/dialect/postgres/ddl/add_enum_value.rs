//! PostgreSQL spelling of `add_enum_value`: `ALTER TYPE … ADD VALUE …`.

use crate::dialect::postgres::quote_literal;
use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{AddEnumValue, Statement};

pub(crate) fn statements(op: &AddEnumValue) -> Vec<Statement> {
    let mut text = format!(
        "ALTER TYPE {} ADD VALUE {}",
        sql::table(&op.name),
        quote_literal(&op.value)
    );
    if let Some(after) = &op.after {
        text.push_str(&format!(" AFTER {}", quote_literal(after)));
    }
    vec![Statement {
        sql: text,
        lock: LockMode::None,
        table: None,
        // PostgreSQL 12+ allows it in a transaction (the value is usable after commit).
        transactional: true,
        rewrites_table: false,
        scans_table: false,
        locks: vec![],
        min_version: Some(crate::dialect::postgres::capabilities::ENUM_VALUE_IN_TRANSACTION.since),
        engine_lock: None,
        origin: None,
    }]
}
