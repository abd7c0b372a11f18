//! `add_unique_constraint`: `ALTER TABLE t ADD CONSTRAINT … UNIQUE (…)`.

use super::{lookup, ConstraintDefinition, DropConstraint, OpKind, Operation, PlanError};
use crate::schema::Schema;
use serde::Serialize;

/// `ALTER TABLE <table> ADD CONSTRAINT <name> UNIQUE (<columns>)` (builds an index under lock).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddUniqueConstraint {
    pub table: String,
    pub name: String,
    pub columns: Vec<String>,
}

impl OpKind for AddUniqueConstraint {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        if schema.relation_names().any(|n| n == self.name) {
            return Err(PlanError::AlreadyExists {
                what: "relation",
                name: self.name.clone(),
                hint: None,
            });
        }
        let table = lookup::table(schema, &self.table)?;
        for c in &self.columns {
            lookup::column(table, c)?;
        }
        lookup::constraint_name_free(table, &self.name)
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![DropConstraint {
            table: self.table.clone(),
            name: self.name.clone(),
            definition: ConstraintDefinition::Unique {
                columns: self.columns.clone(),
            },
        }
        .into()]
    }

    fn summary(&self) -> String {
        format!(
            "Add unique constraint `{}` on `{}` ({})",
            self.name,
            self.table,
            self.columns.join(", ")
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
