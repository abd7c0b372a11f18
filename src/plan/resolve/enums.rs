//! Resolving enum changes; `add value` captures the columns of the type so the down migration
//! can re-create the type without the value.

use super::Context;
use crate::plan::ops::*;
use crate::plan::PlanError;
use std::collections::BTreeSet;

impl Context {
    pub(super) fn create_enum(&mut self, name: &str, values: &[String]) -> Result<(), PlanError> {
        if values.is_empty() {
            return Err(PlanError::Invalid(format!(
                "enum `{name}` needs at least one value"
            )));
        }
        let mut seen = BTreeSet::new();
        if let Some(dup) = values.iter().find(|v| !seen.insert(v.as_str())) {
            return Err(PlanError::Invalid(format!(
                "enum `{name}` lists `{dup}` twice"
            )));
        }
        self.push(CreateEnum {
            name: name.to_string(),
            values: values.to_vec(),
        })
    }

    pub(super) fn add_enum_value(&mut self, name: &str, value: &str) -> Result<(), PlanError> {
        let existing = lookup::enum_type(&self.schema, name)?;
        let existing = existing.values.clone();
        let columns = self
            .schema
            .tables
            .values()
            .flat_map(|t| {
                t.columns
                    .iter()
                    .filter(|c| c.data_type == name)
                    .map(|c| EnumColumn {
                        table: t.key(),
                        column: c.name.clone(),
                        default: c.default.clone(),
                    })
            })
            .collect();
        self.push(AddEnumValue {
            name: name.to_string(),
            value: value.to_string(),
            after: None,
            existing,
            columns,
        })
    }
}
