//! `rename_table`: `ALTER TABLE a RENAME TO b`.

use super::{lookup, OpKind, Operation, PlanError};
use crate::schema::Schema;
use serde::Serialize;

/// `ALTER TABLE <from> RENAME TO <to>`. Constraint and index names are left as they are, as
/// PostgreSQL leaves them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenameTable {
    /// The table's current name (same as `from`).
    pub table: String,
    pub from: String,
    pub to: String,
}

impl OpKind for RenameTable {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        lookup::table(schema, &self.from)?;
        if schema.table(&self.to).is_some() || schema.relation_names().any(|n| n == self.to) {
            return Err(PlanError::AlreadyExists {
                what: "relation",
                name: self.to.clone(),
                hint: None,
            });
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![RenameTable {
            table: self.to.clone(),
            from: self.to.clone(),
            to: self.from.clone(),
        }
        .into()]
    }

    fn summary(&self) -> String {
        format!("Rename table `{}` to `{}`", self.from, self.to)
    }

    fn table(&self) -> Option<&str> {
        Some(&self.from)
    }
}
