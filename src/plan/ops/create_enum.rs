//! `create_enum`: `CREATE TYPE … AS ENUM (…)`.

use super::{sql, DropEnum, OpKind, Operation, PlanError};
use crate::schema::Schema;
use serde::Serialize;

/// `CREATE TYPE <name> AS ENUM ('<value>', …)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateEnum {
    pub name: String,
    pub values: Vec<String>,
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

    fn summary(&self) -> String {
        format!(
            "Create enum `{}` ({})",
            self.name,
            sql::literal_list(&self.values)
        )
    }

    fn table(&self) -> Option<&str> {
        None
    }
}
