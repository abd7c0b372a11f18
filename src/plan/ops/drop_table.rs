//! `drop_table`: `DROP TABLE t`; its inverse re-creates the table's full definition.

use super::{lookup, sql, CreateTable, DataLoss, OpKind, Operation, PlanError, Statement};
use crate::dialect::LockMode;
use crate::schema::{Schema, Table};
use serde::Serialize;

/// `DROP TABLE <table>`. Foreign keys from other tables are dropped by separate
/// `drop_foreign_key` operations placed before this one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropTable {
    pub table: String,
    /// The table as it was, so the down migration can re-create it.
    pub definition: Table,
}

impl OpKind for DropTable {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        lookup::table(schema, &self.table)?;
        if let Some((other, fk)) = schema
            .references_to(&self.table)
            .find(|(t, _)| t.key() != self.table)
        {
            return Err(PlanError::Invalid(format!(
                "table `{}` is referenced by foreign key `{}` on `{}`; drop that first",
                self.table,
                fk.name,
                other.key()
            )));
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![CreateTable {
            table: self.table.clone(),
            definition: self.definition.clone(),
        }
        .into()]
    }

    fn inverse_caveat(&self) -> Option<String> {
        Some(format!(
            "the down migration re-creates `{}` empty: its rows are not restored (restore them from a backup)",
            self.table
        ))
    }

    fn statements(&self) -> Vec<Statement> {
        vec![Statement::metadata(
            format!("DROP TABLE {}", sql::table(&self.table)),
            LockMode::AccessExclusive,
            &self.table,
        )]
    }

    fn summary(&self) -> String {
        format!("Drop table `{}`", self.table)
    }

    fn data_loss(&self) -> DataLoss {
        DataLoss::Certain
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
