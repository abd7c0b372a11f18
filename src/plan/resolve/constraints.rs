//! Resolving foreign keys, references and constraints: default names, the referenced key,
//! and the "which constraint did you mean" lookups.

use super::names::{bare_table, constraint_name, relation_name, singular};
use super::{AlreadyTrue, Context};
use crate::dialect::postgres::canonical_expr;
use crate::intent::{ColumnSpec, ConstraintTarget, FkActionSpec};
use crate::plan::ops::*;
use crate::plan::PlanError;
use crate::schema::{did_you_mean, FkAction, ForeignKey, Schema};

/// Whether a canonical expression refers to `column` (as an identifier, not inside a string).
pub fn mentions_column(expr: &str, column: &str) -> bool {
    referenced_identifiers(expr).iter().any(|i| i == column)
}

/// Identifiers in an expression that are not function names or type names after `::`.
fn referenced_identifiers(expr: &str) -> Vec<String> {
    // MySQL quotes names with backticks (`name` IS NOT NULL): as double quotes (one byte each,
    // so token offsets are unchanged) PostgreSQL's scanner reads the same names.
    let converted;
    let expr = if expr.contains('`') {
        converted = expr.replace('`', "\"");
        converted.as_str()
    } else {
        expr
    };
    let Ok(scan) = pg_query::scan(expr) else {
        return vec![];
    };
    let tokens = &scan.tokens;
    let ident = pg_query::protobuf::Token::Ident as i32;
    let typecast = pg_query::protobuf::Token::Typecast as i32;
    let mut out = vec![];
    for (i, t) in tokens.iter().enumerate() {
        if t.token != ident {
            continue;
        }
        let next_is_call = tokens
            .get(i + 1)
            .is_some_and(|n| expr.get(n.start as usize..n.end as usize) == Some("("));
        let after_cast = i > 0 && tokens[i - 1].token == typecast;
        if next_is_call || after_cast {
            continue;
        }
        let text = &expr[t.start as usize..t.end as usize];
        out.push(
            match text.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(q) => q.replace("\"\"", "\""),
                None => text.to_lowercase(),
            },
        );
    }
    out
}

fn action(spec: Option<FkActionSpec>) -> FkAction {
    match spec {
        None | Some(FkActionSpec::NoAction) => FkAction::NoAction,
        Some(FkActionSpec::Cascade) => FkAction::Cascade,
        Some(FkActionSpec::SetNull) => FkAction::SetNull,
        Some(FkActionSpec::SetDefault) => FkAction::SetDefault,
        Some(FkActionSpec::Restrict) => FkAction::Restrict,
    }
}

/// A foreign key from `table(columns)` to `ref_table(ref_columns)`; empty `ref_columns` means
/// the referenced table's primary key. Named as PostgreSQL names it (`<table>_<cols>_fkey`).
pub fn foreign_key(
    schema: &Schema,
    table: &str,
    columns: &[String],
    ref_table: &str,
    ref_columns: &[String],
    on_delete: Option<FkActionSpec>,
    on_update: Option<FkActionSpec>,
) -> Result<ForeignKey, PlanError> {
    let parent = lookup::table(schema, ref_table)?;
    let ref_columns = if ref_columns.is_empty() {
        parent
            .primary_key
            .as_ref()
            .map(|pk| pk.columns.clone())
            .ok_or_else(|| {
                PlanError::Invalid(format!(
                    "`{ref_table}` has no primary key: name the referenced column (\"… to {ref_table}.<column>\")"
                ))
            })?
    } else {
        for c in ref_columns {
            lookup::column(parent, c)?;
        }
        ref_columns.to_vec()
    };
    if ref_columns.len() != columns.len() {
        return Err(PlanError::Invalid(format!(
            "{} column(s) cannot reference {} column(s) of `{ref_table}`",
            columns.len(),
            ref_columns.len()
        )));
    }
    if parent.unique_key_on(&ref_columns).is_none() {
        return Err(PlanError::Invalid(format!(
            "`{ref_table}` ({}) is not a primary key or unique: a foreign key must reference one (\"add unique constraint on {ref_table}({})\" first)",
            ref_columns.join(", "),
            ref_columns.join(", ")
        )));
    }
    if let Some(child) = schema.table(table) {
        for (c, r) in columns.iter().zip(&ref_columns) {
            let (Some(ct), Some(rt)) = (child.column(c), parent.column(r)) else {
                continue;
            };
            if !comparable(&ct.data_type, &rt.data_type) {
                return Err(PlanError::Invalid(format!(
                    "`{table}.{c}` ({}) cannot reference `{ref_table}.{r}` ({}): the types cannot be compared",
                    ct.data_type, rt.data_type
                )));
            }
        }
    }
    let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
    Ok(ForeignKey {
        name: constraint_name(schema, table, &cols, "fkey"),
        columns: columns.to_vec(),
        ref_table: ref_table.to_string(),
        ref_columns,
        on_delete: action(on_delete),
        on_update: action(on_update),
        deferrable: false,
        initially_deferred: false,
        validated: true,
    })
}

