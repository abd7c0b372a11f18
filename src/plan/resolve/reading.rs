//! Reading the names of an intent against the schema, before it is resolved: what the user
//! wrote is mapped to what exists when exactly one thing fits, and the choice is said in the
//! report ("Decided on your behalf"). Several fits are an error listing them; no fit is left
//! to the usual "does not exist (did you mean …)" errors.
//!
//! - A table that does not exist is read as its singular or plural (`project` → `projects`,
//!   `Member` → `members`) when exactly one of those is a table.
//! - A column named without its table ([`ANY_TABLE`]) is read in the one table that has it.
//! - `rename a to b` where `a` is no table but a column of exactly one table renames that column.
//! - An index, foreign-key or dropped column that does not exist is read as `<name>_id` when
//!   that column exists (`add task assignee index` → `tasks(assignee_id)`,
//!   `RemoveVersionFromDependencies` → `dependencies.version_id`).

use super::names::{plural, singular};
use super::Context;
use crate::intent::{ConstraintTarget, IndexTarget, Intent, ANY_TABLE};
use crate::plan::PlanError;
use crate::schema::did_you_mean;

impl Context {
    /// `intent` with its names read against the working schema.
    pub(super) fn read_names(&mut self, intent: &Intent) -> Result<Intent, PlanError> {
        let mut intent = intent.clone();
        match &mut intent {
            Intent::AddColumn { table, column } => {
                self.read_table(table)?;
                if let Some(r) = column.references.as_mut() {
                    self.read_table(r)?;
                }
            }
            Intent::AddTimestamps { table }
            | Intent::DropTable { table }
            | Intent::AddCheckConstraint { table, .. }
            | Intent::DropConstraint { table, .. }
            | Intent::DropForeignKey(ConstraintTarget::Name { table, .. }) => {
                self.read_table(table)?
            }
            Intent::DropColumn { table, column }
            | Intent::SetNotNull { table, column }
            | Intent::DropNotNull { table, column } => {
                // `RemoveVersionFromDependencies` (Rails' `remove_reference`): `version_id`.
                self.read_column(table, column)?;
                self.read_key_columns(table, std::slice::from_mut(column));
            }
            Intent::RenameColumn {
                table,
                from: column,
                ..
            }
            | Intent::ChangeColumnType { table, column, .. }
            | Intent::SetDefault { table, column, .. }
            | Intent::DropDefault { table, column }
            | Intent::Backfill { table, column, .. } => self.read_column(table, column)?,
            Intent::RenameTable { from, to } => {
                self.read_table(from)?;
                if self.schema.table(from).is_none() {
                    let owners = self.owners(from);
                    if !owners.is_empty() {
                        let (mut table, column) = (ANY_TABLE.to_string(), from.clone());
                        self.read_column(&mut table, &mut from.clone())?;
                        return Ok(Intent::RenameColumn {
                            table,
                            from: column,
                            to: to.clone(),
                        });
                    }
                }
            }
            Intent::CreateTable { columns, .. } => {
                for r in columns.iter_mut().filter_map(|c| c.references.as_mut()) {
                    self.read_table(r)?;
                }
            }
            Intent::AddIndex { table, columns, .. }
            | Intent::AddUniqueConstraint { table, columns, .. }
            | Intent::DropIndex(IndexTarget::Columns { table, columns })
            | Intent::DropForeignKey(ConstraintTarget::Columns { table, columns }) => {
                self.read_table(table)?;
                self.read_key_columns(table, columns);
            }
            Intent::AddForeignKey {
                table,
                columns,
                ref_table,
                ..
            } => {
                self.read_table(table)?;
                self.read_table(ref_table)?;
                if columns.is_empty() {
                    *columns = vec![self.reference_column(table, ref_table)?];
                }
                self.read_key_columns(table, columns);
            }
            Intent::AddReference {
                table, ref_table, ..
            }
            | Intent::DropForeignKey(ConstraintTarget::References { table, ref_table }) => {
                self.read_table(table)?;
                self.read_table(ref_table)?;
            }
            Intent::DropIndex(IndexTarget::Name(_))
            | Intent::CreateEnum { .. }
            | Intent::AddEnumValue { .. } => {}
        }
        Ok(intent)
    }

    /// A table that does not exist, read as the one singular/plural/lower-case variant that
    /// does; otherwise left as written.
    fn read_table(&mut self, table: &mut String) -> Result<(), PlanError> {
        if table.as_str() == ANY_TABLE || self.schema.table(table).is_some() {
            return Ok(());
        }
        let (prefix, bare) = match table.rsplit_once('.') {
            Some((s, t)) => (format!("{s}."), t.to_string()),
            None => (String::new(), table.clone()),
        };
        let lower = bare.to_lowercase();
        let mut fits: Vec<String> = [
            lower.clone(),
            plural(&lower),
            singular(&lower),
            plural(&bare),
            singular(&bare),
        ]
        .into_iter()
        .map(|v| format!("{prefix}{v}"))
        .filter(|v| self.schema.table(v).is_some())
        .collect();
        fits.sort();
        fits.dedup();
        match fits.as_slice() {
            [] => Ok(()),
            [fit] => {
                self.decisions.push(format!(
                    "there is no table `{table}`: read as `{fit}`, the only table by that name in singular, plural or lower case"
                ));
                *table = fit.clone();
                Ok(())
            }
            many => Err(PlanError::Ambiguous {
                what: format!(
                    "there is no table `{table}`, and {} tables have that name in singular, plural or lower case",
                    many.len()
                ),
                example: format!("`{}`", many[0]),
                candidates: many.to_vec(),
            }),
        }
    }

