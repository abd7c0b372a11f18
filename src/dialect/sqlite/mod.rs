//! SQLite 3.35+: the SQL of every operation kind.
//!
//! What `ALTER TABLE` can do is done with it: `ADD COLUMN` (when the column has no PRIMARY
//! KEY/UNIQUE, no expression or `CURRENT_*` default, a non-NULL default when NOT NULL, and is
//! not a STORED generated column), `RENAME COLUMN`, `RENAME TO`, `DROP COLUMN` (3.35: when
//! the column is in no key, index, constraint, foreign key, generated column, view or
//! trigger), and `CREATE`/`DROP INDEX`. Everything else (type changes, NOT NULL, defaults,
//! foreign keys, CHECK/UNIQUE constraints, dropping an indexed or referenced column) is the
//! documented 12-step rebuild (<https://www.sqlite.org/lang_altertable.html>, "Making Other
//! Kinds Of Table Schema Changes"): `PRAGMA foreign_keys=OFF` outside the transaction,
//! `BEGIN`, `CREATE TABLE "new_X"`, `INSERT INTO "new_X" SELECT …`, `DROP TABLE "X"`,
//! `ALTER TABLE "new_X" RENAME TO "X"`, the indexes, triggers and views again,
//! `PRAGMA foreign_key_check`, `COMMIT`, `PRAGMA foreign_keys=ON`.
//!
//! Up and down are computed the same way, from the table before and the table after, so the
//! down file is the exact inverse (columns back in their places). Enums are refused: SQLite
//! has none; the error says to use a CHECK (`col IN (…)`) constraint.
//!
//! The model after an operation is obtained by running its SQL in an in-memory database
//! holding the schema before and reading it back, so the planner's model and the database
//! the files produce cannot disagree.

pub mod verify;

use crate::dialect::{EngineLock, LockMode};
use crate::plan::ops::Statement;
use crate::plan::resolve::Resolved;
use crate::plan::{Operation, Phase, Plan, PlanError, Step, StrategyOptions};
use crate::schema::live::sqlite::{self as loader, quote};
use crate::schema::Engine;
use crate::schema::{Column, ForeignKey, Index, IndexKey, Schema, Table};

/// The SQLite engine.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sqlite;

/// What a write transaction holds on SQLite, for reports.
pub const LOCK_DESCRIPTION: &str =
    "SQLite write transaction: the whole database file is locked for writers; readers continue in WAL mode and wait in rollback-journal mode";

impl crate::dialect::Dialect for Sqlite {
    fn engine(&self) -> Engine {
        Engine::Sqlite
    }
    fn name(&self) -> &'static str {
        "sqlite"
    }
    fn display_name(&self) -> &'static str {
        "SQLite"
    }
    fn supports_concurrent_index(&self) -> bool {
        false
    }
    fn default_key(&self) -> &'static str {
        "id integer PRIMARY KEY AUTOINCREMENT"
    }
    fn ident(&self, name: &str) -> String {
        ident(name)
    }
    fn literal(&self, value: &str) -> String {
        literal(value)
    }
    fn statements(&self, op: &Operation, before: &Schema) -> Result<Vec<Statement>, PlanError> {
        statements(op, before)
    }
    fn build(
        &self,
        description: &str,
        before: &Schema,
        resolved: Resolved,
        _opts: &StrategyOptions,
    ) -> Plan {
        build(description, before, resolved)
    }
    /// The operation's SQL run in an in-memory SQLite holding the schema, read back.
    fn apply(&self, op: &Operation, schema: &mut Schema) -> Result<(), PlanError> {
        op.validate(schema)?;
        *schema = apply(op, schema)?;
        Ok(())
    }
    fn describe_lock(&self, statement: &Statement) -> String {
        match &statement.engine_lock {
            Some(lock) => lock.description.clone(),
            None => LOCK_DESCRIPTION.to_string(),
        }
    }
}

