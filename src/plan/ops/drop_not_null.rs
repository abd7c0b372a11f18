//! `drop_not_null`: `ALTER TABLE t ALTER COLUMN c DROP NOT NULL`.

use super::{lookup, OpKind, Operation, PlanError, SetNotNull};
use crate::schema::Schema;
use serde::Serialize;

/// `ALTER TABLE <table> ALTER COLUMN <column> DROP NOT NULL`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropNotNull {
    pub table: String,
    pub column: String,
}

impl OpKind for DropNotNull {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let table = lookup::table(schema, &self.table)?;
        if table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.contains(&self.column))
        {
            return Err(PlanError::Invalid(format!(
                "`{}.{}` is part of the primary key, which requires NOT NULL",
                self.table, self.column
            )));
        }
        if lookup::column(table, &self.column)?.nullable {
            return Err(PlanError::NoOp(format!(
                "`{}.{}` is already nullable",
                self.table, self.column
            )));
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![SetNotNull {
            table: self.table.clone(),
            column: self.column.clone(),
        }
        .into()]
    }

    fn inverse_caveat(&self) -> Option<String> {
        Some(format!(
            "once NULLs have been written to `{}.{}`, the down migration fails until they are replaced",
            self.table, self.column
        ))
    }

    fn summary(&self) -> String {
        format!("Allow NULL in `{}.{}`", self.table, self.column)
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
