//! `rename_column`: `ALTER TABLE t RENAME COLUMN a TO b`.

use super::{lookup, OpKind, Operation, PlanError};
use crate::schema::Schema;
use serde::Serialize;

/// `ALTER TABLE <table> RENAME COLUMN <from> TO <to>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenameColumn {
    pub table: String,
    pub from: String,
    pub to: String,
}

impl OpKind for RenameColumn {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let table = lookup::table(schema, &self.table)?;
        lookup::column(table, &self.from)?;
        if table.column(&self.to).is_some() {
            return Err(PlanError::AlreadyExists {
                what: "column",
                name: format!("{}.{}", self.table, self.to),
                hint: None,
            });
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![RenameColumn {
            table: self.table.clone(),
            from: self.to.clone(),
            to: self.from.clone(),
        }
        .into()]
    }

    fn summary(&self) -> String {
        format!(
            "Rename column `{}` to `{}` in `{}`",
            self.from, self.to, self.table
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
