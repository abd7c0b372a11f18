//! Synthetic rows for a MySQL scratch database: one `INSERT … WITH RECURSIVE … SELECT` per
//! table, values derived from the row number and the column type.

use super::{err, message, quote};
use crate::schema::sizes::RowCounts;
use crate::schema::{Column, Schema};
use crate::verify::script::short;
use crate::verify::VerifyError;
use mysql::prelude::Queryable;
use mysql::Conn;
use std::collections::BTreeMap;

/// Rows seeded when `--rows` does not say (0: schema only).
const DEFAULT_ROWS: u64 = 0;

/// Seed value for one column of row `i` (`None`: leave it to its default / NULL).
fn seed_value(table: &str, c: &Column, schema: &Schema, rows: &RowCounts) -> Option<String> {
    if c.options.auto_increment || c.options.generated.is_some() {
        return None;
    }
    let t = schema.tables.get(table)?;
    if let Some(fk) = t.foreign_keys.iter().find(|f| f.columns.contains(&c.name)) {
        let parent = rows.for_table(&fk.ref_table).unwrap_or(DEFAULT_ROWS);
        return if parent == 0 {
            (!c.nullable).then(|| "1".to_string())
        } else {
            Some(format!("((n.i - 1) % {parent}) + 1"))
        };
    }
    let ty = c.data_type.to_ascii_lowercase();
    let base = ty.split(['(', ' ']).next().unwrap_or("");
    let len: Option<u64> = ty
        .split_once('(')
        .and_then(|(_, r)| r.split([')', ',']).next())
        .and_then(|n| n.trim().parse().ok());
    let value = match base {
        "tinyint" if len == Some(1) => "n.i % 2".to_string(),
        "tinyint" => "n.i % 100".to_string(),
        "smallint" => "n.i % 30000".to_string(),
        "mediumint" | "int" | "integer" | "bigint" => "n.i".to_string(),
        "decimal" | "numeric" | "float" | "double" | "real" => "n.i % 1000".to_string(),
        "bit" => "0".to_string(),
        "char" | "varchar" | "binary" | "varbinary" => {
            format!("LEFT(CONCAT('v', n.i), {})", len.unwrap_or(1).max(1))
        }
        "tinytext" | "text" | "mediumtext" | "longtext" | "tinyblob" | "blob" | "mediumblob"
        | "longblob" => "CONCAT('v', n.i)".to_string(),
        "date" => "DATE('2024-01-01') + INTERVAL (n.i % 3000) DAY".to_string(),
        "datetime" | "timestamp" => {
            "TIMESTAMP('2024-01-01 00:00:00') + INTERVAL n.i SECOND".to_string()
        }
        "time" => "SEC_TO_TIME(n.i % 86400)".to_string(),
        "year" => "2000 + n.i % 100".to_string(),
        "enum" | "set" => "1".to_string(),
        "json" | "longtext_json" => "JSON_OBJECT('i', n.i)".to_string(),
        "uuid" => "UUID()".to_string(),
        _ if c.default.is_some() || c.nullable => return None,
        _ => "CONCAT('', n.i)".to_string(),
    };
    Some(value)
}

/// Insert the requested rows into every table (foreign key checks off: parents and children
/// in any order); returns the rows per table.
pub(super) fn seed(
    conn: &mut Conn,
    schema: &Schema,
    rows: &RowCounts,
) -> Result<BTreeMap<String, u64>, VerifyError> {
    let mut seeded = BTreeMap::new();
    let _ = conn.query_drop("SET SESSION cte_max_recursion_depth = 100000000");
    let _ = conn.query_drop("SET SESSION max_recursive_iterations = 100000000");
    conn.query_drop("SET FOREIGN_KEY_CHECKS = 0").map_err(err)?;
    for (key, table) in &schema.tables {
        let n = rows.for_table(key).unwrap_or(DEFAULT_ROWS);
        if n == 0 {
            continue;
        }
        let (names, values): (Vec<String>, Vec<String>) = table
            .columns
            .iter()
            .filter_map(|c| seed_value(key, c, schema, rows).map(|v| (quote(&c.name), v)))
            .unzip();
        let sql = format!(
            "INSERT INTO {} ({}) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) SELECT {} FROM n",
            quote(&table.name),
            names.join(", "),
            values.join(", ")
        );
        conn.query_drop(&sql).map_err(|e| {
            VerifyError::Seed(format!(
                "table `{}`: {} (in: {})",
                table.name,
                message(&e),
                short(&sql)
            ))
        })?;
        seeded.insert(key.clone(), n);
    }
    conn.query_drop("SET FOREIGN_KEY_CHECKS = 1").map_err(err)?;
    Ok(seeded)
}
