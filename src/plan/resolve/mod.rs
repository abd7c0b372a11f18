//! Intents → operations, checked against the schema.
//!
//! Each intent is resolved against a working copy of the schema that already has the earlier
//! intents applied, so "add x to users and add index on users.x" works. Everything an inverse
//! will need (a dropped column's definition, indexes, constraints; a default being replaced) is
//! captured here, from the schema, so down migrations restore exactly what was there.

mod columns;
mod constraints;
mod enums;
mod indexes;
pub mod names;
mod operations;
mod reading;
mod tables;

use crate::intent::{ColumnSpec, Intent};
use crate::plan::ops::*;
use crate::plan::PlanError;
use crate::schema::{IndexKey, Schema, Table};
use columns::{expression, resolve_column, resolve_type};
use std::collections::BTreeSet;

pub use operations::{
    parse_operations, resolve_operations, ColumnInput, OperationInput, OperationsError,
};

/// Operations and the decisions taken on the user's behalf.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub operations: Vec<Operation>,
    pub decisions: Vec<String>,
    /// Requested changes the schema already satisfies (nothing is generated for them).
    pub already_true: Vec<AlreadyTrue>,
    /// The schema with every operation applied.
    pub after: Schema,
}

impl Resolved {
    /// For an engine without concurrent index builds (MySQL/MariaDB build online through
    /// `ALGORITHM=INPLACE, LOCK=NONE`, SQLite in one write transaction): no operation claims
    /// one, so neither the files nor the report say "concurrently".
    pub fn without_concurrent_builds(mut self) -> Self {
        for op in &mut self.operations {
            match op {
                Operation::AddIndex(o) => o.concurrently = false,
                Operation::DropIndex(o) => o.concurrently = false,
                _ => {}
            }
        }
        self
    }
}

/// How requests the schema already satisfies are treated.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResolveOptions {
    /// Create a requested index even when an existing index already covers it
    /// (`--allow-duplicate`).
    pub allow_duplicate: bool,
    /// Drop a column or table together with the views, triggers, policies and generated
    /// columns that use it (`--cascade`); without it such a drop is refused.
    pub cascade: bool,
}

/// A requested change that already holds: shown in the report, nothing generated for it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AlreadyTrue {
    pub table: String,
    pub columns: Vec<String>,
    /// The index or constraint that already makes it true.
    pub by: String,
    /// One sentence for the report.
    pub message: String,
}

/// Resolve intents, in order, against `schema`.
pub fn resolve(intents: &[Intent], schema: &Schema) -> Result<Resolved, PlanError> {
    resolve_with(intents, schema, ResolveOptions::default())
}

/// [`resolve`] with options. When every request already holds, that is a
/// [`PlanError::NoOp`] naming what makes each true.
pub fn resolve_with(
    intents: &[Intent],
    schema: &Schema,
    options: ResolveOptions,
) -> Result<Resolved, PlanError> {
    let mut cx = Context::new(schema, options);
    for intent in intents {
        cx.intent(intent)?;
    }
    cx.finish()
}

impl Context {
    /// A context on a copy of `schema`, nothing resolved yet.
    pub(super) fn new(schema: &Schema, options: ResolveOptions) -> Self {
        Context {
            schema: schema.clone(),
            original_tables: schema.tables.keys().cloned().collect(),
            operations: vec![],
            decisions: vec![],
            already_true: vec![],
            options,
        }
    }

    /// What was resolved; when every request already holds, a [`PlanError::NoOp`] naming
    /// what makes each true.
    pub(super) fn finish(self) -> Result<Resolved, PlanError> {
        if self.operations.is_empty() && !self.already_true.is_empty() {
            let all: Vec<&str> = self
                .already_true
                .iter()
                .map(|a| a.message.as_str())
                .collect();
            return Err(PlanError::NoOp(all.join("; ")));
        }
        Ok(Resolved {
            operations: self.operations,
            decisions: self.decisions,
            already_true: self.already_true,
            after: self.schema,
        })
    }
}

#[derive(Clone)]
pub(super) struct Context {
    /// The working schema: the original with every operation so far applied.
    pub schema: Schema,
    /// Tables that exist before the migration (only those need concurrent index builds).
    pub original_tables: BTreeSet<String>,
    pub operations: Vec<Operation>,
    pub decisions: Vec<String>,
    pub already_true: Vec<AlreadyTrue>,
    pub options: ResolveOptions,
}

