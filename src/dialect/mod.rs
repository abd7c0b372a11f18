//! Engine knowledge: everything that differs between PostgreSQL, MySQL/MariaDB and SQLite, behind
//! one trait, one folder per engine (`postgres/`; `mysql/` and `sqlite/` plug in the same way).
//!
//! The plan's operations (`plan::ops`) are dialect-free: typed values with their validation,
//! inverse and summary, and no SQL. A [`Dialect`] gives them a database:
//! - **spelling** — [`Dialect::statements`]: the plain statements of one operation, each with
//!   the lock it takes ([`LockMode`] for PostgreSQL, [`EngineLock`] for the others);
//! - **strategy** — [`Dialect::build`]: resolved operations → phases (migration files), the
//!   engine's zero-downtime forms (PostgreSQL: `plan::strategy`, with `CONCURRENTLY`,
//!   `NOT VALID`, batched backfills and `lock_timeout`);
//! - **model effect** — [`Dialect::apply`]: by default `plan::ops::apply_structural`, which
//!   changes the schema model directly; PostgreSQL runs its own SQL through the DDL
//!   interpreter instead, and `tests/structural_apply.rs` proves both agree;
//! - **capabilities and the lock model** — `transactional_ddl`, `supports_concurrent_index`,
//!   [`Dialect::describe_lock`] for the report.
//!
//! [`for_engine`] maps the schema's [`Engine`] to its dialect; an engine whose folder has not
//! landed gets [`NotYet`], which refuses ([`generates_for`] is the check callers make first).
//! Nothing here knows about descriptions, frameworks or reports.

pub mod mysql;
pub mod postgres;
pub mod sqlite;

use crate::plan::ops::{Operation, Statement};
use crate::plan::resolve::Resolved;
use crate::plan::{Plan, PlanError, StrategyOptions};
use crate::schema::{Engine, Schema};
use serde::Serialize;

/// Table-level lock modes, weakest first (PostgreSQL names; other engines map onto them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum LockMode {
    #[serde(rename = "NONE")]
    None,
    #[serde(rename = "ACCESS SHARE")]
    AccessShare,
    #[serde(rename = "ROW SHARE")]
    RowShare,
    #[serde(rename = "ROW EXCLUSIVE")]
    RowExclusive,
    #[serde(rename = "SHARE UPDATE EXCLUSIVE")]
    ShareUpdateExclusive,
    #[serde(rename = "SHARE")]
    Share,
    #[serde(rename = "SHARE ROW EXCLUSIVE")]
    ShareRowExclusive,
    #[serde(rename = "EXCLUSIVE")]
    Exclusive,
    #[serde(rename = "ACCESS EXCLUSIVE")]
    AccessExclusive,
}

impl LockMode {
    pub fn name(self) -> &'static str {
        match self {
            LockMode::None => "NONE",
            LockMode::AccessShare => "ACCESS SHARE",
            LockMode::RowShare => "ROW SHARE",
            LockMode::RowExclusive => "ROW EXCLUSIVE",
            LockMode::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            LockMode::Share => "SHARE",
            LockMode::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            LockMode::Exclusive => "EXCLUSIVE",
            LockMode::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// Whether ordinary reads (`SELECT`) wait while this lock is held.
    pub fn blocks_reads(self) -> bool {
        self == LockMode::AccessExclusive
    }

    /// Whether ordinary writes (`INSERT`/`UPDATE`/`DELETE`) wait while this lock is held.
    pub fn blocks_writes(self) -> bool {
        self >= LockMode::Share
    }
}

/// How a non-PostgreSQL engine locks for one statement (MySQL's `ALGORITHM`, SQLite's table
/// rebuild). PostgreSQL statements leave it `None`: their lock is [`LockMode`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EngineLock {
    /// MySQL: `INSTANT` | `INPLACE` | `COPY`; SQLite: `ALTER` | `REBUILD`.
    pub algorithm: &'static str,
    pub blocks_reads: bool,
    pub blocks_writes: bool,
    /// What the report shows ("metadata lock; rows stay writable").
    pub description: String,
}

