//! `remove_enum_value`: PostgreSQL cannot drop an enum value, so the type is re-created without
//! it and every column of the type is converted (the inverse of `add_enum_value`).

use super::create_enum::literal_list;
use super::{lookup, sql, AddEnumValue, DataLoss, OpKind, Operation, PlanError, Statement};
use crate::dialect::LockMode;
use crate::schema::Schema;
use serde::Serialize;

/// A column whose type is an enum, with the default it must get back after the conversion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnumColumn {
    pub table: String,
    pub column: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// `ALTER TYPE e RENAME TO e__old; CREATE TYPE e AS ENUM (…without value…);
/// ALTER TABLE … ALTER COLUMN … TYPE e USING c::text::e; DROP TYPE e__old`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemoveEnumValue {
    pub name: String,
    pub value: String,
    /// Where the value stood (for the inverse).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// The values the type keeps, in order.
    pub remaining: Vec<String>,
    pub columns: Vec<EnumColumn>,
}

impl RemoveEnumValue {
    fn old_name(&self) -> String {
        let bare = sql::bare_name(&self.name);
        let renamed = format!("{bare}__migsmith_old");
        match self.name.split_once('.') {
            Some((schema, _)) => format!("{schema}.{renamed}"),
            None => renamed,
        }
    }
}

impl OpKind for RemoveEnumValue {
    fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        let enum_type = lookup::enum_type(schema, &self.name)?;
        if !enum_type.values.contains(&self.value) {
            return Err(PlanError::UnknownObject {
                what: "enum value",
                name: self.value.clone(),
                suggestions: vec![],
            });
        }
        Ok(())
    }

    fn inverse(&self) -> Vec<Operation> {
        vec![AddEnumValue {
            name: self.name.clone(),
            value: self.value.clone(),
            after: self.after.clone(),
            existing: self.remaining.clone(),
            columns: self.columns.clone(),
        }
        .into()]
    }

    fn statements(&self) -> Vec<Statement> {
        let plain = |sql: String, table: Option<&str>, lock: LockMode| Statement {
            sql,
            lock,
            table: table.map(str::to_string),
            transactional: true,
            rewrites_table: false,
            scans_table: false,
            locks: table
                .map(|t| {
                    vec![super::ObjectLock {
                        object: format!("table {t}"),
                        lock,
                    }]
                })
                .unwrap_or_default(),
            min_version: None,
            engine_lock: None,
            origin: None,
        };
        let ty = sql::table(&self.name);
        let old = sql::table(&self.old_name());
        let mut out = vec![
            plain(
                format!(
                    "ALTER TYPE {ty} RENAME TO {}",
                    sql::ident(sql::bare_name(&self.old_name()))
                ),
                None,
                LockMode::None,
            ),
            plain(
                format!(
                    "CREATE TYPE {ty} AS ENUM ({})",
                    literal_list(&self.remaining)
                ),
                None,
                LockMode::None,
            ),
        ];
        for c in &self.columns {
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

    fn summary(&self) -> String {
        format!(
            "Remove value '{}' from enum `{}` (re-creates the type)",
            self.value, self.name
        )
    }

    fn data_loss(&self) -> DataLoss {
        DataLoss::Possible
    }

    fn table(&self) -> Option<&str> {
        None
    }
}
