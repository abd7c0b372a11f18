//! Loading a MySQL/MariaDB schema script: `mysqldump --no-data` output (with or without
//! comments), `SHOW CREATE TABLE` text, or hand-written DDL, parsed statement by statement with
//! sqlparser's `MySqlDialect` (see [`super::split`] for how statements are cut).
//!
//! Modelled: `CREATE TABLE` (columns, keys, FKs, CHECKs, table options), `CREATE [UNIQUE |
//! FULLTEXT | SPATIAL] INDEX`, `DROP TABLE`. Session boilerplate (`SET`, `LOCK TABLES`,
//! `USE`…) is skipped. Views, triggers, routines and events become one note each; any other
//! statement, and any statement that does not parse, becomes a note with its line. Loading
//! never fails on content: bad input yields notes, not errors.

use super::split::{split, Statement};
use super::{
    canonical_expr, canonical_type, charset_of_collation, descending_key, finish, fk_action,
};
use crate::schema::{
    CheckConstraint, Column, ColumnOptions, Engine, ForeignKey, GeneratedColumn, Index, IndexKey,
    PrimaryKey, Schema, Table,
};
use sqlparser::ast::{
    ColumnOption, CreateIndex, CreateTable, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    GeneratedExpressionMode, IndexColumn, IndexType, ObjectName, SqlOption, Statement as Ast,
    TableConstraint, Value,
};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;
use std::collections::BTreeMap;

/// Whether a schema file is MySQL rather than PostgreSQL: executable comments (`/*!40101`),
/// a backquoted `CREATE TABLE`, or an `ENGINE=` table option.
pub fn looks_like_mysql(text: &str) -> bool {
    let head: String = text.chars().take(1 << 16).collect();
    head.contains("/*!4")
        || head.contains("/*!5")
        || head.contains("/*M!")
        || head.contains("-- MySQL dump")
        || head.contains("-- MariaDB dump")
        || head.contains("CREATE TABLE `")
        || head.contains("create table `")
        || head.contains(") ENGINE=")
}

/// The note for an object the model does not hold (the live reader writes the same).
pub fn object_note(kind: &str, name: &str) -> String {
    format!("{kind} `{name}`: not modelled")
}

/// Load a MySQL/MariaDB script (see the module documentation). `origin` names it in notes.
pub fn load_str(text: &str, origin: &str) -> Schema {
    let mut schema = Schema {
        engine: engine_of(text),
        ..Schema::default()
    };
    for statement in split(text) {
        apply(&mut schema, &statement, origin);
    }
    finish(&mut schema);
    schema.notes.sort();
    schema.notes.dedup();
    schema
}

/// MariaDB when the dump says so (its header, `/*M!` comments, or `current_timestamp()` with
/// parentheses, MariaDB's spelling); MySQL otherwise.
fn engine_of(text: &str) -> Engine {
    let head: String = text.chars().take(1 << 16).collect();
    if let Some(at) = head.find("-- Server version") {
        let version = head[at + "-- Server version".len()..]
            .lines()
            .next()
            .unwrap_or("")
            .trim();
        return super::server_flavour(version).0;
    }
    if head.contains("/*M!") || head.contains("MariaDB") || text.contains("current_timestamp()") {
        Engine::Mariadb
    } else {
        Engine::Mysql
    }
}

/// First words of statements that only set up the session or the load.
const BOILERPLATE: &[&str] = &[
    "SET",
    "LOCK",
    "UNLOCK",
    "USE",
    "START",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "DROP VIEW",
    "DROP TRIGGER",
    "DROP PROCEDURE",
    "DROP FUNCTION",
    "DROP EVENT",
    "CREATE DATABASE",
    "CREATE SCHEMA",
    "INSERT",
    "SELECT",
];

fn apply(schema: &mut Schema, s: &Statement, origin: &str) {
    let words = upper_words(&s.text, 12);
    let starts = |prefix: &str| {
        let p: Vec<&str> = prefix.split(' ').collect();
        words.len() >= p.len() && words[..p.len()] == p[..]
    };
    if starts("ALTER TABLE") && words.iter().any(|w| w == "DISABLE" || w == "ENABLE") {
        return;
    }
    if let Some((kind, name)) = other_object(&s.text, &words) {
        schema.notes.push(object_note(kind, &name));
        return;
    }
    if BOILERPLATE.iter().any(|p| starts(p)) {
        return;
    }
    let dialect = MySqlDialect {};
    let parsed = Parser::new(&dialect)
        .try_with_sql(&s.text)
        .and_then(|mut p| p.parse_statement());
    match parsed {
        Ok(Ast::CreateTable(ct)) => {
            let table = create_table(&ct);
            schema.tables.insert(table.name.clone(), table);
        }
        Ok(Ast::CreateIndex(ci)) => {
            if let Err(why) = create_index(schema, &ci) {
                schema.notes.push(format!("{origin}:{}: {why}", s.line));
            }
        }
        Ok(Ast::Drop { names, .. }) if starts("DROP TABLE") => {
            for n in names {
                schema.tables.remove(&last_part(&n));
            }
        }
        Ok(_) => schema.notes.push(format!(
            "{origin}:{}: not modelled: {}",
            s.line,
            preview(&s.text)
        )),
        Err(e) => schema.notes.push(format!(
            "{origin}:{}: not understood ({e}): {}",
            s.line,
            preview(&s.text)
        )),
    }
}

/// The first `n` words, upper-cased, without MySQL's `DEFINER=…`, `ALGORITHM=…`, `SQL
/// SECURITY …` and `OR REPLACE` noise between `CREATE` and the object kind.
fn upper_words(text: &str, n: usize) -> Vec<String> {
    text.split_whitespace()
        .take(n)
        .map(|w| w.to_ascii_uppercase())
        .collect()
}