/// Everything engine-specific behind one trait: spelling, capabilities, the zero-downtime
/// strategy and the lock model. Defaults describe PostgreSQL where one makes sense.
pub trait Dialect: Sync {
    /// The engine this dialect generates for.
    fn engine(&self) -> Engine;
    /// Short name used in reports and JSON (`postgres`, `mysql`, `sqlite`).
    fn name(&self) -> &'static str;
    /// Human name for reports.
    fn display_name(&self) -> &'static str;
    /// Whether DDL can be rolled back inside a transaction.
    fn transactional_ddl(&self) -> bool {
        true
    }
    /// Whether indexes can be built without blocking writes.
    fn supports_concurrent_index(&self) -> bool {
        true
    }
    /// A column type the model holds in PostgreSQL's canonical spelling (as a description
    /// inferred or named it), as this engine writes it: what the report's "decided on your
    /// behalf" lines say. Default: unchanged.
    fn spell_type(&self, data_type: &str, _schema: &Schema) -> String {
        data_type.to_string()
    }
    /// A default expression of a column of type `data_type` (canonical spelling), as this
    /// engine writes it. Default: unchanged.
    fn spell_default(&self, expr: &str, _data_type: &str, _schema: &Schema) -> String {
        expr.to_string()
    }
    /// The primary key column a new table gets when the description names none, as this
    /// engine writes it.
    fn default_key(&self) -> &'static str {
        "id bigint GENERATED BY DEFAULT AS IDENTITY"
    }
    /// Quote an identifier when (and only when) it needs it.
    fn ident(&self, name: &str) -> String;
    /// A string literal.
    fn literal(&self, value: &str) -> String;
    /// The plain statements of one operation in this engine's SQL (`before` = the schema
    /// before it), each tagged with its [`crate::plan::ops::Origin`].
    fn statements(&self, op: &Operation, before: &Schema) -> Result<Vec<Statement>, PlanError>;
    /// The engine's zero-downtime strategy: resolved operations → phases (files).
    fn build(
        &self,
        description: &str,
        before: &Schema,
        resolved: Resolved,
        opts: &StrategyOptions,
    ) -> Plan;
    /// The operation's effect on the model (after validating it against `schema`).
    /// Default: [`crate::plan::ops::apply_structural`], which needs no SQL.
    fn apply(&self, op: &Operation, schema: &mut Schema) -> Result<(), PlanError> {
        op.validate(schema)?;
        crate::plan::ops::apply_structural(op, schema)
    }
    /// One line for the report's lock column of a statement ("ACCESS EXCLUSIVE",
    /// "metadata lock, ALGORITHM=INSTANT").
    fn describe_lock(&self, statement: &Statement) -> String {
        match &statement.engine_lock {
            Some(lock) => lock.description.clone(),
            None => statement.lock.name().to_string(),
        }
    }
}

/// An engine whose folder has not landed: every use refuses with today's message.
#[derive(Debug, Clone, Copy)]
pub struct NotYet(pub Engine);

impl NotYet {
    /// The refusal ("migsmith does not generate for it …").
    pub fn refusal(&self) -> PlanError {
        PlanError::UnsupportedEngine {
            display: self.0.display(),
        }
    }
}

impl Dialect for NotYet {
    fn engine(&self) -> Engine {
        self.0
    }
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn display_name(&self) -> &'static str {
        self.0.display()
    }
    fn transactional_ddl(&self) -> bool {
        false
    }
    fn supports_concurrent_index(&self) -> bool {
        false
    }
    fn ident(&self, name: &str) -> String {
        postgres::quote_ident(name)
    }
    fn literal(&self, value: &str) -> String {
        postgres::quote_literal(value)
    }
    fn statements(&self, _: &Operation, _: &Schema) -> Result<Vec<Statement>, PlanError> {
        Err(self.refusal())
    }
    /// Never reached: callers refuse through [`generates_for`] first. Writes nothing: a plan
    /// without phases, whose only decision is the refusal.
    fn build(
        &self,
        description: &str,
        before: &Schema,
        resolved: Resolved,
        _: &StrategyOptions,
    ) -> Plan {
        Plan {
            description: description.to_string(),
            operations: resolved.operations,
            phases: vec![],
            decisions: vec![self.refusal().to_string()],
            already_true: resolved.already_true,
            before: before.clone(),
            after: resolved.after,
        }
    }
    fn apply(&self, _: &Operation, _: &mut Schema) -> Result<(), PlanError> {
        Err(self.refusal())
    }
}

