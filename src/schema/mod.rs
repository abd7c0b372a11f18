//! The `Schema` model: what migsmith believes the database looks like before a change.
//!
//! Owns the data types (tables, columns, constraints, indexes, enums) and the read-only
//! loaders (`sql`: a PostgreSQL DDL interpreter used for `pg_dump --schema-only` files and
//! for replaying a migrations directory; `live`: the catalogs of a running server, with size
//! statistics). Loaders never write anywhere; nothing here knows about descriptions, plans or
//! frameworks.
//!
//! Names are stored as PostgreSQL sees them (unquoted identifiers folded to lower case,
//! quoted ones kept verbatim). Types are stored in the canonical spelling of
//! [`crate::dialect::postgres::canonical_type`] and expressions in the canonical spelling of
//! [`crate::dialect::postgres::canonical_expr`], so two loads of the same database compare equal.

pub mod deps;
pub mod django;
pub mod laravel_schema;
pub mod live;
pub mod mysql;
pub mod prisma_schema;
pub mod project;
pub mod rails_schema;
pub mod sizes;
pub mod sql;

pub use deps::{Dependency, DependentKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The whole schema: tables by name (`name` for the `public` schema, `schema.name` otherwise).
/// Serialized as `{"tables": [...], "enums": [...]}`, sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Schema {
    #[serde(serialize_with = "values_only")]
    pub tables: BTreeMap<String, Table>,
    #[serde(serialize_with = "values_only")]
    pub enums: BTreeMap<String, EnumType>,
    /// Statements the loader saw but does not model (functions, triggers, grants…), one line each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Views, triggers, policies, generated columns and functions that use tables (see
    /// [`deps`]), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<deps::Dependency>,
    /// The server the schema was read from, when it came from a live database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<ServerInfo>,
    /// The engine the schema was read from (or written for). PostgreSQL unless a MySQL/MariaDB
    /// or SQLite loader produced it; types and expressions are spelled as that engine spells
    /// them (see [`Engine`]).
    #[serde(skip_serializing_if = "Engine::is_postgres")]
    pub engine: Engine,
}

/// The database engine a [`Schema`] describes. The model is one model for all engines: types
/// and expressions keep the engine's own spelling (PostgreSQL's canonical spelling on
/// PostgreSQL, `COLUMN_TYPE` on MySQL, the declared type on SQLite), and what only one engine
/// has lives in the `options` fields ([`ColumnOptions`], [`TableOptions`], [`Index::prefix_lengths`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    #[default]
    Postgres,
    Mysql,
    Mariadb,
    Sqlite,
}

impl Engine {
    pub fn is_postgres(&self) -> bool {
        *self == Engine::Postgres
    }
    /// MySQL or MariaDB (one family: same SQL, different online-DDL rules per version).
    pub fn is_mysql_family(&self) -> bool {
        matches!(self, Engine::Mysql | Engine::Mariadb)
    }
    pub fn name(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Mysql => "mysql",
            Engine::Mariadb => "mariadb",
            Engine::Sqlite => "sqlite",
        }
    }
    pub fn display(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MySQL",
            Engine::Mariadb => "MariaDB",
            Engine::Sqlite => "SQLite",
        }
    }
}

/// A live server's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerInfo {
    /// `server_version_num`, e.g. 150019 for 15.19.
    pub version_num: u32,
    /// `server_version`, e.g. `15.19 (Debian 15.19-0+deb12u1)`.
    pub version: String,
}

impl ServerInfo {
    /// The major version (15 for 150019).
    pub fn major(&self) -> u32 {
        self.version_num / 10000
    }
}

