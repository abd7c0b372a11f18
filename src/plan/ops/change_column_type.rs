//! `change_column_type`: `ALTER TABLE t ALTER COLUMN c TYPE …`.

use super::{lookup, sql, DataLoss, OpKind, Operation, PlanError};
use crate::dialect::postgres::{is_binary_coercible, is_lossless_conversion};
use crate::schema::Schema;
use serde::Serialize;

/// `ALTER TABLE <table> ALTER COLUMN <column> TYPE <to_type> [USING <expr>]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeColumnType {
    pub table: String,
    pub column: String,
    pub from_type: String,
    pub to_type: String,
    /// Conversion expression; `None` when the cast needs none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
}

impl ChangeColumnType {
    /// Whether PostgreSQL can change the type without rewriting the table.
    pub fn in_place(&self) -> bool {
        is_binary_coercible(&self.from_type, &self.to_type)
    }

    /// The `USING` expression a conversion needs when the user gave none.
    pub fn default_using(column: &str, from: &str, to: &str) -> Option<String> {
        (!is_binary_coercible(from, to)).then(|| format!("{}::{to}", sql::ident(column)))
    }
}

impl OpKind for ChangeColumnType {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let column = lookup::column(lookup::table(schema, &self.table)?, &self.column)?;
        if column.data_type == self.to_type {
            return Err(PlanError::NoOp(format!(
                "`{}.{}` is already {}",
                self.table, self.column, self.to_type
            )));
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![ChangeColumnType {
            table: self.table.clone(),
            column: self.column.clone(),
            from_type: self.to_type.clone(),
            to_type: self.from_type.clone(),
            using: Self::default_using(&self.column, &self.to_type, &self.from_type),
        }
        .into()]
    }

    fn inverse_caveat(&self) -> Option<String> {
        (!is_lossless_conversion(&self.to_type, &self.from_type)).then(|| {
            format!(
                "converting `{}` back to {} fails or truncates if values written meanwhile do not fit it",
                self.column, self.from_type
            )
        })
    }

    fn summary(&self) -> String {
        format!(
            "Change type of `{}.{}` from {} to {}{}",
            self.table,
            self.column,
            self.from_type,
            self.to_type,
            if self.in_place() {
                " (no table rewrite)"
            } else {
                " (rewrites the table)"
            }
        )
    }

    fn data_loss(&self) -> DataLoss {
        if is_lossless_conversion(&self.from_type, &self.to_type) {
            DataLoss::None
        } else {
            DataLoss::Possible
        }
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
