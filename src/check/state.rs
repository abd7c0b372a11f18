//! What a migration file has done up to the current statement: tables it created, column types
//! and `IS NOT NULL` checks it defined, indexes it built, whether a transaction is open, whether
//! `lock_timeout` is set, and which ACCESS EXCLUSIVE lock the open transaction holds. It answers
//! the lock classifier's questions ([`Known`]) from this and from an optional schema.

use crate::dialect::postgres::locks::{relation_name, Effect, Known};
use crate::dialect::postgres::spell_type_name;
use crate::dialect::LockMode;
use crate::schema::Schema;
use pg_query::protobuf::{
    AlterTableType, ConstrType, NullTestType, ObjectType, TransactionStmtKind,
};
use pg_query::NodeEnum;
use std::collections::{BTreeMap, BTreeSet};

/// A `CHECK (column IS NOT NULL)` constraint defined in the file.
struct NotNullCheck {
    table: String,
    column: String,
    validated: bool,
}

/// The running state of one file.
pub struct FileState<'a> {
    schema: Option<&'a Schema>,
    pub new_tables: BTreeSet<String>,
    column_types: BTreeMap<(String, String), String>,
    checks: BTreeMap<String, NotNullCheck>,
    index_tables: BTreeMap<String, String>,
    /// (child, parent) pairs of foreign keys added in the file.
    foreign_keys: Vec<(String, String)>,
    pub in_transaction: bool,
    lock_timeout_session: bool,
    lock_timeout_local: bool,
    pub holding_access_exclusive: Option<(String, usize)>,
}

impl<'a> FileState<'a> {
    /// State at the top of a file; `wrapped` when the tool runs it inside one transaction.
    pub fn new(schema: Option<&'a Schema>, wrapped: bool) -> Self {
        FileState {
            schema,
            new_tables: BTreeSet::new(),
            column_types: BTreeMap::new(),
            checks: BTreeMap::new(),
            index_tables: BTreeMap::new(),
            foreign_keys: vec![],
            in_transaction: wrapped,
            lock_timeout_session: false,
            lock_timeout_local: false,
            holding_access_exclusive: None,
        }
    }

    pub fn lock_timeout_set(&self) -> bool {
        self.lock_timeout_session || (self.lock_timeout_local && self.in_transaction)
    }

    pub fn existing(&self, table: &str) -> bool {
        !self.new_tables.contains(table)
    }

    /// Record what a statement did (after the rules have seen it).
    pub fn apply(&mut self, node: &NodeEnum, effect: &Effect, line: usize) {
        match node {
            NodeEnum::CreateStmt(c) => {
                if let Some(rv) = &c.relation {
                    let table = relation_name(rv);
                    for elt in &c.table_elts {
                        if let Some(NodeEnum::ColumnDef(col)) = elt.node.as_ref() {
                            if let Some(t) = &col.type_name {
                                self.column_types.insert(
                                    (table.clone(), col.colname.clone()),
                                    spell_type_name(t),
                                );
                            }
                        }
                    }
                    self.new_tables.insert(table);
                }
            }
            NodeEnum::AlterTableStmt(a) => {
                if let Some(rv) = &a.relation {
                    let table = relation_name(rv);
                    for cmd in &a.cmds {
                        if let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() {
                            self.alter(&table, cmd);
                        }
                    }
                }
            }
            NodeEnum::IndexStmt(i) => {
                if let (Some(rv), false) = (&i.relation, i.idxname.is_empty()) {
                    self.index_tables
                        .insert(i.idxname.clone(), relation_name(rv));
                }
            }
            NodeEnum::RenameStmt(r) if r.rename_type == ObjectType::ObjectTable as i32 => {
                if let Some(rv) = &r.relation {
                    if self.new_tables.remove(&relation_name(rv)) {
                        self.new_tables.insert(r.newname.clone());
                    }
                }
            }
            NodeEnum::TransactionStmt(t) => match TransactionStmtKind::try_from(t.kind) {
                Ok(TransactionStmtKind::TransStmtBegin | TransactionStmtKind::TransStmtStart) => {
                    self.in_transaction = true;
                }
                Ok(
                    TransactionStmtKind::TransStmtCommit
                    | TransactionStmtKind::TransStmtRollback
                    | TransactionStmtKind::TransStmtPrepare,
                ) => {
                    self.in_transaction = false;
                    self.lock_timeout_local = false;
                    self.holding_access_exclusive = None;
                }
                _ => {}
            },
            NodeEnum::VariableSetStmt(v) if v.name == "lock_timeout" => {
                let zero = v.args.iter().any(|a| {
                    matches!(a.node.as_ref(), Some(NodeEnum::AConst(c))
                        if matches!(c.val.as_ref(), Some(pg_query::protobuf::a_const::Val::Ival(i)) if i.ival == 0)
                        || matches!(c.val.as_ref(), Some(pg_query::protobuf::a_const::Val::Sval(s)) if s.sval.trim() == "0"))
                });
                let on = !v.args.is_empty() && !zero;
                if v.is_local {
                    if self.in_transaction {
                        self.lock_timeout_local = on;
                    }
                } else {
                    self.lock_timeout_session = on;
                }
            }
            _ => {}
        }
        if matches!(node, NodeEnum::CreateStmt(_) | NodeEnum::AlterTableStmt(_)) {
            if let Some(table) = &effect.table {
                for l in &effect.locks {
                    if l.mode == LockMode::ShareRowExclusive && &l.relation != table {
                        self.foreign_keys.push((table.clone(), l.relation.clone()));
                    }
                }
            }
        }
        if self.in_transaction && self.holding_access_exclusive.is_none() {
            if let Some(l) = effect
                .locks
                .iter()
                .find(|l| l.mode == LockMode::AccessExclusive && self.existing(&l.relation))
            {
                self.holding_access_exclusive = Some((l.relation.clone(), line));
            }
        }
    }

