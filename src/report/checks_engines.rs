//! Verification queries for MySQL/MariaDB (`information_schema`) and SQLite (`pragma_*`
//! table-valued functions): one query per operation returning one row whose `ok` is 1 exactly
//! when the change is in place. PostgreSQL's live in `checks.rs`. An operation the engine has
//! no catalog for (enums outside PostgreSQL) has no check.

use super::checks::{claim, Check};
use crate::dialect::{mysql, sqlite};
use crate::plan::ops::sql::bare_name;
use crate::plan::ops::Operation;
use crate::schema::{Engine, Schema};

fn check(description: String, condition: String) -> Option<Check> {
    Some(Check {
        description,
        sql: format!("SELECT {condition} AS ok"),
    })
}

/// Integer types whose display width MariaDB shows and MySQL 8 does not: compared by DATA_TYPE.
fn integer(base: &str) -> bool {
    matches!(
        base,
        "int" | "bigint" | "smallint" | "mediumint" | "integer"
    )
}

mod my {
    use super::*;
    pub fn lit(s: &str) -> String {
        mysql::quote::literal(s)
    }
    pub fn table(t: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {})",
            lit(bare_name(t))
        )
    }
    pub fn column(t: &str, c: &str, cond: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {} AND COLUMN_NAME = {}{cond})",
            lit(bare_name(t)),
            lit(c)
        )
    }
    pub fn type_is(ty: &str, schema: &Schema) -> String {
        let spelled = mysql::types::column_type(ty, schema).to_lowercase();
        let base = spelled
            .split(['(', ' '])
            .next()
            .unwrap_or_default()
            .to_string();
        if integer(&base) || !spelled.contains('(') {
            format!(" AND DATA_TYPE = {}", lit(&base))
        } else {
            format!(" AND COLUMN_TYPE = {}", lit(&spelled))
        }
    }
    pub fn index(t: &str, name: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {} AND INDEX_NAME = {})",
            lit(bare_name(t)),
            lit(name)
        )
    }
    pub fn constraint(t: &str, name: &str, kind: Option<&str>) -> String {
        format!(
            "EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {} AND CONSTRAINT_NAME = {}{})",
            lit(bare_name(t)),
            lit(name),
            kind.map(|k| format!(" AND CONSTRAINT_TYPE = {}", lit(k)))
                .unwrap_or_default()
        )
    }
}

mod lite {
    use super::*;
    pub fn lit(s: &str) -> String {
        sqlite::literal(s)
    }
    pub fn table(t: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = {})",
            lit(bare_name(t))
        )
    }
    pub fn column(t: &str, c: &str, cond: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM pragma_table_info({}) WHERE name = {}{cond})",
            lit(bare_name(t)),
            lit(c)
        )
    }
    pub fn index(t: &str, name: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM pragma_index_list({}) WHERE name = {})",
            lit(bare_name(t)),
            lit(name)
        )
    }
    /// SQLite keeps no foreign key names: the key is found by its columns and target.
    pub fn foreign_key(t: &str, columns: &[String], ref_table: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM pragma_foreign_key_list({}) WHERE \"from\" = {} AND \"table\" = {})",
            lit(bare_name(t)),
            lit(columns.first().map(String::as_str).unwrap_or_default()),
            lit(bare_name(ref_table))
        )
    }
    /// A unique constraint becomes an automatic index: found by its columns.
    pub fn unique(t: &str, columns: &[String]) -> String {
        format!(
            "EXISTS (SELECT 1 FROM pragma_index_list({}) l WHERE l.\"unique\" = 1 AND (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) = {})",
            lit(bare_name(t)),
            lit(&columns.join(","))
        )
    }
    /// A named constraint is only in the table's CREATE TABLE text.
    pub fn named(t: &str, name: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = {} AND instr(sql, {}) > 0)",
            lit(bare_name(t)),
            lit(name)
        )
    }
}

