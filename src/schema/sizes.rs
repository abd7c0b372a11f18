//! Table sizes given on the command line (`--rows N`, `--rows TABLE=N`), for planning when no
//! live statistics exist and for seeding scratch databases.

use super::{RowsSource, Schema, TableStats};
use std::collections::BTreeMap;
use std::str::FromStr;

/// One `--rows` argument: a count for every table, or for one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowSpec {
    All(u64),
    Table(String, u64),
}

impl FromStr for RowSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let count = |n: &str| {
            let digits: String = n.trim().chars().filter(|c| *c != '_').collect();
            digits.parse::<u64>().map_err(|_| {
                format!("`{n}` is not a row count (expected e.g. 1000000 or 1_000_000)")
            })
        };
        match text.split_once('=') {
            Some((table, n)) if !table.trim().is_empty() => {
                Ok(RowSpec::Table(table.trim().to_string(), count(n)?))
            }
            Some(_) => Err(format!("`{text}`: expected TABLE=N or N")),
            None => Ok(RowSpec::All(count(text)?)),
        }
    }
}

/// Row counts from all `--rows` arguments: the last `N` for every table, `TABLE=N` per table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub all: Option<u64>,
    pub tables: BTreeMap<String, u64>,
}

impl RowCounts {
    pub fn from_specs(specs: &[RowSpec]) -> Self {
        let mut counts = RowCounts::default();
        for spec in specs {
            match spec {
                RowSpec::All(n) => counts.all = Some(*n),
                RowSpec::Table(t, n) => {
                    counts.tables.insert(t.clone(), *n);
                }
            }
        }
        counts
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_none() && self.tables.is_empty()
    }

    /// The count given for `table`, if any.
    pub fn for_table(&self, table: &str) -> Option<u64> {
        self.tables.get(table).copied().or(self.all)
    }

    /// Tables named in `TABLE=N` that the schema does not have.
    pub fn unknown_tables<'a>(&'a self, schema: &'a Schema) -> impl Iterator<Item = &'a str> {
        self.tables
            .keys()
            .filter(|t| schema.table(t).is_none())
            .map(String::as_str)
    }

    /// Set the row statistics of every table the counts name (overriding live statistics:
    /// the user said so). Measured sizes are scaled to the given rows, keeping the table's
    /// bytes per row; a table measured empty keeps no sizes (its width is unknown).
    pub fn apply(&self, schema: &mut Schema) {
        for (name, table) in schema.tables.iter_mut() {
            if let Some(rows) = self.for_table(name) {
                let before = table.stats.unwrap_or_default();
                let scale = |bytes: Option<u64>| {
                    let per_row = bytes? as f64 / (before.rows > 0).then_some(before.rows)? as f64;
                    Some((per_row * rows as f64).round() as u64)
                };
                table.stats = Some(TableStats {
                    rows,
                    rows_source: Some(RowsSource::Given),
                    total_bytes: scale(before.total_bytes),
                    heap_bytes: scale(before.heap_bytes),
                    index_bytes: scale(before.index_bytes),
                });
            }
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn parses_both_forms() {
        assert_eq!("1000".parse(), Ok(RowSpec::All(1000)));
        assert_eq!("1_000_000".parse(), Ok(RowSpec::All(1_000_000)));
        assert_eq!("users=5".parse(), Ok(RowSpec::Table("users".into(), 5)));
        assert!("users=many".parse::<RowSpec>().is_err());
        assert!("=5".parse::<RowSpec>().is_err());
        let counts = RowCounts::from_specs(&[RowSpec::All(10), RowSpec::Table("a".into(), 3)]);
        assert_eq!(counts.for_table("a"), Some(3));
        assert_eq!(counts.for_table("b"), Some(10));
    }

    #[test]
    fn given_rows_keep_the_measured_bytes_per_row() {
        let mut schema =
            crate::schema::sql::load_str("CREATE TABLE a (id int); CREATE TABLE b (id int);", "t")
                .unwrap();
        let measured = |rows, bytes| TableStats {
            rows,
            heap_bytes: Some(bytes),
            total_bytes: Some(bytes * 2),
            index_bytes: Some(bytes),
            rows_source: Some(RowsSource::Statistics),
        };
        schema.tables.get_mut("a").unwrap().stats = Some(measured(1_000, 241_000));
        schema.tables.get_mut("b").unwrap().stats = Some(measured(0, 8_192));
        RowCounts::from_specs(&[RowSpec::All(1_000_000)]).apply(&mut schema);
        let a = schema.tables["a"].stats.unwrap();
        assert_eq!((a.rows, a.heap_bytes), (1_000_000, Some(241_000_000)));
        assert_eq!(a.total_bytes, Some(482_000_000));
        // Measured empty: its width is unknown, so no sizes.
        let b = schema.tables["b"].stats.unwrap();
        assert_eq!(
            (b.rows, b.heap_bytes, b.total_bytes),
            (1_000_000, None, None)
        );
    }
}
