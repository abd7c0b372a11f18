//! What the estimate needs to know about the table a statement works on: rows, row width,
//! indexes, the key of an index it builds, the rows of a table it references, the expression
//! of a check it validates, and whether an earlier step of the same plan left every row dead
//! behind a new version.

use crate::plan::ops::Statement;
use crate::schema::{Schema, Table};

/// The shape of a statement's table (from the schema the plan was built on, or the seeded table
/// when verifying).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TableShape {
    pub rows: u64,
    /// Indexes on the table, primary key and unique constraints included (at least 1 is
    /// assumed for a table that has rows: the calibrated figures include one).
    pub indexes: usize,
    /// The key of the index the statement builds, when it builds one.
    pub key: Option<KeyShape>,
    /// Heap bytes per row, when known.
    pub width: Option<Width>,
    /// Rows of the table a foreign key references, when known (`None`: as many as `rows`).
    pub parent_rows: Option<u64>,
    /// An earlier step of the same plan updated every row (no VACUUM since): the table holds
    /// as many dead row versions as live ones, none with hint bits set.
    pub churned: bool,
    /// The check constraint the statement adds or validates, when its expression is known
    /// (in the statement, or in the `ADD CONSTRAINT … NOT VALID` of an earlier step).
    pub check: Option<CheckExpr>,
}

/// The key an index build sorts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyShape {
    /// Fixed-width columns only, compared without a collation (integers, timestamps, dates,
    /// uuids): the integer figures; otherwise the text figure.
    pub fixed: bool,
    /// `pg_stats.correlation` of the key's first column, when known: values stored nearly in
    /// key order sort faster than shuffled ones.
    pub correlation: Option<f64>,
}

/// What a check constraint evaluates for every row it validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckExpr {
    /// Comparisons, `IS [NOT] NULL`, `IN (…)`: costs as an `IS NOT NULL` scan.
    Comparison,
    /// A function call (`char_length(c) <= 50`, `lower(email) = email`).
    FunctionCall,
}

impl CheckExpr {
    /// The kind of `expression` (the text inside `CHECK (…)`).
    pub fn of(expression: &str) -> CheckExpr {
        const NOT_CALLS: [&str; 9] = [
            "IN", "ANY", "ALL", "SOME", "NOT", "AND", "OR", "CHECK", "ARRAY",
        ];
        let chars: Vec<char> = expression.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_alphabetic() || chars[i] == '_' {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let mut j = i;
                while j < chars.len() && chars[j].is_whitespace() {
                    j += 1;
                }
                let quoted = start > 0 && chars[start - 1] == '\'';
                if j < chars.len()
                    && chars[j] == '('
                    && !quoted
                    && !NOT_CALLS.contains(&word.to_uppercase().as_str())
                {
                    return CheckExpr::FunctionCall;
                }
            } else if chars[i] == '\'' {
                // Skip a string literal.
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else {
                i += 1;
            }
        }
        CheckExpr::Comparison
    }
}

/// Heap bytes per row (`pg_table_size` over rows, so page and tuple overhead included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Width {
    pub bytes: f64,
    /// Measured on the table (live statistics, a seeded table) rather than guessed from the
    /// column types.
    pub measured: bool,
}

impl Width {
    /// The width of `table`: measured when its statistics have heap bytes and rows, else
    /// from its column types.
    pub fn of(schema: &Schema, table: &Table) -> Width {
        match table.stats {
            Some(s) if s.rows > 0 && s.heap_bytes.is_some_and(|b| b > 0) => Width {
                bytes: s.heap_bytes.unwrap_or_default() as f64 / s.rows as f64,
                measured: true,
            },
            _ => Width {
                bytes: from_types(schema, table),
                measured: false,
            },
        }
    }

    /// The width of a table measured at `heap_bytes` for `rows` rows (`None` when empty).
    pub fn measured(heap_bytes: u64, rows: u64) -> Option<Width> {
        (rows > 0 && heap_bytes > 0).then(|| Width {
            bytes: heap_bytes as f64 / rows as f64,
            measured: true,
        })
    }
}