/// Whether PostgreSQL can compare the two types in a foreign key: the same btree operator
/// family (`integer_ops`: smallint/integer/bigint; `text_ops`: text/varchar; `datetime_ops`:
/// date/timestamp/timestamptz), or the same type.
fn comparable(a: &str, b: &str) -> bool {
    fn family(t: &str) -> &str {
        match t.split('(').next().unwrap_or(t) {
            "smallint" | "integer" | "bigint" => "integer",
            "text" | "varchar" => "text",
            "timestamp" | "timestamptz" | "date" => "time",
            other => other,
        }
    }
    family(a) == family(b)
}

/// A type change of a column in a foreign key (on either side) must keep the key comparable,
/// or PostgreSQL refuses it ("foreign key constraint cannot be implemented").
pub fn check_foreign_key_types(
    schema: &Schema,
    table: &str,
    column: &str,
    to_type: &str,
) -> Result<(), PlanError> {
    let type_of = |t: &str, c: &str| {
        schema
            .table(t)
            .and_then(|t| t.column(c))
            .map(|c| c.data_type.clone())
            .unwrap_or_default()
    };
    let mut pairs = vec![];
    if let Some(t) = schema.table(table) {
        for fk in &t.foreign_keys {
            for (c, r) in fk.columns.iter().zip(&fk.ref_columns) {
                if c == column {
                    pairs.push((
                        fk.name.clone(),
                        format!("{}.{r}", fk.ref_table),
                        type_of(&fk.ref_table, r),
                    ));
                }
            }
        }
    }
    for (other, fk) in schema.references_to(table) {
        for (c, r) in fk.columns.iter().zip(&fk.ref_columns) {
            if r == column {
                pairs.push((
                    fk.name.clone(),
                    format!("{}.{c}", other.key()),
                    type_of(&other.key(), c),
                ));
            }
        }
    }
    match pairs.into_iter().find(|(_, _, ty)| !comparable(to_type, ty)) {
        Some((fk, other, ty)) => Err(PlanError::Invalid(format!(
            "`{table}.{column}` is in foreign key `{fk}` with `{other}` ({ty}); {to_type} cannot be compared with {ty}: change both columns, or drop the foreign key first"
        ))),
        None => Ok(()),
    }
}

impl Context {
    /// `users (email)` is already unique through `users_email_key`: recorded as already true,
    /// nothing generated.
    pub(super) fn already_unique(
        &mut self,
        table: &str,
        columns: &[String],
        existing: &str,
    ) -> Result<(), PlanError> {
        self.already_true.push(AlreadyTrue {
            table: table.to_string(),
            columns: columns.to_vec(),
            by: existing.to_string(),
            message: format!(
                "`{table}` ({}) is already unique: `{existing}` makes it so",
                columns.join(", ")
            ),
        });
        Ok(())
    }