/// The check for one operation on `engine` (not PostgreSQL); `after` is the schema after the
/// migration (for MySQL's spelling of a type).
pub fn for_operation(engine: Engine, op: &Operation, after: &Schema) -> Option<Check> {
    use Operation::*;
    let sqlite = engine == Engine::Sqlite;
    let table = |t: &str| if sqlite { lite::table(t) } else { my::table(t) };
    let column = |t: &str, c: &str, cond: &str| {
        if sqlite {
            lite::column(t, c, cond)
        } else {
            my::column(t, c, cond)
        }
    };
    let index = |t: &str, n: &str| {
        if sqlite {
            lite::index(t, n)
        } else {
            my::index(t, n)
        }
    };
    let foreign_key = |t: &str, fk: &crate::schema::ForeignKey| {
        if sqlite {
            lite::foreign_key(t, &fk.columns, &fk.ref_table)
        } else {
            my::constraint(t, &fk.name, Some("FOREIGN KEY"))
        }
    };
    let type_is = |ty: &str| {
        if sqlite {
            format!(
                " AND upper(type) = upper({})",
                lite::lit(&sqlite::type_sql(ty, false))
            )
        } else {
            my::type_is(ty, after)
        }
    };
    let not_null = |yes: bool| match (sqlite, yes) {
        (true, true) => " AND \"notnull\" = 1",
        (true, false) => " AND \"notnull\" = 0",
        (false, true) => " AND IS_NULLABLE = 'NO'",
        (false, false) => " AND IS_NULLABLE = 'YES'",
    };
    let has_default = |yes: bool| match (sqlite, yes) {
        (true, true) => " AND dflt_value IS NOT NULL",
        (true, false) => " AND dflt_value IS NULL",
        // MariaDB shows a missing default of a nullable column as the text NULL.
        (false, true) => " AND COLUMN_DEFAULT IS NOT NULL AND COLUMN_DEFAULT <> 'NULL'",
        (false, false) => " AND (COLUMN_DEFAULT IS NULL OR COLUMN_DEFAULT = 'NULL')",
    };
    let condition = match op {
        CreateTable(o) => table(&o.table),
        DropTable(o) => format!("NOT {}", table(&o.table)),
        RenameTable(o) => format!("{} AND NOT {}", table(&o.to), table(&o.from)),
        AddColumn(o) => column(
            &o.table,
            &o.column.name,
            &format!(
                "{}{}",
                type_is(&o.column.data_type),
                not_null(!o.column.nullable)
            ),
        ),
        DropColumn(o) => format!("NOT {}", column(&o.table, &o.column, "")),
        RenameColumn(o) => format!(
            "{} AND NOT {}",
            column(&o.table, &o.to, ""),
            column(&o.table, &o.from, "")
        ),
        ChangeColumnType(o) => column(&o.table, &o.column, &type_is(&o.to_type)),
        SetNotNull(o) => column(&o.table, &o.column, not_null(true)),
        DropNotNull(o) => column(&o.table, &o.column, not_null(false)),
        SetDefault(o) => column(&o.table, &o.column, has_default(true)),
        DropDefault(o) => column(&o.table, &o.column, has_default(false)),
        AddIndex(o) => index(&o.table, &o.index.name),
        DropIndex(o) => format!("NOT {}", index(&o.table, &o.index.name)),
        AddForeignKey(o) => foreign_key(&o.table, &o.foreign_key),
        DropForeignKey(o) => format!("NOT {}", foreign_key(&o.table, &o.foreign_key)),
        AddUniqueConstraint(o) => {
            if sqlite {
                lite::unique(&o.table, &o.columns)
            } else {
                my::constraint(&o.table, &o.name, Some("UNIQUE"))
            }
        }
        AddCheckConstraint(o) => {
            if sqlite {
                lite::named(&o.table, &o.name)
            } else {
                my::constraint(&o.table, &o.name, Some("CHECK"))
            }
        }
        DropConstraint(o) => format!(
            "NOT {}",
            if sqlite {
                lite::named(&o.table, &o.name)
            } else {
                my::constraint(&o.table, &o.name, None)
            }
        ),
        Backfill(o) => {
            let (t, c) = if sqlite {
                (sqlite::ident(bare_name(&o.table)), sqlite::ident(&o.column))
            } else {
                (
                    mysql::quote::table(&o.table),
                    mysql::quote::ident(&o.column),
                )
            };
            format!(
                "NOT EXISTS (SELECT 1 FROM {t} WHERE ({}) AND NOT ({c} {} ({})))",
                o.condition.as_deref().unwrap_or("1 = 1"),
                if sqlite { "IS" } else { "<=>" },
                o.value
            )
        }
        CreateEnum(_) | DropEnum(_) | AddEnumValue(_) | RemoveEnumValue(_) => return None,
    };
    check(claim(op, engine), condition)
}
