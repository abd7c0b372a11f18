//! Live PostgreSQL introspection: the [`Schema`] read from the catalogs of a running server.
//!
//! Read-only by construction: everything runs in one `READ ONLY` transaction (`REPEATABLE
//! READ`, so every query sees the same snapshot) with a short `statement_timeout` and
//! `lock_timeout`, and the transaction is rolled back. One query per object kind (see
//! `pg_queries`), never one per table; only `--exact-counts` adds a `count(*)` per table.
//!
//! The result equals what [`crate::schema::sql::load_str`] makes of a `pg_dump --schema-only`
//! of the same database: the catalog text is the text pg_dump prints, and it goes through the
//! loader's own stored-form functions ([`crate::schema::sql::catalog`]). Differences that
//! remain by design: `Schema.server`, `Table.stats` and `Table.invalid_indexes` exist only
//! here, INVALID indexes are kept (pg_dump leaves them out), and notes describe only domains
//! and generated columns (a dump also notes functions, views, triggers…).

use super::pg_queries as q;
use super::{redact_url, LiveError};
use crate::dialect::postgres::quote_ident;
use crate::schema::sql::catalog::{self, IndexParts};
use crate::schema::sql::names::{key, DOMAIN_NOTE};
use crate::schema::sql::Domains;
use crate::schema::{
    CheckConstraint, Column, Dependency, DependentKind, EnumType, ExclusionConstraint,
    ExclusionElement, FkAction, ForeignKey, Identity, Index, PrimaryKey, RowsSource, Schema,
    ServerInfo, Table, TableStats, UniqueConstraint,
};
use postgres::{Client, NoTls, Row, Transaction};
use std::collections::HashMap;
use std::time::Duration;

/// Longest a single catalog query may run.
const STATEMENT_TIMEOUT: &str = "30s";
/// Longest a `count(*)` (`--exact-counts`) may run.
const COUNT_TIMEOUT: &str = "5min";

/// What to read.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// Only this schema (namespace); `None`: every non-system schema.
    pub schema_name: Option<&'a str>,
    /// `count(*)` every table instead of trusting `reltuples`.
    pub exact_counts: bool,
}

/// Connect to `url` and read its schema (see the module documentation).
pub fn load(url: &str, options: Options) -> Result<Schema, LiveError> {
    let shown = redact_url(url);
    let mut config: postgres::Config =
        url.parse()
            .map_err(|e: postgres::Error| LiveError::BadUrl {
                url: shown.clone(),
                reason: reason(&e),
            })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config.application_name("migsmith");
    let mut client = config.connect(NoTls).map_err(|e| LiveError::Connect {
        url: shown.clone(),
        reason: reason(&e),
    })?;
    read(&mut client, &shown, options)
}