impl Context {
    /// Apply an operation to the working schema and record it.
    pub fn push(&mut self, op: impl Into<Operation>) -> Result<(), PlanError> {
        let op = op.into();
        op.apply(&mut self.schema)?;
        self.operations.push(op);
        Ok(())
    }

    pub fn table(&self, name: &str) -> Result<&Table, PlanError> {
        lookup::table(&self.schema, name)
    }

    pub fn column_exists(&self, table: &str, column: &str) -> Result<(), PlanError> {
        lookup::column(self.table(table)?, column).map(|_| ())
    }

    /// Whether an index on `table` should be built concurrently: only on tables that already
    /// hold data (those that exist before this migration).
    pub fn concurrent(&self, table: &str) -> bool {
        self.original_tables.contains(table)
    }

    fn intent(&mut self, intent: &Intent) -> Result<(), PlanError> {
        let intent = &self.read_names(intent)?;
        match intent {
            Intent::AddTimestamps { table } => self.add_timestamps(table),
            Intent::AddColumn { table, column } => self.add_column(table, column),
            Intent::DropColumn { table, column } => self.drop_column(table, column),
            Intent::RenameColumn { table, from, to } => {
                self.column_exists(table, from)?;
                self.decisions.push(format!(
                    "Renaming `{table}.{from}` breaks application code that still uses `{from}`: deploy code that reads both names (or the new one) before running this migration"
                ));
                self.push(RenameColumn {
                    table: table.clone(),
                    from: from.clone(),
                    to: to.clone(),
                })
            }
            Intent::ChangeColumnType {
                table,
                column,
                to_type,
                using,
                from_type,
            } => {
                let col = lookup::column(self.table(table)?, column)?;
                let (current, identity) = (col.data_type.clone(), col.identity.is_some());
                if let Some(from) = from_type {
                    let from = resolve_type(&self.schema, from)?;
                    if from == resolve_type(&self.schema, to_type)? {
                        return Err(PlanError::Invalid(format!(
                            "`{from_type}` and `{to_type}` are both read as {from} (framework type words map to the PostgreSQL type to prefer), so `change {table}.{column} from {from_type} to {to_type}` changes nothing",
                            from_type = from_type.as_deref().unwrap_or_default()
                        )));
                    }
                    if from != current {
                        return Err(PlanError::Invalid(format!(
                            "`{table}.{column}` is {current}, not {from}: check the schema, or leave out `from {from}`"
                        )));
                    }
                }
                let current_default = col.default.clone();
                let to_type = resolve_type(&self.schema, to_type)?;
                if identity && !["smallint", "integer", "bigint"].contains(&to_type.as_str()) {
                    return Err(PlanError::Invalid(format!(
                        "`{table}.{column}` is an identity column, which must stay smallint, integer or bigint"
                    )));
                }
                constraints::check_foreign_key_types(&self.schema, table, column, &to_type)?;
                if let Some(d) = current_default
                    .filter(|_| !crate::dialect::postgres::assignable(&current, &to_type))
                {
                    return Err(PlanError::Invalid(format!(
                        "the default {d} of `{table}.{column}` cannot be converted to {to_type} automatically: \"remove default from {table}.{column} and change type of {table}.{column} to {to_type}\", then set a new default"
                    )));
                }
                let family_change = !crate::dialect::postgres::assignable(&current, &to_type)
                    || !crate::dialect::postgres::assignable(&to_type, &current);
                if family_change {
                    let t = self.table(table)?;
                    let uses = |e: &str| constraints::mentions_column(e, column);
                    let dependents: Vec<&str> = t
                        .indexes
                        .iter()
                        .filter(|i| {
                            i.predicate.as_deref().is_some_and(uses)
                                || i.columns.iter().any(|k| match k {
                                    crate::schema::IndexKey::Expression { expression } => {
                                        uses(expression)
                                    }
                                    _ => false,
                                })
                        })
                        .map(|i| i.name.as_str())
                        .chain(
                            t.check_constraints
                                .iter()
                                .filter(|c| uses(&c.expression))
                                .map(|c| c.name.as_str()),
                        )
                        .collect();
                    if !dependents.is_empty() {
                        return Err(PlanError::Invalid(format!(
                            "expressions in {} use `{table}.{column}` as {current}; changing it to {to_type} would break them: drop them first (\"drop index …\" / \"drop constraint … on {table}\")",
                            dependents.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
                        )));
                    }
                }
                let is_user_type = |t: &str| self.schema.enums.contains_key(t);
                if using.is_none()
                    && !crate::dialect::postgres::has_cast(&current, &to_type, is_user_type)
                {
                    return Err(PlanError::Invalid(format!(
                        "{} has no cast from {current} to {to_type} for `{table}.{column}`: say how to convert, e.g. \"change type of {table}.{column} to {to_type} using <expression of {column}>\"",
                        self.schema.engine.display()
                    )));
                }
                let using = match using {
                    Some(u) => Some(expression(u)?),
                    None => ChangeColumnType::default_using(column, &current, &to_type),
                };
                self.push(ChangeColumnType {
                    table: table.clone(),
                    column: column.clone(),
                    from_type: current,
                    to_type,
                    using,
                })
            }
            Intent::SetNotNull { table, column } => self.push(SetNotNull {
                table: table.clone(),
                column: column.clone(),
            }),
            Intent::DropNotNull { table, column } => self.push(DropNotNull {
                table: table.clone(),
                column: column.clone(),
            }),
            Intent::SetDefault {
                table,
                column,
                default,
            } => self.set_default(table, column, default),
            Intent::DropDefault { table, column } => {
                let previous = lookup::column(self.table(table)?, column)?
                    .default
                    .clone()
                    .ok_or_else(|| {
                        PlanError::NoOp(format!("`{table}.{column}` has no default to remove"))
                    })?;
                self.push(DropDefault {
                    table: table.clone(),
                    column: column.clone(),
                    previous,
                })
            }
            Intent::CreateTable { table, columns } => self.create_table(table, columns),
            Intent::DropTable { table } => self.drop_table(table),
            Intent::RenameTable { from, to } => {
                self.table(from)?;
                self.decisions.push(format!(
                    "Renaming table `{from}` breaks application code that still uses `{from}`: deploy code that uses `{to}` together with this migration"
                ));
                self.push(RenameTable {
                    table: from.clone(),
                    from: from.clone(),
                    to: to.clone(),
                })
            }
            Intent::AddIndex {
                table,
                columns,
                unique,
                name,
                method,
            } => self.add_index(
                table,
                columns,
                *unique,
                name.as_deref(),
                method.as_deref(),
                true,
            ),
            Intent::DropIndex(target) => self.drop_index(target),
            Intent::AddForeignKey {
                table,
                columns,
                ref_table,
                ref_columns,
                on_delete,
                on_update,
            } => self.add_foreign_key(
                table,
                columns,
                ref_table,
                ref_columns,
                *on_delete,
                *on_update,
            ),
            Intent::AddReference {
                table,
                ref_table,
                column,
                on_delete,
            } => self.add_reference(table, ref_table, column.as_deref(), *on_delete),
            Intent::DropForeignKey(target) => self.drop_foreign_key(target),
            Intent::AddUniqueConstraint {
                table,
                columns,
                name,
            } => self.add_unique_constraint(table, columns, name.as_deref()),
            Intent::AddCheckConstraint {
                table,
                expression,
                name,
            } => self.add_check_constraint(table, expression, name.as_deref()),
            Intent::DropConstraint { table, name } => self.drop_constraint(table, name),
            Intent::Backfill {
                table,
                column,
                value,
                condition,
            } => {
                let data_type = lookup::column(self.table(table)?, column)?
                    .data_type
                    .clone();
                let value = expression(value)?;
                columns::check_fits(
                    &self.schema,
                    &format!("backfill of `{table}.{column}`"),
                    &data_type,
                    &value,
                )?;
                self.push(Backfill {
                    table: table.clone(),
                    column: column.clone(),
                    value,
                    condition: condition.as_deref().map(expression).transpose()?,
                })
            }
            Intent::CreateEnum { name, values } => self.create_enum(name, values),
            Intent::AddEnumValue { name, value } => self.add_enum_value(name, value),
        }
    }

