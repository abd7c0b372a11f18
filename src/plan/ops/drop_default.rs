//! `drop_default`: `ALTER TABLE t ALTER COLUMN c DROP DEFAULT`.

use super::{lookup, OpKind, Operation, PlanError, SetDefault};
use crate::schema::Schema;
use serde::Serialize;

/// `ALTER TABLE <table> ALTER COLUMN <column> DROP DEFAULT`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropDefault {
    pub table: String,
    pub column: String,
    /// The default removed, restored by the down migration.
    pub previous: String,
}

impl OpKind for DropDefault {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let column = lookup::column(lookup::table(schema, &self.table)?, &self.column)?;
        if column.default.is_none() {
            return Err(PlanError::NoOp(format!(
                "`{}.{}` has no default",
                self.table, self.column
            )));
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![SetDefault {
            table: self.table.clone(),
            column: self.column.clone(),
            default: self.previous.clone(),
            previous: None,
        }
        .into()]
    }

    fn summary(&self) -> String {
        format!(
            "Remove default ({}) from `{}.{}`",
            self.previous, self.table, self.column
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
