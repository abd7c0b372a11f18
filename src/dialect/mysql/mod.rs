//! MySQL 8.0 and MariaDB 10.11 spelling of every operation kind, with the engine's own
//! online-DDL model (see [`online`] for the INSTANT / INPLACE / COPY table and its sources).
//!
//! What this module owns: backtick quoting and literals ([`quote`]), the type mapping from
//! migsmith's inferred (PostgreSQL-canonical) types ([`types`]), full column definitions for
//! `MODIFY COLUMN` ([`definition`]), one statement list per operation ([`ops`]), and the
//! `gh-ost` / `pt-online-schema-change` equivalents of a COPY change ([`osc`]). It must not
//! plan phases or know about frameworks.
//!
//! MySQL has no transactional DDL: every `ALTER TABLE` commits on its own. A file therefore
//! holds as few statements as is safe (one `ALTER TABLE` per change, several changes to one
//! table only when they must happen together), and [`half_applied`] says what a file that
//! stopped half way leaves behind and how to finish or undo it.

pub mod definition;
pub mod online;
pub mod ops;
pub mod osc;
pub mod quote;
pub mod strategy;
pub mod types;

pub use online::{Algorithm, Concurrency, Online, Version};

use crate::dialect::LockMode;
use crate::plan::ops::{ObjectLock, Operation, Statement};
use crate::plan::PlanError;
use crate::schema::{Engine, Schema};

/// One MySQL statement with the online form it runs in.
#[derive(Debug, Clone, PartialEq)]
pub struct Ddl {
    pub sql: String,
    /// The table it changes (schema key), when there is one.
    pub table: Option<String>,
    /// The `ALGORITHM`/`LOCK` it runs with; `None` for statements that are not `ALTER TABLE`
    /// (`CREATE TABLE`, `DROP TABLE`, `UPDATE`, `SET`).
    pub online: Option<Online>,
    /// Whether it reads every row.
    pub scans: bool,
    /// Something the report must say about this statement.
    pub note: Option<String>,
}

impl Ddl {
    pub fn alter(sql: String, table: &str, online: Online) -> Ddl {
        Ddl {
            sql,
            table: Some(table.to_string()),
            online: Some(online),
            scans: online.rebuilds,
            note: None,
        }
    }

    pub fn plain(sql: String, table: &str) -> Ddl {
        Ddl {
            sql,
            table: Some(table.to_string()),
            online: None,
            scans: false,
            note: None,
        }
    }

    pub fn setting(sql: &str) -> Ddl {
        Ddl {
            sql: sql.to_string(),
            table: None,
            online: None,
            scans: false,
            note: None,
        }
    }

    pub fn scanning(mut self) -> Ddl {
        self.scans = true;
        self
    }

    /// Whether the table is rewritten.
    pub fn rewrites(&self) -> bool {
        self.online.is_some_and(|o| o.rebuilds)
    }

    /// Words for the report's lock line (never PostgreSQL lock names).
    pub fn describe_lock(&self) -> String {
        match (&self.online, self.sql.split_whitespace().next()) {
            (Some(o), _) => o.describe(),
            (None, Some("CREATE")) => "new table: no lock on existing data".into(),
            (None, Some("DROP")) => "exclusive metadata lock: waits for open transactions on the table, then blocks reads and writes briefly".into(),
            (None, Some("UPDATE")) => "row locks on every updated row (InnoDB); other rows stay writable".into(),
            _ => "session setting: no lock".into(),
        }
    }

    /// The generic [`Statement`] (non-transactional), with a lock mode that keeps the
    /// analysis truthful: writes blocked only when MySQL blocks them.
    pub fn to_statement(&self) -> Statement {
        let lock = match (&self.online, self.sql.split_whitespace().next()) {
            (Some(o), _) if o.blocks_reads() => LockMode::Exclusive,
            (Some(o), _) if o.blocks_writes() => LockMode::Share,
            (Some(_), _) => LockMode::ShareUpdateExclusive,
            (None, Some("DROP")) => LockMode::Exclusive,
            (None, Some("UPDATE")) => LockMode::RowExclusive,
            _ => LockMode::None,
        };
        Statement {
            sql: self.sql.clone(),
            lock,
            table: self.table.clone(),
            transactional: false,
            rewrites_table: self.rewrites(),
            scans_table: self.scans && !self.rewrites(),
            locks: self
                .table
                .iter()
                .map(|t| ObjectLock {
                    object: format!("table {t}"),
                    lock,
                })
                .collect(),
            min_version: None,
            origin: None,
            engine_lock: None,
        }
    }
}