/// The plan: one phase holding every operation (SQLite has no concurrent index builds and no
/// online DDL to split for), its down the inverse of each operation in reverse order. The
/// phase is transactional unless it holds a rebuild, whose statements manage their own
/// transaction (`PRAGMA foreign_keys` is a no-op inside one).
pub fn build(description: &str, before: &Schema, resolved: Resolved) -> Plan {
    let Resolved {
        mut operations,
        mut decisions,
        already_true,
        after,
    } = resolved.without_concurrent_builds();
    operations.iter_mut().for_each(rowid_keys);
    let mut up = vec![];
    let mut downs: Vec<Vec<Step>> = vec![];
    let mut caveats = vec![];
    let mut schema = before.clone();
    let mut failed = None;
    for op in &operations {
        let result = statements(op, &schema).and_then(|u| {
            let d = down_statements(op, &schema)?;
            let next = apply(op, &schema)?;
            Ok((u, d, next))
        });
        match result {
            Ok((u, d, next)) => {
                let rows = op
                    .table()
                    .and_then(|t| schema.table(t))
                    .and_then(|t| t.rows());
                up.extend(u.into_iter().map(|s| step(s, rows)));
                let down_rows = op
                    .table()
                    .and_then(|t| next.table(t))
                    .and_then(|t| t.rows());
                downs.push(d.into_iter().map(|s| step(s, down_rows)).collect());
                if let Some(c) = op.inverse_caveat() {
                    caveats.push(c);
                }
                schema = next;
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    if let Some(e) = failed {
        decisions.push(format!("nothing generated: {e}"));
        return Plan {
            description: description.to_string(),
            operations,
            phases: vec![],
            decisions,
            already_true,
            before: before.clone(),
            after,
        };
    }
    let rebuilds = up.iter().any(|s: &Step| s.statement.sql == "BEGIN");
    if rebuilds {
        decisions.push(
            "SQLite: the table is rebuilt (the 12 steps of https://www.sqlite.org/lang_altertable.html): created anew, rows copied, old table dropped, the new one renamed, indexes, triggers and views re-created, foreign keys checked; the file runs outside a transaction wrapper because PRAGMA foreign_keys cannot change inside one".into(),
        );
    }
    let down: Vec<Step> = downs.into_iter().rev().flatten().collect();
    let transactional = !rebuilds && !down.iter().any(|s| s.statement.sql == "BEGIN");
    Plan {
        description: description.to_string(),
        phases: vec![Phase {
            name: "schema".into(),
            transactional,
            reason: (!transactional).then(|| {
                "a table rebuild manages its own transaction (PRAGMA foreign_keys=OFF must run outside it)".to_string()
            }),
            operations: (0..operations.len()).collect(),
            settings: vec![],
            up,
            down,
            down_caveats: caveats,
            deploy: vec![],
        }],
        operations,
        decisions,
        already_true,
        before: before.clone(),
        after: schema,
    }
}

/// Rows a rebuild copies per second, for the estimate: measured 2.18 s for the whole rebuild of
/// a 1,000,000-row, 4-column table with one secondary index (bundled SQLite 3 CLI, this repo's
/// 2-core CI machine), rounded to 500,000 rows/s.
pub const COPY_ROWS_PER_SECOND: f64 = 500_000.0;

fn step(statement: Statement, rows: Option<u64>) -> Step {
    let copies = statement.rewrites_table || statement.scans_table;
    let (estimated_seconds, estimate_inputs) = match (copies, rows) {
        (true, Some(n)) => (
            n as f64 / COPY_ROWS_PER_SECOND,
            Some(format!(
                "{n} rows at {COPY_ROWS_PER_SECOND:.0} rows/s (SQLite row copy)"
            )),
        ),
        _ => (0.0, None),
    };
    Step {
        statement,
        estimated_seconds,
        estimate_inputs,
        rows,
        shape: None,
    }
}

/// An identifier, quoted when it is not a plain lower-case word or is a keyword.
pub fn ident(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "abort",
        "action",
        "add",
        "all",
        "alter",
        "and",
        "as",
        "asc",
        "between",
        "by",
        "case",
        "check",
        "collate",
        "column",
        "commit",
        "constraint",
        "create",
        "cross",
        "current",
        "default",
        "delete",
        "desc",
        "distinct",
        "drop",
        "else",
        "end",
        "escape",
        "except",
        "exists",
        "filter",
        "foreign",
        "from",
        "full",
        "generated",
        "glob",
        "group",
        "having",
        "if",
        "in",
        "index",
        "inner",
        "insert",
        "intersect",
        "into",
        "is",
        "isnull",
        "join",
        "key",
        "left",
        "like",
        "limit",
        "match",
        "natural",
        "no",
        "not",
        "notnull",
        "null",
        "of",
        "offset",
        "on",
        "or",
        "order",
        "outer",
        "over",
        "primary",
        "references",
        "regexp",
        "rename",
        "replace",
        "right",
        "rowid",
        "select",
        "set",
        "table",
        "then",
        "to",
        "transaction",
        "union",
        "unique",
        "update",
        "using",
        "values",
        "view",
        "when",
        "where",
        "window",
        "with",
        "without",
    ];
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain && !KEYWORDS.contains(&name) {
        name.to_string()
    } else {
        quote(name)
    }
}

/// A string literal.
pub fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn refuse(what: &str) -> PlanError {
    PlanError::Invalid(format!("SQLite: {what}"))
}

/// A default as SQLite accepts it: `now()` becomes `CURRENT_TIMESTAMP`, PostgreSQL casts
/// (`'a'::text`) lose their cast, anything that is not a literal or keyword is parenthesized.
pub fn default_sql(expr: &str) -> String {
    let e = expr.trim();
    let lower = e.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "now()"
            | "current_timestamp"
            | "current_timestamp()"
            | "localtimestamp"
            | "transaction_timestamp()"
    ) {
        return "CURRENT_TIMESTAMP".into();
    }
    if lower == "current_date" || lower == "current_time" {
        return e.to_ascii_uppercase();
    }
    let e = match e.rfind("::") {
        Some(i) if e.starts_with('\'') && e[..i].ends_with('\'') => &e[..i],
        _ => e,
    };
    let simple = e.starts_with('(')
        || (e.starts_with('\'') && e.ends_with('\'') && e.len() >= 2)
        || e.parse::<f64>().is_ok()
        || matches!(e.to_ascii_lowercase().as_str(), "null" | "true" | "false")
        || (e.starts_with("X'") || e.starts_with("x'"));
    if simple {
        e.to_string()
    } else {
        format!("({e})")
    }
}

/// A new table's auto-numbered single-column key (`id bigint GENERATED BY DEFAULT AS
/// IDENTITY` in the model, as migsmith adds it) as SQLite numbers rows: `integer PRIMARY KEY
/// AUTOINCREMENT`, the rowid, which is what Rails and Django create. Spelled `bigint PRIMARY
/// KEY` it would be an ordinary NOT NULL column, and an insert without an id would fail.
fn rowid_keys(op: &mut Operation) {
    let Operation::CreateTable(o) = op else {
        return;
    };
    let t = &mut o.definition;
    let Some([key]) = t.primary_key.as_ref().map(|pk| pk.columns.as_slice()) else {
        return;
    };
    let key = key.clone();
    if let Some(c) = t.columns.iter_mut().find(|c| c.name == key) {
        let integer = matches!(
            c.data_type.to_ascii_lowercase().as_str(),
            "bigint" | "integer" | "int" | "int8" | "int4" | "smallint"
        );
        if c.identity.is_some() && integer {
            c.identity = None;
            c.data_type = "integer".into();
            c.options.auto_increment = true;
            // Unnamed, as the frameworks write it (the loader's name for an unnamed key).
            if let Some(pk) = t.primary_key.as_mut() {
                pk.name = "pkey".into();
            }
        }
    }
}

/// A type as SQLite keeps it: lower-case; on a STRICT table one of its six types.
pub fn type_sql(data_type: &str, strict: bool) -> String {
    let t = data_type.trim().to_ascii_lowercase();
    if !strict {
        return t;
    }
    let base = t.split('(').next().unwrap_or("").trim();
    let out = match base {
        "int" | "integer" | "any" | "real" | "text" | "blob" => base,
        b if b.contains("int") || b == "boolean" || b == "bool" => "integer",
        b if b.contains("char") || b.contains("text") || b.contains("clob") => "text",
        "uuid" | "json" | "jsonb" | "date" | "datetime" | "time" | "timestamp" | "timestamptz" => {
            "text"
        }
        b if b.contains("real") || b.contains("floa") || b.contains("doub") => "real",
        "numeric" | "decimal" => "real",
        "bytea" => "blob",
        _ => "any",
    };
    out.to_string()
}

fn column_sql(t: &Table, c: &Column) -> String {
    let mut s = ident(&c.name);
    let ty = type_sql(&c.data_type, t.options.strict);
    if !ty.is_empty() {
        s.push(' ');
        s.push_str(&ty);
    }
    if let Some(pk) = &t.primary_key {
        if c.options.auto_increment && pk.columns == [c.name.clone()] {
            s.push_str(&format!(
                "{} PRIMARY KEY AUTOINCREMENT",
                constraint(&pk.name, "pkey")
            ));
        }
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(&default_sql(d));
    }
    if let Some(coll) = &c.options.collation {
        s.push_str(" COLLATE ");
        s.push_str(coll);
    }
    if let Some(g) = &c.options.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expression,
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
    }
    // A check named as the loader names an unnamed column check stays an unnamed column check.
    if let Some(check) = inline_check(t, c) {
        s.push_str(&format!(" CHECK ({})", check.expression));
    }
    s
}

