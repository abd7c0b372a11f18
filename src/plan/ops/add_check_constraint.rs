//! `add_check_constraint`: `ALTER TABLE t ADD CONSTRAINT … CHECK (…)`.

use super::{lookup, ConstraintDefinition, DropConstraint, OpKind, Operation, PlanError};
use crate::schema::Schema;
use serde::Serialize;

/// `ALTER TABLE <table> ADD CONSTRAINT <name> CHECK (<expression>)` (scans to validate).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddCheckConstraint {
    pub table: String,
    pub name: String,
    pub expression: String,
}

impl OpKind for AddCheckConstraint {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let table = lookup::table(schema, &self.table)?;
        lookup::constraint_name_free(table, &self.name)
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![DropConstraint {
            table: self.table.clone(),
            name: self.name.clone(),
            definition: ConstraintDefinition::Check {
                expression: self.expression.clone(),
            },
        }
        .into()]
    }

    fn summary(&self) -> String {
        format!(
            "Add check constraint `{}` on `{}`: {}",
            self.name, self.table, self.expression
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