/// Tuple header (23 bytes, aligned to 24) and line pointer (4) of every heap row.
const ROW_OVERHEAD: f64 = 28.0;
/// PostgreSQL's planner's guess for a variable-width value without statistics
/// (`get_typavgwidth`).
const VARLENA_GUESS: f64 = 32.0;

/// Bytes per row guessed from the column types, the way PostgreSQL's planner does without
/// statistics: fixed-width types their size, `varchar(n)` up to 32 bytes plus half the rest,
/// other variable-width types 32 bytes.
fn from_types(schema: &Schema, table: &Table) -> f64 {
    let data: f64 = table
        .columns
        .iter()
        .map(|c| type_width(schema, &c.data_type))
        .sum();
    ROW_OVERHEAD + data
}

fn type_width(schema: &Schema, data_type: &str) -> f64 {
    let t = data_type.trim().to_lowercase();
    if t.ends_with(']') {
        return VARLENA_GUESS;
    }
    let base = t.split('(').next().unwrap_or_default().trim();
    let fixed = match base {
        "boolean" | "bool" => 1.0,
        "smallint" | "int2" | "smallserial" => 2.0,
        "integer" | "int" | "int4" | "serial" | "real" | "float4" | "date" | "oid" => 4.0,
        "bigint"
        | "int8"
        | "bigserial"
        | "double precision"
        | "float8"
        | "money"
        | "time"
        | "time without time zone"
        | "timestamp"
        | "timestamptz"
        | "timestamp with time zone"
        | "timestamp without time zone" => 8.0,
        "uuid" | "interval" => 16.0,
        "numeric" | "decimal" => 8.0,
        _ => 0.0,
    };
    if fixed > 0.0 {
        return fixed;
    }
    if schema.enums.keys().any(|e| e.eq_ignore_ascii_case(base))
        || schema
            .enums
            .values()
            .any(|e| e.name.eq_ignore_ascii_case(base))
    {
        return 4.0;
    }
    let declared: Option<f64> = t
        .split_once('(')
        .and_then(|(_, rest)| rest.split(')').next())
        .and_then(|n| n.trim().parse().ok());
    match declared {
        Some(n) if n <= VARLENA_GUESS => n + 1.0,
        Some(n) => VARLENA_GUESS + (n - VARLENA_GUESS) / 2.0,
        None => VARLENA_GUESS,
    }
}

impl TableShape {
    /// The shape of `statement`'s table in `schema`, at `rows` rows.
    pub fn of(schema: &Schema, statement: &Statement, rows: u64) -> TableShape {
        let table = statement.table.as_deref().and_then(|t| schema.table(t));
        let indexes = table.map_or(1, |t| {
            t.primary_key.iter().count() + t.unique_constraints.len() + t.indexes.len()
        });
        let key =
            builds_index(&statement.sql).then(|| match (table, index_columns(&statement.sql)) {
                (Some(t), Some(columns)) if !columns.is_empty() => key_shape(t, &columns),
                _ => KeyShape {
                    fixed: false,
                    correlation: None,
                },
            });
        let parent_rows = statement
            .locks
            .iter()
            .find_map(|l| {
                let name = l.object.strip_suffix(" (referenced)")?;
                let name = name.strip_prefix("table ").unwrap_or(name);
                schema.table(name.trim_matches('`'))
            })
            .and_then(|t| t.rows());
        TableShape {
            rows,
            indexes,
            key,
            width: table.map(|t| Width::of(schema, t)),
            parent_rows,
            churned: false,
            check: check_expression(&statement.sql).map(CheckExpr::of),
        }
    }
}

