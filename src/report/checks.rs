//! Verification queries: for each operation, one SQL query returning a single boolean `ok` that
//! is true exactly when the change is in place. The report prints them; the test suite runs
//! them against PostgreSQL after `up` (and the inverse operations' checks after `down`).

use crate::dialect::postgres::{format_type_name, quote_literal, quote_qualified};
use crate::plan::ops::sql::{ident, table as qtable};
use crate::plan::ops::Operation;

/// A query that proves one change.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Check {
    pub description: String,
    /// Returns one row with one boolean column `ok`.
    pub sql: String,
}

/// `to_regclass('public.users')`-style reference to a relation by schema key.
fn regclass(key: &str) -> String {
    let qualified = if key.contains('.') {
        quote_qualified(key)
    } else {
        format!("public.{}", ident(key))
    };
    format!("to_regclass({})", quote_literal(&qualified))
}

/// An index or other relation living in the same schema as `table_key`.
fn sibling(table_key: &str, name: &str) -> String {
    match table_key.split_once('.') {
        Some((schema, _)) => regclass(&format!("{schema}.{name}")),
        None => regclass(name),
    }
}

fn regtype(name: &str) -> String {
    format!("to_regtype({})", quote_literal(&quote_qualified(name)))
}

fn attribute(table: &str, column: &str, condition: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = {} AND attname = {} AND NOT attisdropped{condition})",
        regclass(table),
        quote_literal(column)
    )
}

fn constraint(table: &str, name: &str, validated: bool) -> String {
    format!(
        "EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = {} AND conname = {}{})",
        regclass(table),
        quote_literal(name),
        if validated { " AND convalidated" } else { "" }
    )
}

fn check(description: String, condition: String) -> Check {
    Check {
        description,
        sql: format!("SELECT {condition} AS ok"),
    }
}

/// What a check proves, in words: the same on every engine, except that PostgreSQL's checks
/// also prove an index valid and a foreign key or CHECK validated (its concurrent and NOT VALID
/// forms can leave them otherwise; MySQL and SQLite cannot).
pub(super) fn claim(op: &Operation, engine: crate::schema::Engine) -> String {
    use Operation::*;
    let pg = engine == crate::schema::Engine::Postgres;
    let and = |postgres_only: &str| {
        if pg {
            postgres_only.to_string()
        } else {
            String::new()
        }
    };
    match op {
        CreateTable(o) => format!("table `{}` exists", o.table),
        DropTable(o) => format!("table `{}` is gone", o.table),
        RenameTable(o) => format!("table `{}` exists and `{}` does not", o.to, o.from),
        AddColumn(o) => format!(
            "`{}.{}` exists as {}{}",
            o.table,
            o.column.name,
            o.column.data_type,
            if o.column.nullable { "" } else { " NOT NULL" }
        ),
        DropColumn(o) => format!("`{}.{}` is gone", o.table, o.column),
        RenameColumn(o) => format!("`{}.{}` exists and `{}` does not", o.table, o.to, o.from),
        ChangeColumnType(o) => format!("`{}.{}` is {}", o.table, o.column, o.to_type),
        SetNotNull(o) => format!("`{}.{}` is NOT NULL", o.table, o.column),
        DropNotNull(o) => format!("`{}.{}` allows NULL", o.table, o.column),
        SetDefault(o) => format!("`{}.{}` has a default", o.table, o.column),
        DropDefault(o) => format!("`{}.{}` has no default", o.table, o.column),
        AddIndex(o) => format!("index `{}` exists{}", o.index.name, and(" and is valid")),
        DropIndex(o) => format!("index `{}` is gone", o.index.name),
        AddForeignKey(o) => format!(
            "foreign key `{}` exists{}",
            o.foreign_key.name,
            and(" and is validated")
        ),
        AddUniqueConstraint(o) => format!("unique constraint `{}` exists", o.name),
        AddCheckConstraint(o) => {
            format!(
                "check constraint `{}` exists{}",
                o.name,
                and(" and is validated")
            )
        }
        DropForeignKey(o) => format!("foreign key `{}` is gone", o.foreign_key.name),
        DropConstraint(o) => format!("constraint `{}` is gone", o.name),
        Backfill(o) => format!(
            "every targeted row of `{}` has `{}` = {}",
            o.table, o.column, o.value
        ),
        CreateEnum(o) => format!("enum `{}` exists with its values", o.name),
        DropEnum(o) => format!("enum `{}` is gone", o.name),
        AddEnumValue(o) => format!("enum `{}` has the value '{}'", o.name, o.value),
        RemoveEnumValue(o) => format!("enum `{}` no longer has the value '{}'", o.name, o.value),
    }
}

