//! Pieces the expand-contract forms (`type_change.rs`, `rename.rs`) share: sync triggers (a
//! PL/pgSQL function and a `BEFORE INSERT OR UPDATE` row trigger), copies of a column's
//! indexes on another column, free names, and the checks that decide whether a column can be
//! carried over to a new one exactly. Builds statements only; the strategies decide the order.

use super::{not_null, Cx};
use crate::dialect::LockMode;
use crate::plan::ops::{sql, Statement};
use crate::schema::{Index, IndexKey, Schema, Table};

/// PostgreSQL's identifier limit (bytes; names here are ASCII-cut by chars, then checked).
const NAME_LIMIT: usize = 63;

fn cut(s: &str, n: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if out.len() + c.len_utf8() > n {
            break;
        }
        out.push(c);
    }
    out
}

/// A trigger function and its row trigger on one table.
#[derive(Debug, Clone)]
pub(crate) struct Trigger {
    /// Table key.
    pub table: String,
    /// Trigger name (also the function's bare name).
    pub name: String,
    /// The function, schema-qualified like the table.
    function: String,
}

impl Trigger {
    /// `<table>_<base>` cut to 63 bytes, in the table's schema.
    pub fn new(table: &str, base: &str) -> Trigger {
        let name = cut(&format!("{}_{base}", sql::bare_name(table)), NAME_LIMIT);
        let function = match table.split_once('.') {
            Some((schema, _)) => format!("{}.{}", sql::ident(schema), sql::ident(&name)),
            None => sql::ident(&name),
        };
        Trigger {
            table: table.to_string(),
            name,
            function,
        }
    }

    /// `CREATE OR REPLACE FUNCTION … $migsmith$ BEGIN <body> RETURN NEW; END $migsmith$` and the
    /// trigger. With `idempotent`, a `DROP TRIGGER IF EXISTS` first, so a migration without a
    /// transaction can be run again after a failure.
    pub fn create(&self, body: &str, idempotent: bool) -> Vec<Statement> {
        let function = Statement {
            table: None,
            locks: vec![],
            ..Statement::metadata(
                format!(
                    "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $migsmith$\n\
                     BEGIN\n{body}    RETURN NEW;\nEND\n$migsmith$",
                    self.function
                ),
                LockMode::None,
                &self.table,
            )
        };
        let trigger = Statement::metadata(
            format!(
                "CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {}()",
                sql::ident(&self.name),
                sql::table(&self.table),
                self.function
            ),
            LockMode::ShareRowExclusive,
            &self.table,
        );
        let mut out = vec![function];
        if idempotent {
            out.push(self.drop_trigger());
        }
        out.push(trigger);
        out
    }

    fn drop_trigger(&self) -> Statement {
        Statement::metadata(
            format!(
                "DROP TRIGGER IF EXISTS {} ON {}",
                sql::ident(&self.name),
                sql::table(&self.table)
            ),
            LockMode::AccessExclusive,
            &self.table,
        )
    }

    /// Drop the trigger, then its function (both `IF EXISTS`).
    pub fn drop(&self) -> Vec<Statement> {
        let function = Statement {
            table: None,
            locks: vec![],
            ..Statement::metadata(
                format!("DROP FUNCTION IF EXISTS {}()", self.function),
                LockMode::None,
                &self.table,
            )
        };
        vec![self.drop_trigger(), function]
    }
}

/// Whether the SQL expression `expr` mentions the identifier `column` (bare or quoted).
pub(crate) fn mentions(expr: &str, column: &str) -> bool {
    if expr.contains(&format!("\"{}\"", column.replace('"', "\"\""))) {
        return true;
    }
    expr.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|word| word == column)
}

/// The indexes of `table` that use `column`, or why they cannot be copied to another column
/// (an expression key or a predicate that mentions it).
pub(crate) fn indexes_on<'a>(table: &'a Table, column: &str) -> Result<Vec<&'a Index>, String> {
    let mut out = vec![];
    for index in &table.indexes {
        let in_expression = index.columns.iter().any(|k| match k {
            IndexKey::Expression { expression } => mentions(expression, column),
            IndexKey::Column(_) => false,
        }) || index
            .predicate
            .as_deref()
            .is_some_and(|p| mentions(p, column));
        if in_expression {
            return Err(format!(
                "is used in an expression or predicate of index `{}`",
                index.name
            ));
        }
        let uses = index.columns.iter().any(|k| k.column() == Some(column))
            || index.include.iter().any(|c| c == column);
        if uses {
            out.push(index);
        }
    }
    Ok(out)
}

/// `index` with `from` replaced by `to` in its keys and INCLUDE list, named `name`.
pub(crate) fn moved(index: &Index, from: &str, to: &str, name: &str) -> Index {
    let swap = |c: &str| {
        if c == from {
            to.to_string()
        } else {
            c.to_string()
        }
    };
    Index {
        name: name.to_string(),
        columns: index
            .columns
            .iter()
            .map(|k| match k {
                IndexKey::Column(c) => IndexKey::Column(swap(c)),
                other => other.clone(),
            })
            .collect(),
        include: index.include.iter().map(|c| swap(c)).collect(),
        ..index.clone()
    }
}

/// `base` cut to 63 bytes, or with `_2`, `_3`… when a relation of that name exists already
/// or was handed out in `taken`.
pub(crate) fn free_relation_name(schema: &Schema, base: &str, taken: &mut Vec<String>) -> String {
    let used = |n: &str| schema.relation_names().any(|r| r == n) || taken.iter().any(|t| t == n);
    let mut name = cut(base, NAME_LIMIT);
    let mut k = 2;
    while used(&name) {
        let suffix = format!("_{k}");
        name = format!("{}{suffix}", cut(base, NAME_LIMIT - suffix.len()));
        k += 1;
    }
    taken.push(name.clone());
    name
}