    pub(super) fn add_column(&mut self, table: &str, spec: &ColumnSpec) -> Result<(), PlanError> {
        let existing = self.table(table)?;
        if existing.column(&spec.name).is_some() {
            return Err(PlanError::AlreadyExists {
                what: "column",
                name: format!("{table}.{}", spec.name),
                hint: Some(format!(
                    "to change it, say e.g. \"change type of {table}.{} to …\" or \"make {table}.{} not null\"",
                    spec.name, spec.name
                )),
            });
        }
        let rows = existing.rows();
        let resolved = resolve_column(&self.schema, table, spec)?;
        self.decisions.extend(resolved.decisions);
        let column = resolved.column;
        if !column.nullable
            && column.default.is_none()
            && column.identity.is_none()
            && rows != Some(0)
        {
            return Err(PlanError::Invalid(format!(
                "`{table}.{}` cannot be added NOT NULL without a default: existing rows would have no value. \
                 Give a default (\"… default <value> not null …\"), or add it nullable, backfill it, then \"make {table}.{} not null\"",
                column.name, column.name
            )));
        }
        let name = column.name.clone();
        self.push(AddColumn {
            table: table.to_string(),
            column,
        })?;
        if resolved.primary_key {
            return Err(PlanError::Invalid(format!(
                "adding a primary key column to the existing table `{table}` is not supported; add the column, then a unique constraint"
            )));
        }
        if let Some(target) = resolved.references {
            self.reference_parts(table, &name, &target, None)?;
        } else if resolved.unique {
            self.add_index(table, std::slice::from_ref(&name), true, None, None, false)?;
        }
        Ok(())
    }

