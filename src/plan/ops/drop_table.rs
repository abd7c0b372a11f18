//! `drop_table`: `DROP TABLE t`; its inverse re-creates the table's full definition.

use super::{lookup, CreateTable, DataLoss, OpKind, Operation, PlanError};
use crate::schema::{Dependency, Schema, Table};
use serde::Serialize;

/// `DROP TABLE <table>`. Foreign keys from other tables are dropped by separate
/// `drop_foreign_key` operations placed before this one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropTable {
    pub table: String,
    /// The table as it was, so the down migration can re-create it.
    pub definition: Table,
    /// Views and other tables' policies that use the table, its own triggers, policies and
    /// generated columns, and functions that may use it (named in the report).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependents: Vec<Dependency>,
    /// `DROP TABLE … CASCADE` (`--cascade`): views and policies using it go with it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cascade: bool,
}

/// "; it does not re-create view `v`, … (dropped by CASCADE)" for the certain dependents
/// (those not belonging to `table`, when a table is dropped).
pub(crate) fn cascade_caveat(dependents: &[Dependency], table: Option<&str>) -> String {
    let gone: Vec<String> = dependents
        .iter()
        .filter(|d| d.certain() && !table.is_some_and(|t| d.belongs_to(t)))
        .map(|d| d.describe())
        .collect();
    if gone.is_empty() {
        return String::new();
    }
    format!(
        "; it does not re-create {} (dropped by CASCADE): re-create them by hand",
        gone.join(", ")
    )
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
        let mut caveat = format!(
            "the down migration re-creates `{}` empty: its rows are not restored (restore them from a backup)",
            self.table
        );
        if self.cascade {
            caveat.push_str(&cascade_caveat(&self.dependents, Some(&self.table)));
        }
        Some(caveat)
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
