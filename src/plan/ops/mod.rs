//! The operation IR: one typed value per schema change, one file per kind.
//!
//! Every kind implements [`OpKind`]: its checks against the schema (`validate`, with errors that
//! say what to do), the operations that undo it (`inverse`, computed from what the operation
//! captured at resolve time, never from a later schema), and its PostgreSQL statements with the
//! lock each takes. Its effect on the schema model is its own SQL run through the DDL
//! interpreter (`schema::sql`), so the planner's model and a replay of the generated files can
//! never disagree. `op` names and their fields are the stable JSON contract (ARCHITECTURE.md).

mod add_check_constraint;
mod add_column;
mod add_enum_value;
mod add_foreign_key;
mod add_index;
mod add_unique_constraint;
mod backfill;
mod change_column_type;
mod create_enum;
mod create_table;
mod drop_column;
mod drop_constraint;
mod drop_default;
mod drop_enum;
mod drop_foreign_key;
mod drop_index;
mod drop_not_null;
mod drop_table;
mod remove_enum_value;
mod rename_column;
mod rename_table;
mod set_default;
mod set_not_null;
pub(crate) mod sql;
mod structural;

pub use structural::apply_structural;

pub use add_check_constraint::AddCheckConstraint;
pub use add_column::AddColumn;
pub use add_enum_value::AddEnumValue;
pub use add_foreign_key::AddForeignKey;
pub use add_index::AddIndex;
pub use add_unique_constraint::AddUniqueConstraint;
pub use backfill::Backfill;
pub use change_column_type::ChangeColumnType;
pub use create_enum::CreateEnum;
pub use create_table::CreateTable;
pub use drop_column::DropColumn;
pub use drop_constraint::{ConstraintDefinition, DropConstraint};
pub use drop_default::DropDefault;
pub use drop_enum::DropEnum;
pub use drop_foreign_key::DropForeignKey;
pub use drop_index::DropIndex;
pub use drop_not_null::DropNotNull;
pub use drop_table::DropTable;
pub use remove_enum_value::{EnumColumn, RemoveEnumValue};
pub use rename_column::RenameColumn;
pub use rename_table::RenameTable;
pub use set_default::SetDefault;
pub use set_not_null::SetNotNull;

use super::PlanError;
use crate::dialect::{EngineLock, LockMode};
use crate::schema::Schema;
use serde::Serialize;

/// How much existing data an operation can destroy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataLoss {
    None,
    Possible,
    Certain,
}

impl DataLoss {
    pub fn as_str(self) -> &'static str {
        match self {
            DataLoss::None => "none",
            DataLoss::Possible => "possible",
            DataLoss::Certain => "certain",
        }
    }
}

/// One SQL statement and what it does to the table it touches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub sql: String,
    /// The strongest table-level lock the statement takes.
    pub lock: LockMode,
    /// The table that lock is on (schema key), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Whether the statement may run inside a transaction block.
    pub transactional: bool,
    /// Whether it rewrites every row of the table.
    pub rewrites_table: bool,
    /// Whether it reads every row of the table (without rewriting it).
    pub scans_table: bool,
    /// Every object the statement locks and how, strongest first (`table users`,
    /// `table accounts (referenced)`), for the report.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locks: Vec<ObjectLock>,
    /// The first PostgreSQL major version on which `lock`, `rewrites_table` and `scans_table`
    /// are as stated (see `dialect::postgres::capabilities`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_version: Option<u32>,
    /// How a non-PostgreSQL engine locks for this statement (`None` on PostgreSQL, whose lock
    /// is `lock`), for the report's lock column (`Dialect::describe_lock`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine_lock: Option<EngineLock>,
    /// The operation this statement is the plain SQL of, for renderers that write a framework's
    /// own API call (`add_column`, `queryInterface.addColumn`, `migrations.AddField`) instead of
    /// raw SQL. Set by [`Operation::statements`]; cleared by [`Statement::set_sql`], so a
    /// statement a strategy rewrote (`NOT VALID`, `IF EXISTS`, …) is always rendered as its SQL.
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// Where a statement came from: statement `index` of the `count` that `op` produces.
///
/// A renderer may replace the whole group (indexes `0..count`, consecutive in one phase) with
/// one framework call that produces exactly the same SQL; anything else stays raw SQL.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub op: Box<Operation>,
    pub index: usize,
    pub count: usize,
}

/// One object a statement locks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectLock {
    /// `table users`, `index users_email_idx`, `type post_status`.
    pub object: String,
    pub lock: LockMode,
}

impl Statement {
    /// A metadata-only statement under `lock` on `table`, transactional.
    pub fn metadata(sql: String, lock: LockMode, table: &str) -> Self {
        Statement {
            sql,
            lock,
            table: Some(table.to_string()),
            transactional: true,
            rewrites_table: false,
            scans_table: false,
            locks: vec![ObjectLock {
                object: format!("table {table}"),
                lock,
            }],
            min_version: None,
            engine_lock: None,
            origin: None,
        }
    }

    /// Replace the SQL: the statement is no longer its operation's plain form.
    pub fn set_sql(&mut self, sql: String) {
        self.sql = sql;
        self.origin = None;
    }

    /// A statement whose stated behaviour needs `capability`'s version.
    pub fn since(mut self, capability: crate::dialect::postgres::capabilities::Capability) -> Self {
        self.min_version = Some(self.min_version.unwrap_or(0).max(capability.since));
        self
    }

    /// The statement also locks `object` with `lock`.
    pub fn also_locks(mut self, object: String, lock: LockMode) -> Self {
        self.locks.push(ObjectLock { object, lock });
        self
    }

    pub fn scanning(mut self) -> Self {
        self.scans_table = true;
        self
    }

