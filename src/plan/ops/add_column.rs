//! `add_column`: `ALTER TABLE t ADD COLUMN …`.

use super::{lookup, sql, DropColumn, OpKind, Operation, PlanError, Statement};
use crate::dialect::postgres::{capabilities, is_volatile_expr};
use crate::dialect::LockMode;
use crate::schema::{Column, Schema};
use serde::Serialize;

/// `ALTER TABLE <table> ADD COLUMN <name> <type> [NOT NULL] [DEFAULT <expr>]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddColumn {
    pub table: String,
    /// The full column definition `{name, type, nullable, default}`.
    pub column: Column,
}

impl OpKind for AddColumn {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let table = lookup::table(schema, &self.table)?;
        if table.column(&self.column.name).is_some() {
            return Err(PlanError::AlreadyExists {
                what: "column",
                name: format!("{}.{}", self.table, self.column.name),
                hint: None,
            });
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![DropColumn::bare(&self.table, self.column.clone()).into()]
    }

    fn statements(&self) -> Vec<Statement> {
        let add = Statement::metadata(
            format!(
                "ALTER TABLE {} ADD COLUMN {}",
                sql::table(&self.table),
                sql::column_definition(&self.column, &self.table)
            ),
            LockMode::AccessExclusive,
            &self.table,
        );
        // A volatile default (random(), clock_timestamp()…) is evaluated per row: the table is
        // rewritten. Constants and now() are stored once in the catalog (PostgreSQL 11+).
        let volatile = self.column.default.as_deref().is_some_and(is_volatile_expr)
            || self.column.identity.is_some()
            || self.column.serial_sequence.is_some();
        let add = match (&self.column.default, volatile) {
            (_, true) => add.rewriting(),
            (Some(_), false) => add.since(capabilities::FAST_DEFAULT),
            (None, false) => add,
        };
        let mut out = vec![add];
        if let Some(comment) = &self.column.comment {
            out.push(Statement::metadata(
                sql::comment_on_column(&self.table, &self.column.name, Some(comment)),
                LockMode::AccessExclusive,
                &self.table,
            ));
        }
        out
    }

    fn summary(&self) -> String {
        format!(
            "Add column `{}` {} to `{}`",
            self.column.name,
            sql::column_shape(&self.column),
            self.table
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
