//! `add_foreign_key`: `ALTER TABLE t ADD CONSTRAINT … FOREIGN KEY …`.

use super::{lookup, DropForeignKey, OpKind, Operation, PlanError};
use crate::schema::{ForeignKey, Schema};
use serde::Serialize;

/// `ALTER TABLE <table> ADD CONSTRAINT <name> FOREIGN KEY (<columns>) REFERENCES
/// <ref_table> (<ref_columns>) [ON DELETE …] [NOT VALID]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddForeignKey {
    pub table: String,
    #[serde(flatten)]
    pub foreign_key: ForeignKey,
}

impl OpKind for AddForeignKey {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let fk = &self.foreign_key;
        let parent = lookup::table(schema, &fk.ref_table)?;
        for c in &fk.ref_columns {
            lookup::column(parent, c)?;
        }
        let table = lookup::table(schema, &self.table)?;
        for c in &fk.columns {
            lookup::column(table, c)?;
        }
        lookup::constraint_name_free(table, &fk.name)
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![DropForeignKey {
            table: self.table.clone(),
            foreign_key: self.foreign_key.clone(),
        }
        .into()]
    }

    fn summary(&self) -> String {
        let fk = &self.foreign_key;
        format!(
            "Add foreign key `{}`: `{}`({}) → `{}`({}){}",
            fk.name,
            self.table,
            fk.columns.join(", "),
            fk.ref_table,
            fk.ref_columns.join(", "),
            if fk.on_delete != Default::default() {
                format!(" ON DELETE {}", fk.on_delete.sql())
            } else {
                String::new()
            }
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
