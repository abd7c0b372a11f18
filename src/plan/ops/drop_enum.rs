//! `drop_enum`: `DROP TYPE <enum>` (the inverse of `create_enum`).

use super::{lookup, sql, CreateEnum, OpKind, Operation, PlanError, Statement};
use crate::dialect::LockMode;
use crate::schema::Schema;
use serde::Serialize;

/// `DROP TYPE <name>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropEnum {
    pub name: String,
    /// The values it had, for the down migration.
    pub values: Vec<String>,
}

impl OpKind for DropEnum {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        if let Some((t, c)) = schema.tables.values().find_map(|t| {
            t.columns
                .iter()
                .find(|c| c.data_type.trim_end_matches("[]") == self.name)
                .map(|c| (t.key(), c.name.clone()))
        }) {
            return Err(PlanError::Invalid(format!(
                "enum `{}` is still used by `{t}.{c}`",
                self.name
            )));
        }
        lookup::enum_type(schema, &self.name).map(|_| ())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![CreateEnum {
            name: self.name.clone(),
            values: self.values.clone(),
        }
        .into()]
    }

    fn statements(&self) -> Vec<Statement> {
        vec![Statement {
            sql: format!("DROP TYPE {}", sql::table(&self.name)),
            lock: LockMode::None,
            table: None,
            transactional: true,
            rewrites_table: false,
            scans_table: false,
            locks: vec![super::ObjectLock {
                object: format!("type {}", self.name),
                lock: LockMode::AccessExclusive,
            }],
            min_version: None,
            engine_lock: None,
            origin: None,
        }]
    }

    fn summary(&self) -> String {
        format!("Drop enum `{}`", self.name)
    }

    fn table(&self) -> Option<&str> {
        None
    }
}
