//! Random small schemas and random operations on them, for the SQLite and MariaDB property
//! tests (tests/sqlite_random.rs, tests/mysql_random.rs): one to three tables, each with an
//! integer primary key, a few typed columns (nullable or not, with or without a default), maybe
//! an index, a unique index, a CHECK and a foreign key to an earlier table. The operation is a
//! description clause whose slots are filled from that schema's own table and column names
//! (and a few new ones), so most clauses plan, through the same grammar and resolver the CLI uses.

#![allow(dead_code)]

use proptest::prelude::*;

pub const TABLES: &[&str] = &["users", "posts", "items"];

/// (name, type) of the optional columns.
pub const COLUMNS: &[(&str, &str)] = &[
    ("email", "varchar(255)"),
    ("name", "varchar(100)"),
    ("age", "integer"),
    ("score", "bigint"),
    ("status", "varchar(20)"),
    ("body", "text"),
    ("created_at", "datetime"),
];

pub const NEW_COLUMNS: &[&str] = &["nickname", "is_admin", "team_id", "last_seen_at", "rank"];
pub const TYPES: &[&str] = &["bigint", "text", "varchar(300)", "integer", "boolean"];

#[derive(Debug, Clone)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub ty: &'static str,
    pub not_null: bool,
    pub default: bool,
}

#[derive(Debug, Clone)]
pub struct TableSpec {
    pub name: &'static str,
    pub columns: Vec<ColumnSpec>,
    /// Index on this column (by position in `columns`), unique or not.
    pub index: Option<(usize, bool)>,
    /// CHECK (col IS NOT NULL OR col IS NULL)-style on the first integer column.
    pub check: bool,
    /// `<earlier table singular>_id` referencing an earlier table (by position).
    pub references: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct SchemaSpec {
    pub tables: Vec<TableSpec>,
}

impl TableSpec {
    pub fn fk_column(&self, tables: &[TableSpec]) -> Option<String> {
        self.references
            .map(|r| format!("{}_id", tables[r].name.trim_end_matches('s')))
    }
}

impl SchemaSpec {
    /// Every (table, column) name pair, the FK columns and ids included.
    pub fn columns(&self) -> Vec<(String, String)> {
        let mut out = vec![];
        for t in &self.tables {
            out.push((t.name.to_string(), "id".to_string()));
            for c in &t.columns {
                out.push((t.name.to_string(), c.name.to_string()));
            }
            if let Some(fk) = t.fk_column(&self.tables) {
                out.push((t.name.to_string(), fk));
            }
        }
        out
    }
}

fn column_spec() -> impl Strategy<Value = ColumnSpec> {
    (0..COLUMNS.len(), any::<bool>(), any::<bool>()).prop_map(|(i, not_null, default)| ColumnSpec {
        name: COLUMNS[i].0,
        ty: COLUMNS[i].1,
        not_null,
        default,
    })
}

/// A table's columns, index, check and reference, before it is named.
type TableParts = (Vec<ColumnSpec>, Option<(usize, bool)>, bool, Option<usize>);

fn table_spec(position: usize) -> impl Strategy<Value = TableParts> {
    (
        prop::collection::vec(column_spec(), 1..4),
        prop::option::of((0..4usize, any::<bool>())),
        any::<bool>(),
        prop::option::weighted(0.6, 0..position.max(1)),
    )
        .prop_map(move |(mut cols, index, check, references)| {
            let mut seen = std::collections::BTreeSet::new();
            cols.retain(|c| seen.insert(c.name));
            let index = index.map(|(i, u)| (i % cols.len(), u));
            (cols, index, check, references.filter(|_| position > 0))
        })
}

pub fn schema_spec() -> impl Strategy<Value = SchemaSpec> {
    (1..=3usize)
        .prop_flat_map(|n| (0..n).map(table_spec).collect::<Vec<_>>())
        .prop_map(|specs| SchemaSpec {
            tables: specs
                .into_iter()
                .enumerate()
                .map(|(i, (columns, index, check, references))| TableSpec {
                    name: TABLES[i],
                    columns,
                    index,
                    check,
                    references,
                })
                .collect(),
        })
}

/// A default literal for a column type, in SQL both engines accept.
pub fn default_for(ty: &str) -> &'static str {
    match ty {
        "integer" | "bigint" => "0",
        "datetime" => "CURRENT_TIMESTAMP",
        _ => "'x'",
    }
}

/// A clause template with slots as indices, filled against a schema by [`describe`].
#[derive(Debug, Clone)]
pub struct ClauseSpec {
    kind: usize,
    a: usize,
    b: usize,
    c: usize,
}

pub fn clause_spec() -> impl Strategy<Value = ClauseSpec> {
    (0..17usize, any::<usize>(), any::<usize>(), any::<usize>())
        .prop_map(|(kind, a, b, c)| ClauseSpec { kind, a, b, c })
}

/// The description clause for `spec` against `schema`: table and column names are the
/// schema's (a column of the same table where the clause needs one).
pub fn describe(spec: &ClauseSpec, schema: &SchemaSpec) -> String {
    let cols = schema.columns();
    let (t, c) = &cols[spec.a % cols.len()];
    let other = &schema.tables[spec.b % schema.tables.len()].name;
    let n = NEW_COLUMNS[spec.b % NEW_COLUMNS.len()];
    let ty = TYPES[spec.c % TYPES.len()];
    // A value of the column's type (a server refuses `'x'` for a datetime: a user error).
    let ty_of = schema
        .tables
        .iter()
        .find(|x| x.name == t)
        .and_then(|x| x.columns.iter().find(|col| col.name == c))
        .map_or("integer", |col| col.ty);
    let v = if spec.c.is_multiple_of(3) {
        "NULL"
    } else {
        default_for(ty_of)
    };
    match spec.kind {
        0 => format!("add {n} to {t}"),
        1 => format!("add {n} {ty} to {t}"),
        2 => format!("remove {c} from {t}"),
        3 => format!("rename column {c} to {n} in {t}"),
        4 => format!("change type of {t}.{c} to {ty}"),
        5 => format!("make {t}.{c} not null"),
        6 => format!("make {t}.{c} nullable"),
        7 => format!("set default of {t}.{c} to {v}"),
        8 => format!("remove default from {t}.{c}"),
        9 => format!("add index on {t}.{c}"),
        10 => format!("add unique index on {t}({c})"),
        11 => format!("drop table {t}"),
        12 => format!("create table {n}s with {c}:{ty} {other}:references"),
        13 => format!("add foreign key from {t}.{c} to {other}.id"),
        14 => format!("add check constraint {c} is not null on {t}"),
        15 => format!("rename table {t} to {n}s"),
        _ => format!("add unique constraint on {t}.{c}"),
    }
}