/// The expression of `… CHECK (expression) …` in `sql`, parentheses balanced.
fn check_expression(sql: &str) -> Option<&str> {
    let at = sql.find("CHECK")? + "CHECK".len();
    let open = at + sql[at..].find('(')?;
    let mut depth = 0;
    for (i, c) in sql[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&sql[open + 1..open + i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The name of the constraint `sql` adds (`ADD CONSTRAINT name …`) or validates.
fn constraint_name(sql: &str, keyword: &str) -> Option<String> {
    let rest = &sql[sql.find(keyword)? + keyword.len()..];
    let name = rest.split_whitespace().next()?;
    Some(name.trim_end_matches(';').to_string())
}

/// The key of an index on `columns` of `table`.
fn key_shape(table: &Table, columns: &[String]) -> KeyShape {
    let fixed = columns.iter().all(|c| {
        table
            .column(c)
            .is_some_and(|c| fixed_width_key(&c.data_type))
    });
    KeyShape {
        fixed,
        correlation: columns
            .first()
            .and_then(|c| table.column_correlations.get(c))
            .copied(),
    }
}

/// Types whose values are fixed-width and compared without a collation.
fn fixed_width_key(data_type: &str) -> bool {
    matches!(
        data_type,
        "integer"
            | "int"
            | "int4"
            | "bigint"
            | "int8"
            | "smallint"
            | "int2"
            | "serial"
            | "bigserial"
            | "smallserial"
            | "date"
            | "timestamp"
            | "timestamptz"
            | "timestamp with time zone"
            | "timestamp without time zone"
            | "time"
            | "uuid"
            | "boolean"
            | "oid"
    )
}

/// Whether `sql` builds an index: `CREATE [UNIQUE] INDEX`, or a UNIQUE constraint without a
/// prebuilt index (`ADD … UNIQUE (…)`).
fn builds_index(sql: &str) -> bool {
    let upper = sql.trim_start().to_uppercase();
    (upper.starts_with("CREATE") && upper.contains("INDEX"))
        || (upper.starts_with("ALTER")
            && upper.contains("UNIQUE")
            && !upper.contains("USING INDEX"))
}

/// Whether `statement` updates every row of its table (a full-table UPDATE or a generated
/// batched backfill), leaving a dead version of each for later steps to read.
pub fn updates_every_row(statement: &Statement) -> bool {
    let sql = statement.sql.trim_start();
    statement.scans_table
        && !statement.rewrites_table
        && (sql.starts_with("DO") || sql.starts_with("UPDATE"))
}

/// What earlier statements of a plan tell about later ones, for the shapes of `statements`
/// (in the order they run): a table an earlier one updated in full is `churned`; a `VALIDATE
/// CONSTRAINT` of a check an earlier one added `NOT VALID` evaluates that check's expression.
pub fn mark_plan_order<'a>(
    statements: impl IntoIterator<Item = (&'a Statement, &'a mut TableShape)>,
) {
    let mut updated: Vec<String> = vec![];
    let mut checks: Vec<(String, CheckExpr)> = vec![];
    for (statement, shape) in statements {
        let Some(table) = statement.table.as_ref() else {
            continue;
        };
        if updated.contains(table) {
            shape.churned = true;
        }
        if updates_every_row(statement) {
            updated.push(table.clone());
        }
        let sql = &statement.sql;
        match (constraint_name(sql, "ADD CONSTRAINT"), shape.check) {
            (Some(name), Some(check)) => checks.push((name, check)),
            _ => {
                if let Some(name) = constraint_name(sql, "VALIDATE CONSTRAINT") {
                    if let Some((_, check)) = checks.iter().find(|(n, _)| *n == name) {
                        shape.check = Some(*check);
                    }
                }
            }
        }
    }
}

/// The plain column names a `CREATE [UNIQUE] INDEX … ON t (a, b)` or `ADD … UNIQUE (a, b)` keys
/// on; `None` when the statement builds no index or a key part is an expression.
fn index_columns(sql: &str) -> Option<Vec<String>> {
    let upper = sql.to_uppercase();
    let at = if upper.trim_start().starts_with("CREATE") && upper.contains("INDEX") {
        upper.find(" ON ").map(|i| i + 4)?
    } else {
        upper.find("UNIQUE")? + 6
    };
    let open = at + sql[at..].find('(')?;
    let close = open + sql[open..].find(')')?;
    let columns: Vec<String> = sql[open + 1..close]
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_string())
        .collect();
    columns
        .iter()
        .all(|c| c.chars().all(|ch| ch.is_alphanumeric() || ch == '_'))
        .then_some(columns)
}
