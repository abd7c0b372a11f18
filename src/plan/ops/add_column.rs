//! `add_column`: `ALTER TABLE t ADD COLUMN …`.

use super::{lookup, sql, DropColumn, OpKind, Operation, PlanError};
use crate::schema::{Column, Schema};
use serde::Serialize;

/// `ALTER TABLE <table> ADD COLUMN <name> <type> [NOT NULL] [DEFAULT <expr>]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddColumn {
    pub table: String,
    /// The full column definition `{name, type, nullable, default}`.
    pub column: Column,
}

impl OpKind for AddColumn {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let table = lookup::table(schema, &self.table)?;
        if table.column(&self.column.name).is_some() {
            return Err(PlanError::AlreadyExists {
                what: "column",
                name: format!("{}.{}", self.table, self.column.name),
                hint: None,
            });
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![DropColumn::bare(&self.table, self.column.clone()).into()]
    }

    fn summary(&self) -> String {
        format!(
            "Add column `{}` {} to `{}`",
            self.column.name,
            sql::column_shape(&self.column),
            self.table
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
