//! `remove_enum_value`: PostgreSQL cannot drop an enum value, so the type is re-created without
//! it and every column of the type is converted (the inverse of `add_enum_value`).

use super::{lookup, AddEnumValue, DataLoss, OpKind, Operation, PlanError};
use crate::schema::Schema;
use serde::Serialize;

/// A column whose type is an enum, with the default it must get back after the conversion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumColumn {
    pub table: String,
    pub column: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// `ALTER TYPE e RENAME TO e__old; CREATE TYPE e AS ENUM (…without value…);
/// ALTER TABLE … ALTER COLUMN … TYPE e USING c::text::e; DROP TYPE e__old`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemoveEnumValue {
    pub name: String,
    pub value: String,
    /// Where the value stood (for the inverse).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The values the type keeps, in order.
    pub remaining: Vec<String>,
    pub columns: Vec<EnumColumn>,
}

impl OpKind for RemoveEnumValue {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let enum_type = lookup::enum_type(schema, &self.name)?;
        if !enum_type.values.contains(&self.value) {
            return Err(PlanError::UnknownObject {
                what: "enum value",
                name: self.value.clone(),
                suggestions: vec![],
            });
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![AddEnumValue {
            name: self.name.clone(),
            value: self.value.clone(),
            after: self.after.clone(),
            existing: self.remaining.clone(),
            columns: self.columns.clone(),
        }
        .into()]
    }

    fn summary(&self) -> String {
        format!(
            "Remove value '{}' from enum `{}` (re-creates the type)",
            self.value, self.name
        )
    }

    fn data_loss(&self) -> DataLoss {
        DataLoss::Possible
    }

    fn table(&self) -> Option<&str> {
        None
    }
}
