//! Building a [`Table`] from sqlparser's MySQL `CREATE TABLE` (and the pieces `ALTER TABLE`
//! and `CREATE INDEX` reuse): columns with their options, keys, foreign keys, checks and table
//! options, named the way the server names what the DDL leaves unnamed.

use super::{canonical_expr, canonical_type, charset_of_collation, descending_key, fk_action};
use crate::schema::{
    CheckConstraint, Column, ColumnOptions, ForeignKey, GeneratedColumn, Index, IndexKey,
    PrimaryKey, Schema, Table,
};
use sqlparser::ast::{
    ColumnOption, CreateIndex, CreateTable, DataType, Expr, FunctionArg, FunctionArgExpr,
    FunctionArguments, GeneratedExpressionMode, IndexColumn, IndexType, ObjectName, SqlOption,
    TableConstraint, Value,
};
use std::collections::BTreeMap;

pub fn last_part(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|p| p.as_ident())
        .map(|i| i.value.clone())
        .unwrap_or_else(|| name.to_string())
}

/// `ENGINE=InnoDB`, `DEFAULT CHARSET=utf8mb4`, `COLLATE=…`, `ROW_FORMAT=…`, `COMMENT='…'`.
fn table_options(ct: &CreateTable, table: &mut Table) {
    let options: &[SqlOption] = match &ct.table_options {
        sqlparser::ast::CreateTableOptions::Plain(o)
        | sqlparser::ast::CreateTableOptions::With(o)
        | sqlparser::ast::CreateTableOptions::Options(o)
        | sqlparser::ast::CreateTableOptions::TableProperties(o) => o,
        sqlparser::ast::CreateTableOptions::None => &[],
    };
    if let Some(c) = &ct.comment {
        table.comment = Some(comment_text(c));
    }
    for o in options {
        if let SqlOption::Comment(c) = o {
            table.comment = Some(comment_text(c)).filter(|c| !c.is_empty());
            continue;
        }
        let text = o.to_string();
        let Some((key, value)) = text.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_uppercase();
        let key = key.strip_prefix("DEFAULT ").unwrap_or(&key).trim();
        let value = value
            .trim()
            .trim_matches('\'')
            .trim_matches('`')
            .to_string();
        match key {
            "ENGINE" => table.options.engine = Some(value),
            "CHARSET" | "CHARACTER SET" => table.options.charset = Some(value.to_ascii_lowercase()),
            "COLLATE" => table.options.collation = Some(value.to_ascii_lowercase()),
            "ROW_FORMAT" => table.options.row_format = Some(value.to_ascii_uppercase()),
            _ => {}
        }
    }
    if table.options.charset.is_none() {
        table.options.charset = table.options.collation.as_deref().map(charset_of_collation);
    }
}

fn comment_text(c: &sqlparser::ast::CommentDef) -> String {
    match c {
        sqlparser::ast::CommentDef::WithEq(s) | sqlparser::ast::CommentDef::WithoutEq(s) => {
            s.clone()
        }
    }
}

pub(super) fn create_table(ct: &CreateTable) -> Table {
    let mut table = Table {
        schema: String::new(),
        name: last_part(&ct.name),
        ..Table::default()
    };
    table_options(ct, &mut table);
    for def in &ct.columns {
        let column = column_def(
            &mut table,
            &def.name.value,
            &def.data_type,
            def.options.iter().map(|o| &o.option),
        );
        table.columns.push(column);
    }
    for c in &ct.constraints {
        table_constraint(&mut table, c);
    }
    implicit_fk_indexes(&mut table);
    table
}

