//! `create_table`: `CREATE TABLE t (…)`, with its constraints, comments and indexes.

use super::{lookup, sql, DropTable, OpKind, Operation, PlanError};
use crate::schema::{Schema, Table};
use serde::Serialize;

/// `CREATE TABLE <table> (<columns>, <constraints>)`, then `CREATE INDEX` for its indexes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CreateTable {
    pub table: String,
    /// The whole table as it will exist (columns, keys, checks, foreign keys, indexes).
    pub definition: Table,
}

impl OpKind for CreateTable {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        if schema.table(&self.table).is_some() {
            return Err(PlanError::AlreadyExists {
                what: "table",
                name: self.table.clone(),
                hint: None,
            });
        }
        for fk in &self.definition.foreign_keys {
            if fk.ref_table != self.table {
                lookup::table(schema, &fk.ref_table)?;
            }
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![DropTable {
            table: self.table.clone(),
            definition: self.definition.clone(),
            dependents: vec![],
            cascade: false,
        }
        .into()]
    }

    fn summary(&self) -> String {
        let cols = self
            .definition
            .columns
            .iter()
            .map(|c| format!("`{}` {}", c.name, sql::column_shape(c)))
            .collect::<Vec<_>>()
            .join(", ");
        format!("Create table `{}` ({cols})", self.table)
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