    /// Whether the file has an explicit BEGIN (then it runs as written, even under
    /// `--assume-transaction`).
    pub fn explicit_transactions(statements: &[NodeEnum]) -> bool {
        statements.iter().any(|n| {
            matches!(n, NodeEnum::TransactionStmt(t)
                if t.kind == TransactionStmtKind::TransStmtBegin as i32
                || t.kind == TransactionStmtKind::TransStmtStart as i32)
        })
    }

    fn alter(&mut self, table: &str, cmd: &pg_query::protobuf::AlterTableCmd) {
        let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
        let key = |c: &str| (table.to_string(), c.to_string());
        match AlterTableType::try_from(cmd.subtype) {
            Ok(AlterTableType::AtAddColumn) => {
                if let Some(NodeEnum::ColumnDef(col)) = def {
                    if let Some(t) = &col.type_name {
                        self.column_types
                            .insert(key(&col.colname), spell_type_name(t));
                    }
                }
            }
            Ok(AlterTableType::AtAlterColumnType) => {
                if let Some(NodeEnum::ColumnDef(col)) = def {
                    if let Some(t) = &col.type_name {
                        self.column_types.insert(key(&cmd.name), spell_type_name(t));
                    }
                }
            }
            Ok(AlterTableType::AtAddConstraint) => {
                if let Some(NodeEnum::Constraint(c)) = def {
                    if c.contype == ConstrType::ConstrCheck as i32 && !c.conname.is_empty() {
                        if let Some(column) = c
                            .raw_expr
                            .as_ref()
                            .and_then(|x| x.node.as_ref())
                            .and_then(is_not_null_test)
                        {
                            self.checks.insert(
                                c.conname.clone(),
                                NotNullCheck {
                                    table: table.to_string(),
                                    column,
                                    validated: !c.skip_validation,
                                },
                            );
                        }
                    }
                }
            }
            Ok(AlterTableType::AtValidateConstraint) => {
                if let Some(check) = self.checks.get_mut(&cmd.name) {
                    check.validated = true;
                }
            }
            Ok(AlterTableType::AtDropConstraint) => {
                self.checks.remove(&cmd.name);
            }
            _ => {}
        }
    }
}

/// The column of `column IS NOT NULL`.
fn is_not_null_test(expr: &NodeEnum) -> Option<String> {
    let NodeEnum::NullTest(t) = expr else {
        return None;
    };
    if t.nulltesttype != NullTestType::IsNotNull as i32 {
        return None;
    }
    match t.arg.as_ref().and_then(|a| a.node.as_ref()) {
        Some(NodeEnum::ColumnRef(c)) => match c.fields.last().and_then(|f| f.node.as_ref()) {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        },
        _ => None,
    }
}

impl Known for FileState<'_> {
    fn column_type(&self, table: &str, column: &str) -> Option<String> {
        self.column_types
            .get(&(table.to_string(), column.to_string()))
            .cloned()
            .or_else(|| {
                let t = self.schema?.table(table)?;
                t.columns
                    .iter()
                    .find(|c| c.name == column)
                    .map(|c| c.data_type.clone())
            })
    }

    fn has_not_null_check(&self, table: &str, column: &str) -> bool {
        self.checks
            .values()
            .any(|c| c.validated && c.table == table && c.column == column)
            || self.schema.and_then(|s| s.table(table)).is_some_and(|t| {
                let want = format!("{column} IS NOT NULL");
                t.check_constraints.iter().any(|c| {
                    c.validated && c.expression.trim_matches(|ch| ch == '(' || ch == ')') == want
                })
            })
    }

    fn referenced_tables(&self, table: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .foreign_keys
            .iter()
            .filter(|(child, _)| child == table)
            .map(|(_, parent)| parent.clone())
            .collect();
        if let Some(t) = self.schema.and_then(|s| s.table(table)) {
            out.extend(t.foreign_keys.iter().map(|fk| fk.ref_table.clone()));
        }
        out.sort();
        out.dedup();
        out
    }

    fn index_table(&self, index: &str) -> Option<String> {
        self.index_tables.get(index).cloned().or_else(|| {
            self.schema?
                .tables
                .iter()
                .find(|(_, t)| t.indexes.iter().any(|i| i.name == index))
                .map(|(k, _)| k.clone())
        })
    }
}
