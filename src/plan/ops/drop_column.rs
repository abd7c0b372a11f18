//! `drop_column`: `ALTER TABLE t DROP COLUMN c`; the inverse restores the column's exact
//! definition and every index and constraint PostgreSQL dropped with it.

use super::{
    lookup, sql, AddCheckConstraint, AddColumn, AddForeignKey, AddIndex, AddUniqueConstraint,
    DataLoss, OpKind, Operation, PlanError,
};
use crate::schema::{
    CheckConstraint, Column, Dependency, ForeignKey, Index, Schema, UniqueConstraint,
};
use serde::Serialize;

/// `ALTER TABLE <table> DROP COLUMN <column>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DropColumn {
    pub table: String,
    /// The column's name.
    pub column: String,
    /// The column as it was (type, nullability, default, comment).
    pub definition: Column,
    /// Indexes that include the column (PostgreSQL drops them with it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unique_constraints: Vec<UniqueConstraint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub check_constraints: Vec<CheckConstraint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// Views, triggers, policies, generated columns that use the column, and functions that
    /// may (named in the report before anything runs).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependents: Vec<Dependency>,
    /// `DROP COLUMN … CASCADE` (`--cascade`): the certain dependents go with the column.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cascade: bool,
}

impl DropColumn {
    /// A drop with nothing depending on the column (the inverse of a fresh `add_column`).
    pub fn bare(table: &str, definition: Column) -> Self {
        DropColumn {
            table: table.to_string(),
            column: definition.name.clone(),
            definition,
            indexes: vec![],
            unique_constraints: vec![],
            check_constraints: vec![],
            foreign_keys: vec![],
            dependents: vec![],
            cascade: false,
        }
    }
}

impl OpKind for DropColumn {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        lookup::column(lookup::table(schema, &self.table)?, &self.column).map(|_| ())
    }

    fn inverse(&self) -> Vec<Operation> {
        let mut out: Vec<Operation> = vec![AddColumn {
            table: self.table.clone(),
            column: self.definition.clone(),
        }
        .into()];
        out.extend(self.indexes.iter().map(|i| {
            Operation::from(AddIndex {
                table: self.table.clone(),
                index: i.clone(),
                concurrently: false,
            })
        }));
        out.extend(self.unique_constraints.iter().map(|u| {
            Operation::from(AddUniqueConstraint {
                table: self.table.clone(),
                name: u.name.clone(),
                columns: u.columns.clone(),
            })
        }));
        out.extend(self.check_constraints.iter().map(|c| {
            Operation::from(AddCheckConstraint {
                table: self.table.clone(),
                name: c.name.clone(),
                expression: c.expression.clone(),
            })
        }));
        out.extend(self.foreign_keys.iter().map(|fk| {
            Operation::from(AddForeignKey {
                table: self.table.clone(),
                foreign_key: fk.clone(),
            })
        }));
        out
    }

    fn inverse_caveat(&self) -> Option<String> {
        let mut caveat = format!(
            "the down migration re-creates `{}.{}` but not its values",
            self.table, self.column
        );
        if !self.definition.nullable && self.definition.default.is_none() {
            caveat.push_str(
                "; it is NOT NULL without a default, so re-adding it fails on a table that has rows",
            );
        }
        if self.cascade {
            caveat.push_str(&super::drop_table::cascade_caveat(&self.dependents, None));
        }
        Some(caveat)
    }

    fn summary(&self) -> String {
        format!(
            "Drop column `{}` ({}) from `{}`",
            self.column,
            sql::column_shape(&self.definition),
            self.table
        )
    }

    fn data_loss(&self) -> DataLoss {
        DataLoss::Certain
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
