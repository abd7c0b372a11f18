//! `drop_index`: `DROP INDEX [CONCURRENTLY] …`; the inverse rebuilds it from its definition.

use super::{lookup, sql, AddIndex, OpKind, Operation, PlanError};
use crate::schema::{Index, Schema};
use serde::Serialize;

/// `DROP INDEX [CONCURRENTLY] <name>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropIndex {
    pub table: String,
    /// The index as it was: `name`, `columns`, `unique`, `method`, `predicate`, `include`.
    #[serde(flatten)]
    pub index: Index,
    pub concurrently: bool,
}

impl OpKind for DropIndex {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        if lookup::table(schema, &self.table)?
            .index(&self.index.name)
            .is_none()
        {
            return Err(PlanError::UnknownIndex {
                index: self.index.name.clone(),
                suggestions: vec![],
            });
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![AddIndex {
            table: self.table.clone(),
            index: self.index.clone(),
            concurrently: self.concurrently,
        }
        .into()]
    }

    fn summary(&self) -> String {
        format!(
            "Drop index `{}` on `{}` ({}){}",
            self.index.name,
            self.table,
            sql::index_keys(&self.index.columns),
            if self.concurrently {
                ", concurrently"
            } else {
                ""
            }
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