    /// `add timestamps to t`: `created_at` and `updated_at`, each unless `t` has it.
    fn add_timestamps(&mut self, table: &str) -> Result<(), PlanError> {
        let t = self.table(table)?;
        let (missing, present): (Vec<&str>, Vec<&str>) = ["created_at", "updated_at"]
            .into_iter()
            .partition(|c| t.column(c).is_none());
        if missing.is_empty() {
            return Err(PlanError::NoOp(format!(
                "`{table}` already has `created_at` and `updated_at`"
            )));
        }
        let listed = |cols: &[&str]| {
            cols.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        };
        let mut decision = format!(
            "`timestamps` on `{table}`: {} `timestamptz NOT NULL DEFAULT now()` (NOT NULL as Rails' `t.timestamps` and Django's `auto_now_add`/`auto_now`; with time zone; `now()` so existing rows get a value)",
            listed(&missing)
        );
        if !present.is_empty() {
            decision.push_str(&format!(
                "; `{table}` already has {}, which is kept",
                listed(&present)
            ));
        }
        self.decisions.push(decision);
        for name in missing {
            let spec = ColumnSpec {
                name: name.to_string(),
                data_type: Some("timestamptz".into()),
                nullable: Some(false),
                default: Some("now()".into()),
                ..ColumnSpec::default()
            };
            self.add_column(table, &spec)?;
        }
        Ok(())
    }

    /// `set default of t.c to <expr>`. PostgreSQL stores no `DEFAULT NULL`, so that means
    /// "remove the default"; a default equal (in stored form) to the current one is a no-op.
    fn set_default(&mut self, table: &str, column: &str, default: &str) -> Result<(), PlanError> {
        let current = lookup::column(self.table(table)?, column)?.clone();
        let requested = expression(default)?;
        columns::check_fits(
            &self.schema,
            &format!("default of `{table}.{column}`"),
            &current.data_type,
            &requested,
        )?;
        let stored = crate::schema::sql::stored_default(default, &current.data_type)
            .map_err(|e| PlanError::Invalid(e.to_string()))?;
        match (stored, &current.default) {
            (None, None) => Err(PlanError::NoOp(format!(
                "`{table}.{column}` has no default (PostgreSQL does not store DEFAULT NULL)"
            ))),
            (None, Some(previous)) => self.push(DropDefault {
                table: table.to_string(),
                column: column.to_string(),
                previous: previous.clone(),
            }),
            (Some(stored), Some(previous)) if &stored == previous => Err(PlanError::NoOp(format!(
                "`{table}.{column}` already defaults to {previous}"
            ))),
            (Some(_), previous) => self.push(SetDefault {
                table: table.to_string(),
                column: column.to_string(),
                default: requested,
                previous: previous.clone(),
            }),
        }
    }

