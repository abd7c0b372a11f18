//! `set_not_null`: `ALTER TABLE t ALTER COLUMN c SET NOT NULL`.

use super::{lookup, DropNotNull, OpKind, Operation, PlanError};
use crate::schema::Schema;
use serde::Serialize;

/// `ALTER TABLE <table> ALTER COLUMN <column> SET NOT NULL` (scans the table to check).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetNotNull {
    pub table: String,
    pub column: String,
}

impl OpKind for SetNotNull {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let column = lookup::column(lookup::table(schema, &self.table)?, &self.column)?;
        if !column.nullable {
            return Err(PlanError::NoOp(format!(
                "`{}.{}` is already NOT NULL",
                self.table, self.column
            )));
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![DropNotNull {
            table: self.table.clone(),
            column: self.column.clone(),
        }
        .into()]
    }

    fn summary(&self) -> String {
        format!("Make `{}.{}` NOT NULL", self.table, self.column)
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
