//! `backfill`: `UPDATE t SET c = … [WHERE …]`.

use super::{lookup, DataLoss, OpKind, Operation, PlanError};
use crate::schema::Schema;
use serde::Serialize;

/// `UPDATE <table> SET <column> = <value> [WHERE <condition>]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backfill {
    pub table: String,
    pub column: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

impl OpKind for Backfill {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        lookup::column(lookup::table(schema, &self.table)?, &self.column).map(|_| ())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![]
    }

    fn inverse_caveat(&self) -> Option<String> {
        Some(format!(
            "the values the backfill wrote to `{}.{}` stay: the down migration does not restore the previous values",
            self.table, self.column
        ))
    }

    fn summary(&self) -> String {
        format!(
            "Backfill `{}.{}` with {}{}",
            self.table,
            self.column,
            self.value,
            self.condition
                .as_ref()
                .map(|c| format!(" where {c}"))
                .unwrap_or_default()
        )
    }

    fn data_loss(&self) -> DataLoss {
        DataLoss::Possible
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
