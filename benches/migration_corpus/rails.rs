//! The operations a Rails migration file performs, read from its Ruby DSL statements
//! (`add_column`, `create_table … do |t|`, `change_table`, `add_index`, …) with migsmith's
//! Ruby literal reader. `def down` / `def self.down` bodies are skipped (they undo `up`).

use crate::corpus::{op, Op};
use migsmith::schema::rails_schema::ruby::{self, Call, Val};

fn text(v: Option<&Val>) -> Option<String> {
    v.and_then(|v| v.text()).map(str::to_string)
}

fn singular(w: &str) -> String {
    migsmith::plan::resolve::names::singular(w)
}

/// `change_column_null`'s third argument: `true` → the column becomes nullable.
fn null_target(v: Option<&Val>) -> Option<String> {
    match v {
        Some(Val::Bool(true)) => Some("null".into()),
        Some(Val::Bool(false)) => Some("not_null".into()),
        _ => None,
    }
}

/// The class name (`AddXToY`) and the operations of one migration file.
pub fn read(src: &str) -> (Option<String>, Vec<Op>) {
    let mut class = None;
    let mut ops = vec![];
    // Open blocks: (opener kind, table of a create_table/change_table block).
    let mut stack: Vec<(String, Option<String>)> = vec![];
    let mut skipping: Option<usize> = None; // depth of a `def down`
    for st in ruby::statements(src) {
        let line = st.text.trim();
        let first = line.split_whitespace().next().unwrap_or("");
        if first == "end" || line.starts_with("end ") || line == "end)" {
            if let Some((_, _)) = stack.pop() {
                if skipping == Some(stack.len()) {
                    skipping = None;
                }
            }
            continue;
        }
        if first == "class" {
            if class.is_none() {
                class = line.split_whitespace().nth(1).map(|s| s.to_string());
            }
            stack.push(("class".into(), None));
            continue;
        }
        if first == "def" {
            let m = line.split_whitespace().nth(1).unwrap_or("");
            let m = m.trim_start_matches("self.");
            if (m == "down" || m.starts_with("down(")) && skipping.is_none() {
                skipping = Some(stack.len());
            }
            // A one-line `def x; end` opens and closes.
            if !line.ends_with("end") {
                stack.push(("def".into(), None));
            }
            continue;
        }
        if ["if", "unless", "case", "begin", "while", "until", "module"].contains(&first) {
            stack.push((first.into(), None));
            continue;
        }
        let opens = line.ends_with(" do") || line.contains(" do |");
        if skipping.is_some() {
            if opens {
                stack.push(("do".into(), None));
            }
            continue;
        }
        let Some(call) = ruby::call(&st) else {
            if opens {
                stack.push(("do".into(), None));
            }
            continue;
        };
        let block_table = stack.iter().rev().find_map(|(k, t)| {
            if k == "create" || k == "change" {
                t.clone().map(|t| (k.clone(), t))
            } else {
                None
            }
        });
        let mut pushed = false;
        if let Some(name) = call.name.strip_prefix("t.").or_else(|| {
            call.name
                .split_once('.')
                .filter(|(r, _)| block_table.is_some() && r.len() <= 12)
                .map(|(_, m)| m)
        }) {
            if let Some((k, table)) = &block_table {
                inner(&mut ops, k == "create", table, name, &call);
            }
        } else {
            top(&mut ops, &call, &mut stack, &mut pushed);
        }
        if (call.block || opens) && !pushed {
            stack.push(("do".into(), None));
        }
    }
    (class, ops)
}

