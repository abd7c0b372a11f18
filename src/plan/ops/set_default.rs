//! `set_default`: `ALTER TABLE t ALTER COLUMN c SET DEFAULT …`.

use super::{lookup, DropDefault, OpKind, Operation, PlanError};
use crate::schema::Schema;
use serde::Serialize;

/// `ALTER TABLE <table> ALTER COLUMN <column> SET DEFAULT <default>` (affects new rows only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetDefault {
    pub table: String,
    pub column: String,
    pub default: String,
    /// The default it replaces, restored by the down migration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

impl OpKind for SetDefault {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        lookup::column(lookup::table(schema, &self.table)?, &self.column).map(|_| ())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![match &self.previous {
            Some(previous) => SetDefault {
                table: self.table.clone(),
                column: self.column.clone(),
                default: previous.clone(),
                previous: Some(self.default.clone()),
            }
            .into(),
            None => DropDefault {
                table: self.table.clone(),
                column: self.column.clone(),
                previous: self.default.clone(),
            }
            .into(),
        }]
    }

    fn summary(&self) -> String {
        format!(
            "Set default of `{}.{}` to {}",
            self.table, self.column, self.default
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
