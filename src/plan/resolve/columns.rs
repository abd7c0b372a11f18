//! A user's `ColumnSpec` → a concrete `Column`: explicit type words mapped to PostgreSQL types,
//! missing types inferred from the name (and the decision recorded), defaults canonicalised,
//! references to other tables recognised.

use super::names::{referenced_table, singular};
use crate::dialect::postgres::canonical_expr;
use crate::intent::infer::{infer_from_name, is_reference_word, sql_type};
use crate::intent::ColumnSpec;
use crate::plan::PlanError;
use crate::schema::{did_you_mean, Column, Schema};

/// A resolved column and what else it asked for.
pub struct ResolvedColumn {
    pub column: Column,
    /// Table the column references (an index and a foreign key follow).
    pub references: Option<String>,
    pub unique: bool,
    pub primary_key: bool,
    /// Decisions made on the user's behalf, for the report.
    pub decisions: Vec<String>,
}

/// Built-in types the dialect knows; anything else must be an enum in the schema.
fn is_builtin(canonical: &str) -> bool {
    let base = canonical.split('(').next().unwrap_or(canonical).trim();
    KNOWN_BARE.contains(&base) || base == "double precision" || base.starts_with("time")
}

/// Built-in types whose canonical spelling is their bare name.
const KNOWN_BARE: &[&str] = &[
    "text",
    "integer",
    "bigint",
    "smallint",
    "boolean",
    "numeric",
    "real",
    "varchar",
    "char",
    "timestamptz",
    "timestamp",
    "timetz",
    "time",
    "date",
    "interval",
    "json",
    "jsonb",
    "uuid",
    "bytea",
    "inet",
    "cidr",
    "macaddr",
    "money",
    "bit",
    "varbit",
    "xml",
    "tsvector",
    "tsquery",
    "oid",
    "citext",
    "serial",
    "bigserial",
    "smallserial",
];

/// Map a type word to a canonical type and check that a non-built-in type is a known enum.
pub fn resolve_type(schema: &Schema, word: &str) -> Result<String, PlanError> {
    let canonical = sql_type(word).map_err(|e| PlanError::Invalid(e.to_string()))?;
    let base = canonical.trim_end_matches("[]");
    if is_builtin(base) || schema.enums.contains_key(base) {
        return Ok(canonical);
    }
    Err(PlanError::UnknownObject {
        what: "type",
        name: base.to_string(),
        suggestions: did_you_mean(
            base,
            schema
                .enums
                .keys()
                .map(String::as_str)
                .chain(KNOWN_BARE.iter().copied()),
        ),
    })
}

/// Fails when a constant cannot be stored in a column of `data_type` (`'x'` in a bigint,
/// a label an enum does not have).
pub fn check_fits(
    schema: &Schema,
    what: &str,
    data_type: &str,
    expr: &str,
) -> Result<(), PlanError> {
    let labels = schema.enums.get(data_type).map(|e| e.values.as_slice());
    match crate::dialect::postgres::literal_mismatch(data_type, expr, labels) {
        Some(why) => Err(PlanError::Invalid(format!("{what}: {why}"))),
        None => Ok(()),
    }
}

/// Canonicalise a default or other scalar expression given by the user.
pub fn expression(input: &str) -> Result<String, PlanError> {
    canonical_expr(input).map_err(|e| PlanError::Invalid(e.to_string()))
}

/// Resolve one column spec. `table` is where the column goes (for messages).
pub fn resolve_column(
    schema: &Schema,
    table: &str,
    spec: &ColumnSpec,
) -> Result<ResolvedColumn, PlanError> {
    let mut decisions = vec![];
    let mut references = None;
    let explicit_reference_word = spec.data_type.as_deref().is_some_and(is_reference_word);

    // `user:references` names the column `user_id`.
    let name = if explicit_reference_word && !spec.name.ends_with("_id") {
        format!("{}_id", spec.name)
    } else {
        spec.name.clone()
    };
    if let Some(target) = &spec.references {
        references = Some(existing_table(schema, target)?);
    } else if explicit_reference_word {
        let stem = spec.name.trim_end_matches("_id");
        references =
            Some(
                referenced_table(schema, stem).ok_or_else(|| PlanError::UnknownTable {
                    table: super::names::plural(stem),
                    suggestions: did_you_mean(stem, schema.tables.keys().map(String::as_str)),
                })?,
            );
    }

    let (data_type, mut nullable, mut default) = match spec.data_type.as_deref() {
        Some(word) if !explicit_reference_word => (resolve_type(schema, word)?, true, None),
        _ => {
            let inferred = infer_from_name(&name);
            if references.is_none() && inferred.reference {
                let stem = name.trim_end_matches("_id");
                if let Some(target) = referenced_table(schema, stem) {
                    decisions.push(format!(
                        "`{table}.{name}` references `{target}` (table `{target}` exists): adding a foreign key and an index"
                    ));
                    references = Some(target);
                }
            }
            let data_type = match &references {
                Some(target) => reference_type(schema, target),
                None => inferred.data_type.clone(),
            };
            if spec.data_type.is_none() {
                let dialect = crate::dialect::for_engine(schema.engine);
                let default = inferred
                    .default
                    .as_deref()
                    .map(|d| dialect.spell_default(d, &data_type, schema));
                decisions.push(format!(
                    "`{table}.{name}`: no type given, inferred `{}` because {}",
                    shape(
                        &dialect.spell_type(&data_type, schema),
                        inferred.nullable,
                        default.as_deref()
                    ),
                    inferred.reason
                ));
            }
            (data_type, inferred.nullable, inferred.default)
        }
    };
    if let Some(n) = spec.nullable {
        nullable = n;
        if n && spec.default.is_none() {
            default = None;
        }
    }
    if let Some(d) = &spec.default {
        let d = expression(d)?;
        check_fits(
            schema,
            &format!("default of `{table}.{name}`"),
            &data_type,
            &d,
        )?;
        default = Some(d);
    }
    if spec.primary_key {
        nullable = false;
    }
    Ok(ResolvedColumn {
        column: Column {
            nullable,
            default,
            ..Column::new(name, data_type)
        },
        references,
        unique: spec.unique,
        primary_key: spec.primary_key,
        decisions,
    })
}

/// The type a column referencing `target` gets: the type of its (single-column) primary key.
pub fn reference_type(schema: &Schema, target: &str) -> String {
    schema
        .table(target)
        .and_then(|t| {
            let pk = t.primary_key.as_ref()?;
            let [col] = pk.columns.as_slice() else {
                return None;
            };
            t.column(col).map(|c| c.data_type.clone())
        })
        .map(|t| match t.as_str() {
            "serial" => "integer".to_string(),
            "bigserial" => "bigint".to_string(),
            _ => t,
        })
        .unwrap_or_else(|| "bigint".into())
}

fn existing_table(schema: &Schema, name: &str) -> Result<String, PlanError> {
    if schema.table(name).is_some() {
        return Ok(name.to_string());
    }
    referenced_table(schema, &singular(name)).ok_or_else(|| PlanError::UnknownTable {
        table: name.to_string(),
        suggestions: did_you_mean(name, schema.tables.keys().map(String::as_str)),
    })
}

fn shape(data_type: &str, nullable: bool, default: Option<&str>) -> String {
    let mut out = data_type.to_string();
    if !nullable {
        out.push_str(" NOT NULL");
    }
    if let Some(d) = default {
        out.push_str(" DEFAULT ");
        out.push_str(d);
    }
    out
}
