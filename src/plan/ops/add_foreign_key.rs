//! `add_foreign_key`: `ALTER TABLE t ADD CONSTRAINT … FOREIGN KEY …`.

use super::{lookup, sql, DropForeignKey, OpKind, Operation, PlanError, Statement};
use crate::dialect::LockMode;
use crate::schema::{ForeignKey, Schema};
use serde::Serialize;

/// `ALTER TABLE <table> ADD CONSTRAINT <name> FOREIGN KEY (<columns>) REFERENCES
/// <ref_table> (<ref_columns>) [ON DELETE …] [NOT VALID]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddForeignKey {
    pub table: String,
    #[serde(flatten)]
    pub foreign_key: ForeignKey,
}

impl OpKind for AddForeignKey {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let fk = &self.foreign_key;
        let parent = lookup::table(schema, &fk.ref_table)?;
        for c in &fk.ref_columns {
            lookup::column(parent, c)?;
        }
        let table = lookup::table(schema, &self.table)?;
        for c in &fk.columns {
            lookup::column(table, c)?;
        }
        lookup::constraint_name_free(table, &fk.name)
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![DropForeignKey {
            table: self.table.clone(),
            foreign_key: self.foreign_key.clone(),
        }
        .into()]
    }

    fn statements(&self) -> Vec<Statement> {
        let stmt = Statement::metadata(
            format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {}",
                sql::table(&self.table),
                sql::ident(&self.foreign_key.name),
                sql::foreign_key_body(&self.foreign_key)
            ),
            LockMode::ShareRowExclusive,
            &self.table,
        )
        .also_locks(
            format!("table {} (referenced)", self.foreign_key.ref_table),
            LockMode::ShareRowExclusive,
        );
        vec![if self.foreign_key.validated {
            stmt.scanning()
        } else {
            stmt
        }]
    }

    fn summary(&self) -> String {
        let fk = &self.foreign_key;
        format!(
            "Add foreign key `{}`: `{}`({}) → `{}`({}){}",
            fk.name,
            self.table,
            fk.columns.join(", "),
            fk.ref_table,
            fk.ref_columns.join(", "),
            if fk.on_delete != Default::default() {
                format!(" ON DELETE {}", fk.on_delete.sql())
            } else {
                String::new()
            }
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