    pub fn rewriting(mut self) -> Self {
        self.rewrites_table = true;
        self
    }

    pub fn non_transactional(mut self) -> Self {
        self.transactional = false;
        self
    }
}

/// What every operation kind provides.
pub trait OpKind {
    /// Check that the operation fits the schema.
    fn validate(&self, schema: &Schema) -> Result<(), PlanError>;
    /// The operations that undo this one, in execution order.
    fn inverse(&self) -> Vec<Operation>;
    /// What the inverse cannot bring back, if anything.
    fn inverse_caveat(&self) -> Option<String> {
        None
    }
    /// PostgreSQL statements, in order.
    fn statements(&self) -> Vec<Statement>;
    /// One line for people: "Add column `email_verified` boolean NOT NULL DEFAULT false to `users`".
    fn summary(&self) -> String;
    /// Existing data this operation can destroy.
    fn data_loss(&self) -> DataLoss {
        DataLoss::None
    }
    /// The table the operation changes, when there is one.
    fn table(&self) -> Option<&str>;
}

macro_rules! operations {
    ($($variant:ident),* $(,)?) => {
        /// A typed, dialect-free schema change. Serialized with an `op` tag (snake_case).
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "op", rename_all = "snake_case")]
        pub enum Operation {
            $($variant($variant),)*
        }

        impl Operation {
            fn kind(&self) -> &dyn OpKind {
                match self {
                    $(Operation::$variant(op) => op,)*
                }
            }
        }

        $(impl From<$variant> for Operation {
            fn from(op: $variant) -> Self {
                Operation::$variant(op)
            }
        })*
    };
}

operations!(
    CreateTable,
    DropTable,
    RenameTable,
    AddColumn,
    DropColumn,
    RenameColumn,
    ChangeColumnType,
    SetNotNull,
    DropNotNull,
    SetDefault,
    DropDefault,
    AddIndex,
    DropIndex,
    AddForeignKey,
    DropForeignKey,
    AddUniqueConstraint,
    AddCheckConstraint,
    DropConstraint,
    Backfill,
    CreateEnum,
    DropEnum,
    AddEnumValue,
    RemoveEnumValue,
);

impl Operation {
    /// The `op` name used in JSON (`add_column`, …).
    pub fn name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("op").and_then(|o| o.as_str().map(str::to_string)))
            .unwrap_or_default()
    }
    /// Check that the operation fits the schema.
    pub fn validate(&self, schema: &Schema) -> Result<(), PlanError> {
        self.kind().validate(schema)
    }
    /// Validate the operation, then apply its effect to the schema model, through the dialect
    /// of the schema's engine (PostgreSQL: its SQL run through the DDL interpreter).
    pub fn apply(&self, schema: &mut Schema) -> Result<(), PlanError> {
        crate::dialect::for_engine(schema.engine).apply(self, schema)
    }
    pub fn inverse(&self) -> Vec<Operation> {
        self.kind().inverse()
    }
    pub fn inverse_caveat(&self) -> Option<String> {
        self.kind().inverse_caveat()
    }
    /// The statements, each tagged with its [`Origin`] in this operation.
    pub fn statements(&self) -> Vec<Statement> {
        let mut statements = self.kind().statements();
        let count = statements.len();
        for (index, s) in statements.iter_mut().enumerate() {
            s.origin = Some(Origin {
                op: Box::new(self.clone()),
                index,
                count,
            });
        }
        statements
    }
    pub fn summary(&self) -> String {
        self.kind().summary()
    }
    pub fn data_loss(&self) -> DataLoss {
        self.kind().data_loss()
    }
    pub fn table(&self) -> Option<&str> {
        self.kind().table()
    }
    /// Whether every statement can run inside a transaction block.
    pub fn transactional(&self) -> bool {
        self.statements().iter().all(|s| s.transactional)
    }
}

/// Helpers the op files share for looking things up with precise errors.
pub(crate) mod lookup {
    use super::PlanError;
    use crate::schema::{did_you_mean, Column, EnumType, Schema, Table};

    pub fn table<'a>(schema: &'a Schema, name: &str) -> Result<&'a Table, PlanError> {
        schema
            .table(name)
            .ok_or_else(|| unknown_table(schema, name))
    }

    pub fn unknown_table(schema: &Schema, name: &str) -> PlanError {
        PlanError::UnknownTable {
            table: name.to_string(),
            suggestions: did_you_mean(name, schema.tables.keys().map(String::as_str)),
        }
    }

    pub fn column<'a>(table: &'a Table, name: &str) -> Result<&'a Column, PlanError> {
        table
            .column(name)
            .ok_or_else(|| unknown_column(table, name))
    }

    pub fn enum_type<'a>(schema: &'a Schema, name: &str) -> Result<&'a EnumType, PlanError> {
        schema
            .enums
            .get(name)
            .ok_or_else(|| PlanError::UnknownObject {
                what: "enum",
                name: name.to_string(),
                suggestions: did_you_mean(name, schema.enums.keys().map(String::as_str)),
            })
    }

    /// Fails when the table already has a constraint called `name`.
    pub fn constraint_name_free(table: &Table, name: &str) -> Result<(), PlanError> {
        if table.constraint_names().any(|n| n == name) {
            return Err(PlanError::AlreadyExists {
                what: "constraint",
                name: name.to_string(),
                hint: None,
            });
        }
        Ok(())
    }

    pub fn unknown_column(table: &Table, name: &str) -> PlanError {
        PlanError::UnknownColumn {
            table: table.key(),
            column: name.to_string(),
            suggestions: did_you_mean(name, table.columns.iter().map(|c| c.name.as_str())),
        }
    }
}
