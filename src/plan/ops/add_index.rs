//! `add_index`: `CREATE [UNIQUE] INDEX [CONCURRENTLY] …`.

use super::{lookup, sql, DropIndex, OpKind, Operation, PlanError};
use crate::schema::{Index, IndexKey, Schema};
use serde::Serialize;

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] <name> ON <table> (<columns>)`. A concurrent build
/// cannot run in a transaction block, so it lives in a non-transactional migration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddIndex {
    pub table: String,
    /// `name`, `columns`, `unique`, `method`, `predicate`, `include`.
    #[serde(flatten)]
    pub index: Index,
    pub concurrently: bool,
}

impl OpKind for AddIndex {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        if schema.relation_names().any(|n| n == self.index.name) {
            return Err(PlanError::AlreadyExists {
                what: "relation",
                name: self.index.name.clone(),
                hint: Some("choose another index name with `named <name>`".into()),
            });
        }
        let table = lookup::table(schema, &self.table)?;
        for key in &self.index.columns {
            if let IndexKey::Column(c) = key {
                lookup::column(table, c)?;
            }
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![DropIndex {
            table: self.table.clone(),
            index: self.index.clone(),
            concurrently: self.concurrently,
        }
        .into()]
    }

    fn summary(&self) -> String {
        format!(
            "Add {}index `{}` on `{}` ({}){}",
            if self.index.unique { "unique " } else { "" },
            self.index.name,
            self.table,
            sql::index_keys(&self.index.columns),
            if self.concurrently {
                ", built concurrently"
            } else {
                ""
            }
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