fn values_only<S: serde::Serializer, V: Serialize>(
    map: &BTreeMap<String, V>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(map.values())
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Table {
    /// PostgreSQL schema (namespace) the table lives in; `public` unless stated.
    pub schema: String,
    pub name: String,
    /// Columns in their physical order.
    pub columns: Vec<Column>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unique_constraints: Vec<UniqueConstraint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub check_constraints: Vec<CheckConstraint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// `EXCLUDE` constraints (their index is not listed among the indexes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclusion_constraints: Vec<ExclusionConstraint>,
    /// Indexes that are not the implicit index of a primary key or unique constraint.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Size figures, present only when read from a live database (or given with `--rows`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<TableStats>,
    /// How closely each analyzed column's sort order follows the rows' physical order
    /// (`pg_stats.correlation`, -1 to 1), when read from a live database: an index build sorts
    /// nearly ordered values much faster than random ones.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub column_correlations: BTreeMap<String, f64>,
    /// Names (among [`Table::indexes`]) of indexes the live database marks INVALID (a failed
    /// `CREATE INDEX CONCURRENTLY`): they take writes but answer no query. `pg_dump` omits them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invalid_indexes: Vec<String>,
    /// Engine-level table attributes of MySQL/MariaDB and SQLite (empty on PostgreSQL).
    #[serde(skip_serializing_if = "TableOptions::is_empty")]
    pub options: TableOptions,
}

/// Table attributes PostgreSQL has no counterpart for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TableOptions {
    /// MySQL storage engine (`InnoDB`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// MySQL default character set and collation of the table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// MySQL `ROW_FORMAT` when stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row_format: Option<String>,
    /// SQLite `WITHOUT ROWID`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub without_rowid: bool,
    /// SQLite `STRICT`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
}

impl TableOptions {
    pub fn is_empty(&self) -> bool {
        *self == TableOptions::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// Canonical type spelling, e.g. `varchar(20)`, `timestamptz`, `numeric(10,2)`, `text[]`.
    #[serde(rename = "type")]
    pub data_type: String,
    pub nullable: bool,
    /// Canonical default expression, e.g. `false`, `'active'`, `now()`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Name of the sequence behind a `serial`/`bigserial` column (its default is `nextval(…)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial_sequence: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Column attributes of MySQL/MariaDB and SQLite (empty on PostgreSQL).
    #[serde(default, skip_serializing_if = "ColumnOptions::is_empty")]
    pub options: ColumnOptions,
}

/// Column attributes PostgreSQL has no counterpart for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnOptions {
    /// MySQL `AUTO_INCREMENT`; SQLite `AUTOINCREMENT` on an `INTEGER PRIMARY KEY`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub auto_increment: bool,
    /// MySQL column `CHARACTER SET` / `COLLATE` when they differ from the table's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// MySQL `ON UPDATE CURRENT_TIMESTAMP[(n)]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_update: Option<String>,
    /// A generated column (MySQL, MariaDB, SQLite): `GENERATED ALWAYS AS (expression)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated: Option<GeneratedColumn>,
}

impl ColumnOptions {
    pub fn is_empty(&self) -> bool {
        *self == ColumnOptions::default()
    }
}

/// `GENERATED ALWAYS AS (expression) VIRTUAL|STORED`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedColumn {
    pub expression: String,
    pub stored: bool,
}

impl Column {
    /// A plain nullable column of the given canonical type.
    pub fn new(name: impl Into<String>, data_type: impl Into<String>) -> Self {
        Column {
            name: name.into(),
            data_type: data_type.into(),
            nullable: true,
            default: None,
            identity: None,
            serial_sequence: None,
            comment: None,
            options: ColumnOptions::default(),
        }
    }
}

/// `GENERATED ALWAYS AS IDENTITY` or `GENERATED BY DEFAULT AS IDENTITY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UniqueConstraint {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckConstraint {
    pub name: String,
    /// Canonical boolean expression, without the surrounding `CHECK (…)`.
    pub expression: String,
    /// False while a `NOT VALID` constraint has not been validated.
    pub validated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    /// Referenced table key in [`Schema::tables`].
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    pub deferrable: bool,
    pub initially_deferred: bool,
    pub validated: bool,
}

/// `EXCLUDE USING method (element WITH operator, …) [WHERE (predicate)]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExclusionConstraint {
    pub name: String,
    /// Access method of the backing index (`gist`, `btree`…).
    pub method: String,
    pub elements: Vec<ExclusionElement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    pub deferrable: bool,
    pub initially_deferred: bool,
}

