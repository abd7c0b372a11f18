//! `rename_column`: `ALTER TABLE t RENAME COLUMN a TO b`.

use super::{lookup, sql, OpKind, Operation, PlanError, Statement};
use crate::dialect::postgres::rename_column_in_expr;
use crate::dialect::LockMode;
use crate::schema::{IndexKey, Schema};
use serde::Serialize;

/// `ALTER TABLE <table> RENAME COLUMN <from> TO <to>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenameColumn {
    pub table: String,
    pub from: String,
    pub to: String,
}

fn rename_in(names: &mut [String], from: &str, to: &str) {
    for n in names.iter_mut().filter(|n| *n == from) {
        *n = to.to_string();
    }
}

impl OpKind for RenameColumn {
    fn apply(&self, schema: &mut Schema) -> Result<(), PlanError> {
        let (from, to) = (self.from.as_str(), self.to.as_str());
        let table = lookup::table_mut(schema, &self.table)?;
        if table.column(to).is_some() {
            return Err(PlanError::AlreadyExists {
                what: "column",
                name: format!("{}.{to}", self.table),
                hint: None,
            });
        }
        lookup::column_mut(table, from)?.name = to.to_string();
        // PostgreSQL stores column numbers, not names: every dependent follows the rename.
        let fix = |e: &mut String| *e = rename_column_in_expr(e, from, to);
        for index in &mut table.indexes {
            for key in &mut index.columns {
                match key {
                    IndexKey::Column(c) if c == from => *c = to.to_string(),
                    IndexKey::Column(_) => {}
                    IndexKey::Expression { expression } => fix(expression),
                }
            }
            rename_in(&mut index.include, from, to);
            if let Some(p) = &mut index.predicate {
                fix(p);
            }
        }
        if let Some(pk) = &mut table.primary_key {
            rename_in(&mut pk.columns, from, to);
        }
        for u in &mut table.unique_constraints {
            rename_in(&mut u.columns, from, to);
        }
        for c in &mut table.check_constraints {
            fix(&mut c.expression);
        }
        for fk in &mut table.foreign_keys {
            rename_in(&mut fk.columns, from, to);
        }
        for other in schema.tables.values_mut() {
            for fk in &mut other.foreign_keys {
                if fk.ref_table == self.table {
                    rename_in(&mut fk.ref_columns, from, to);
                }
            }
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![RenameColumn {
            table: self.table.clone(),
            from: self.to.clone(),
            to: self.from.clone(),
        }
        .into()]
    }

    fn statements(&self) -> Vec<Statement> {
        vec![Statement::metadata(
            format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                sql::table(&self.table),
                sql::ident(&self.from),
                sql::ident(&self.to)
            ),
            LockMode::AccessExclusive,
            &self.table,
        )]
    }

    fn summary(&self) -> String {
        format!(
            "Rename column `{}` to `{}` in `{}`",
            self.from, self.to, self.table
        )
    }

    fn table(&self) -> Option<&str> {
        Some(&self.table)
    }
}