/// The MySQL-family dialect for one engine and version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mysql {
    pub version: Version,
}

impl Mysql {
    /// For the server the schema was read from, else the engine's default version.
    pub fn for_schema(schema: &Schema) -> Mysql {
        let engine = if schema.engine == Engine::Mariadb {
            Engine::Mariadb
        } else {
            Engine::Mysql
        };
        let version = schema
            .server
            .as_ref()
            .and_then(|s| Version::parse(&s.version))
            .unwrap_or_else(|| Version::default_for(engine));
        Mysql { version }
    }

    pub fn new(version: Version) -> Mysql {
        Mysql { version }
    }

    /// The statements of one operation against the schema before it.
    pub fn statements(
        &self,
        op: &Operation,
        before: &Schema,
        restore_to: Option<&Schema>,
        small_table_rows: u64,
    ) -> Result<Vec<Ddl>, PlanError> {
        ops::statements(&self.version, op, before, restore_to, small_table_rows)
    }

    /// Up and down statements of `operations` (in order) against `before`, with the schema
    /// after the up. The down runs each operation's inverse against the schema it undoes.
    pub fn migration(
        &self,
        operations: &[Operation],
        before: &Schema,
        small_table_rows: u64,
    ) -> Result<Migration, PlanError> {
        let mut schema = before.clone();
        let mut up = vec![];
        let mut states = vec![];
        for op in operations {
            up.extend(self.statements(op, &schema, None, small_table_rows)?);
            states.push(schema.clone());
            op.validate(&schema)?;
            crate::plan::ops::apply_structural(op, &mut schema)?;
        }
        let after = schema.clone();
        let mut down = vec![];
        for (op, origin) in operations.iter().zip(&states).rev() {
            for inverse in op.inverse() {
                down.extend(self.statements(&inverse, &schema, Some(origin), small_table_rows)?);
                crate::plan::ops::apply_structural(&inverse, &mut schema)?;
            }
        }
        Ok(Migration { up, down, after })
    }
}

impl crate::dialect::Dialect for Mysql {
    fn engine(&self) -> Engine {
        self.version.engine
    }
    fn name(&self) -> &'static str {
        self.version.engine.name()
    }
    fn display_name(&self) -> &'static str {
        self.version.engine.display()
    }
    fn transactional_ddl(&self) -> bool {
        false
    }
    /// Secondary indexes build with `ALGORITHM=INPLACE, LOCK=NONE` (writes continue).
    fn supports_concurrent_index(&self) -> bool {
        true
    }
    fn spell_type(&self, data_type: &str, schema: &Schema) -> String {
        types::column_type(data_type, schema)
    }
    fn spell_default(&self, expr: &str, data_type: &str, schema: &Schema) -> String {
        let ty = types::column_type(data_type, schema);
        types::default_expr(expr, &ty).unwrap_or_else(|| expr.to_string())
    }
    fn default_key(&self) -> &'static str {
        "id bigint NOT NULL AUTO_INCREMENT"
    }
    fn ident(&self, name: &str) -> String {
        quote::ident(name)
    }
    fn literal(&self, value: &str) -> String {
        quote::literal(value)
    }
    fn statements(&self, op: &Operation, before: &Schema) -> Result<Vec<Statement>, PlanError> {
        let v = self.effective(before);
        let ddls = ops::statements(&v, op, before, None, u64::MAX)?;
        let count = ddls.len();
        Ok(ddls
            .iter()
            .enumerate()
            .map(|(index, d)| {
                let mut s = strategy::statement(d);
                s.origin = Some(crate::plan::ops::Origin {
                    op: Box::new(op.clone()),
                    index,
                    count,
                });
                s
            })
            .collect())
    }
    fn build(
        &self,
        description: &str,
        before: &Schema,
        resolved: crate::plan::resolve::Resolved,
        opts: &crate::plan::StrategyOptions,
    ) -> crate::plan::Plan {
        strategy::build(&self.effective(before), description, before, resolved, opts)
    }
    fn describe_lock(&self, statement: &Statement) -> String {
        match &statement.engine_lock {
            Some(lock) => lock.description.clone(),
            None => "metadata lock".into(),
        }
    }
}