/// `CREATE … VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT name` → (kind, name).
fn other_object(text: &str, words: &[String]) -> Option<(&'static str, String)> {
    if words.first().map(String::as_str) != Some("CREATE") {
        return None;
    }
    let kinds = [
        ("VIEW", "view"),
        ("TRIGGER", "trigger"),
        ("PROCEDURE", "procedure"),
        ("FUNCTION", "function"),
        ("EVENT", "event"),
    ];
    let raw: Vec<&str> = text.split_whitespace().take(16).collect();
    for (i, w) in words.iter().enumerate().skip(1) {
        if matches!(
            w.as_str(),
            "TABLE" | "INDEX" | "UNIQUE" | "FULLTEXT" | "SPATIAL"
        ) {
            return None;
        }
        if let Some((_, kind)) = kinds.iter().find(|(k, _)| k == w) {
            let mut j = i + 1;
            while raw
                .get(j)
                .is_some_and(|w| matches!(w.to_ascii_uppercase().as_str(), "IF" | "NOT" | "EXISTS"))
            {
                j += 1;
            }
            let name = raw.get(j).map(|n| ident_text(n)).unwrap_or_default();
            return Some((kind, name));
        }
    }
    None
}

/// `` `db`.`name`(… `` → `name`.
fn ident_text(word: &str) -> String {
    let word = word.split('(').next().unwrap_or(word);
    let last = word.rsplit("`.`").next().unwrap_or(word);
    let last = last.rsplit_once('.').map(|(_, n)| n).unwrap_or(last);
    last.trim_matches('`').trim_matches('"').replace("``", "`")
}

fn preview(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{}…", one_line.chars().take(80).collect::<String>())
    } else {
        one_line
    }
}

fn last_part(name: &ObjectName) -> String {
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

fn create_table(ct: &CreateTable) -> Table {
    let mut table = Table {
        schema: String::new(),
        name: last_part(&ct.name),
        ..Table::default()
    };
    table_options(ct, &mut table);
    for def in &ct.columns {
        let name = def.name.value.clone();
        let mut column = Column::new(name.clone(), canonical_type(&def.data_type.to_string()));
        let mut options = ColumnOptions::default();
        let (mut charset, mut collation) = (None, None);
        for o in &def.options {
            match &o.option {
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
                        fk.name = next_fk_name(&table);
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
                ColumnOption::Comment(c) => {
                    column.comment = Some(c.clone()).filter(|c| !c.is_empty())
                }
                ColumnOption::OnUpdate(e) => {
                    options.on_update = Some(canonical_expr(&e.to_string()))
                }
                ColumnOption::Generated {
                    generation_expr: Some(e),
                    generation_expr_mode,
                    ..
                } => {
                    options.generated = Some(GeneratedColumn {
                        expression: canonical_expr(&e.to_string()),
                        stored: matches!(
                            generation_expr_mode,
                            Some(GeneratedExpressionMode::Stored)
                        ),
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

fn table_constraint(table: &mut Table, c: &TableConstraint) {
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
fn implicit_fk_indexes(table: &mut Table) {
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

fn create_index(schema: &mut Schema, ci: &CreateIndex) -> Result<(), String> {
    let table_name = last_part(&ci.table_name);
    let Some(table) = schema.tables.get_mut(&table_name) else {
        return Err(format!("CREATE INDEX on unknown table `{table_name}`"));
    };
    let name = ci.name.as_ref().map(last_part);
    push_index(table, name, &ci.columns, ci.unique, method(&ci.using));
    Ok(())
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn show_create_table_text_loads() {
        let s = load_str(
            "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `name` varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT 'x',\n  `n` varchar(40) GENERATED ALWAYS AS (lcase(`name`)) VIRTUAL,\n  PRIMARY KEY (`id`),\n  KEY `p` (`name`(10),`id`),\n  FULLTEXT KEY `f` (`name`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='hi'",
            "t.sql",
        );
        assert!(s.notes.is_empty(), "{:?}", s.notes);
        let t = &s.tables["t"];
        assert_eq!(t.columns[0].data_type, "int(11)");
        assert!(t.columns[0].options.auto_increment);
        assert_eq!(
            t.columns[1].options.collation.as_deref(),
            Some("utf8mb4_bin")
        );
        assert_eq!(t.columns[1].options.charset, None);
        assert_eq!(t.columns[1].default.as_deref(), Some("'x'"));
        assert_eq!(
            t.columns[2]
                .options
                .generated
                .as_ref()
                .map(|g| g.expression.as_str()),
            Some("lcase(`name`)")
        );
        assert_eq!(t.indexes[1].prefix_lengths.get("name"), Some(&10));
        assert_eq!(t.indexes[0].method, "fulltext");
        assert_eq!(t.options.engine.as_deref(), Some("InnoDB"));
        assert_eq!(t.comment.as_deref(), Some("hi"));
    }

    #[test]
    fn garbage_becomes_notes() {
        let s = load_str(
            "CREATE TABLE (;\nFROB x;\nCREATE TABLE a (id int);",
            "g.sql",
        );
        assert_eq!(s.notes.len(), 2, "{:?}", s.notes);
        assert!(s.tables.contains_key("a"));
    }

    #[test]
    fn detects_mysql_dumps() {
        assert!(looks_like_mysql("/*!40101 SET NAMES utf8 */;"));
        assert!(looks_like_mysql("CREATE TABLE `a` (id int)"));
        assert!(!looks_like_mysql("CREATE TABLE public.a (id integer);"));
    }
}