    pub(super) fn add_foreign_key(
        &mut self,
        table: &str,
        columns: &[String],
        ref_table: &str,
        ref_columns: &[String],
        on_delete: Option<FkActionSpec>,
        on_update: Option<FkActionSpec>,
    ) -> Result<(), PlanError> {
        let t = self.table(table)?;
        for c in columns {
            lookup::column(t, c)?;
        }
        let fk = foreign_key(
            &self.schema,
            table,
            columns,
            ref_table,
            ref_columns,
            on_delete,
            on_update,
        )?;
        if let Some(same) = t
            .foreign_keys
            .iter()
            .find(|f| f.columns == fk.columns && f.ref_table == fk.ref_table)
        {
            return Err(PlanError::AlreadyExists {
                what: "foreign key",
                name: same.name.clone(),
                hint: None,
            });
        }
        let indexed = t
            .indexes
            .iter()
            .any(|i| i.columns.first().and_then(|k| k.column()) == Some(columns[0].as_str()))
            || t.primary_key
                .as_ref()
                .is_some_and(|pk| pk.columns.first() == columns.first());
        let just_indexed = self.operations.iter().any(|op| {
            matches!(op, Operation::AddIndex(a) if a.table == table
                && a.index.columns.first().and_then(|k| k.column()) == Some(columns[0].as_str()))
        });
        if !indexed && !just_indexed {
            self.decisions.push(format!(
                "`{table}` ({}) has no index: deletes and updates on `{ref_table}` will scan `{table}`; consider \"add index on {table}({})\"",
                columns.join(", "),
                columns.join(", ")
            ));
        }
        self.push(AddForeignKey {
            table: table.to_string(),
            foreign_key: fk,
        })
    }