/// Read the schema over an open connection (in a read-only transaction that is rolled back).
pub fn read(client: &mut Client, shown: &str, options: Options) -> Result<Schema, LiveError> {
    let query_err = |what: &'static str| {
        let url = shown.to_string();
        move |e: postgres::Error| LiveError::Query {
            url: url.clone(),
            what,
            reason: reason(&e),
        }
    };
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()
        .map_err(query_err("starting a read-only transaction"))?;
    // pg_dump's settings: every name qualified except pg_catalog's.
    tx.batch_execute(&format!(
        "SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'; SET LOCAL lock_timeout = '5s';
         SET LOCAL search_path = ''; SET LOCAL idle_in_transaction_session_timeout = '5min'"
    ))
    .map_err(query_err("setting timeouts"))?;

    let mut reader = Reader {
        shown,
        filter: options.schema_name,
        schema: Schema::default(),
        keys: HashMap::new(),
        domains: Domains::new(),
    };
    reader
        .server(&mut tx)
        .map_err(query_err("server version"))?;
    if let Some(ns) = options.schema_name {
        reader.check_schema_exists(&mut tx, ns)?;
    }
    reader.domains(&mut tx).map_err(query_err("domains"))?;
    reader.enums(&mut tx).map_err(query_err("enums"))?;
    reader.tables(&mut tx).map_err(query_err("tables"))?;
    let rows = reader
        .query(&mut tx, &q::columns())
        .map_err(query_err("columns"))?;
    reader.columns(&rows)?;
    reader
        .owned_sequences(&mut tx)
        .map_err(query_err("sequences"))?;
    let rows = reader
        .query(&mut tx, &q::constraints())
        .map_err(query_err("constraints"))?;
    reader.constraints(&rows)?;
    let rows = reader
        .query(&mut tx, &q::indexes())
        .map_err(query_err("indexes"))?;
    reader.indexes(&rows)?;
    let rows = reader
        .query(&mut tx, &q::dependencies())
        .map_err(query_err("dependencies"))?;
    reader.dependencies(&rows);
    let rows = reader
        .query(&mut tx, &q::function_bodies())
        .map_err(query_err("functions"))?;
    let bodies: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                key(r.get(0), r.get(1)),
                r.get::<_, Option<String>>(2).unwrap_or_default(),
            )
        })
        .collect();
    reader.schema.add_function_mentions(&bodies);
    reader
        .stats(&mut tx)
        .map_err(query_err("table statistics"))?;
    reader
        .column_correlations(&mut tx)
        .map_err(query_err("column statistics"))?;
    if options.exact_counts {
        reader
            .exact_counts(&mut tx)
            .map_err(query_err("count(*)"))?;
    }
    tx.rollback().map_err(query_err("ending the transaction"))?;
    let mut schema = reader.schema;
    for t in schema.tables.values_mut() {
        t.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
        t.check_constraints.sort_by(|a, b| a.name.cmp(&b.name));
        t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        t.exclusion_constraints.sort_by(|a, b| a.name.cmp(&b.name));
        t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        t.invalid_indexes.sort();
    }
    Ok(schema)
}

/// The server's own words, without anything from the URL (postgres errors never echo it).
fn reason(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

struct Reader<'a> {
    shown: &'a str,
    filter: Option<&'a str>,
    schema: Schema,
    /// Table oid → key in `schema.tables`.
    keys: HashMap<u32, String>,
    domains: Domains,
}

