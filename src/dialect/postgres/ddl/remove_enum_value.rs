//! PostgreSQL spelling of `remove_enum_value`: PostgreSQL cannot drop an enum value, so the type is re-created without

use crate::dialect::postgres::sql;
use crate::dialect::LockMode;
use crate::plan::ops::{ObjectLock, RemoveEnumValue, Statement};

pub(crate) fn statements(op: &RemoveEnumValue) -> Vec<Statement> {
    let plain = |sql: String, table: Option<&str>, lock: LockMode| Statement {
        sql,
        lock,
        table: table.map(str::to_string),
        transactional: true,
        rewrites_table: false,
        scans_table: false,
        locks: table
            .map(|t| {
                vec![ObjectLock {
                    object: format!("table {t}"),
                    lock,
                }]
            })
            .unwrap_or_default(),
        min_version: None,
        engine_lock: None,
        origin: None,
    };
    let ty = sql::table(&op.name);
    let old = sql::table(&old_name(op));
    let mut out = vec![
        plain(
            format!(
                "ALTER TYPE {ty} RENAME TO {}",
                sql::ident(sql::bare_name(&old_name(op)))
            ),
            None,
            LockMode::None,
        ),
        plain(
            format!(
                "CREATE TYPE {ty} AS ENUM ({})",
                sql::literal_list(&op.remaining)
            ),
            None,
            LockMode::None,
        ),
    ];
    for c in &op.columns {
        let t = sql::table(&c.table);
        let col = sql::ident(&c.column);
        if c.default.is_some() {
            out.push(plain(
                format!("ALTER TABLE {t} ALTER COLUMN {col} DROP DEFAULT"),
                Some(&c.table),
                LockMode::AccessExclusive,
            ));
        }
        out.push(
            plain(
                format!("ALTER TABLE {t} ALTER COLUMN {col} TYPE {ty} USING {col}::text::{ty}"),
                Some(&c.table),
                LockMode::AccessExclusive,
            )
            .rewriting(),
        );
        if let Some(default) = &c.default {
            out.push(plain(
                format!("ALTER TABLE {t} ALTER COLUMN {col} SET DEFAULT {default}"),
                Some(&c.table),
                LockMode::AccessExclusive,
            ));
        }
    }
    out.push(plain(format!("DROP TYPE {old}"), None, LockMode::None));
    out
}

/// The name the old type has while its columns move to the new one.
fn old_name(op: &RemoveEnumValue) -> String {
    let bare = sql::bare_name(&op.name);
    let renamed = format!("{bare}__migsmith_old");
    match op.name.split_once('.') {
        Some((schema, _)) => format!("{schema}.{renamed}"),
        None => renamed,
    }
}
