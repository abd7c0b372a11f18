//! `drop_constraint`: `ALTER TABLE t DROP CONSTRAINT <name>` for unique and check constraints
//! (foreign keys have `drop_foreign_key`).

use super::{lookup, AddCheckConstraint, AddUniqueConstraint, OpKind, Operation, PlanError};
use crate::schema::Schema;
use serde::Serialize;

/// What a dropped constraint was, so the down migration can restore it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConstraintDefinition {
    Unique { columns: Vec<String> },
    Check { expression: String },
}

/// `ALTER TABLE <table> DROP CONSTRAINT <name>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropConstraint {
    pub table: String,
    pub name: String,
    pub definition: ConstraintDefinition,
}

impl OpKind for DropConstraint {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let table = lookup::table(schema, &self.table)?;
        let known = table.unique_constraints.iter().any(|x| x.name == self.name)
            || table.check_constraints.iter().any(|x| x.name == self.name);
        if !known {
            return Err(PlanError::UnknownObject {
                what: "constraint",
                name: self.name.clone(),
                suggestions: vec![],
            });
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![match &self.definition {
            ConstraintDefinition::Unique { columns } => AddUniqueConstraint {
                table: self.table.clone(),
                name: self.name.clone(),
                columns: columns.clone(),
            }
            .into(),
            ConstraintDefinition::Check { expression } => AddCheckConstraint {
                table: self.table.clone(),
                name: self.name.clone(),
                expression: expression.clone(),
            }
            .into(),
        }]
    }

    fn summary(&self) -> String {
        format!("Drop constraint `{}` on `{}`", self.name, self.table)
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