/// One `element WITH operator` of an exclusion constraint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExclusionElement {
    pub key: IndexKey,
    pub operator: String,
}

/// `ON DELETE` / `ON UPDATE` behaviour of a foreign key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    /// The SQL words, e.g. `SET NULL`.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub name: String,
    /// Key parts: a column name, or a canonical expression for expression indexes.
    pub columns: Vec<IndexKey>,
    pub unique: bool,
    /// Access method (`btree`, `gin`, `gist`, `hash`, `brin`…).
    pub method: String,
    /// Canonical `WHERE` predicate of a partial index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// `INCLUDE (…)` columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// MySQL prefix lengths of key columns (`name(10)`), by column name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefix_lengths: BTreeMap<String, u32>,
}

/// One key part of an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IndexKey {
    Column(String),
    Expression { expression: String },
}

impl IndexKey {
    /// The column this key part is, when it is a plain column.
    pub fn column(&self) -> Option<&str> {
        match self {
            IndexKey::Column(c) => Some(c),
            IndexKey::Expression { .. } => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumType {
    pub schema: String,
    pub name: String,
    pub values: Vec<String>,
}

/// Size figures for the planner and the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TableStats {
    pub rows: u64,
    /// Everything: table data and indexes (`pg_total_relation_size`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_bytes: Option<u64>,
    /// Table data without indexes (`pg_table_size`), when read from a live database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heap_bytes: Option<u64>,
    /// All indexes of the table (`pg_indexes_size`), when read from a live database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_bytes: Option<u64>,
    /// Where `rows` comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_source: Option<RowsSource>,
}

/// How a row count was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowsSource {
    /// `pg_class.reltuples`, the planner's estimate from the last VACUUM/ANALYZE.
    Statistics,
    /// Never analyzed: the planner's own fallback, pages on disk × rows that fit in a page.
    SizeGuess,
    /// `count(*)` (`--exact-counts`).
    Exact,
    /// Given by the user (`--rows`).
    Given,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.get(name)
    }

    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.get_mut(name)
    }

    /// Every index name in the schema (PostgreSQL index names share one namespace per schema,
    /// together with tables and constraint-backed indexes).
    pub fn relation_names(&self) -> impl Iterator<Item = &str> {
        self.tables.values().flat_map(|t| {
            std::iter::once(t.name.as_str())
                .chain(t.indexes.iter().map(|i| i.name.as_str()))
                .chain(t.primary_key.iter().map(|p| p.name.as_str()))
                .chain(t.unique_constraints.iter().map(|u| u.name.as_str()))
                .chain(t.exclusion_constraints.iter().map(|x| x.name.as_str()))
        })
    }

    /// The table and index named `index`, wherever it is.
    pub fn find_index(&self, index: &str) -> Option<(&Table, &Index)> {
        self.tables
            .values()
            .find_map(|t| t.index(index).map(|i| (t, i)))
    }

    /// Foreign keys in other tables (or this one) that reference `table`.
    pub fn references_to<'a>(
        &'a self,
        table: &'a str,
    ) -> impl Iterator<Item = (&'a Table, &'a ForeignKey)> + 'a {
        self.tables.values().flat_map(move |t| {
            t.foreign_keys
                .iter()
                .filter(move |fk| fk.ref_table == table)
                .map(move |fk| (t, fk))
        })
    }
}

impl Table {
    pub fn new(name: impl Into<String>) -> Self {
        Table {
            schema: "public".into(),
            name: name.into(),
            ..Table::default()
        }
    }