fn foreign_key(
    name: Option<String>,
    columns: Vec<String>,
    target: &ObjectName,
    ref_columns: Vec<String>,
    on_delete: Option<sqlparser::ast::ReferentialAction>,
    on_update: Option<sqlparser::ast::ReferentialAction>,
) -> ForeignKey {
    let parts: Vec<String> = target
        .0
        .iter()
        .map(|p| {
            p.as_ident()
                .map(|i| i.value.clone())
                .unwrap_or_else(|| p.to_string())
        })
        .collect();
    let rule = |a: Option<sqlparser::ast::ReferentialAction>| {
        fk_action(&a.map(|a| a.to_string()).unwrap_or_default())
    };
    ForeignKey {
        name: name.unwrap_or_default(),
        columns,
        ref_table: parts.join("."),
        ref_columns,
        on_delete: rule(on_delete),
        on_update: rule(on_update),
        deferrable: false,
        initially_deferred: false,
        validated: true,
    }
}

/// InnoDB's name for an unnamed foreign key: `<table>_ibfk_<n>`.
fn next_fk_name(table: &Table) -> String {
    (1..)
        .map(|n| format!("{}_ibfk_{n}", table.name))
        .find(|n| !table.foreign_keys.iter().any(|f| &f.name == n))
        .unwrap_or_default()
}

/// MySQL's name for an unnamed index: its first column, then `_2`, `_3`…
fn index_name(table: &Table, keys: &[IndexKey]) -> String {
    let base = keys
        .first()
        .and_then(|k| k.column())
        .unwrap_or("functional_index")
        .to_string();
    let taken = |n: &str| table.indexes.iter().any(|i| i.name == n) || n == "PRIMARY";
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|n| !taken(n))
        .unwrap_or(base)
}

/// Key parts: a column, a column prefix (`` `name`(10) ``), or an expression.
fn key_parts(columns: &[IndexColumn]) -> (Vec<IndexKey>, BTreeMap<String, u32>) {
    let mut keys = vec![];
    let mut prefixes = BTreeMap::new();
    for c in columns {
        let desc = matches!(
            c.column.options.sort,
            Some(sqlparser::ast::OrderBySort::Desc)
        );
        match &c.column.expr {
            Expr::Identifier(i) if desc => keys.push(descending_key(&i.value, None)),
            Expr::Function(f) if desc && prefix_len(f).is_some() => {
                keys.push(descending_key(&last_part(&f.name), prefix_len(f)))
            }
            Expr::Identifier(i) => keys.push(IndexKey::Column(i.value.clone())),
            Expr::CompoundIdentifier(parts) if !parts.is_empty() => {
                keys.push(IndexKey::Column(parts[parts.len() - 1].value.clone()))
            }
            Expr::Function(f) if prefix_len(f).is_some() => {
                let name = last_part(&f.name);
                prefixes.insert(name.clone(), prefix_len(f).unwrap_or(0));
                keys.push(IndexKey::Column(name));
            }
            Expr::Nested(inner) => keys.push(IndexKey::Expression {
                expression: canonical_expr(&inner.to_string()),
            }),
            e => keys.push(IndexKey::Expression {
                expression: canonical_expr(&e.to_string()),
            }),
        }
    }
    (keys, prefixes)
}