/// The check written on column `c` (unnamed), when its name is the loader's name for one.
fn inline_check<'a>(t: &'a Table, c: &Column) -> Option<&'a crate::schema::CheckConstraint> {
    let name = format!("{}_check", c.name);
    t.check_constraints.iter().find(|k| k.name == name)
}

/// ` CONSTRAINT name`, or nothing when `name` is the one the loader gives the unnamed
/// constraint (so unnamed constraints stay unnamed, and SQLite's renames rename them the way
/// they rename the real database's).
fn constraint(name: &str, implicit: &str) -> String {
    if name == implicit {
        String::new()
    } else {
        format!(" CONSTRAINT {}", ident(name))
    }
}

/// `CONSTRAINT name ` (with its trailing space) or nothing, for table constraints.
fn table_constraint(name: &str, implicit: &str) -> String {
    match constraint(name, implicit).trim_start() {
        "" => String::new(),
        named => format!("{named} "),
    }
}

fn list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn fk_sql(fk: &ForeignKey) -> String {
    let mut s = format!(
        "{}FOREIGN KEY ({}) REFERENCES {}",
        table_constraint(&fk.name, &format!("{}_fkey", fk.columns.join("_"))),
        list(&fk.columns),
        ident(&fk.ref_table)
    );
    if !fk.ref_columns.is_empty() {
        s.push_str(&format!(" ({})", list(&fk.ref_columns)));
    }
    if fk.on_delete != crate::schema::FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if fk.on_update != crate::schema::FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if fk.deferrable {
        s.push_str(if fk.initially_deferred {
            " DEFERRABLE INITIALLY DEFERRED"
        } else {
            " DEFERRABLE INITIALLY IMMEDIATE"
        });
    }
    s
}

