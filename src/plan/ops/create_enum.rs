//! `create_enum`: `CREATE TYPE … AS ENUM (…)`.

use super::{sql, DropEnum, OpKind, Operation, PlanError, Statement};
use crate::dialect::postgres::quote_literal;
use crate::dialect::LockMode;
use crate::schema::Schema;
use serde::Serialize;

/// `CREATE TYPE <name> AS ENUM ('<value>', …)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateEnum {
    pub name: String,
    pub values: Vec<String>,
}

/// `'a', 'b'`.
pub(super) fn literal_list(values: &[String]) -> String {
    values
        .iter()
        .map(|v| quote_literal(v))
        .collect::<Vec<_>>()
        .join(", ")
}

impl OpKind for CreateEnum {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        if schema.enums.contains_key(&self.name) {
            return Err(PlanError::AlreadyExists {
                what: "enum",
                name: self.name.clone(),
                hint: None,
            });
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![DropEnum {
            name: self.name.clone(),
            values: self.values.clone(),
        }
        .into()]
    }

    fn statements(&self) -> Vec<Statement> {
        vec![Statement {
            sql: format!(
                "CREATE TYPE {} AS ENUM ({})",
                sql::table(&self.name),
                literal_list(&self.values)
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

    fn summary(&self) -> String {
        format!(
            "Create enum `{}` ({})",
            self.name,
            literal_list(&self.values)
        )
    }

    fn table(&self) -> Option<&str> {
        None
    }
}