/// `` `col`(10) `` parses as a call: its one numeric argument is the prefix length.
fn prefix_len(f: &sqlparser::ast::Function) -> Option<u32> {
    if f.name.0.len() != 1 {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.as_slice() {
        [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))] => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

fn method(index_type: &Option<IndexType>) -> String {
    match index_type {
        Some(IndexType::Hash) => "hash".into(),
        Some(other) => other.to_string().to_ascii_lowercase(),
        None => "btree".into(),
    }
}

fn push_index(
    table: &mut Table,
    name: Option<String>,
    columns: &[IndexColumn],
    unique: bool,
    method: String,
) {
    let (keys, prefix_lengths) = key_parts(columns);
    let name = name.unwrap_or_else(|| index_name(table, &keys));
    table.indexes.retain(|i| i.name != name);
    table.indexes.push(Index {
        name,
        columns: keys,
        unique,
        method,
        predicate: None,
        include: vec![],
        prefix_lengths,
    });
}

pub(super) fn table_constraint(table: &mut Table, c: &TableConstraint) {
    match c {
        TableConstraint::PrimaryKey(pk) => {
            let (keys, _) = key_parts(&pk.columns);
            let columns: Vec<String> = keys
                .iter()
                .filter_map(|k| k.column().map(str::to_string))
                .collect();
            for col in &columns {
                if let Some(c) = table.column_mut(col) {
                    c.nullable = false;
                }
            }
            table.primary_key = Some(PrimaryKey {
                name: "PRIMARY".into(),
                columns,
            });
        }
        TableConstraint::Unique(u) => {
            let name = u
                .index_name
                .as_ref()
                .or(u.name.as_ref())
                .map(|n| n.value.clone());
            push_index(table, name, &u.columns, true, method(&u.index_type));
        }
        TableConstraint::Index(i) => {
            let name = i.name.as_ref().map(|n| n.value.clone());
            push_index(table, name, &i.columns, false, method(&i.index_type));
        }
        TableConstraint::FulltextOrSpatial(f) => {
            let name = f.opt_index_name.as_ref().map(|n| n.value.clone());
            let m = if f.fulltext { "fulltext" } else { "spatial" };
            push_index(table, name, &f.columns, false, m.into());
        }
        TableConstraint::ForeignKey(fk) => {
            let mut model = foreign_key(
                fk.name.as_ref().map(|n| n.value.clone()),
                fk.columns.iter().map(|c| c.value.clone()).collect(),
                &fk.foreign_table,
                fk.referred_columns
                    .iter()
                    .map(|c| c.value.clone())
                    .collect(),
                fk.on_delete,
                fk.on_update,
            );
            if model.name.is_empty() {
                model.name = next_fk_name(table);
            }
            table.foreign_keys.push(model);
        }
        TableConstraint::Check(c) => {
            let name = c.name.as_ref().map(|n| n.value.clone()).unwrap_or_else(|| {
                (1..)
                    .map(|n| format!("CONSTRAINT_{n}"))
                    .find(|n| !table.check_constraints.iter().any(|c| &c.name == n))
                    .unwrap_or_default()
            });
            table.check_constraints.push(CheckConstraint {
                name,
                expression: canonical_expr(&c.expr.to_string()),
                validated: true,
            });
        }
        _ => {}
    }
}

/// InnoDB indexes a foreign key's columns when no index starts with them (named after the
/// constraint); a dump lists that index, hand-written DDL does not.
pub(super) fn implicit_fk_indexes(table: &mut Table) {
    let fks: Vec<(String, Vec<String>)> = table
        .foreign_keys
        .iter()
        .map(|f| (f.name.clone(), f.columns.clone()))
        .collect();
    for (name, columns) in fks {
        let starts =
            |keys: Vec<String>| keys.len() >= columns.len() && keys[..columns.len()] == columns[..];
        let covered = table
            .primary_key
            .as_ref()
            .is_some_and(|p| starts(p.columns.clone()))
            || table.indexes.iter().any(|i| {
                starts(
                    i.columns
                        .iter()
                        .map(|k| k.column().unwrap_or("").to_string())
                        .collect(),
                )
            });
        if !covered && !table.indexes.iter().any(|i| i.name == name) {
            table.indexes.push(Index {
                name,
                columns: columns.into_iter().map(IndexKey::Column).collect(),
                unique: false,
                method: "btree".into(),
                predicate: None,
                include: vec![],
                prefix_lengths: BTreeMap::new(),
            });
        }
    }
}

pub(super) fn create_index(schema: &mut Schema, ci: &CreateIndex) -> Result<(), String> {
    let table_name = last_part(&ci.table_name);
    let Some(table) = schema.tables.get_mut(&table_name) else {
        return Err(format!("CREATE INDEX on unknown table `{table_name}`"));
    };
    let name = ci.name.as_ref().map(last_part);
    push_index(table, name, &ci.columns, ci.unique, method(&ci.using));
    Ok(())
}

/// One column definition (of `CREATE TABLE`, `ADD COLUMN`, `MODIFY`, `CHANGE`); key options
/// on it (`PRIMARY KEY`, `UNIQUE`, `CHECK`, `REFERENCES`) are added to `table`.
pub(super) fn column_def<'a>(
    table: &mut Table,
    name: &str,
    data_type: &DataType,
    clauses: impl Iterator<Item = &'a ColumnOption>,
) -> Column {
    let name = name.to_string();
    let mut column = Column::new(name.clone(), canonical_type(&data_type.to_string()));
    let mut options = ColumnOptions::default();
    let (mut charset, mut collation) = (None, None);
    for o in clauses {
        match o {
            ColumnOption::Null => column.nullable = true,
            ColumnOption::NotNull => column.nullable = false,
            ColumnOption::Default(e) => {
                column.default = match e {
                    Expr::Value(v) if matches!(v.value, Value::Null) => None,
                    e => Some(canonical_expr(&e.to_string())),
                }
            }
            ColumnOption::PrimaryKey(_) => {
                column.nullable = false;
                table.primary_key = Some(PrimaryKey {
                    name: "PRIMARY".into(),
                    columns: vec![name.clone()],
                });
            }
            ColumnOption::Unique(_) => table.indexes.push(Index {
                name: name.clone(),
                columns: vec![IndexKey::Column(name.clone())],
                unique: true,
                method: "btree".into(),
                predicate: None,
                include: vec![],
                prefix_lengths: BTreeMap::new(),
            }),
            ColumnOption::Check(c) => table.check_constraints.push(CheckConstraint {
                name: c
                    .name
                    .as_ref()
                    .map(|n| n.value.clone())
                    .unwrap_or_else(|| name.clone()),
                expression: canonical_expr(&c.expr.to_string()),
                validated: true,
            }),
            ColumnOption::ForeignKey(fk) => {
                let mut fk = foreign_key(
                    fk.name.as_ref().map(|n| n.value.clone()),
                    vec![name.clone()],
                    &fk.foreign_table,
                    fk.referred_columns
                        .iter()
                        .map(|c| c.value.clone())
                        .collect(),
                    fk.on_delete,
                    fk.on_update,
                );
                if fk.name.is_empty() {
                    fk.name = next_fk_name(table);
                }
                table.foreign_keys.push(fk);
            }
            ColumnOption::DialectSpecific(tokens) => {
                let text: String = tokens.iter().map(|t| t.to_string()).collect();
                if text.eq_ignore_ascii_case("AUTO_INCREMENT") {
                    options.auto_increment = true;
                }
            }
            ColumnOption::CharacterSet(n) => charset = Some(n.to_string().to_lowercase()),
            ColumnOption::Collation(n) => collation = Some(n.to_string().to_lowercase()),
            ColumnOption::Comment(c) => column.comment = Some(c.clone()).filter(|c| !c.is_empty()),
            ColumnOption::OnUpdate(e) => options.on_update = Some(canonical_expr(&e.to_string())),
            ColumnOption::Generated {
                generation_expr: Some(e),
                generation_expr_mode,
                ..
            } => {
                options.generated = Some(GeneratedColumn {
                    expression: canonical_expr(&e.to_string()),
                    stored: matches!(generation_expr_mode, Some(GeneratedExpressionMode::Stored)),
                })
            }
            _ => {}
        }
    }
    if charset.is_none() {
        charset = collation.as_deref().map(charset_of_collation);
    }
    let trim = |s: String| s.trim_matches('`').to_string();
    options.charset = charset
        .map(trim)
        .filter(|c| Some(c) != table.options.charset.as_ref());
    options.collation = collation
        .map(trim)
        .filter(|c| Some(c) != table.options.collation.as_ref());
    column.options = options;
    column
}