impl Mysql {
    /// The server the schema came from when known (its flavour and version), else this
    /// dialect's default for its engine.
    pub fn effective(&self, schema: &Schema) -> Version {
        schema
            .server
            .as_ref()
            .and_then(|s| Version::parse(&s.version))
            .map(|mut v| {
                if self.version.engine == Engine::Mariadb {
                    v.engine = Engine::Mariadb;
                }
                v
            })
            .unwrap_or(self.version)
    }
}

/// Up and down of a list of operations.
#[derive(Debug, Clone)]
pub struct Migration {
    pub up: Vec<Ddl>,
    pub down: Vec<Ddl>,
    pub after: Schema,
}

/// `SET SESSION lock_wait_timeout = N`: how long a statement waits for the table's metadata
/// lock before giving up (MySQL's analogue of PostgreSQL's `lock_timeout`), in whole seconds.
pub fn lock_wait_timeout(ms: u64) -> String {
    format!(
        "SET SESSION lock_wait_timeout = {}",
        ms.div_ceil(1000).max(1)
    )
}

/// The text of one file: the session setting, then each statement terminated by `;`.
pub fn file_sql(statements: &[Ddl], lock_wait_timeout_ms: u64) -> String {
    let mut out = format!("{};\n", lock_wait_timeout(lock_wait_timeout_ms));
    for s in statements {
        out.push_str(&s.sql);
        out.push_str(";\n");
    }
    out
}

/// One sentence for the report: what a file that stopped after some of `statements` leaves,
/// and how to finish or undo it.
pub fn half_applied(statements: &[Ddl]) -> String {
    let changes = statements
        .iter()
        .filter(|s| {
            s.table.is_some() && s.online.is_some()
                || s.sql.starts_with("CREATE")
                || s.sql.starts_with("DROP")
                || s.sql.starts_with("RENAME")
        })
        .count();
    if changes <= 1 {
        "MySQL commits each DDL statement on its own, but this file holds one change, so it is either fully applied or not at all; if it failed, fix the cause and run it again.".into()
    } else {
        format!(
            "MySQL commits each of these {changes} statements on its own (no transactional DDL): if the file stops half way, the statements before the failing one stay applied; run the remaining statements by hand to finish, or the down file's statements for the applied ones, in order, to undo."
        )
    }
}

/// `'x'::text` → `'x'` everywhere in an expression (outside string literals).
pub fn strip_casts(e: &str) -> String {
    let mut out = String::with_capacity(e.len());
    let mut chars = e.chars().peekable();
    let mut in_quote = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            in_quote = !in_quote;
            out.push(c);
        } else if !in_quote && c == ':' && chars.peek() == Some(&':') {
            chars.next();
            // skip the type name (words, spaces between words of a multi-word type, parens)
            while let Some(&n) = chars.peek() {
                if n.is_alphanumeric() || n == '_' || n == '.' || n == '[' || n == ']' {
                    chars.next();
                } else if n == ' ' {
                    let rest: String = chars.clone().skip(1).take(8).collect();
                    if rest.starts_with("varying")
                        || rest.starts_with("precision")
                        || rest.starts_with("with")
                        || rest.starts_with("without")
                        || rest.starts_with("time")
                        || rest.starts_with("zone")
                    {
                        chars.next();
                    } else {
                        break;
                    }
                } else if n == '(' {
                    for m in chars.by_ref() {
                        if m == ')' {
                            break;
                        }
                    }
                } else {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A value expression (backfill) in MySQL spelling: casts dropped, booleans as 1/0.
pub fn value_expr(e: &str) -> String {
    let s = strip_casts(e.trim());
    match s.to_ascii_lowercase().as_str() {
        "true" => "1".into(),
        "false" => "0".into(),
        "now()" | "current_timestamp" => "CURRENT_TIMESTAMP(6)".into(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_are_stripped_outside_literals() {
        assert_eq!(strip_casts("price > (0)::numeric"), "price > (0)");
        assert_eq!(
            strip_casts("status = 'a::b'::character varying"),
            "status = 'a::b'"
        );
        assert_eq!(lock_wait_timeout(5000), "SET SESSION lock_wait_timeout = 5");
        assert_eq!(lock_wait_timeout(1), "SET SESSION lock_wait_timeout = 1");
    }
}
