//! `drop_foreign_key`: `ALTER TABLE t DROP CONSTRAINT <fk>`.

use super::{lookup, AddForeignKey, OpKind, Operation, PlanError};
use crate::schema::{ForeignKey, Schema};
use serde::Serialize;

/// `ALTER TABLE <table> DROP CONSTRAINT <name>` for a foreign key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropForeignKey {
    pub table: String,
    /// The foreign key as it was, so the down migration can restore it.
    #[serde(flatten)]
    pub foreign_key: ForeignKey,
}

impl OpKind for DropForeignKey {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let table = lookup::table(schema, &self.table)?;
        if !table
            .foreign_keys
            .iter()
            .any(|f| f.name == self.foreign_key.name)
        {
            return Err(PlanError::UnknownObject {
                what: "foreign key",
                name: self.foreign_key.name.clone(),
                suggestions: vec![],
            });
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![AddForeignKey {
            table: self.table.clone(),
            foreign_key: self.foreign_key.clone(),
        }
        .into()]
    }

    fn summary(&self) -> String {
        format!(
            "Drop foreign key `{}` on `{}` ({} → `{}`)",
            self.foreign_key.name,
            self.table,
            self.foreign_key.columns.join(", "),
            self.foreign_key.ref_table
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
