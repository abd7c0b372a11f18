//! One table of an SQLite file: its pragmas, completed by its `CREATE TABLE` text.

use super::*;

pub(super) fn read_table(conn: &Connection, name: &str, sql: &str) -> Result<Table, String> {
    let e = |e: rusqlite::Error| e.to_string();
    let parsed = parse_create_table(sql);
    let mut table = Table {
        schema: String::new(),
        name: name.to_string(),
        options: TableOptions {
            without_rowid: parsed.without_rowid,
            strict: parsed.strict,
            ..TableOptions::default()
        },
        ..Table::default()
    };
    let rows: Vec<(String, String, bool, Option<String>, i64, i64)> = pragma_rows(conn, "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1, 'main') ORDER BY cid", name, |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
    let mut pk: Vec<(i64, String)> = Vec::new();
    for (cname, ctype, notnull, default, pk_pos, hidden) in rows {
        if hidden == 1 {
            continue;
        }
        let def = parsed
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&cname));
        let generated = if hidden == 2 || hidden == 3 {
            def.and_then(|d| d.generated.clone())
                .map(|expression| GeneratedColumn {
                    expression,
                    stored: hidden == 3,
                })
        } else {
            None
        };
        let mut column = Column::new(cname.clone(), ctype.trim().to_ascii_lowercase());
        column.nullable = !notnull;
        column.default = default;
        column.options = ColumnOptions {
            auto_increment: def.is_some_and(|d| d.autoincrement),
            collation: def.and_then(|d| d.collation.clone()),
            generated,
            ..ColumnOptions::default()
        };
        if pk_pos > 0 {
            pk.push((pk_pos, cname));
        }
        table.columns.push(column);
    }
    if !pk.is_empty() {
        pk.sort();
        table.primary_key = Some(PrimaryKey {
            name: parsed.pk_name.clone().unwrap_or_else(|| "pkey".to_string()),
            columns: pk.into_iter().map(|(_, c)| c).collect(),
        });
    }
    // Indexes: `c` created by CREATE INDEX, `u` a UNIQUE constraint, `pk` the primary key.
    let list: Vec<(String, bool, String, bool)> = pragma_rows(conn, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1, 'main') ORDER BY seq DESC", name, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    for (iname, unique, origin, partial) in list {
        let keys: Vec<(i64, Option<String>, bool, Option<String>)> = pragma_rows(conn, "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(?1, 'main') WHERE key = 1 ORDER BY seqno", &iname, |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        match origin.as_str() {
            "pk" => continue,
            "u" => {
                let columns: Vec<String> = keys.into_iter().filter_map(|k| k.1).collect();
                let explicit = parsed
                    .uniques
                    .iter()
                    .find(|(_, cols)| {
                        cols.len() == columns.len()
                            && cols
                                .iter()
                                .zip(&columns)
                                .all(|(a, b)| a.eq_ignore_ascii_case(b))
                    })
                    .and_then(|(n, _)| n.clone());
                let name_for = explicit.unwrap_or_else(|| format!("{}_key", columns.join("_")));
                table.unique_constraints.push(UniqueConstraint {
                    name: name_for,
                    columns,
                });
            }
            _ => {
                let index_sql: Option<String> = conn
                    .query_row(
                        "SELECT sql FROM main.sqlite_schema WHERE type = 'index' AND name = ?1",
                        [&iname],
                        |r| r.get(0),
                    )
                    .map_err(e)?;
                let index_sql = index_sql.unwrap_or_default();
                let (elements, predicate) = parse_create_index(&index_sql);
                let columns = keys
                    .iter()
                    .enumerate()
                    .map(|(i, (cid, cname, desc, coll))| match cname {
                        Some(c) if *cid >= 0 => {
                            let plain_coll = coll.as_deref().is_none_or(|k| k == "BINARY");
                            if !desc && plain_coll {
                                IndexKey::Column(c.clone())
                            } else {
                                IndexKey::Expression {
                                    expression: elements
                                        .get(i)
                                        .cloned()
                                        .unwrap_or_else(|| quote(c)),
                                }
                            }
                        }
                        _ => IndexKey::Expression {
                            expression: elements.get(i).cloned().unwrap_or_default(),
                        },
                    })
                    .collect();
                table.indexes.push(Index {
                    name: iname.clone(),
                    columns,
                    unique,
                    method: "btree".into(),
                    predicate: if partial { predicate } else { None },
                    include: vec![],
                    prefix_lengths: Default::default(),
                });
            }
        }
    }
    table.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
    table.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    // Foreign keys, one per id, in declaration order.
    let fks: Vec<(i64, String, String, Option<String>, String, String)> = pragma_rows(conn, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1, 'main') ORDER BY id DESC, seq", name, |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
    /// (referenced table, from, to, on update, on delete) of one column pair.
    type FkRow = (String, String, Option<String>, String, String);
    let mut groups: Vec<(i64, Vec<FkRow>)> = vec![];
    for (id, rt, from, to, upd, del) in fks {
        match groups.last_mut() {
            Some((gid, rows)) if *gid == id => rows.push((rt, from, to, upd, del)),
            _ => groups.push((id, vec![(rt, from, to, upd, del)])),
        }
    }
    for (_, rows) in groups {
        let columns: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
        let ref_columns: Vec<String> = rows.iter().filter_map(|r| r.2.clone()).collect();
        let parsed_fk = parsed.foreign_keys.iter().find(|f| {
            f.columns.len() == columns.len()
                && f.columns
                    .iter()
                    .zip(&columns)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
                && f.ref_table.eq_ignore_ascii_case(&rows[0].0)
        });
        table.foreign_keys.push(ForeignKey {
            name: parsed_fk
                .and_then(|f| f.name.clone())
                .unwrap_or_else(|| format!("{}_fkey", columns.join("_"))),
            columns,
            ref_table: rows[0].0.clone(),
            ref_columns,
            on_delete: action(&rows[0].4),
            on_update: action(&rows[0].3),
            deferrable: parsed_fk.is_some_and(|f| f.deferrable),
            initially_deferred: parsed_fk.is_some_and(|f| f.initially_deferred),
            validated: true,
        });
    }
    let mut used = std::collections::BTreeSet::new();
    for (cname, expr, column) in parsed.checks {
        let base = cname.unwrap_or_else(|| match &column {
            Some(c) => format!("{c}_check"),
            None => "check".to_string(),
        });
        let mut n = base.clone();
        let mut i = 1;
        while !used.insert(n.clone()) {
            n = format!("{base}{i}");
            i += 1;
        }
        table.check_constraints.push(CheckConstraint {
            name: n,
            expression: expr,
            validated: true,
        });
    }
    Ok(table)
}

pub(super) fn action(s: &str) -> FkAction {
    match s.to_ascii_uppercase().as_str() {
        "RESTRICT" => FkAction::Restrict,
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// The rows of one pragma query taking the table or index name as `?1`.
fn pragma_rows<T>(
    conn: &Connection,
    sql: &str,
    name: &str,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, String> {
    let e = |e: rusqlite::Error| e.to_string();
    let mut stmt = conn.prepare(sql).map_err(e)?;
    let rows = stmt.query_map([name], row).map_err(e)?;
    rows.collect::<Result<_, _>>().map_err(e)
}
