//! Resolving index changes: PostgreSQL's default names, duplicate detection, and which index
//! "remove index on t(cols)" means.

use super::names::relation_name;
use super::Context;
use crate::plan::ops::*;
use crate::plan::PlanError;
use crate::schema::{did_you_mean, Index, IndexKey};

impl Context {
    /// `add [unique] index on t (cols)`. `requested`: the user asked for this index (an
    /// index implied by a reference or a unique column is skipped, with a note, when an
    /// existing one covers it, instead of refused).
    pub(super) fn add_index(
        &mut self,
        table: &str,
        columns: &[String],
        unique: bool,
        name: Option<&str>,
        method: Option<&str>,
        requested: bool,
    ) -> Result<(), PlanError> {
        let t = self.table(table)?;
        for c in columns {
            lookup::column(t, c)?;
        }
        if unique {
            if let Some(existing) = t.unique_key_on(columns) {
                let existing = existing.to_string();
                return self.already_unique(table, columns, &existing);
            }
        }
        let keys: Vec<IndexKey> = columns.iter().cloned().map(IndexKey::Column).collect();
        let method = method.unwrap_or("btree").to_lowercase();
        let covering = if unique {
            None
        } else {
            t.covering_index(columns, &method)
        };
        if let Some(existing) = covering.map(str::to_string) {
            if !requested {
                self.decisions.push(format!(
                    "No new index on `{table}` ({}): `{existing}` already covers it",
                    columns.join(", ")
                ));
                return Ok(());
            }
            if !self.options.allow_duplicate {
                return Err(PlanError::AlreadyExists {
                    what: "index",
                    name: existing.clone(),
                    hint: Some(format!(
                        "it already covers `{table}` ({}) for lookups, so a new index would only slow writes; pass --allow-duplicate to create it anyway",
                        columns.join(", ")
                    )),
                });
            }
            self.decisions.push(format!(
                "Index on `{table}` ({}) created although `{existing}` already covers it (--allow-duplicate)",
                columns.join(", ")
            ));
        }
        let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
        let name = match name {
            Some(n) => n.to_string(),
            None => relation_name(
                &self.schema,
                table,
                &cols,
                if unique { "key" } else { "idx" },
            ),
        };
        let concurrently = self.concurrent(table);
        self.push(AddIndex {
            table: table.to_string(),
            index: Index {
                name,
                columns: keys,
                unique,
                method,
                predicate: None,
                include: vec![],
                prefix_lengths: Default::default(),
            },
            concurrently,
        })
    }

    pub(super) fn drop_index(
        &mut self,
        target: &crate::intent::IndexTarget,
    ) -> Result<(), PlanError> {
        let (table, index) = match target {
            crate::intent::IndexTarget::Name(name) => {
                if let Some((t, i)) = self.schema.find_index(name) {
                    (t.key(), i.clone())
                } else {
                    if let Some(t) = self
                        .schema
                        .tables
                        .values()
                        .find(|t| t.constraint_names().any(|c| c == name))
                    {
                        return Err(PlanError::Invalid(format!(
                            "`{name}` is the index of a constraint on `{}`: say \"drop constraint {name} on {}\"",
                            t.key(),
                            t.key()
                        )));
                    }
                    return Err(PlanError::UnknownIndex {
                        index: name.clone(),
                        suggestions: did_you_mean(
                            name,
                            self.schema
                                .tables
                                .values()
                                .flat_map(|t| t.indexes.iter().map(|i| i.name.as_str())),
                        ),
                    });
                }
            }
            crate::intent::IndexTarget::Columns { table, columns } => {
                let t = self.table(table)?;
                let keys: Vec<IndexKey> = columns.iter().cloned().map(IndexKey::Column).collect();
                let found: Vec<&Index> = t.indexes.iter().filter(|i| i.columns == keys).collect();
                match found.as_slice() {
                    [one] => (table.clone(), (*one).clone()),
                    [] => {
                        let on_table: Vec<String> = t
                            .indexes
                            .iter()
                            .map(|i| {
                                format!(
                                    "{} ({})",
                                    i.name,
                                    crate::plan::ops::sql::index_keys(&i.columns)
                                )
                            })
                            .collect();
                        return Err(PlanError::UnknownIndex {
                            index: format!("on {table} ({})", columns.join(", ")),
                            suggestions: on_table,
                        });
                    }
                    many => {
                        return Err(PlanError::Invalid(format!(
                            "several indexes cover `{table}` ({}): {}; name the one to drop (\"drop index <name>\")",
                            columns.join(", "),
                            many.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")
                        )))
                    }
                }
            }
        };
        let concurrently = self.concurrent(&table);
        self.push(DropIndex {
            table,
            index,
            concurrently,
        })
    }
}
