//! MySQL 8 / MariaDB 10.11+ schemas: the stored forms shared by the live reader
//! ([`crate::schema::live::mysql`]) and the `mysqldump --no-data` loader ([`dump`]), so that
//! reading a server and loading a dump of the same database give equal models.
//!
//! What the model holds for a MySQL-family schema (see [`crate::schema::Engine`]):
//! - tables of the connection's database are keyed by bare name and have an empty
//!   `Table.schema` (a dump does not name its database, and migrations run against whatever
//!   database the connection selects); a foreign key to another database keeps `db.table`;
//! - types as `information_schema.COLUMNS.COLUMN_TYPE` spells them, lower-cased, no blank after
//!   a comma (`int(10) unsigned`, `enum('a','b')`, `decimal(12,2)`): [`canonical_type`];
//! - defaults, generated expressions, `CHECK` clauses and `ON UPDATE` as sqlparser's MySQL
//!   dialect prints them after parsing: [`canonical_expr`];
//! - `PRIMARY KEY` as the primary key (named `PRIMARY`); every `UNIQUE KEY` as a unique
//!   [`Index`](crate::schema::Index) (MySQL has no unique constraint apart from its index);
//!   index methods `btree` (the default), `hash`, `fulltext`, `spatial`;
//! - a column-level `CHECK` (MariaDB's `json_valid(...)` on a `json` column) as a check
//!   constraint named after the column, as `information_schema.CHECK_CONSTRAINTS` names it;
//! - FKs without an `ON DELETE`/`ON UPDATE` clause as `RESTRICT` (what MySQL does and
//!   reports).
//!
//! Nothing here reads files or servers.

mod alter;
pub mod dump;
pub mod split;
pub mod table;

pub use dump::{load_str, looks_like_mysql};

use crate::schema::{FkAction, Schema};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;

/// `INT(10) UNSIGNED` → `int(10) unsigned`, `ENUM('a', 'b')` → `enum('a','b')`: lower case
/// outside quotes, no blank after a comma inside parentheses, single blanks elsewhere.
pub fn canonical_type(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.trim().chars().peekable();
    let mut depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                out.push(c);
                while let Some(q) = chars.next() {
                    out.push(q);
                    if q == c {
                        if chars.peek() == Some(&c) {
                            out.push(chars.next().unwrap_or(c));
                        } else {
                            break;
                        }
                    } else if q == '\\' {
                        if let Some(n) = chars.next() {
                            out.push(n);
                        }
                    }
                }
            }
            '(' => {
                depth += 1;
                while out.ends_with(' ') {
                    out.pop();
                }
                out.push('(');
            }
            ')' => {
                depth = depth.saturating_sub(1);
                while out.ends_with(' ') {
                    out.pop();
                }
                out.push(')');
            }
            ',' => {
                while out.ends_with(' ') {
                    out.pop();
                }
                out.push(',');
                if depth == 0 {
                    out.push(' ');
                }
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
            }
            c if c.is_whitespace() => {
                if !out.ends_with(' ') && !out.ends_with('(') && !out.is_empty() {
                    out.push(' ');
                }
            }
            c => out.extend(c.to_lowercase()),
        }
    }
    out.trim_end().to_string()
}

/// An expression as sqlparser's MySQL dialect prints it after parsing (`lcase(`email`)`,
/// `'it''s'`, `current_timestamp(6)`); text that does not parse is kept trimmed.
pub fn canonical_expr(text: &str) -> String {
    let dialect = MySqlDialect {};
    Parser::new(&dialect)
        .try_with_sql(text)
        .and_then(|mut p| {
            let e = p.parse_expr()?;
            // Trailing tokens mean this was not one expression: keep the text.
            if p.peek_token().token != sqlparser::tokenizer::Token::EOF {
                return Err(sqlparser::parser::ParserError::ParserError(
                    "trailing tokens".into(),
                ));
            }
            Ok(e.to_string())
        })
        .unwrap_or_else(|_| text.trim().to_string())
}

/// A descending key part, kept as an expression key (as PostgreSQL's `created_at DESC`):
/// `` `kind` DESC ``, `` `name`(10) DESC `` with a prefix.
pub fn descending_key(column: &str, prefix: Option<u32>) -> crate::schema::IndexKey {
    let prefix = prefix.map(|n| format!("({n})")).unwrap_or_default();
    crate::schema::IndexKey::Expression {
        expression: format!("`{}`{prefix} DESC", column.replace('`', "``")),
    }
}

/// The character set a collation belongs to (`utf8mb4_unicode_ci` → `utf8mb4`, `binary` →
/// `binary`).
pub fn charset_of_collation(collation: &str) -> String {
    collation
        .split_once('_')
        .map(|(cs, _)| cs)
        .unwrap_or(collation)
        .to_ascii_lowercase()
}

/// `information_schema.REFERENTIAL_CONSTRAINTS` rules and dump clauses (`SET NULL`,
/// `NO ACTION`…). Unknown words are `RESTRICT`, MySQL's behaviour without a clause.
pub fn fk_action(rule: &str) -> FkAction {
    match rule.trim().to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        "NO ACTION" => FkAction::NoAction,
        _ => FkAction::Restrict,
    }
}

/// The engine a `VERSION()` string names, and its number (`10.11.6-MariaDB-0+deb12u1` →
/// MariaDB, 101106).
pub fn server_flavour(version: &str) -> (crate::schema::Engine, u32) {
    let engine = if version.to_ascii_lowercase().contains("mariadb") {
        crate::schema::Engine::Mariadb
    } else {
        crate::schema::Engine::Mysql
    };
    let numeric: String = version
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let mut parts = numeric.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor, patch) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    (engine, major * 10000 + minor.min(99) * 100 + patch.min(99))
}

/// Order-insensitive parts sorted by name, as both readers must leave them.
pub(crate) fn finish(schema: &mut Schema) {
    for t in schema.tables.values_mut() {
        t.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
        t.check_constraints.sort_by(|a, b| a.name.cmp(&b.name));
        t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn types_are_spelled_like_column_type() {
        assert_eq!(canonical_type("INT(10) UNSIGNED"), "int(10) unsigned");
        assert_eq!(
            canonical_type("ENUM('a', 'B, c', 'it''s')"),
            "enum('a','B, c','it''s')"
        );
        assert_eq!(canonical_type("DECIMAL(12, 2)"), "decimal(12,2)");
        assert_eq!(canonical_type("varchar(191)"), "varchar(191)");
    }

    #[test]
    fn expressions_go_through_one_printer() {
        assert_eq!(canonical_expr("'it''s'"), "'it''s'");
        assert_eq!(
            canonical_expr("current_timestamp(6)"),
            "current_timestamp(6)"
        );
        assert_eq!(canonical_expr("lcase(`email`)"), "lcase(`email`)");
        assert_eq!(
            canonical_expr("`score` >= 0 and `score` < 1000000"),
            canonical_expr("`score` >= 0 AND `score` < 1000000")
        );
    }

    #[test]
    fn flavour_and_version() {
        assert_eq!(
            server_flavour("10.11.6-MariaDB-0+deb12u1"),
            (crate::schema::Engine::Mariadb, 101106)
        );
        assert_eq!(
            server_flavour("8.0.36"),
            (crate::schema::Engine::Mysql, 80036)
        );
    }
}