impl Reader<'_> {
    fn query(&self, tx: &mut Transaction, sql: &str) -> Result<Vec<Row>, postgres::Error> {
        tx.query(sql, &[&self.filter])
    }

    fn catalog_err(&self, what: String, reason: String) -> LiveError {
        LiveError::Catalog {
            url: self.shown.to_string(),
            what,
            reason,
        }
    }

    fn server(&mut self, tx: &mut Transaction) -> Result<(), postgres::Error> {
        let row = tx.query_one(
            "SELECT current_setting('server_version_num')::int4, current_setting('server_version')",
            &[],
        )?;
        self.schema.server = Some(ServerInfo {
            version_num: row.get::<_, i32>(0).max(0) as u32,
            version: row.get(1),
        });
        Ok(())
    }

    fn check_schema_exists(&self, tx: &mut Transaction, ns: &str) -> Result<(), LiveError> {
        let rows = tx
            .query(q::schema_names().as_str(), &[])
            .map_err(|e| LiveError::Query {
                url: self.shown.to_string(),
                what: "schemas",
                reason: reason(&e),
            })?;
        let names: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        if names.iter().any(|n| n == ns) {
            return Ok(());
        }
        Err(LiveError::NoSuchSchema {
            url: self.shown.to_string(),
            name: ns.to_string(),
            known: names,
        })
    }

    fn domains(&mut self, tx: &mut Transaction) -> Result<(), postgres::Error> {
        for r in tx.query(q::domains().as_str(), &[])? {
            let (ns, name, base): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            let base = catalog::column_type(&base).unwrap_or(base);
            let spelled = catalog::type_spelling(&ns, &name);
            self.schema.notes.push(format!(
                "{DOMAIN_NOTE}{spelled} AS {base} (from the database)"
            ));
            self.domains.insert(spelled, base);
        }
        self.schema.notes.sort();
        Ok(())
    }

    fn enums(&mut self, tx: &mut Transaction) -> Result<(), postgres::Error> {
        for r in self.query(tx, &q::enums())? {
            let (ns, name): (String, String) = (r.get(0), r.get(1));
            self.schema.enums.insert(
                key(&ns, &name),
                EnumType {
                    schema: ns,
                    name,
                    values: r.get(2),
                },
            );
        }
        Ok(())
    }

    fn tables(&mut self, tx: &mut Transaction) -> Result<(), postgres::Error> {
        for r in self.query(tx, &q::tables())? {
            let (oid, ns, name): (u32, String, String) = (r.get(0), r.get(1), r.get(2));
            let k = key(&ns, &name);
            self.keys.insert(oid, k.clone());
            self.schema.tables.insert(
                k,
                Table {
                    schema: ns,
                    name,
                    comment: r.get(3),
                    ..Table::default()
                },
            );
        }
        Ok(())
    }

    fn dependencies(&mut self, rows: &[Row]) {
        for r in rows {
            let Some(table) = self.keys.get(&r.get::<_, u32>(0)).cloned() else {
                continue;
            };
            let kind = match r.get::<_, &str>(2) {
                "view" => DependentKind::View,
                "materialized_view" => DependentKind::MaterializedView,
                "trigger" => DependentKind::Trigger,
                "policy" => DependentKind::Policy,
                _ => DependentKind::GeneratedColumn,
            };
            let (ns, name): (String, String) = (r.get(3), r.get(4));
            let name = if ns.is_empty() { name } else { key(&ns, &name) };
            let on = r
                .get::<_, Option<u32>>(5)
                .and_then(|oid| self.keys.get(&oid).cloned());
            let function = match (r.get::<_, Option<String>>(6), r.get::<_, Option<String>>(7)) {
                (Some(ns), Some(f)) => Some(key(&ns, &f)),
                _ => None,
            };
            self.schema.dependencies.push(Dependency {
                kind,
                name,
                table,
                columns: r.get::<_, Option<String>>(1).into_iter().collect(),
                on,
                function,
            });
        }
        crate::schema::deps::normalize(&mut self.schema.dependencies);
    }

    fn table_mut(&mut self, oid: u32) -> Option<&mut Table> {
        let k = self.keys.get(&oid)?;
        self.schema.tables.get_mut(k)
    }

    fn columns(&mut self, rows: &[Row]) -> Result<(), LiveError> {
        for r in rows {
            let oid: u32 = r.get(0);
            let name: String = r.get(1);
            let Some(tkey) = self.keys.get(&oid).cloned() else {
                continue;
            };
            let ty: String = r.get(2);
            let data_type = catalog::column_type(&ty)
                .map_err(|e| self.catalog_err(format!("type of {tkey}.{name}"), e))?;
            let generated = r.get::<_, String>(6) == "s";
            let default = match (r.get::<_, Option<String>>(4), generated) {
                (Some(text), false) => catalog::column_default(&text, &data_type, &self.domains)
                    .map_err(|e| self.catalog_err(format!("default of {tkey}.{name}"), e))?,
                _ => None,
            };
            if generated {
                self.schema.notes.push(format!(
                    "column {tkey}.{name} is GENERATED ALWAYS AS (…) STORED: the expression is not modelled"
                ));
            }
            let identity = match r.get::<_, String>(5).as_str() {
                "a" => Some(Identity::Always),
                "d" => Some(Identity::ByDefault),
                _ => None,
            };
            let column = Column {
                nullable: !r.get::<_, bool>(3),
                default,
                identity,
                comment: r.get(7),
                ..Column::new(name, data_type)
            };
            if let Some(t) = self.table_mut(oid) {
                t.columns.push(column);
            }
        }
        Ok(())
    }

    fn owned_sequences(&mut self, tx: &mut Transaction) -> Result<(), postgres::Error> {
        for r in self.query(tx, &q::owned_sequences())? {
            let (oid, col, ns, seq): (u32, String, String, String) =
                (r.get(0), r.get(1), r.get(2), r.get(3));
            if let Some(c) = self.table_mut(oid).and_then(|t| t.column_mut(&col)) {
                if c.identity.is_none() {
                    c.serial_sequence = Some(key(&ns, &seq));
                }
            }
        }
        Ok(())
    }

    fn constraints(&mut self, rows: &[Row]) -> Result<(), LiveError> {
        for r in rows {
            let oid: u32 = r.get(0);
            let Some(tkey) = self.keys.get(&oid).cloned() else {
                continue;
            };
            let name: String = r.get(1);
            let def: String = r.get(3);
            let columns: Vec<String> = r.get::<_, Option<Vec<String>>>(9).unwrap_or_default();
            let (deferrable, initially_deferred): (bool, bool) = (r.get(5), r.get(6));
            let table = &self.schema.tables[&tkey];
            let wrap = |e: String| self.catalog_err(format!("constraint {name} on {tkey}"), e);
            match r.get::<_, String>(2).as_str() {
                "p" => {
                    let t = self.table_mut(oid).expect("known table");
                    t.primary_key = Some(PrimaryKey { name, columns });
                }
                "u" => {
                    let t = self.table_mut(oid).expect("known table");
                    t.unique_constraints
                        .push(UniqueConstraint { name, columns });
                }
                "c" => {
                    let expression = catalog::check_expression(&def, &table.columns, &self.domains)
                        .map_err(wrap)?;
                    let validated = r.get(4);
                    let t = self.table_mut(oid).expect("known table");
                    t.check_constraints.push(CheckConstraint {
                        name,
                        expression,
                        validated,
                    });
                }
                "f" => {
                    let (rns, rname): (Option<String>, Option<String>) = (r.get(10), r.get(11));
                    let fk = ForeignKey {
                        name,
                        columns,
                        ref_table: key(&rns.unwrap_or_default(), &rname.unwrap_or_default()),
                        ref_columns: r.get::<_, Option<Vec<String>>>(12).unwrap_or_default(),
                        on_delete: fk_action(&r.get::<_, String>(7)),
                        on_update: fk_action(&r.get::<_, String>(8)),
                        deferrable,
                        initially_deferred,
                        validated: r.get(4),
                    };
                    self.table_mut(oid)
                        .expect("known table")
                        .foreign_keys
                        .push(fk);
                }
                "x" => {
                    let (method, elements, predicate) =
                        catalog::exclusion_parts(&def, &table.columns, &self.domains)
                            .map_err(wrap)?;
                    let x = ExclusionConstraint {
                        name,
                        method,
                        elements: elements
                            .into_iter()
                            .map(|(key, operator)| ExclusionElement { key, operator })
                            .collect(),
                        predicate,
                        deferrable,
                        initially_deferred,
                    };
                    let t = self.table_mut(oid).expect("known table");
                    t.exclusion_constraints.push(x);
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn indexes(&mut self, rows: &[Row]) -> Result<(), LiveError> {
        for r in rows {
            let oid: u32 = r.get(0);
            let Some(tkey) = self.keys.get(&oid).cloned() else {
                continue;
            };
            let name: String = r.get(1);
            let def: String = r.get(2);
            let valid: bool = r.get(3);
            let table = &self.schema.tables[&tkey];
            let IndexParts {
                columns,
                unique,
                method,
                predicate,
                include,
            } = catalog::index_parts(&def, &table.columns, &self.domains)
                .map_err(|e| self.catalog_err(format!("index {name} on {tkey}"), e))?;
            let t = self.table_mut(oid).expect("known table");
            if !valid {
                t.invalid_indexes.push(name.clone());
            }
            t.indexes.push(Index {
                name,
                columns,
                unique,
                method,
                predicate,
                include,
                prefix_lengths: Default::default(),
            });
        }
        Ok(())
    }

    fn stats(&mut self, tx: &mut Transaction) -> Result<(), postgres::Error> {
        for r in self.query(tx, &q::stats())? {
            let oid: u32 = r.get(0);
            let reltuples: f64 = r.get(1);
            let nonneg = |i: usize| u64::try_from(r.get::<_, i64>(i)).unwrap_or(0);
            let (main, heap, index, total) = (nonneg(2), nonneg(3), nonneg(4), nonneg(5));
            let (rows, source) = if reltuples >= 0.0 {
                (reltuples.round() as u64, RowsSource::Statistics)
            } else {
                (
                    size_guess(main, nonneg(6), nonneg(7)),
                    RowsSource::SizeGuess,
                )
            };
            if let Some(t) = self.table_mut(oid) {
                t.stats = Some(TableStats {
                    rows,
                    total_bytes: Some(total),
                    heap_bytes: Some(heap),
                    index_bytes: Some(index),
                    rows_source: Some(source),
                });
            }
        }
        Ok(())
    }

    fn column_correlations(&mut self, tx: &mut Transaction) -> Result<(), postgres::Error> {
        for r in self.query(tx, &q::column_correlations())? {
            let (oid, column, correlation): (u32, String, f64) = (r.get(0), r.get(1), r.get(2));
            if let Some(t) = self.table_mut(oid) {
                t.column_correlations.insert(column, correlation);
            }
        }
        Ok(())
    }

    fn exact_counts(&mut self, tx: &mut Transaction) -> Result<(), postgres::Error> {
        tx.batch_execute(&format!("SET LOCAL statement_timeout = '{COUNT_TIMEOUT}'"))?;
        let keys: Vec<String> = self.schema.tables.keys().cloned().collect();
        for k in keys {
            // search_path is empty: qualify `public` too.
            let t = &self.schema.tables[&k];
            let table = format!("{}.{}", quote_ident(&t.schema), quote_ident(&t.name));
            let n: i64 = tx
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])?
                .get(0);
            if let Some(t) = self.schema.tables.get_mut(&k) {
                let stats = t.stats.get_or_insert_with(TableStats::default);
                stats.rows = u64::try_from(n).unwrap_or(0);
                stats.rows_source = Some(RowsSource::Exact);
            }
        }
        Ok(())
    }
}

/// The planner's guess for a never-analyzed table (`estimate_rel_size`): pages on disk times
/// the tuples of `width` data bytes (plus 24 header and 4 line-pointer bytes) that fit in a
/// page after its 24-byte header. No pages: empty.
fn size_guess(main_bytes: u64, block_size: u64, width: u64) -> u64 {
    if main_bytes == 0 || block_size == 0 {
        return 0;
    }
    let pages = main_bytes.div_ceil(block_size);
    let per_page = (block_size.saturating_sub(24) / (width + 28)).max(1);
    pages * per_page
}

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn size_guess_follows_the_planner() {
        assert_eq!(size_guess(0, 8192, 8), 0);
        // 8 data bytes + 28 overhead = 36 bytes: 226 tuples in an 8 kB page.
        assert_eq!(size_guess(8192 * 10, 8192, 8), 2260);
        assert_eq!(size_guess(1, 8192, 100_000), 1);
    }

    #[test]
    fn bad_urls_are_reported_without_their_password() {
        let err = load(
            "postgres://u:hunter2@[bad",
            Options {
                schema_name: None,
                exact_counts: false,
            },
        )
        .unwrap_err()
        .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("postgres://"), "{err}");
    }
}
