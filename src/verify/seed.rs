//! Synthetic rows for a scratch database: `--rows N` / `--rows TABLE=N` rows per table, made by
//! one `INSERT … SELECT … FROM generate_series` per table, parents before children. Values
//! respect column types, NOT NULL, unique keys (every generated value is distinct per row) and
//! single-column foreign keys (children point at existing parent rows). Identity/serial columns
//! and columns with a plain default take their default. Reads the scratch catalog, not the model.

use super::script::short;
use super::VerifyError;
use crate::schema::sizes::RowCounts;
use postgres::Client;
use std::collections::BTreeMap;

/// One column as the catalog describes it.
struct Column {
    name: String,
    /// `format_type` text, e.g. `character varying(20)`.
    type_text: String,
    /// `pg_type.typcategory` (N numeric, S string, B boolean, D date/time, E enum, A array, …).
    category: String,
    type_name: String,
    not_null: bool,
    has_default: bool,
    identity_or_serial: bool,
    /// varchar/char length limit.
    max_len: Option<i32>,
    /// numeric(p, s): digits before the point.
    int_digits: Option<i32>,
}

/// A single-column foreign key: (column, parent table key, parent column).
struct Reference {
    column: String,
    parent: String,
    parent_column: String,
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub(crate) fn qualified(key: &str) -> String {
    match key.split_once('.') {
        Some((s, t)) => format!("{}.{}", ident(s), ident(t)),
        None => format!("public.{}", ident(key)),
    }
}

const TABLE_KEY: &str =
    "CASE WHEN n.nspname = 'public' THEN c.relname::text ELSE n.nspname || '.' || c.relname END";

/// User tables of the scratch database, by schema key.
pub(crate) fn tables(client: &mut Client) -> Result<Vec<String>, postgres::Error> {
    Ok(client
        .query(
            &format!(
                "SELECT {TABLE_KEY} FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND {}
                 ORDER BY 1",
                super::catalog::USER_NAMESPACES
            ),
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

pub(crate) fn column_names(
    client: &mut Client,
    table: &str,
) -> Result<Vec<String>, postgres::Error> {
    Ok(columns(client, table)?
        .into_iter()
        .map(|c| c.name)
        .collect())
}

fn columns(client: &mut Client, table: &str) -> Result<Vec<Column>, postgres::Error> {
    let rows = client.query(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), t.typcategory::text,
                t.typname::text, a.attnotnull, a.atthasdef,
                a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false)
                    OR a.attgenerated <> '',
                CASE WHEN t.typname IN ('varchar','bpchar') AND a.atttypmod > 4 THEN a.atttypmod - 4 END,
                CASE WHEN t.typname = 'numeric' AND a.atttypmod > 4
                     THEN ((a.atttypmod - 4) >> 16) - ((a.atttypmod - 4) & 65535) END
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum",
        &[&qualified(table)],
    )?;
    Ok(rows
        .iter()
        .map(|r| Column {
            name: r.get(0),
            type_text: r.get(1),
            category: r.get(2),
            type_name: r.get(3),
            not_null: r.get(4),
            has_default: r.get(5),
            identity_or_serial: r.get(6),
            max_len: r.get(7),
            int_digits: r.get(8),
        })
        .collect())
}

fn references(client: &mut Client, table: &str) -> Result<Vec<Reference>, postgres::Error> {
    let rows = client.query(
        &format!(
            "SELECT a.attname::text, {TABLE_KEY}, pa.attname::text
             FROM pg_constraint k
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
             JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]
             JOIN pg_class c ON c.oid = k.confrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE k.contype = 'f' AND k.conrelid = $1::text::regclass AND cardinality(k.conkey) = 1"
        ),
        &[&qualified(table)],
    )?;
    Ok(rows
        .iter()
        .map(|r| Reference {
            column: r.get(0),
            parent: r.get(1),
            parent_column: r.get(2),
        })
        .collect())
}

/// A distinct value of the column's type for row `g` (1-based), or `None` to leave it out.
fn value(col: &Column) -> Option<String> {
    if col.identity_or_serial {
        return None;
    }
    let text = |prefix: &str| match col.max_len {
        // Digits first: truncation keeps values distinct as long as the row number fits.
        Some(n) => format!("left(g::text || '_{prefix}', {n})"),
        None => format!("'{prefix}_' || g"),
    };
    let expr = match (col.category.as_str(), col.type_name.as_str()) {
        (_, "int2") => "(g % 32000)::smallint".to_string(),
        (_, "int4" | "int8" | "oid") => "g".to_string(),
        (_, "numeric") => match col.int_digits {
            Some(d) if d < 10 => format!("(g % {})::numeric", 10i64.pow(d.max(1) as u32)),
            _ => "g::numeric".to_string(),
        },
        (_, "float4" | "float8") => "g::double precision".to_string(),
        (_, "money") => "g::numeric::money".to_string(),
        (_, "bool") => "(g % 2 = 0)".to_string(),
        (_, "text" | "varchar" | "bpchar" | "name" | "citext") => text("v"),
        (_, "uuid") => "md5(g::text)::uuid".to_string(),
        (_, "json" | "jsonb") => "jsonb_build_object('n', g)".to_string(),
        (_, "date") => "date '2000-01-01' + (g % 3000000)::int".to_string(),
        (_, "timestamp" | "timestamptz") => {
            "timestamptz '2020-01-01 00:00:00+00' + g * interval '1 second'".to_string()
        }
        (_, "time" | "timetz") => "time '00:00' + (g % 86400) * interval '1 second'".to_string(),
        (_, "interval") => "g * interval '1 second'".to_string(),
        (_, "bytea") => "convert_to(g::text, 'UTF8')".to_string(),
        (_, "inet" | "cidr") => "'10.0.0.0'::inet + g".to_string(),
        ("E", _) => format!(
            "(enum_range(NULL::{t}))[1 + g % cardinality(enum_range(NULL::{t}))]",
            t = col.type_text
        ),
        ("A", _) => "'{}'".to_string(),
        _ if col.has_default => return None,
        _ if !col.not_null => "NULL".to_string(),
        _ => text("v"),
    };
    Some(format!("({expr})::{}", col.type_text))
}

/// Tables ordered parents first (a table after every table it references, cycles broken).
fn ordered(tables: &[String], refs: &BTreeMap<String, Vec<Reference>>) -> Vec<String> {
    let mut done: Vec<String> = vec![];
    let mut remaining: Vec<String> = tables.to_vec();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|t| {
            refs.get(t).into_iter().flatten().all(|r| {
                r.parent == *t || done.contains(&r.parent) || !remaining.contains(&r.parent)
            })
        });
        let next = remaining.remove(ready.unwrap_or(0));
        done.push(next);
    }
    done
}