    /// `add reference to users on posts`: column `user_id` (typed like the referenced key),
    /// an index, and a foreign key.
    pub(super) fn add_reference(
        &mut self,
        table: &str,
        ref_table: &str,
        column: Option<&str>,
        on_delete: Option<FkActionSpec>,
    ) -> Result<(), PlanError> {
        self.table(table)?;
        self.table(ref_table)?;
        let column = column
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}_id", singular(bare_table(ref_table))));
        let spec = ColumnSpec {
            name: column.clone(),
            data_type: Some(super::columns::reference_type(&self.schema, ref_table)),
            ..ColumnSpec::default()
        };
        self.add_column(table, &spec)?;
        self.add_index(
            table,
            std::slice::from_ref(&column),
            false,
            None,
            None,
            false,
        )?;
        self.add_foreign_key(table, &[column], ref_table, &[], on_delete, None)
    }

    pub(super) fn drop_foreign_key(&mut self, target: &ConstraintTarget) -> Result<(), PlanError> {
        let (table, fk) = match target {
            ConstraintTarget::Name { table, name } => {
                let t = self.table(table)?;
                let fk = t
                    .foreign_keys
                    .iter()
                    .find(|f| &f.name == name)
                    .ok_or_else(|| PlanError::UnknownObject {
                        what: "foreign key",
                        name: name.clone(),
                        suggestions: did_you_mean(
                            name,
                            t.foreign_keys.iter().map(|f| f.name.as_str()),
                        ),
                    })?;
                (table.clone(), fk.clone())
            }
            ConstraintTarget::Columns { table, columns } => {
                let t = self.table(table)?;
                for c in columns {
                    lookup::column(t, c)?;
                }
                let fk = t
                    .foreign_keys
                    .iter()
                    .find(|f| &f.columns == columns)
                    .ok_or_else(|| PlanError::UnknownObject {
                        what: "foreign key",
                        name: format!("on {table} ({})", columns.join(", ")),
                        suggestions: t
                            .foreign_keys
                            .iter()
                            .map(|f| format!("{} ({})", f.name, f.columns.join(", ")))
                            .collect(),
                    })?;
                (table.clone(), fk.clone())
            }
            ConstraintTarget::References { table, ref_table } => {
                let t = self.table(table)?;
                let ref_key = self.table(ref_table)?.key();
                let describe = |f: &ForeignKey| {
                    format!("{} ({}) → {}", f.name, f.columns.join(", "), f.ref_table)
                };
                let fits: Vec<&ForeignKey> = t
                    .foreign_keys
                    .iter()
                    .filter(|f| f.ref_table == ref_key)
                    .collect();
                match fits.as_slice() {
                    [fk] => {
                        let fk = (*fk).clone();
                        self.decisions.push(format!(
                            "the foreign key from `{table}` to `{ref_table}` is `{}` (`{table}`({}) → `{}`), the only one",
                            fk.name,
                            fk.columns.join(", "),
                            fk.ref_table
                        ));
                        (table.clone(), fk)
                    }
                    [] => {
                        return Err(PlanError::UnknownObject {
                            what: "foreign key",
                            name: format!("from {table} to {ref_table}"),
                            suggestions: t.foreign_keys.iter().map(describe).collect(),
                        })
                    }
                    many => {
                        return Err(PlanError::Ambiguous {
                            what: format!(
                                "`{table}` has {} foreign keys to `{ref_table}`",
                                many.len()
                            ),
                            candidates: many.iter().map(|f| describe(f)).collect(),
                            example: format!(
                                "\"remove foreign key {table}.{}\"",
                                many[0].columns.join(", ")
                            ),
                        })
                    }
                }
            }
        };
        self.push(DropForeignKey {
            table,
            foreign_key: fk,
        })
    }

    pub(super) fn add_unique_constraint(
        &mut self,
        table: &str,
        columns: &[String],
        name: Option<&str>,
    ) -> Result<(), PlanError> {
        let t = self.table(table)?;
        for c in columns {
            lookup::column(t, c)?;
        }
        if let Some(existing) = t.unique_key_on(columns) {
            let existing = existing.to_string();
            return self.already_unique(table, columns, &existing);
        }
        let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
        let name = name
            .map(str::to_string)
            .unwrap_or_else(|| relation_name(&self.schema, table, &cols, "key"));
        self.push(AddUniqueConstraint {
            table: table.to_string(),
            name,
            columns: columns.to_vec(),
        })
    }

    pub(super) fn add_check_constraint(
        &mut self,
        table: &str,
        expression: &str,
        name: Option<&str>,
    ) -> Result<(), PlanError> {
        let expression =
            canonical_expr(expression).map_err(|e| PlanError::Invalid(e.to_string()))?;
        let t = self.table(table)?;
        let referenced = referenced_identifiers(&expression);
        for ident in &referenced {
            lookup::column(t, ident)?;
        }
        let name = match name {
            Some(n) => n.to_string(),
            // PostgreSQL names a check after its column only when it uses exactly one.
            None => {
                let mut distinct = referenced.clone();
                distinct.sort();
                distinct.dedup();
                let column: Vec<&str> = match distinct.as_slice() {
                    [one] => vec![one.as_str()],
                    _ => vec![],
                };
                constraint_name(&self.schema, table, &column, "check")
            }
        };
        self.push(AddCheckConstraint {
            table: table.to_string(),
            name,
            expression,
        })
    }

    pub(super) fn drop_constraint(&mut self, table: &str, name: &str) -> Result<(), PlanError> {
        let t = self.table(table)?;
        if let Some(u) = t.unique_constraints.iter().find(|u| u.name == name) {
            let op = DropConstraint {
                table: table.to_string(),
                name: name.to_string(),
                definition: ConstraintDefinition::Unique {
                    columns: u.columns.clone(),
                },
            };
            return self.push(op);
        }
        if let Some(c) = t.check_constraints.iter().find(|c| c.name == name) {
            let op = DropConstraint {
                table: table.to_string(),
                name: name.to_string(),
                definition: ConstraintDefinition::Check {
                    expression: c.expression.clone(),
                },
            };
            return self.push(op);
        }
        if t.foreign_keys.iter().any(|f| f.name == name) {
            return self.drop_foreign_key(&ConstraintTarget::Name {
                table: table.to_string(),
                name: name.to_string(),
            });
        }
        if t.primary_key.as_ref().is_some_and(|p| p.name == name) {
            return Err(PlanError::Invalid(format!(
                "`{name}` is the primary key of `{table}`; dropping a primary key is not supported"
            )));
        }
        Err(PlanError::UnknownObject {
            what: "constraint",
            name: name.to_string(),
            suggestions: did_you_mean(name, t.constraint_names()),
        })
    }
}

#[cfg(test)]
mod backtick_tests {
    #[test]
    fn a_mysql_check_mentions_its_backticked_column() {
        assert!(super::mentions_column("`name` IS NOT NULL", "name"));
        assert!(super::mentions_column(
            "(char_length(`Title`) > 0)",
            "Title"
        ));
        assert!(!super::mentions_column("`other` > 0", "name"));
    }
}
