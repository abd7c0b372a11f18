//! `add_enum_value`: `ALTER TYPE … ADD VALUE …`.

use super::{lookup, sql, EnumColumn, OpKind, Operation, PlanError, RemoveEnumValue, Statement};
use crate::dialect::postgres::quote_literal;
use crate::dialect::LockMode;
use crate::schema::Schema;
use serde::Serialize;

/// `ALTER TYPE <name> ADD VALUE '<value>' [AFTER '<after>']`. PostgreSQL cannot drop an enum
/// value, so the inverse re-creates the type without it (see `remove_enum_value`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddEnumValue {
    pub name: String,
    pub value: String,
    /// Insert after this existing value (`None`: at the end).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The values the type had before, in order (for the down migration).
    pub existing: Vec<String>,
    /// Columns of this type, captured for the down migration.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<EnumColumn>,
}

impl OpKind for AddEnumValue {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let enum_type = lookup::enum_type(schema, &self.name)?;
        if enum_type.values.contains(&self.value) {
            return Err(PlanError::AlreadyExists {
                what: "enum value",
                name: format!("{}.{}", self.name, self.value),
                hint: None,
            });
        }
        if let Some(after) = &self.after {
            if !enum_type.values.contains(after) {
                return Err(PlanError::UnknownObject {
                    what: "enum value",
                    name: after.clone(),
                    suggestions: vec![],
                });
            }
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![RemoveEnumValue {
            name: self.name.clone(),
            value: self.value.clone(),
            after: self.after.clone(),
            remaining: self.existing.clone(),
            columns: self.columns.clone(),
        }
        .into()]
    }

    fn statements(&self) -> Vec<Statement> {
        let mut text = format!(
            "ALTER TYPE {} ADD VALUE {}",
            sql::table(&self.name),
            quote_literal(&self.value)
        );
        if let Some(after) = &self.after {
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
            min_version: Some(
                crate::dialect::postgres::capabilities::ENUM_VALUE_IN_TRANSACTION.since,
            ),
            engine_lock: None,
            origin: None,
        }]
    }

    fn summary(&self) -> String {
        format!("Add value '{}' to enum `{}`", self.value, self.name)
    }

    fn table(&self) -> Option<&str> {
        None
    }
}