/// The rows to insert per table: the requested counts, plus, for a table whose NOT NULL
/// foreign key points at an empty table that was not named, that parent with as many rows
/// (and its own required parents in turn), since otherwise no child row could be written.
/// A parent that already holds rows is left alone.
fn with_required_parents(
    client: &mut Client,
    all: &[String],
    refs: &BTreeMap<String, Vec<Reference>>,
    counts: &RowCounts,
) -> Result<BTreeMap<String, u64>, postgres::Error> {
    let mut wanted: BTreeMap<String, u64> = all
        .iter()
        .filter_map(|t| Some((t.clone(), counts.for_table(t).filter(|n| *n > 0)?)))
        .collect();
    let mut queue: Vec<String> = wanted.keys().cloned().collect();
    while let Some(table) = queue.pop() {
        let n = wanted[&table];
        let cols = columns(client, &table)?;
        for r in refs.get(&table).into_iter().flatten() {
            let required = cols.iter().any(|c| c.name == r.column && c.not_null);
            if r.parent == table || !required || wanted.contains_key(&r.parent) {
                continue;
            }
            let sql = format!("SELECT EXISTS (SELECT FROM {})", qualified(&r.parent));
            let has_rows: bool = client.query_one(&sql, &[])?.get(0);
            if !has_rows {
                wanted.insert(r.parent.clone(), n);
                queue.push(r.parent.clone());
            }
        }
    }
    Ok(wanted)
}

/// Insert the requested rows; returns the rows now in each seeded table.
pub fn seed(client: &mut Client, counts: &RowCounts) -> Result<BTreeMap<String, u64>, VerifyError> {
    let mut seeded = BTreeMap::new();
    if counts.is_empty() {
        return Ok(seeded);
    }
    let db = |e: postgres::Error| VerifyError::Seed(super::db_message(&e));
    let all = tables(client).map_err(db)?;
    for name in counts.tables.keys() {
        if !all.contains(name) {
            return Err(VerifyError::Seed(format!(
                "--rows {name}=…: there is no table `{name}` in the schema (tables: {})",
                all.join(", ")
            )));
        }
    }
    let mut refs = BTreeMap::new();
    for t in &all {
        refs.insert(t.clone(), references(client, t).map_err(db)?);
    }
    let wanted = with_required_parents(client, &all, &refs, counts).map_err(db)?;
    for table in ordered(&all, &refs) {
        let Some(&n) = wanted.get(&table) else {
            continue;
        };
        let cols = columns(client, &table).map_err(db)?;
        let mut names = vec![];
        let mut exprs = vec![];
        let mut parents = vec![];
        for col in &cols {
            let reference = refs[&table].iter().find(|r| r.column == col.name);
            let expr = match reference {
                Some(r) if r.parent == table => (!col.not_null).then(|| "NULL".to_string()),
                Some(r) => {
                    let alias = format!("p{}", parents.len());
                    parents.push(format!(
                        "(SELECT array_agg({c} ORDER BY {c}) AS a FROM {t}) {alias}",
                        c = ident(&r.parent_column),
                        t = qualified(&r.parent)
                    ));
                    Some(format!("{alias}.a[1 + (g - 1) % cardinality({alias}.a)]"))
                }
                None => value(col),
            };
            if let Some(expr) = expr {
                names.push(ident(&col.name));
                exprs.push(expr);
            }
        }
        let from = std::iter::once(format!("generate_series(1, {n}) g"))
            .chain(parents)
            .collect::<Vec<_>>()
            .join(", ");
        let sql = if names.is_empty() {
            format!("INSERT INTO {} SELECT FROM {from}", qualified(&table))
        } else {
            format!(
                "INSERT INTO {} ({}) SELECT {} FROM {from}",
                qualified(&table),
                names.join(", "),
                exprs.join(", ")
            )
        };
        client.batch_execute(&sql).map_err(|e| {
            VerifyError::Seed(format!(
                "cannot fill `{table}` with {n} synthetic rows: {} (statement: {}); \
                 seed fewer tables with --rows TABLE=N",
                super::db_message(&e),
                short(&sql)
            ))
        })?;
        let count: i64 = client
            .query_one(&format!("SELECT count(*) FROM {}", qualified(&table)), &[])
            .map_err(db)?
            .get(0);
        seeded.insert(table, count as u64);
    }
    client.batch_execute("ANALYZE").map_err(db)?;
    Ok(seeded)
}
