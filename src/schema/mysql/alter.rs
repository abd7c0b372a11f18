//! `ALTER TABLE` in a MySQL script (phpMyAdmin exports add every key this way, hand-written
//! DDL often does): the operations the model holds are applied; any other becomes a note.

use super::table::{column_def, implicit_fk_indexes, last_part, table_constraint};
use crate::schema::{Schema, Table};
use sqlparser::ast::{AlterTable, AlterTableOperation as Op, MySQLColumnPosition};

/// Apply `ALTER TABLE`; the notes it leaves (unknown table, operations not modelled).
pub(super) fn apply(schema: &mut Schema, at: &AlterTable) -> Vec<String> {
    let name = last_part(&at.name);
    let mut notes = vec![];
    let Some(mut table) = schema.tables.remove(&name) else {
        return vec![format!("ALTER TABLE of unknown table `{name}`")];
    };
    for op in &at.operations {
        if let Some(note) = operation(&mut table, op) {
            notes.push(note);
        }
    }
    implicit_fk_indexes(&mut table);
    schema.tables.insert(table.name.clone(), table);
    notes
}

fn operation(t: &mut Table, op: &Op) -> Option<String> {
    match op {
        Op::AddConstraint { constraint, .. } => table_constraint(t, constraint),
        Op::AddColumn {
            column_def: def,
            column_position,
            ..
        } => {
            let c = column_def(
                t,
                &def.name.value,
                &def.data_type,
                def.options.iter().map(|o| &o.option),
            );
            place(t, c, column_position.as_ref(), None);
        }
        Op::ModifyColumn {
            col_name,
            data_type,
            options,
            column_position,
        } => {
            let c = column_def(t, &col_name.value, data_type, options.iter());
            place(t, c, column_position.as_ref(), Some(&col_name.value));
        }
        Op::ChangeColumn {
            old_name,
            new_name,
            data_type,
            options,
            column_position,
        } => {
            let c = column_def(t, &new_name.value, data_type, options.iter());
            rename_in_keys(t, &old_name.value, &new_name.value);
            place(t, c, column_position.as_ref(), Some(&old_name.value));
        }
        Op::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            if let Some(c) = t.column_mut(&old_column_name.value) {
                c.name = new_column_name.value.clone();
            }
            rename_in_keys(t, &old_column_name.value, &new_column_name.value);
        }
        Op::DropColumn { column_names, .. } => {
            for n in column_names {
                t.columns.retain(|c| c.name != n.value);
                for i in &mut t.indexes {
                    i.columns.retain(|k| k.column() != Some(n.value.as_str()));
                    i.prefix_lengths.remove(&n.value);
                }
                t.indexes.retain(|i| !i.columns.is_empty());
            }
        }
        Op::DropPrimaryKey { .. } => t.primary_key = None,
        Op::DropIndex { name } => t.indexes.retain(|i| i.name != name.value),
        Op::DropForeignKey { name, .. } => t.foreign_keys.retain(|f| f.name != name.value),
        Op::DropConstraint { name, .. } => {
            t.foreign_keys.retain(|f| f.name != name.value);
            t.check_constraints.retain(|c| c.name != name.value);
            t.indexes.retain(|i| i.name != name.value);
        }
        other => {
            let text = other.to_string();
            // `AUTO_INCREMENT=5` and the like: table options the model does not hold.
            if text.to_ascii_uppercase().starts_with("AUTO_INCREMENT") {
                return None;
            }
            return Some(format!("ALTER TABLE `{}` {text}: not modelled", t.name));
        }
    }
    None
}

/// Put a (re)defined column in place: where `FIRST`/`AFTER` says, else where the old one was
/// (`replacing`), else last.
fn place(
    t: &mut Table,
    c: crate::schema::Column,
    at: Option<&MySQLColumnPosition>,
    replacing: Option<&str>,
) {
    let old = replacing.and_then(|n| t.columns.iter().position(|x| x.name == n));
    if let Some(i) = old {
        t.columns.remove(i);
    }
    let index = match at {
        Some(MySQLColumnPosition::First) => 0,
        Some(MySQLColumnPosition::After(after)) => t
            .columns
            .iter()
            .position(|x| x.name == after.value)
            .map(|i| i + 1)
            .unwrap_or(t.columns.len()),
        None => old.unwrap_or(t.columns.len()),
    };
    t.columns.insert(index.min(t.columns.len()), c);
}

fn rename_in_keys(t: &mut Table, from: &str, to: &str) {
    let rename = |c: &mut String| {
        if c == from {
            *c = to.to_string();
        }
    };
    if let Some(pk) = &mut t.primary_key {
        pk.columns.iter_mut().for_each(rename);
    }
    for i in &mut t.indexes {
        for k in &mut i.columns {
            if let crate::schema::IndexKey::Column(c) = k {
                rename(c);
            }
        }
        if let Some(n) = i.prefix_lengths.remove(from) {
            i.prefix_lengths.insert(to.to_string(), n);
        }
    }
    for f in &mut t.foreign_keys {
        f.columns.iter_mut().for_each(rename);
    }
}