/// `CREATE TABLE name (…)` for the table model, every constraint named.
pub fn create_table_sql(t: &Table, name: &str) -> String {
    let mut parts: Vec<String> = t.columns.iter().map(|c| column_sql(t, c)).collect();
    if let Some(pk) = &t.primary_key {
        let inline = pk.columns.len() == 1
            && t.column(&pk.columns[0])
                .is_some_and(|c| c.options.auto_increment);
        if !inline {
            parts.push(format!(
                "{}PRIMARY KEY ({})",
                table_constraint(&pk.name, "pkey"),
                list(&pk.columns)
            ));
        }
    }
    for u in &t.unique_constraints {
        parts.push(format!(
            "{}UNIQUE ({})",
            table_constraint(&u.name, &format!("{}_key", u.columns.join("_"))),
            list(&u.columns)
        ));
    }
    let mut unnamed_checks = 0;
    for c in &t.check_constraints {
        if t.columns
            .iter()
            .any(|col| inline_check(t, col).is_some_and(|k| k.name == c.name))
        {
            continue;
        }
        // The loader names unnamed table checks `check`, `check1`, `check2`… in order.
        let implicit = match unnamed_checks {
            0 => "check".to_string(),
            n => format!("check{n}"),
        };
        if c.name == implicit {
            unnamed_checks += 1;
        }
        parts.push(format!(
            "{}CHECK ({})",
            table_constraint(&c.name, &implicit),
            c.expression
        ));
    }
    for fk in &t.foreign_keys {
        parts.push(fk_sql(fk));
    }
    let mut tail = vec![];
    if t.options.without_rowid {
        tail.push("WITHOUT ROWID");
    }
    if t.options.strict {
        tail.push("STRICT");
    }
    format!(
        "CREATE TABLE {} (\n  {}\n){}",
        ident(name),
        parts.join(",\n  "),
        if tail.is_empty() {
            String::new()
        } else {
            format!(" {}", tail.join(", "))
        }
    )
}

/// `CREATE [UNIQUE] INDEX`.
pub fn create_index_sql(table: &str, i: &Index) -> String {
    let keys: Vec<String> = i
        .columns
        .iter()
        .map(|k| match k {
            IndexKey::Column(c) => ident(c),
            IndexKey::Expression { expression } => expression.clone(),
        })
        .collect();
    let mut s = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if i.unique { "UNIQUE " } else { "" },
        ident(&i.name),
        ident(table),
        keys.join(", ")
    );
    if let Some(p) = &i.predicate {
        s.push_str(" WHERE ");
        s.push_str(p);
    }
    s
}

/// The whole schema as SQLite DDL (tables, indexes, then views and triggers from the notes).
pub fn schema_sql(schema: &Schema) -> Vec<String> {
    let mut out = vec![];
    for t in schema.tables.values() {
        out.push(create_table_sql(t, &t.name));
    }
    for t in schema.tables.values() {
        for i in &t.indexes {
            out.push(create_index_sql(&t.name, i));
        }
    }
    out.extend(schema.notes.iter().cloned());
    out
}

fn lookup<'a>(schema: &'a Schema, table: &str) -> Result<&'a Table, PlanError> {
    schema.table(table).ok_or_else(|| PlanError::UnknownTable {
        table: table.to_string(),
        suggestions: crate::schema::did_you_mean(table, schema.tables.keys().map(String::as_str)),
    })
}

fn column_mut<'a>(t: &'a mut Table, column: &str) -> Result<&'a mut Column, PlanError> {
    let key = t.name.clone();
    let names: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    t.column_mut(column)
        .ok_or_else(|| PlanError::UnknownColumn {
            table: key,
            column: column.to_string(),
            suggestions: crate::schema::did_you_mean(column, names.iter().map(String::as_str)),
        })
}