    /// Keys of the tables that have a column `column`.
    fn owners(&self, column: &str) -> Vec<String> {
        self.schema
            .tables
            .iter()
            .filter(|(_, t)| t.column(column).is_some())
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The table of a column: as written (read by [`Self::read_table`]), or, when none was
    /// written, the one table that has the column.
    fn read_column(&mut self, table: &mut String, column: &mut String) -> Result<(), PlanError> {
        if table.as_str() != ANY_TABLE {
            self.read_table(table)?;
            return Ok(());
        }
        let owners = self.owners(column);
        match owners.as_slice() {
            [one] => {
                self.decisions.push(format!(
                    "no table was named for `{column}`: read as `{one}.{column}`, the only table with that column"
                ));
                *table = one.clone();
                Ok(())
            }
            [] => {
                let all: Vec<String> = self
                    .schema
                    .tables
                    .iter()
                    .flat_map(|(k, t)| t.columns.iter().map(move |c| format!("{k}.{}", c.name)))
                    .collect();
                let bare: Vec<(&str, &str)> =
                    all.iter().filter_map(|q| q.rsplit_once('.')).collect();
                let close = did_you_mean(column, bare.iter().map(|(_, c)| *c));
                let suggestions = bare
                    .iter()
                    .filter(|(_, c)| close.iter().any(|x| x == c))
                    .map(|(t, c)| format!("{t}.{c}"))
                    .collect();
                if self.schema.table(column).is_some() {
                    return Err(PlanError::Invalid(format!(
                        "`{column}` is a table, not a column: name the column as `table.column` (e.g. `{column}.<column>`); for the table itself say e.g. `drop table {column}`"
                    )));
                }
                Err(PlanError::UnknownObject {
                    what: "column",
                    name: column.clone(),
                    suggestions,
                })
            }
            many => Err(PlanError::Ambiguous {
                what: format!(
                    "no table was named for `{column}`, and {} tables have it",
                    many.len()
                ),
                candidates: many.iter().map(|t| format!("{t}.{column}")).collect(),
                example: format!("`{}.{column}`", many[0]),
            }),
        }
    }

    /// The column of `table` a foreign key to `ref_table` goes on, when none was named:
    /// `<singular ref_table>_id`, else the one `*_id` column without a foreign key.
    fn reference_column(&mut self, table: &str, ref_table: &str) -> Result<String, PlanError> {
        let Some(t) = self.schema.table(table) else {
            return Err(crate::plan::ops::lookup::unknown_table(&self.schema, table));
        };
        let bare = ref_table.rsplit('.').next().unwrap_or(ref_table);
        let conventional = format!("{}_id", singular(bare));
        let (column, why) = if t.column(&conventional).is_some() {
            (conventional, "named after it")
        } else {
            let loose: Vec<String> = t
                .columns
                .iter()
                .filter(|c| c.name.ends_with("_id"))
                .filter(|c| !t.foreign_keys.iter().any(|f| f.columns == [c.name.clone()]))
                // `account_id` names `accounts`: not a column for a key to another table.
                .filter(|c| {
                    let stem = c.name.trim_end_matches("_id");
                    super::names::referenced_table(&self.schema, stem)
                        .is_none_or(|named| named == ref_table)
                })
                .map(|c| c.name.clone())
                .collect();
            match loose.as_slice() {
                [one] => (one.clone(), "the only `*_id` column without a foreign key that names no other table"),
                [] => {
                    return Err(PlanError::Invalid(format!(
                        "`{table}` has no column `{conventional}` and no other `*_id` column without a foreign key that names no other table: say which, e.g. \"add foreign key from {table}.<column> to {ref_table}\""
                    )))
                }
                many => {
                    return Err(PlanError::Ambiguous {
                        what: format!(
                            "no column was named for the foreign key from `{table}` to `{ref_table}`, and {} columns could hold it",
                            many.len()
                        ),
                        candidates: many.iter().map(|c| format!("{table}.{c}")).collect(),
                        example: format!("\"add foreign key from {table}.{} to {ref_table}\"", many[0]),
                    })
                }
            }
        };
        self.decisions.push(format!(
            "no column was named for the foreign key from `{table}` to `{ref_table}`: read as `{table}.{column}`, {why}"
        ));
        Ok(column)
    }

    /// Columns of an index or key that do not exist, read as `<name>_id` when that exists.
    fn read_key_columns(&mut self, table: &str, columns: &mut [String]) {
        let Some(t) = self.schema.table(table) else {
            return;
        };
        let mut notes = vec![];
        for c in columns.iter_mut() {
            let id = format!("{c}_id");
            if t.column(c).is_none() && t.column(&id).is_some() {
                notes.push(format!(
                    "`{table}` has no column `{c}`: read as `{id}`, the reference column of that name"
                ));
                *c = id;
            }
        }
        self.decisions.extend(notes);
    }
}