/// A `t.<x>` line inside `create_table` (`create`) or `change_table`.
fn inner(ops: &mut Vec<Op>, create: bool, table: &str, m: &str, c: &Call) {
    let names: Vec<String> = c.args.iter().flat_map(|a| a.texts()).collect();
    let col = |ops: &mut Vec<Op>, cols: Vec<String>| {
        if create {
            if let Some(ct) = ops
                .iter_mut()
                .rev()
                .find(|o| o.kind == "create_table" && o.table == table)
            {
                ct.columns.extend(cols);
            }
        } else {
            ops.push(Op {
                columns: cols,
                ..op("add_column", table, &[])
            });
        }
    };
    match m {
        "timestamps" => col(ops, vec!["created_at".into(), "updated_at".into()]),
        "references" | "belongs_to" => {
            let cols: Vec<String> = names.iter().map(|n| format!("{n}_id")).collect();
            let mut cols = cols;
            if c.flag("polymorphic") || c.has("polymorphic") {
                cols.extend(names.iter().map(|n| format!("{n}_type")));
            }
            col(ops, cols)
        }
        "column" => col(ops, names.into_iter().take(1).collect()),
        "index" => {
            if !create {
                ops.push(Op {
                    columns: names,
                    name: text(c.opt("name")),
                    ..op("add_index", table, &[])
                });
            }
        }
        "remove" => ops.push(Op {
            columns: names,
            ..op("drop_column", table, &[])
        }),
        "remove_references" | "remove_belongs_to" => ops.push(Op {
            columns: names.iter().map(|n| format!("{n}_id")).collect(),
            ..op("drop_column", table, &[])
        }),
        "remove_timestamps" => ops.push(op("drop_column", table, &["created_at", "updated_at"])),
        "rename" => {
            if names.len() >= 2 {
                ops.push(Op {
                    columns: names[..2].to_vec(),
                    ..op("rename_column", table, &[])
                })
            }
        }
        "change" => ops.push(Op {
            to: names.get(1).cloned(),
            columns: names.into_iter().take(1).collect(),
            ..op("change_column_type", table, &[])
        }),
        "change_default" => ops.push(Op {
            columns: names.into_iter().take(1).collect(),
            ..op("change_default", table, &[])
        }),
        "change_null" => ops.push(Op {
            columns: names.into_iter().take(1).collect(),
            to: null_target(c.args.get(1)),
            ..op("change_null", table, &[])
        }),
        "remove_index" => ops.push(Op {
            columns: names
                .into_iter()
                .chain(c.opt("column").map(|v| v.texts()).unwrap_or_default())
                .collect(),
            name: text(c.opt("name")),
            ..op("drop_index", table, &[])
        }),
        "foreign_key" if !create => ops.push(Op {
            columns: names
                .first()
                .map(|n| vec![format!("{}_id", singular(n))])
                .unwrap_or_default(),
            ..op("add_foreign_key", table, &[])
        }),
        "check_constraint" | "unique_constraint" if !create => {
            ops.push(op("add_constraint", table, &[]))
        }
        "foreign_key" | "check_constraint" | "unique_constraint" | "exclusion_constraint" => {}
        _ => {
            // A column type (`t.string :a, :b`, `t.jsonb`, `t.enum`…).
            if !names.is_empty() && m.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_') {
                col(ops, names)
            }
        }
    }
}