    /// The key of this table in [`Schema::tables`].
    pub fn key(&self) -> String {
        sql::names::key(&self.schema, &self.name)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// Names of every constraint on the table (primary key, unique, check, foreign key,
    /// exclusion).
    pub fn constraint_names(&self) -> impl Iterator<Item = &str> {
        self.primary_key
            .iter()
            .map(|p| p.name.as_str())
            .chain(self.unique_constraints.iter().map(|u| u.name.as_str()))
            .chain(self.check_constraints.iter().map(|c| c.name.as_str()))
            .chain(self.foreign_keys.iter().map(|f| f.name.as_str()))
            .chain(self.exclusion_constraints.iter().map(|x| x.name.as_str()))
    }

    /// The primary key, unique constraint or plain unique index that already makes exactly
    /// these columns unique, if any.
    pub fn unique_key_on(&self, columns: &[String]) -> Option<&str> {
        let same = |other: &[String]| {
            let (mut a, mut b) = (columns.to_vec(), other.to_vec());
            a.sort();
            b.sort();
            a == b
        };
        self.primary_key
            .iter()
            .filter(|p| same(&p.columns))
            .map(|p| p.name.as_str())
            .chain(
                self.unique_constraints
                    .iter()
                    .filter(|u| same(&u.columns))
                    .map(|u| u.name.as_str()),
            )
            .chain(
                self.indexes
                    .iter()
                    .filter(|i| i.unique && i.predicate.is_none())
                    .filter(|i| {
                        let cols: Option<Vec<String>> = i
                            .columns
                            .iter()
                            .map(|k| k.column().map(str::to_string))
                            .collect();
                        cols.is_some_and(|c| same(&c))
                    })
                    .map(|i| i.name.as_str()),
            )
            .next()
    }

    /// The existing index that already serves a requested plain index on `columns` (in this
    /// order) with access method `method` and no predicate, if any: an index (plain or
    /// unique, any method) with the same method, no predicate and exactly these key columns
    /// in this order, or a unique btree index, primary key or unique constraint whose key
    /// columns start with these (a btree serves lookups on any prefix of its key). A
    /// non-unique longer index is not counted: it may have been built for other queries,
    /// and refusing is kept for the case where the new index would add nothing. Indexes the
    /// database marks invalid serve nothing and are never counted.
    pub fn covering_index(&self, columns: &[String], method: &str) -> Option<&str> {
        let keys = |i: &Index| -> Option<Vec<String>> {
            i.columns
                .iter()
                .map(|k| k.column().map(str::to_string))
                .collect()
        };
        let starts_with = |key: &[String]| key.len() > columns.len() && key.starts_with(columns);
        let btree = method == "btree";
        let constraint_keys = self
            .primary_key
            .iter()
            .map(|p| (p.name.as_str(), &p.columns))
            .chain(
                self.unique_constraints
                    .iter()
                    .map(|u| (u.name.as_str(), &u.columns)),
            );
        self.indexes
            .iter()
            .filter(|i| i.method == method && i.predicate.is_none())
            .filter(|i| !self.invalid_indexes.contains(&i.name))
            .find(|i| {
                keys(i).is_some_and(|k| k == columns || (btree && i.unique && starts_with(&k)))
            })
            .map(|i| i.name.as_str())
            .or_else(|| {
                constraint_keys
                    .filter(|_| btree)
                    .find(|(_, k)| k.as_slice() == columns || starts_with(k))
                    .map(|(n, _)| n)
            })
    }

    /// Estimated row count, when statistics are known.
    pub fn rows(&self) -> Option<u64> {
        self.stats.map(|s| s.rows)
    }
}

/// Names from `candidates` close enough to `wanted` to suggest ("did you mean …?"), best first.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let wanted = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| {
            let lc = c.to_lowercase();
            let mut score = strsim::jaro_winkler(&wanted, &lc);
            // A plural/singular slip or a prefix is a strong hint even when short.
            if lc.starts_with(&wanted) || wanted.starts_with(&lc) {
                score = score.max(0.9);
            }
            (score, c)
        })
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_string())
        .collect()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn did_you_mean_finds_plural_and_typos() {
        let names = ["users", "posts", "accounts"];
        assert_eq!(did_you_mean("user", names), vec!["users"]);
        assert_eq!(did_you_mean("acounts", names), vec!["accounts"]);
        assert!(did_you_mean("zebra", names).is_empty());
    }
}
