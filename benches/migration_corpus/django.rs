//! The operations a Django migration performs: the difference between migsmith's static
//! replay of the project's migrations just before and just after it (tables, columns, types,
//! nullability, indexes, foreign keys, constraints), with `RenameField`/`RenameModel`/
//! `AlterModelTable` read from the file so a rename is a rename, not a drop and an add.

use crate::corpus::{op, Entry, Op};
use migsmith::schema::django::{self, graph::Migration, python::Value};
use migsmith::schema::{Schema, Table};
use std::collections::BTreeSet;
use std::path::Path;

fn index_cols(t: &Table) -> Vec<(String, Vec<String>, bool)> {
    t.indexes
        .iter()
        .map(|i| {
            (
                i.name.clone(),
                i.columns
                    .iter()
                    .filter_map(|k| k.column().map(str::to_string))
                    .collect(),
                i.unique,
            )
        })
        .chain(
            t.unique_constraints
                .iter()
                .map(|u| (u.name.clone(), u.columns.clone(), true)),
        )
        .collect()
}

fn has_rename(m: &Migration, func: &str) -> bool {
    m.operations.iter().any(|o| match o {
        Value::Call(c) => c.name() == func,
        _ => false,
    })
}

/// The operations `m` performs, from the schemas before and after it.
pub fn diff(m: &Migration, before: &Schema, after: &Schema) -> Vec<Op> {
    let mut ops = vec![];
    let names =
        |s: &Schema| -> BTreeSet<String> { s.tables.values().map(|t| t.name.clone()).collect() };
    let (bt, at) = (names(before), names(after));
    let find = |s: &Schema, n: &str| s.tables.values().find(|t| t.name == n).cloned();
    let new: Vec<&String> = at.difference(&bt).collect();
    let gone: Vec<&String> = bt.difference(&at).collect();
    let renamed_table = (has_rename(m, "RenameModel") || has_rename(m, "AlterModelTable"))
        && new.len() == 1
        && gone.len() == 1;
    if renamed_table {
        ops.push(Op {
            to: Some(new[0].clone()),
            ..op("rename_table", gone[0], &[])
        });
    } else {
        for t in &new {
            let cols: Vec<String> = find(after, t)
                .map(|t| t.columns.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default();
            ops.push(Op {
                columns: cols,
                ..op("create_table", t, &[])
            });
        }
        for t in &gone {
            ops.push(op("drop_table", t, &[]));
        }
    }
    for name in bt.intersection(&at) {
        let (Some(b), Some(a)) = (find(before, name), find(after, name)) else {
            continue;
        };
        let bc: Vec<&str> = b.columns.iter().map(|c| c.name.as_str()).collect();
        let ac: Vec<&str> = a.columns.iter().map(|c| c.name.as_str()).collect();
        let added: Vec<&str> = ac.iter().filter(|c| !bc.contains(c)).copied().collect();
        let dropped: Vec<&str> = bc.iter().filter(|c| !ac.contains(c)).copied().collect();
        let renamed = has_rename(m, "RenameField") && added.len() == 1 && dropped.len() == 1;
        if renamed {
            ops.push(op("rename_column", name, &[dropped[0], added[0]]));
        } else {
            if !added.is_empty() {
                ops.push(op("add_column", name, &added));
            }
            if !dropped.is_empty() {
                ops.push(op("drop_column", name, &dropped));
            }
        }
        for c in &a.columns {
            let Some(old) = b.columns.iter().find(|o| o.name == c.name) else {
                continue;
            };
            if old.data_type != c.data_type {
                ops.push(Op {
                    to: Some(c.data_type.clone()),
                    ..op("change_column_type", name, &[&c.name])
                });
            }
            if old.nullable != c.nullable {
                let to = if c.nullable { "null" } else { "not_null" };
                ops.push(Op {
                    to: Some(to.into()),
                    ..op("change_null", name, &[&c.name])
                });
            }
            if old.default != c.default {
                ops.push(op("change_default", name, &[&c.name]));
            }
        }
        if renamed {
            continue; // index names follow the column; not a change of their own
        }
        let (bi, ai) = (index_cols(&b), index_cols(&a));
        let same = |x: &(String, Vec<String>, bool), y: &(String, Vec<String>, bool)| {
            x.1 == y.1 && x.2 == y.2
        };
        for i in ai.iter().filter(|i| !bi.iter().any(|j| same(i, j))) {
            ops.push(Op {
                name: Some(i.0.clone()),
                columns: i.1.clone(),
                ..op("add_index", name, &[])
            });
        }
        for i in bi.iter().filter(|i| !ai.iter().any(|j| same(i, j))) {
            ops.push(Op {
                name: Some(i.0.clone()),
                columns: i.1.clone(),
                ..op("drop_index", name, &[])
            });
        }
        let fks = |t: &Table| -> Vec<(Vec<String>, String)> {
            t.foreign_keys
                .iter()
                .map(|f| (f.columns.clone(), f.ref_table.clone()))
                .collect()
        };
        let (bf, af) = (fks(&b), fks(&a));
        for f in af.iter().filter(|f| !bf.contains(f)) {
            ops.push(Op {
                columns: f.0.clone(),
                to: Some(f.1.clone()),
                ..op("add_foreign_key", name, &[])
            });
        }
        for f in bf.iter().filter(|f| !af.contains(f)) {
            ops.push(Op {
                columns: f.0.clone(),
                to: Some(f.1.clone()),
                ..op("drop_foreign_key", name, &[])
            });
        }
        let checks = |t: &Table| -> BTreeSet<String> {
            t.check_constraints.iter().map(|c| c.name.clone()).collect()
        };
        for c in checks(&a).difference(&checks(&b)) {
            ops.push(Op {
                name: Some(c.clone()),
                ..op("add_constraint", name, &[])
            });
        }
        for c in checks(&b).difference(&checks(&a)) {
            ops.push(Op {
                name: Some(c.clone()),
                ..op("drop_constraint", name, &[])
            });
        }
    }
    ops
}

/// Every migration of the Django project at `root`, in the order Django applies them.
pub fn entries(app: &str, root: &Path) -> Vec<Entry> {
    let mut out = vec![];
    let mut observe = |m: &Migration, before: &Schema, after: &Schema| {
        let name = m
            .name
            .split_once('_')
            .map(|(n, rest)| {
                if n.chars().all(|c| c.is_ascii_digit()) {
                    rest
                } else {
                    m.name.as_str()
                }
            })
            .unwrap_or(&m.name)
            .to_string();
        out.push(Entry {
            app: app.into(),
            framework: "django".into(),
            label: m.app.clone(),
            name,
            ops: diff(m, before, after),
        });
    };
    if let Err(e) = django::load_observed(root, Some(&mut observe)) {
        eprintln!("{app}: {e}");
    }
    out
}