/// The table `op` changes, as it is after `op` (for the ops that change one table's
/// definition in place).
fn table_after(op: &Operation, before: &Schema) -> Result<Option<(Table, Table)>, PlanError> {
    let Some(name) = op.table() else {
        return Ok(None);
    };
    let old = match op {
        Operation::CreateTable(_) => return Ok(None),
        _ => lookup(before, name)?.clone(),
    };
    let mut t = old.clone();
    match op {
        Operation::AddColumn(o) => {
            let mut c = o.column.clone();
            c.data_type = type_sql(&c.data_type, t.options.strict);
            c.default = c.default.as_deref().map(default_sql);
            t.columns.push(c);
        }
        Operation::DropColumn(o) => {
            column_mut(&mut t, &o.column)?;
            let col = o.column.clone();
            t.columns.retain(|c| c.name != col);
            t.indexes.retain(|i| {
                !i.columns.iter().any(|k| match k {
                    IndexKey::Column(c) => *c == col,
                    IndexKey::Expression { expression } => loader::mentions(expression, &col),
                }) && !i
                    .predicate
                    .as_deref()
                    .is_some_and(|p| loader::mentions(p, &col))
            });
            t.unique_constraints.retain(|u| !u.columns.contains(&col));
            t.check_constraints
                .retain(|c| !loader::mentions(&c.expression, &col));
            t.foreign_keys.retain(|f| !f.columns.contains(&col));
            if t.primary_key
                .as_ref()
                .is_some_and(|p| p.columns.contains(&col))
            {
                return Err(refuse(&format!(
                    "`{}.{col}` is part of the primary key; drop it with a table rebuild you write yourself, after choosing a new key",
                    t.name
                )));
            }
        }
        Operation::ChangeColumnType(o) => {
            let strict = t.options.strict;
            let c = column_mut(&mut t, &o.column)?;
            c.data_type = type_sql(&o.to_type, strict);
            if c.options.auto_increment && c.data_type != "integer" {
                return Err(refuse(&format!(
                    "`{}` is an INTEGER PRIMARY KEY AUTOINCREMENT (the rowid); its type cannot change",
                    o.column
                )));
            }
        }
        Operation::SetNotNull(o) => column_mut(&mut t, &o.column)?.nullable = false,
        Operation::DropNotNull(o) => column_mut(&mut t, &o.column)?.nullable = true,
        Operation::SetDefault(o) => {
            column_mut(&mut t, &o.column)?.default = Some(default_sql(&o.default))
        }
        Operation::DropDefault(o) => column_mut(&mut t, &o.column)?.default = None,
        Operation::AddForeignKey(o) => t.foreign_keys.push(o.foreign_key.clone()),
        Operation::DropForeignKey(o) => t.foreign_keys.retain(|f| f.name != o.foreign_key.name),
        Operation::AddUniqueConstraint(o) => {
            t.unique_constraints.push(crate::schema::UniqueConstraint {
                name: o.name.clone(),
                columns: o.columns.clone(),
            });
            t.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Operation::AddCheckConstraint(o) => {
            t.check_constraints.push(crate::schema::CheckConstraint {
                name: o.name.clone(),
                expression: o.expression.clone(),
                validated: true,
            })
        }
        Operation::DropConstraint(o) => {
            t.unique_constraints.retain(|u| u.name != o.name);
            t.check_constraints.retain(|c| c.name != o.name);
        }
        _ => return Ok(None),
    }
    Ok(Some((old, t)))
}

/// Whether `ALTER TABLE … ADD COLUMN` can add `c` (SQLite's documented restrictions).
fn addable(c: &Column, t: &Table) -> bool {
    let default_ok = match c.default.as_deref().map(str::trim) {
        None => c.nullable,
        Some(d) => {
            let u = d.to_ascii_uppercase();
            !d.starts_with('(') && !u.starts_with("CURRENT_") && (u != "NULL" || c.nullable)
        }
    };
    let in_key = t
        .primary_key
        .as_ref()
        .is_some_and(|p| p.columns.contains(&c.name))
        || t.unique_constraints
            .iter()
            .any(|u| u.columns.contains(&c.name));
    let stored = c.options.generated.as_ref().is_some_and(|g| g.stored);
    default_ok && !in_key && !stored && !c.options.auto_increment
}

/// Whether `ALTER TABLE … DROP COLUMN` can drop `column` from `t` (the 3.35 rules).
fn droppable(column: &str, t: &Table, schema: &Schema) -> bool {
    let m = |text: &str| loader::mentions(text, column);
    let in_pk = t
        .primary_key
        .as_ref()
        .is_some_and(|p| p.columns.iter().any(|c| c == column));
    let in_unique = t
        .unique_constraints
        .iter()
        .any(|u| u.columns.iter().any(|c| c == column));
    let in_index = t.indexes.iter().any(|i| {
        i.columns.iter().any(|k| match k {
            IndexKey::Column(c) => c == column,
            IndexKey::Expression { expression } => m(expression),
        }) || i.predicate.as_deref().is_some_and(m)
    });
    let in_check = t.check_constraints.iter().any(|c| m(&c.expression));
    let in_fk = t
        .foreign_keys
        .iter()
        .any(|f| f.columns.iter().any(|c| c == column));
    let referenced = schema
        .references_to(&t.name)
        .any(|(_, f)| f.ref_columns.iter().any(|c| c == column));
    let in_generated = t.columns.iter().any(|c| {
        c.options
            .generated
            .as_ref()
            .is_some_and(|g| m(&g.expression))
    });
    let in_dependent = schema
        .dependencies
        .iter()
        .any(|d| d.table == t.name && d.columns.iter().any(|c| c == column));
    !(in_pk
        || in_unique
        || in_index
        || in_check
        || in_fk
        || referenced
        || in_generated
        || in_dependent)
}

fn stmt(sql: String, table: &str) -> Statement {
    let mut s = Statement::metadata(sql, LockMode::Exclusive, table);
    s.engine_lock = Some(EngineLock {
        algorithm: "ALTER",
        blocks_reads: false,
        blocks_writes: true,
        description: LOCK_DESCRIPTION.to_string(),
    });
    s
}

fn rebuild_lock(table: &str) -> EngineLock {
    EngineLock {
        algorithm: "REBUILD",
        blocks_reads: false,
        blocks_writes: true,
        description: format!(
            "table rebuild: copies every row of `{table}` inside one write transaction; {LOCK_DESCRIPTION}"
        ),
    }
}

/// The views and triggers (from the notes) that name `table`.
fn dependents_sql(schema: &Schema, table: &str) -> Vec<(String, String, String)> {
    schema
        .notes
        .iter()
        .filter_map(|n| {
            let lower = n.to_ascii_lowercase();
            let kind = if lower.starts_with("create view") || lower.starts_with("create temp") {
                "VIEW"
            } else if lower.starts_with("create trigger") {
                "TRIGGER"
            } else {
                return None;
            };
            let name = object_name(n)?;
            (loader::mentions(n, table)).then(|| (kind.to_string(), name, n.clone()))
        })
        .collect()
}

/// Whether a `CREATE TRIGGER` is on `table` (`… ON table …` before its body).
fn trigger_on(sql: &str, table: &str) -> bool {
    let head = sql
        .split_whitespace()
        .take_while(|w| !w.eq_ignore_ascii_case("BEGIN"));
    let words: Vec<&str> = head.collect();
    words.windows(2).any(|w| {
        w[0].eq_ignore_ascii_case("ON")
            && w[1]
                .trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
                .eq_ignore_ascii_case(table)
    })
}

/// The object name of a `CREATE VIEW|TRIGGER [IF NOT EXISTS] name`.
fn object_name(sql: &str) -> Option<String> {
    let mut words = sql.split_whitespace().skip(2);
    let mut w = words.next()?;
    if w.eq_ignore_ascii_case("if") {
        words.next();
        words.next();
        w = words.next()?;
    }
    let w = w.split('(').next().unwrap_or(w);
    Some(
        w.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
            .to_string(),
    )
}

/// The 12-step rebuild of `from` into `to` (same name), copying the columns both have.
pub fn rebuild(from: &Table, to: &Table, schema: &Schema) -> Result<Vec<Statement>, PlanError> {
    let name = &from.name;
    let tmp = format!("new_{name}");
    let copied: Vec<&Column> = to
        .columns
        .iter()
        .filter(|c| c.options.generated.is_none())
        .filter(|c| {
            from.column(&c.name)
                .is_some_and(|o| o.options.generated.is_none())
        })
        .collect();
    let dropped: Vec<&str> = from
        .columns
        .iter()
        .filter(|c| to.column(&c.name).is_none())
        .map(|c| c.name.as_str())
        .collect();
    let deps = dependents_sql(schema, name);
    if let Some((kind, dep, _)) = deps
        .iter()
        .find(|(_, _, sql)| dropped.iter().any(|c| loader::mentions(sql, c)))
    {
        return Err(refuse(&format!(
            "{} `{dep}` uses a column this change removes from `{name}`; drop or change it first",
            kind.to_ascii_lowercase()
        )));
    }
    let cols = copied
        .iter()
        .map(|c| ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = vec![
        stmt("PRAGMA foreign_keys=OFF".into(), name).non_transactional(),
        stmt("BEGIN".into(), name).non_transactional(),
    ];
    for (kind, dep, _) in &deps {
        out.push(stmt(format!("DROP {kind} {}", ident(dep)), name));
    }
    out.push(stmt(create_table_sql(to, &tmp), name));
    out.push(
        stmt(
            format!(
                "INSERT INTO {} ({cols}) SELECT {cols} FROM {}",
                ident(&tmp),
                ident(name)
            ),
            name,
        )
        .rewriting(),
    );
    out.push(stmt(format!("DROP TABLE {}", ident(name)), name));
    out.push(stmt(
        format!("ALTER TABLE {} RENAME TO {}", ident(&tmp), ident(name)),
        name,
    ));
    for i in &to.indexes {
        out.push(stmt(create_index_sql(name, i), name));
    }
    for (_, _, sql) in &deps {
        out.push(stmt(sql.clone(), name));
    }
    out.push(stmt(format!("PRAGMA foreign_key_check({})", ident(name)), name).scanning());
    out.push(stmt("COMMIT".into(), name).non_transactional());
    out.push(stmt("PRAGMA foreign_keys=ON".into(), name).non_transactional());
    for s in &mut out {
        s.engine_lock = Some(rebuild_lock(name));
    }
    Ok(out)
}

/// Whether a statement list is a rebuild (manages its own transaction).
pub fn is_rebuild(statements: &[Statement]) -> bool {
    statements.iter().any(|s| s.sql == "BEGIN")
}

/// Statements taking the table `from` to `to` in `schema`: one `ALTER TABLE` when SQLite can
/// do it in place, else the rebuild.
fn transition(from: &Table, to: &Table, schema: &Schema) -> Result<Vec<Statement>, PlanError> {
    let name = &from.name;
    let same_but_columns = |a: &Table, b: &Table| {
        a.primary_key == b.primary_key
            && a.unique_constraints == b.unique_constraints
            && a.check_constraints == b.check_constraints
            && a.foreign_keys == b.foreign_keys
            && a.indexes == b.indexes
            && a.options == b.options
    };
    // ADD COLUMN at the end.
    if to.columns.len() == from.columns.len() + 1
        && to.columns[..from.columns.len()] == from.columns[..]
        && same_but_columns(from, to)
    {
        let c = to.columns.last().expect("one more column");
        if addable(c, to) {
            return Ok(vec![stmt(
                format!(
                    "ALTER TABLE {} ADD COLUMN {}",
                    ident(name),
                    column_sql(to, c)
                ),
                name,
            )]);
        }
    }
    // DROP COLUMN.
    if to.columns.len() + 1 == from.columns.len() && same_but_columns(from, to) {
        let gone: Vec<&Column> = from
            .columns
            .iter()
            .filter(|c| to.column(&c.name).is_none())
            .collect();
        if let [c] = gone[..] {
            let rest: Vec<&Column> = from.columns.iter().filter(|o| o.name != c.name).collect();
            if rest.iter().copied().eq(to.columns.iter()) && droppable(&c.name, from, schema) {
                return Ok(vec![stmt(
                    format!("ALTER TABLE {} DROP COLUMN {}", ident(name), ident(&c.name)),
                    name,
                )]);
            }
        }
    }
    rebuild(from, to, schema)
}

fn enum_refusal() -> PlanError {
    refuse("SQLite has no enum types; add a CHECK constraint instead, e.g. \"add check (status in ('draft', 'published')) on posts\"")
}

/// The statements of `op` against the schema `before`.
pub fn statements(op: &Operation, before: &Schema) -> Result<Vec<Statement>, PlanError> {
    match op {
        Operation::CreateEnum(_)
        | Operation::DropEnum(_)
        | Operation::AddEnumValue(_)
        | Operation::RemoveEnumValue(_) => return Err(enum_refusal()),
        Operation::CreateTable(o) => {
            let mut out = vec![stmt(create_table_sql(&o.definition, &o.table), &o.table)];
            for i in &o.definition.indexes {
                out.push(stmt(create_index_sql(&o.table, i), &o.table));
            }
            return Ok(out);
        }
        Operation::DropTable(o) => {
            lookup(before, &o.table)?;
            let views: Vec<String> = dependents_sql(before, &o.table)
                .into_iter()
                .filter(|(kind, _, _)| kind == "VIEW")
                .map(|(_, name, _)| name)
                .collect();
            if !views.is_empty() && !o.cascade {
                return Err(refuse(&format!(
                    "view {} uses `{}` (SQLite would leave it broken); drop it first, or pass --cascade to drop it too",
                    views.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "),
                    o.table
                )));
            }
            let mut out: Vec<Statement> = views
                .iter()
                .map(|v| stmt(format!("DROP VIEW {}", ident(v)), &o.table))
                .collect();
            out.push(stmt(format!("DROP TABLE {}", ident(&o.table)), &o.table));
            return Ok(out);
        }
        Operation::RenameTable(o) => {
            lookup(before, &o.from)?;
            return Ok(vec![stmt(
                format!("ALTER TABLE {} RENAME TO {}", ident(&o.from), ident(&o.to)),
                &o.from,
            )]);
        }
        Operation::RenameColumn(o) => {
            lookup(before, &o.table)?;
            return Ok(vec![stmt(
                format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    ident(&o.table),
                    ident(&o.from),
                    ident(&o.to)
                ),
                &o.table,
            )]);
        }
        Operation::AddIndex(o) => {
            return Ok(vec![stmt(create_index_sql(&o.table, &o.index), &o.table)])
        }
        Operation::DropIndex(o) => {
            return Ok(vec![stmt(
                format!("DROP INDEX {}", ident(&o.index.name)),
                &o.table,
            )])
        }
        Operation::Backfill(o) => {
            let mut sql = format!(
                "UPDATE {} SET {} = {}",
                ident(&o.table),
                ident(&o.column),
                o.value
            );
            match &o.condition {
                Some(c) => sql.push_str(&format!(" WHERE {c}")),
                None => sql.push_str(&format!(" WHERE {} IS NULL", ident(&o.column))),
            }
            return Ok(vec![stmt(sql, &o.table).rewriting()]);
        }
        _ => {}
    }
    match table_after(op, before)? {
        Some((from, to)) => transition(&from, &to, before),
        None => Err(refuse(&format!("`{}` is not supported", op.name()))),
    }
}

/// The statements that undo `op`, against the schema `before` it (so the table comes back
/// exactly: columns in their places, constraints with their names).
pub fn down_statements(op: &Operation, before: &Schema) -> Result<Vec<Statement>, PlanError> {
    let after = apply(op, before)?;
    match op {
        Operation::CreateTable(o) => Ok(vec![stmt(
            format!("DROP TABLE {}", ident(&o.table)),
            &o.table,
        )]),
        Operation::DropTable(o) => {
            let t = lookup(before, &o.table)?;
            let mut out = vec![stmt(create_table_sql(t, &t.name), &t.name)];
            for i in &t.indexes {
                out.push(stmt(create_index_sql(&t.name, i), &t.name));
            }
            // Its triggers went with it; views only with --cascade (else they were refused).
            for (kind, _, sql) in dependents_sql(before, &o.table) {
                if kind == "TRIGGER" && trigger_on(&sql, &o.table) || kind == "VIEW" && o.cascade {
                    out.push(stmt(sql, &o.table));
                }
            }
            Ok(out)
        }
        Operation::RenameTable(o) => Ok(vec![stmt(
            format!("ALTER TABLE {} RENAME TO {}", ident(&o.to), ident(&o.from)),
            &o.to,
        )]),
        Operation::RenameColumn(o) => Ok(vec![stmt(
            format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                ident(&o.table),
                ident(&o.to),
                ident(&o.from)
            ),
            &o.table,
        )]),
        Operation::AddIndex(o) => Ok(vec![stmt(
            format!("DROP INDEX {}", ident(&o.index.name)),
            &o.table,
        )]),
        Operation::DropIndex(o) => Ok(vec![stmt(create_index_sql(&o.table, &o.index), &o.table)]),
        Operation::Backfill(_) => Ok(vec![]),
        _ => {
            let name = op.table().unwrap_or_default();
            let (from, to) = (lookup(&after, name)?, lookup(before, name)?);
            transition(from, to, &after)
        }
    }
}