/// The check for one operation.
pub fn for_operation(op: &Operation) -> Check {
    use Operation::*;
    let condition = match op {
        CreateTable(o) => format!("{} IS NOT NULL", regclass(&o.table)),
        DropTable(o) => format!("{} IS NULL", regclass(&o.table)),
        RenameTable(o) => {
            format!("{} IS NOT NULL AND {} IS NULL", regclass(&o.to), regclass(&o.from))
        }
        AddColumn(o) => attribute(
            &o.table,
            &o.column.name,
            &format!(
                " AND format_type(atttypid, atttypmod) = {} AND attnotnull = {}",
                quote_literal(&format_type_name(&o.column.data_type)),
                !o.column.nullable
            ),
        ),
        DropColumn(o) => format!("NOT {}", attribute(&o.table, &o.column, "")),
        RenameColumn(o) => format!(
            "{} AND NOT {}",
            attribute(&o.table, &o.to, ""),
            attribute(&o.table, &o.from, "")
        ),
        ChangeColumnType(o) => attribute(
            &o.table,
            &o.column,
            &format!(
                " AND format_type(atttypid, atttypmod) = {}",
                quote_literal(&format_type_name(&o.to_type))
            ),
        ),
        SetNotNull(o) => attribute(&o.table, &o.column, " AND attnotnull"),
        DropNotNull(o) => attribute(&o.table, &o.column, " AND NOT attnotnull"),
        SetDefault(o) => attribute(&o.table, &o.column, " AND atthasdef"),
        DropDefault(o) => attribute(&o.table, &o.column, " AND NOT atthasdef"),
        AddIndex(o) => format!(
            "EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = {} AND indisvalid)",
            sibling(&o.table, &o.index.name)
        ),
        DropIndex(o) => format!("{} IS NULL", sibling(&o.table, &o.index.name)),
        AddForeignKey(o) => constraint(&o.table, &o.foreign_key.name, true),
        AddUniqueConstraint(o) => constraint(&o.table, &o.name, true),
        AddCheckConstraint(o) => constraint(&o.table, &o.name, true),
        DropForeignKey(o) => format!("NOT {}", constraint(&o.table, &o.foreign_key.name, false)),
        DropConstraint(o) => format!("NOT {}", constraint(&o.table, &o.name, false)),
        Backfill(o) => format!(
            "NOT EXISTS (SELECT 1 FROM {} WHERE ({}) AND {} IS DISTINCT FROM ({}))",
            qtable(&o.table),
            o.condition.as_deref().unwrap_or("true"),
            ident(&o.column),
            o.value
        ),
        CreateEnum(o) => format!(
            "{} IS NOT NULL AND (SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = {}) = ARRAY[{}]::text[]",
            regtype(&o.name),
            regtype(&o.name),
            o.values.iter().map(|v| quote_literal(v)).collect::<Vec<_>>().join(", ")
        ),
        DropEnum(o) => format!("{} IS NULL", regtype(&o.name)),
        AddEnumValue(o) => format!(
            "EXISTS (SELECT 1 FROM pg_enum WHERE enumtypid = {} AND enumlabel = {})",
            regtype(&o.name),
            quote_literal(&o.value)
        ),
        RemoveEnumValue(o) => format!(
            "NOT EXISTS (SELECT 1 FROM pg_enum WHERE enumtypid = {} AND enumlabel = {})",
            regtype(&o.name),
            quote_literal(&o.value)
        ),
    };
    check(claim(op, crate::schema::Engine::Postgres), condition)
}

/// The table and the columns an operation changes (for deciding what a later one supersedes).
fn target(op: &Operation) -> (Option<&str>, Vec<&str>) {
    use Operation::*;
    let columns = match op {
        AddColumn(o) => vec![o.column.name.as_str()],
        DropColumn(o) => vec![o.column.as_str()],
        RenameColumn(o) => vec![o.from.as_str(), o.to.as_str()],
        ChangeColumnType(o) => vec![o.column.as_str()],
        SetNotNull(o) => vec![o.column.as_str()],
        DropNotNull(o) => vec![o.column.as_str()],
        SetDefault(o) => vec![o.column.as_str()],
        DropDefault(o) => vec![o.column.as_str()],
        Backfill(o) => vec![o.column.as_str()],
        _ => vec![],
    };
    (op.table(), columns)
}

/// Whether `later` changes what `earlier` made, so `earlier`'s check no longer holds at the end.
fn supersedes(later: &Operation, earlier: &Operation) -> bool {
    let ((lt, lc), (et, ec)) = (target(later), target(earlier));
    match (lt, et) {
        (Some(lt), Some(et)) if lt == et => {
            matches!(later, Operation::DropTable(_) | Operation::RenameTable(_))
                || lc.iter().any(|c| ec.contains(c))
        }
        _ => match (later, earlier) {
            (Operation::RenameTable(r), _) => et == Some(r.to.as_str()),
            (Operation::AddEnumValue(a), Operation::CreateEnum(c)) => a.name == c.name,
            _ => false,
        },
    }
}

/// The checks that must all hold once every operation has run: one per operation, except
/// operations a later one in the same plan changes again (a renamed then dropped table).
pub fn final_checks(operations: &[Operation]) -> Vec<(usize, Check)> {
    operations
        .iter()
        .enumerate()
        .filter(|(i, op)| {
            !operations[i + 1..]
                .iter()
                .any(|later| supersedes(later, op))
        })
        .map(|(i, op)| (i, for_operation(op)))
        .collect()
}

/// [`final_checks`] in `engine`'s catalog: PostgreSQL's queries, or MySQL/MariaDB's
/// `information_schema` and SQLite's `pragma_*` ones (`after` = the schema after the change).
pub fn final_checks_for(
    engine: crate::schema::Engine,
    operations: &[Operation],
    after: &crate::schema::Schema,
) -> Vec<(usize, Check)> {
    if engine == crate::schema::Engine::Postgres {
        return final_checks(operations);
    }
    operations
        .iter()
        .enumerate()
        .filter(|(i, op)| {
            !operations[i + 1..]
                .iter()
                .any(|later| supersedes(later, op))
        })
        .filter_map(|(i, op)| {
            super::checks_engines::for_operation(engine, op, after).map(|c| (i, c))
        })
        .collect()
}