    /// Name what depends on a dropped column or table (`what`) in the decisions. A certain
    /// dependent that does not belong to the dropped table (`table`) makes PostgreSQL refuse
    /// the drop: an error unless `--cascade`. Returns whether the drop needs CASCADE.
    pub(super) fn dependents_decisions(
        &mut self,
        what: &str,
        dependents: &[crate::schema::Dependency],
        table: Option<&str>,
    ) -> Result<bool, PlanError> {
        let blocking: Vec<String> = dependents
            .iter()
            .filter(|d| d.certain() && !table.is_some_and(|t| d.belongs_to(t)))
            .map(|d| d.describe())
            .collect();
        if !blocking.is_empty() && !self.options.cascade {
            return Err(PlanError::Invalid(format!(
                "{what} is used by {}: PostgreSQL refuses to drop it while they exist. Drop or change them first, or pass --cascade to drop them with it (the down migration does not re-create them)",
                blocking.join(", ")
            )));
        }
        for d in dependents {
            let text = d.describe();
            self.decisions.push(if !d.certain() {
                format!(
                    "{text} may use {what} (its body mentions it): PostgreSQL does not check function bodies, so it fails when next called; review it"
                )
            } else if table.is_some_and(|t| d.belongs_to(t)) {
                format!("{text} uses {what} and is dropped with it")
            } else {
                format!("{text} uses {what}: dropped with it by CASCADE (--cascade)")
            });
        }
        Ok(!blocking.is_empty())
    }

    /// The foreign key and index that make `table.column` a reference to `target`.
    fn reference_parts(
        &mut self,
        table: &str,
        column: &str,
        target: &str,
        on_delete: Option<crate::intent::FkActionSpec>,
    ) -> Result<(), PlanError> {
        self.add_index(table, &[column.to_string()], false, None, None, false)?;
        self.add_foreign_key(table, &[column.to_string()], target, &[], on_delete, None)
    }

    fn drop_column(&mut self, table: &str, column: &str) -> Result<(), PlanError> {
        let t = self.table(table)?;
        let definition = lookup::column(t, column)?.clone();
        if t.primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
        {
            return Err(PlanError::Invalid(format!(
                "`{table}.{column}` is part of the primary key of `{table}`; dropping it is not supported"
            )));
        }
        if let Some((other, fk)) = self
            .schema
            .references_to(table)
            .find(|(_, fk)| fk.ref_columns.iter().any(|c| c == column))
        {
            return Err(PlanError::Invalid(format!(
                "`{table}.{column}` is referenced by foreign key `{}` on `{}`; drop that first (\"remove foreign key {}.{}\")",
                fk.name,
                other.key(),
                other.key(),
                fk.columns.join(", ")
            )));
        }
        let uses = |e: &str| constraints::mentions_column(e, column);
        let op = DropColumn {
            table: table.to_string(),
            column: column.to_string(),
            indexes: t
                .indexes
                .iter()
                .filter(|i| {
                    i.columns.iter().any(|k| match k {
                        IndexKey::Column(c) => c == column,
                        IndexKey::Expression { expression } => uses(expression),
                    }) || i.include.iter().any(|c| c == column)
                        || i.predicate.as_deref().is_some_and(uses)
                })
                .cloned()
                .collect(),
            unique_constraints: t
                .unique_constraints
                .iter()
                .filter(|u| u.columns.iter().any(|c| c == column))
                .cloned()
                .collect(),
            check_constraints: t
                .check_constraints
                .iter()
                .filter(|c| uses(&c.expression))
                .cloned()
                .collect(),
            foreign_keys: t
                .foreign_keys
                .iter()
                .filter(|f| f.columns.iter().any(|c| c == column))
                .cloned()
                .collect(),
            definition,
            dependents: self
                .schema
                .column_dependents(table, column)
                .into_iter()
                .cloned()
                .collect(),
            cascade: false,
        };
        let what = format!("`{table}.{column}`");
        let cascade = self.dependents_decisions(&what, &op.dependents, None)?;
        self.push(DropColumn { cascade, ..op })
    }
}