/// `CREATE INDEX CONCURRENTLY` of `index`, as a statement.
pub(crate) fn build_index(index: &Index, table: &str, if_not_exists: bool) -> Statement {
    let mut text = sql::create_index(index, table, true);
    if if_not_exists {
        text = text.replacen(" CONCURRENTLY ", " CONCURRENTLY IF NOT EXISTS ", 1);
    }
    Statement::metadata(text, LockMode::ShareUpdateExclusive, table)
        .scanning()
        .non_transactional()
}

/// `DROP INDEX CONCURRENTLY IF EXISTS`.
pub(crate) fn drop_index(name: &str, table: &str) -> Statement {
    Statement::metadata(
        sql::drop_index(name, table, true).replacen(
            "DROP INDEX CONCURRENTLY ",
            "DROP INDEX CONCURRENTLY IF EXISTS ",
            1,
        ),
        LockMode::ShareUpdateExclusive,
        table,
    )
    .non_transactional()
}

/// `ALTER INDEX a RENAME TO b` (schema-qualified like the table).
pub(crate) fn rename_index(from: &str, to: &str, table: &str) -> Statement {
    let qualified = match table.split_once('.') {
        Some((schema, _)) => format!("{}.{}", sql::ident(schema), sql::ident(from)),
        None => sql::ident(from),
    };
    Statement::metadata(
        format!("ALTER INDEX {qualified} RENAME TO {}", sql::ident(to)),
        LockMode::AccessExclusive,
        table,
    )
}

/// `ALTER TABLE t <action>` under ACCESS EXCLUSIVE (catalog-only actions).
pub(crate) fn alter(table: &str, action: String) -> Statement {
    Statement::metadata(
        format!("ALTER TABLE {} {action}", sql::table(table)),
        LockMode::AccessExclusive,
        table,
    )
}

/// NOT NULL on `column` through a validated check, as four statements that run one after
/// another outside a transaction (for a down that re-creates a column).
pub(crate) fn not_null_inline(cx: &Cx, table: &str, column: &str) -> Vec<Statement> {
    not_null::via_check(table, column, cx, 0)
        .into_iter()
        .flat_map(|s| s.up)
        .map(Statement::non_transactional)
        .collect()
}

/// Why `column` of `table` cannot move to a new column exactly, if it cannot: it is (part of)
/// the primary key, a unique or exclusion constraint, a foreign key either way, a check
/// constraint, an identity or serial column, or an index expression.
pub(crate) fn obstacle(schema: &Schema, table: &Table, column: &str) -> Option<String> {
    let key = table.key();
    if let Some(pk) = table.primary_key.as_ref() {
        if pk.columns.iter().any(|c| c == column) {
            return Some(format!("is (part of) the primary key `{}`", pk.name));
        }
    }
    if let Some((t, fk)) = schema
        .references_to(&key)
        .find(|(_, fk)| fk.ref_columns.iter().any(|c| c == column))
    {
        return Some(format!(
            "is referenced by foreign key `{}` of `{}`",
            fk.name,
            t.key()
        ));
    }
    if let Some(fk) = table
        .foreign_keys
        .iter()
        .find(|fk| fk.columns.iter().any(|c| c == column))
    {
        return Some(format!("has foreign key `{}`", fk.name));
    }
    if let Some(u) = table
        .unique_constraints
        .iter()
        .find(|u| u.columns.iter().any(|c| c == column))
    {
        return Some(format!("is in unique constraint `{}`", u.name));
    }
    if let Some(x) = table.exclusion_constraints.iter().find(|x| {
        x.predicate.as_deref().is_some_and(|p| mentions(p, column))
            || x.elements.iter().any(|e| match &e.key {
                IndexKey::Column(c) => c == column,
                IndexKey::Expression { expression } => mentions(expression, column),
            })
    }) {
        return Some(format!("is in exclusion constraint `{}`", x.name));
    }
    if let Some(c) = table
        .check_constraints
        .iter()
        .find(|c| mentions(&c.expression, column))
    {
        return Some(format!("is used by check constraint `{}`", c.name));
    }
    let col = table.column(column)?;
    if col.identity.is_some() || col.serial_sequence.is_some() {
        return Some("is an identity or serial column (its sequence belongs to it)".into());
    }
    if col
        .default
        .as_deref()
        .is_some_and(|d| d.contains("nextval("))
    {
        return Some("takes its default from a sequence".into());
    }
    indexes_on(table, column).err()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn mentions_finds_whole_identifiers_only() {
        assert!(mentions("score >= 0", "score"));
        assert!(mentions("(\"Score\" > 1)", "Score"));
        assert!(!mentions("scores >= 0", "score"));
        assert!(!mentions("my_score >= 0", "score"));
    }

    #[test]
    fn trigger_names_fit_postgres_limit_and_follow_the_schema() {
        let t = Trigger::new("audit.events", &"x".repeat(80));
        assert_eq!(t.name.len(), 63);
        let create = t.create("    NEW.a := 1;\n", false);
        assert!(create[0]
            .sql
            .starts_with("CREATE OR REPLACE FUNCTION audit."));
        assert!(create[1].sql.contains("ON audit.events"));
        assert_eq!(create[0].lock, LockMode::None);
    }
}