static POSTGRES: postgres::Postgres = postgres::Postgres;
static MYSQL: mysql::Mysql = mysql::Mysql {
    version: mysql::Version::new(Engine::Mysql, 8, 0, 35),
};
static MARIADB: mysql::Mysql = mysql::Mysql {
    version: mysql::Version::new(Engine::Mariadb, 10, 11, 6),
};
static SQLITE: sqlite::Sqlite = sqlite::Sqlite;

/// The dialect for `engine`. Engines whose folder has not landed get a [`NotYet`] that refuses.
pub fn for_engine(engine: Engine) -> &'static dyn Dialect {
    match engine {
        Engine::Postgres => &POSTGRES,
        Engine::Mysql => &MYSQL,
        Engine::Mariadb => &MARIADB,
        Engine::Sqlite => &SQLITE,
    }
}

/// The dialect for `engine` when migsmith generates for it, else the refusal.
pub fn generates_for(engine: Engine) -> Result<&'static dyn Dialect, PlanError> {
    match engine {
        Engine::Postgres => Ok(&POSTGRES),
        Engine::Mysql => Ok(&MYSQL),
        Engine::Mariadb => Ok(&MARIADB),
        Engine::Sqlite => Ok(&SQLITE),
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::plan::ops::SetNotNull;

    #[test]
    fn every_engine_generates_and_one_without_a_folder_refuses() {
        assert_eq!(for_engine(Engine::Postgres).engine(), Engine::Postgres);
        assert!(generates_for(Engine::Postgres).is_ok());
        let op = Operation::from(SetNotNull {
            table: "users".into(),
            column: "email".into(),
        });
        let pg = for_engine(Engine::Postgres)
            .statements(&op, &Schema::default())
            .unwrap();
        assert_eq!(
            pg[0].sql,
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL"
        );
        assert_eq!(
            for_engine(Engine::Postgres).describe_lock(&pg[0]),
            "ACCESS EXCLUSIVE"
        );
        for engine in [Engine::Mysql, Engine::Mariadb, Engine::Sqlite] {
            let d = generates_for(engine).unwrap();
            assert_eq!(d.engine(), engine);
            assert_eq!(d.name(), engine.name());
            assert_eq!(for_engine(engine).engine(), engine);
        }
        // An engine without its folder refuses every use.
        let d = NotYet(Engine::Sqlite);
        let e = d.statements(&op, &Schema::default()).unwrap_err();
        assert_eq!(e.kind(), "unsupported_dialect");
        let mut schema = Schema::default();
        assert!(d.apply(&op, &mut schema).is_err());
    }

    #[test]
    fn an_engine_lock_is_what_the_report_shows() {
        let mut s = Statement::metadata("ALTER TABLE t ADD c int".into(), LockMode::None, "t");
        s.engine_lock = Some(EngineLock {
            algorithm: "INSTANT",
            blocks_reads: false,
            blocks_writes: false,
            description: "metadata lock, ALGORITHM=INSTANT".into(),
        });
        assert_eq!(
            for_engine(Engine::Postgres).describe_lock(&s),
            "metadata lock, ALGORITHM=INSTANT"
        );
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["engine_lock"]["algorithm"], "INSTANT");
        s.engine_lock = None;
        assert!(serde_json::to_value(&s)
            .unwrap()
            .get("engine_lock")
            .is_none());
    }
}