/// A top-level call.
fn top(ops: &mut Vec<Op>, c: &Call, stack: &mut Vec<(String, Option<String>)>, pushed: &mut bool) {
    let a: Vec<String> = c.args.iter().flat_map(|v| v.texts()).collect();
    let t = a.first().cloned().unwrap_or_default();
    let arg = |i: usize| a.get(i).cloned();
    let push = |ops: &mut Vec<Op>, kind: &str, cols: Vec<String>| {
        ops.push(Op {
            columns: cols,
            ..op(kind, &t, &[])
        })
    };
    let first_arr = |i: usize| c.args.get(i).map(|v| v.texts()).unwrap_or_default();
    match c.name.as_str() {
        "create_table" => {
            let mut cols = vec![];
            if !matches!(c.opt("id"), Some(Val::Bool(false))) {
                cols.push(text(c.opt("primary_key")).unwrap_or_else(|| "id".into()));
            }
            push(ops, "create_table", cols);
            if c.block {
                stack.push(("create".into(), Some(t.clone())));
                *pushed = true;
            }
        }
        "change_table" if c.block => {
            stack.push(("change".into(), Some(t.clone())));
            *pushed = true;
        }
        "create_join_table" => {
            let name = text(c.opt("table_name")).unwrap_or_else(|| {
                let mut v = [t.clone(), arg(1).unwrap_or_default()];
                v.sort();
                format!("{}_{}", v[0], v[1])
            });
            let cols: Vec<String> = [t.clone(), arg(1).unwrap_or_default()]
                .iter()
                .map(|x| format!("{}_id", singular(x)))
                .collect();
            ops.push(Op {
                columns: cols,
                ..op("create_table", &name, &[])
            });
            if c.block {
                stack.push(("create".into(), Some(name)));
                *pushed = true;
            }
        }
        "drop_table" => push(ops, "drop_table", vec![]),
        "drop_join_table" => {
            let mut v = [t.clone(), arg(1).unwrap_or_default()];
            v.sort();
            ops.push(op("drop_table", &format!("{}_{}", v[0], v[1]), &[]))
        }
        "rename_table" => ops.push(Op {
            to: arg(1),
            ..op("rename_table", &t, &[])
        }),
        "add_column" => push(ops, "add_column", arg(1).into_iter().collect()),
        "remove_column" => push(ops, "drop_column", arg(1).into_iter().collect()),
        "remove_columns" => push(ops, "drop_column", a[1..].to_vec()),
        "rename_column" if a.len() >= 3 => push(ops, "rename_column", a[1..3].to_vec()),
        "change_column" => ops.push(Op {
            columns: arg(1).into_iter().collect(),
            to: arg(2),
            ..op("change_column_type", &t, &[])
        }),
        "change_column_null" => ops.push(Op {
            columns: arg(1).into_iter().collect(),
            to: null_target(c.args.get(2)),
            ..op("change_null", &t, &[])
        }),
        "change_column_default" => push(ops, "change_default", arg(1).into_iter().collect()),
        "add_timestamps" => push(
            ops,
            "add_column",
            vec!["created_at".into(), "updated_at".into()],
        ),
        "remove_timestamps" => push(
            ops,
            "drop_column",
            vec!["created_at".into(), "updated_at".into()],
        ),
        "add_reference" | "add_belongs_to" => {
            let r = arg(1).unwrap_or_default();
            let mut cols = vec![format!("{r}_id")];
            if c.has("polymorphic") {
                cols.push(format!("{r}_type"));
            }
            push(ops, "add_column", cols)
        }
        "remove_reference" | "remove_belongs_to" => push(
            ops,
            "drop_column",
            vec![format!("{}_id", arg(1).unwrap_or_default())],
        ),
        "add_index" => ops.push(Op {
            columns: first_arr(1),
            name: text(c.opt("name")),
            ..op("add_index", &t, &[])
        }),
        "remove_index" => {
            let mut cols = c.opt("column").map(|v| v.texts()).unwrap_or_default();
            if cols.is_empty() {
                cols = first_arr(1);
            }
            ops.push(Op {
                columns: cols,
                name: text(c.opt("name")),
                ..op("remove_index", &t, &[])
            });
            if let Some(o) = ops.last_mut() {
                o.kind = "drop_index".into();
            }
        }
        "add_foreign_key" => {
            let to = arg(1).unwrap_or_default();
            let col = text(c.opt("column")).unwrap_or_else(|| format!("{}_id", singular(&to)));
            ops.push(Op {
                to: Some(to),
                ..op("add_foreign_key", &t, &[&col])
            })
        }
        "remove_foreign_key" => {
            let to = arg(1);
            let col = text(c.opt("column"))
                .or_else(|| to.as_ref().map(|x| format!("{}_id", singular(x))));
            ops.push(Op {
                columns: col.into_iter().collect(),
                to,
                ..op("drop_foreign_key", &t, &[])
            })
        }
        "add_check_constraint" | "add_unique_constraint" => push(ops, "add_constraint", vec![]),
        "remove_check_constraint" | "remove_unique_constraint" => {
            push(ops, "drop_constraint", vec![])
        }
        _ => {}
    }
}