/// Run `sql` in order on `conn`; a statement that returns rows (PRAGMA foreign_key_check)
/// fails when it returns any.
pub fn run(conn: &rusqlite::Connection, statements: &[String]) -> Result<(), String> {
    for sql in statements {
        let mut s = conn.prepare(sql).map_err(|e| format!("{sql}: {e}"))?;
        let mut rows = s.raw_query();
        if let Some(_row) = rows.next().map_err(|e| format!("{sql}: {e}"))? {
            if sql.starts_with("PRAGMA foreign_key_check") {
                return Err(format!("{sql}: foreign key violations"));
            }
        }
    }
    Ok(())
}

/// The schema after `op`: its SQL run in an in-memory database holding `before`, read back.
/// Table statistics are carried over (by the new name after a rename).
pub fn apply(op: &Operation, before: &Schema) -> Result<Schema, PlanError> {
    let internal = |e: String| {
        PlanError::Invalid(format!(
            "internal: the generated SQLite SQL does not apply: {e}"
        ))
    };
    let conn = rusqlite::Connection::open_in_memory().map_err(|e| internal(e.to_string()))?;
    run(&conn, &schema_sql(before)).map_err(internal)?;
    let sql: Vec<String> = statements(op, before)?.into_iter().map(|s| s.sql).collect();
    run(&conn, &sql).map_err(internal)?;
    let mut after = loader::load_connection(&conn, loader::Counts::None).map_err(internal)?;
    for (name, t) in after.tables.iter_mut() {
        let old = match op {
            Operation::RenameTable(o) if o.to == *name => o.from.as_str(),
            _ => name.as_str(),
        };
        t.stats = before.table(old).and_then(|b| b.stats);
    }
    after.server = before.server.clone();
    Ok(after)
}
