//! What one SQL statement does to the tables it touches, read from pg_query's parse tree: the
//! lock mode it takes on each relation, whether it rewrites or scans the table, whether it may
//! run inside a transaction block, and the PostgreSQL version its behaviour depends on.
//!
//! The classification is static (no server): facts it cannot see in the statement (a column's
//! current type, an index's table, a validated `IS NOT NULL` check) come from a [`Known`]
//! implementation; without them it assumes the costly case and says so in `assumptions`.
//! `tests/check_locks.rs` holds the classifier to what PostgreSQL's `pg_locks` shows.

mod alter;

use super::{is_volatile_expr, spell_expr};
use crate::dialect::LockMode;
use alter::alter_cmd;
use pg_query::protobuf::{
    ColumnDef, ConstrType, Constraint, DropBehavior, ObjectType, RangeVar, ReindexObjectType,
};
use pg_query::{Node, NodeEnum};
use serde::Serialize;

/// One relation and the lock a statement takes on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationLock {
    pub relation: String,
    pub mode: LockMode,
}

/// What a statement does, as far as blocking others goes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effect {
    /// The relation the statement changes (the ALTERed, indexed, dropped … table), if any.
    pub table: Option<String>,
    /// The strongest lock per relation, in the order the statement names them.
    pub locks: Vec<RelationLock>,
    /// Whether every row is rewritten (a new copy of the table) while the lock is held.
    pub rewrites: bool,
    /// Whether the whole table is read (validation, index build) while the lock is held.
    pub scans: bool,
    /// Whether the statement may run inside a transaction block.
    pub transactional: bool,
    /// `server_version_num` from which the behaviour described here holds (e.g. 110000 for a
    /// metadata-only ADD COLUMN with a constant default); `None` when it holds on every version.
    pub since_version: Option<u32>,
    /// Why the statement rewrites, scans or locks as it does, for messages.
    pub reasons: Vec<String>,
    /// Facts the classifier could not see and assumed the costly way (e.g. "the current type
    /// of `users.name` is unknown"); empty when the classification is certain.
    pub assumptions: Vec<String>,
}

impl Default for Effect {
    fn default() -> Self {
        Effect {
            table: None,
            locks: vec![],
            rewrites: false,
            scans: false,
            transactional: true,
            since_version: None,
            reasons: vec![],
            assumptions: vec![],
        }
    }
}

impl Effect {
    /// The lock taken on `relation` (`LockMode::None` when it is not touched).
    pub fn lock_on(&self, relation: &str) -> LockMode {
        self.locks
            .iter()
            .filter(|l| l.relation == relation)
            .map(|l| l.mode)
            .max()
            .unwrap_or(LockMode::None)
    }

    /// The strongest lock the statement takes on anything.
    pub fn strongest(&self) -> LockMode {
        self.locks
            .iter()
            .map(|l| l.mode)
            .max()
            .unwrap_or(LockMode::None)
    }

    fn lock(&mut self, relation: &str, mode: LockMode) {
        match self.locks.iter_mut().find(|l| l.relation == relation) {
            Some(l) => l.mode = l.mode.max(mode),
            None => self.locks.push(RelationLock {
                relation: relation.to_string(),
                mode,
            }),
        }
    }

    fn since(&mut self, version: u32) {
        self.since_version = Some(self.since_version.map_or(version, |v| v.max(version)));
    }
}

/// Facts about the database the statement alone does not show. Every method has a "don't
/// know" default, so `&Unknown` classifies with no schema at all.
pub trait Known {
    /// The canonical type of `table.column` (see [`super::canonical_type`]).
    fn column_type(&self, _table: &str, _column: &str) -> Option<String> {
        None
    }
    /// Whether a validated `CHECK (column IS NOT NULL)` exists on the table.
    fn has_not_null_check(&self, _table: &str, _column: &str) -> bool {
        false
    }
    /// The table an index belongs to.
    fn index_table(&self, _index: &str) -> Option<String> {
        None
    }
    /// The tables `table`'s foreign keys reference (dropping `table` locks them; writing rows
    /// to it takes ROW SHARE on them for the key checks).
    fn referenced_tables(&self, _table: &str) -> Vec<String> {
        vec![]
    }
}

/// No knowledge beyond the statement.
pub struct Unknown;
impl Known for Unknown {}

/// The name a relation is known by: `schema.name` unless the schema is `public` or unstated.
pub fn relation_name(rv: &RangeVar) -> String {
    if rv.schemaname.is_empty() || rv.schemaname == "public" {
        rv.relname.clone()
    } else {
        format!("{}.{}", rv.schemaname, rv.relname)
    }
}

/// Dotted name from a list of `String` nodes (`DROP TABLE a.b`, `ALTER TYPE s.t`).
pub fn dotted_name(items: &[Node]) -> String {
    let parts: Vec<&str> = items
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.as_str()),
            _ => None,
        })
        .collect();
    match parts.as_slice() {
        ["public", name] => name.to_string(),
        _ => parts.join("."),
    }
}

/// Classify one parsed statement for a server of version `pg_version` (`server_version_num`).
pub fn classify(stmt: &NodeEnum, pg_version: u32, known: &dyn Known) -> Effect {
    let mut e = Effect::default();
    match stmt {
        NodeEnum::AlterTableStmt(a) => {
            if let Some(rv) = &a.relation {
                let table = relation_name(rv);
                e.table = Some(table.clone());
                for cmd in &a.cmds {
                    if let Some(NodeEnum::AlterTableCmd(cmd)) = cmd.node.as_ref() {
                        alter_cmd(&mut e, &table, cmd, pg_version, known);
                    }
                }
            }
        }
        NodeEnum::IndexStmt(i) => {
            if let Some(rv) = &i.relation {
                let table = relation_name(rv);
                e.table = Some(table.clone());
                e.scans = true;
                if i.concurrent {
                    e.lock(&table, LockMode::ShareUpdateExclusive);
                    e.transactional = false;
                    e.reasons.push(
                        "CREATE INDEX CONCURRENTLY reads the table twice without blocking writes"
                            .into(),
                    );
                } else {
                    e.lock(&table, LockMode::Share);
                    e.reasons
                        .push("CREATE INDEX blocks writes until the index is built".into());
                }
            }
        }
        NodeEnum::DropStmt(d) => drop_stmt(&mut e, d, known),
        NodeEnum::RenameStmt(r) => {
            let name = r.relation.as_ref().map(relation_name);
            let mode = match ObjectType::try_from(r.rename_type) {
                Ok(ObjectType::ObjectIndex) if pg_version >= 120000 => {
                    e.since(120000);
                    LockMode::ShareUpdateExclusive
                }
                Ok(
                    ObjectType::ObjectTable
                    | ObjectType::ObjectColumn
                    | ObjectType::ObjectTabconstraint
                    | ObjectType::ObjectView
                    | ObjectType::ObjectMatview
                    | ObjectType::ObjectSequence
                    | ObjectType::ObjectIndex
                    | ObjectType::ObjectTrigger,
                ) => LockMode::AccessExclusive,
                _ => LockMode::None,
            };
            if let (Some(name), true) = (name, mode != LockMode::None) {
                e.lock(&name, mode);
                e.table = Some(name);
            }
        }
        NodeEnum::TruncateStmt(t) => {
            for rel in &t.relations {
                if let Some(NodeEnum::RangeVar(rv)) = rel.node.as_ref() {
                    let name = relation_name(rv);
                    e.lock(&name, LockMode::AccessExclusive);
                    e.table.get_or_insert(name);
                }
            }
            if t.behavior == DropBehavior::DropCascade as i32 {
                e.assumptions
                    .push("CASCADE also truncates every table with a foreign key to these".into());
            }
        }
        NodeEnum::VacuumStmt(v) => {
            let full = v.options.iter().any(|o| {
                matches!(o.node.as_ref(), Some(NodeEnum::DefElem(d)) if d.defname == "full" && !def_false(d))
            });
            let mode = if full {
                LockMode::AccessExclusive
            } else {
                LockMode::ShareUpdateExclusive
            };
            e.transactional = !v.is_vacuumcmd;
            e.rewrites = full;
            e.scans = true;
            if full {
                e.reasons.push(
                    "VACUUM FULL writes a new copy of the table under ACCESS EXCLUSIVE".into(),
                );
            }
            for rel in &v.rels {
                if let Some(NodeEnum::VacuumRelation(vr)) = rel.node.as_ref() {
                    if let Some(rv) = &vr.relation {
                        let name = relation_name(rv);
                        e.lock(&name, mode);
                        e.table.get_or_insert(name);
                    }
                }
            }
        }
        NodeEnum::ClusterStmt(c) => {
            e.rewrites = true;
            e.scans = true;
            e.reasons
                .push("CLUSTER writes a new copy of the table under ACCESS EXCLUSIVE".into());
            match &c.relation {
                Some(rv) => {
                    let name = relation_name(rv);
                    e.lock(&name, LockMode::AccessExclusive);
                    e.table = Some(name);
                }
                None => e.transactional = false,
            }
        }
        NodeEnum::ReindexStmt(r) => {
            let concurrent = r.params.iter().any(|o| {
                matches!(o.node.as_ref(), Some(NodeEnum::DefElem(d)) if d.defname == "concurrently" && !def_false(d))
            });
            e.scans = true;
            e.transactional = !concurrent
                && matches!(
                    ReindexObjectType::try_from(r.kind),
                    Ok(ReindexObjectType::ReindexObjectIndex
                        | ReindexObjectType::ReindexObjectTable)
                );
            let mode = if concurrent {
                LockMode::ShareUpdateExclusive
            } else {
                LockMode::Share
            };
            if let Some(rv) = &r.relation {
                let name = relation_name(rv);
                if r.kind == ReindexObjectType::ReindexObjectIndex as i32 {
                    match known.index_table(&name) {
                        Some(table) => {
                            e.lock(&table, mode);
                            e.table = Some(table);
                        }
                        None => e
                            .assumptions
                            .push(format!("the table of index `{name}` is unknown")),
                    }
                    if !concurrent {
                        e.lock(&name, LockMode::AccessExclusive);
                    }
                } else {
                    e.lock(&name, mode);
                    e.table = Some(name);
                }
            }
        }
        // ADD VALUE: allowed in a transaction block from 12 (unusable until commit).
        NodeEnum::AlterEnumStmt(a) if a.old_val.is_empty() => {
            e.since(120000);
            e.transactional = pg_version >= 120000;
        }
        NodeEnum::CreateStmt(c) => {
            if let Some(rv) = &c.relation {
                e.table = Some(relation_name(rv));
            }
            for elt in c.table_elts.iter().chain(&c.constraints) {
                match elt.node.as_ref() {
                    Some(NodeEnum::ColumnDef(col)) => {
                        for con in constraints(&col.constraints) {
                            foreign_key_lock(&mut e, con);
                        }
                    }
                    Some(NodeEnum::Constraint(con)) => foreign_key_lock(&mut e, con),
                    _ => {}
                }
            }
            for parent in &c.inh_relations {
                if let Some(NodeEnum::RangeVar(rv)) = parent.node.as_ref() {
                    let mode = if c.partbound.is_some() {
                        LockMode::AccessExclusive
                    } else {
                        LockMode::ShareUpdateExclusive
                    };
                    e.lock(&relation_name(rv), mode);
                }
            }
        }
        NodeEnum::CreateTrigStmt(t) => {
            if let Some(rv) = &t.relation {
                let name = relation_name(rv);
                e.lock(&name, LockMode::ShareRowExclusive);
                e.table = Some(name);
            }
        }
        NodeEnum::LockStmt(l) => {
            let mode = lock_mode_from_pg(l.mode);
            for rel in &l.relations {
                if let Some(NodeEnum::RangeVar(rv)) = rel.node.as_ref() {
                    let name = relation_name(rv);
                    e.lock(&name, mode);
                    e.table.get_or_insert(name);
                }
            }
        }
        NodeEnum::RefreshMatViewStmt(r) => {
            if let Some(rv) = &r.relation {
                let name = relation_name(rv);
                e.rewrites = true;
                e.lock(
                    &name,
                    if r.concurrent {
                        LockMode::Exclusive
                    } else {
                        LockMode::AccessExclusive
                    },
                );
                e.table = Some(name);
            }
        }
        NodeEnum::InsertStmt(i) => {
            row_write(&mut e, i.relation.as_ref(), false);
            key_checks(&mut e, known);
        }
        NodeEnum::UpdateStmt(u) => {
            row_write(&mut e, u.relation.as_ref(), u.where_clause.is_none());
            key_checks(&mut e, known);
        }
        NodeEnum::DeleteStmt(d) => {
            row_write(&mut e, d.relation.as_ref(), d.where_clause.is_none());
        }
        NodeEnum::CreatedbStmt(_) | NodeEnum::DropdbStmt(_) | NodeEnum::AlterSystemStmt(_) => {
            e.transactional = false;
        }
        _ => {}
    }
    e
}

/// Rows written to a table with foreign keys are checked against the referenced tables, which
/// takes ROW SHARE on them.
fn key_checks(e: &mut Effect, known: &dyn Known) {
    if let Some(table) = e.table.clone() {
        for parent in known.referenced_tables(&table) {
            if parent != table {
                e.lock(&parent, LockMode::RowShare);
            }
        }
    }
}

fn row_write(e: &mut Effect, rv: Option<&RangeVar>, all_rows: bool) {
    if let Some(rv) = rv {
        let name = relation_name(rv);
        e.lock(&name, LockMode::RowExclusive);
        e.table = Some(name);
        if all_rows {
            e.scans = true;
            e.reasons
                .push("without WHERE every row is written and row-locked until commit".into());
        }
    }
}

fn def_false(d: &pg_query::protobuf::DefElem) -> bool {
    match d.arg.as_ref().and_then(|a| a.node.as_ref()) {
        Some(NodeEnum::String(s)) => matches!(s.sval.as_str(), "false" | "off" | "0"),
        Some(NodeEnum::Boolean(b)) => !b.boolval,
        Some(NodeEnum::Integer(i)) => i.ival == 0,
        _ => false,
    }
}

/// `LockStmt.mode` (PostgreSQL's lock numbers 1..8) → [`LockMode`].
fn lock_mode_from_pg(mode: i32) -> LockMode {
    match mode {
        1 => LockMode::AccessShare,
        2 => LockMode::RowShare,
        3 => LockMode::RowExclusive,
        4 => LockMode::ShareUpdateExclusive,
        5 => LockMode::Share,
        6 => LockMode::ShareRowExclusive,
        7 => LockMode::Exclusive,
        _ => LockMode::AccessExclusive,
    }
}

/// The `Constraint` nodes of a list.
pub fn constraints(nodes: &[Node]) -> impl Iterator<Item = &Constraint> {
    nodes.iter().filter_map(|n| match n.node.as_ref() {
        Some(NodeEnum::Constraint(c)) => Some(c.as_ref()),
        _ => None,
    })
}

fn foreign_key_lock(e: &mut Effect, con: &Constraint) {
    if con.contype == ConstrType::ConstrForeign as i32 {
        if let Some(pk) = &con.pktable {
            e.lock(&relation_name(pk), LockMode::ShareRowExclusive);
        }
    }
}

fn drop_stmt(e: &mut Effect, d: &pg_query::protobuf::DropStmt, known: &dyn Known) {
    let kind = ObjectType::try_from(d.remove_type).unwrap_or(ObjectType::Undefined);
    for obj in &d.objects {
        let name = match obj.node.as_ref() {
            Some(NodeEnum::List(l)) => dotted_name(&l.items),
            _ => continue,
        };
        match kind {
            ObjectType::ObjectTable
            | ObjectType::ObjectView
            | ObjectType::ObjectMatview
            | ObjectType::ObjectSequence => {
                e.lock(&name, LockMode::AccessExclusive);
                // Its foreign keys' triggers live on the referenced tables too.
                for parent in known.referenced_tables(&name) {
                    e.lock(&parent, LockMode::AccessExclusive);
                }
                e.table.get_or_insert(name);
            }
            ObjectType::ObjectIndex => {
                let mode = if d.concurrent {
                    e.transactional = false;
                    LockMode::ShareUpdateExclusive
                } else {
                    LockMode::AccessExclusive
                };
                match known.index_table(&name) {
                    Some(table) => {
                        e.lock(&table, mode);
                        e.table.get_or_insert(table);
                    }
                    None => e
                        .assumptions
                        .push(format!("the table of index `{name}` is unknown")),
                }
                e.lock(&name, mode);
            }
            _ => {}
        }
    }
}

/// The default expression of a column definition (`DEFAULT x` is kept either as `raw_default`
/// or as a DEFAULT constraint, depending on where it came from).
pub fn column_default(col: &ColumnDef) -> Option<&NodeEnum> {
    col.raw_default
        .as_ref()
        .and_then(|d| d.node.as_ref())
        .or_else(|| {
            constraints(&col.constraints)
                .find(|c| c.contype == ConstrType::ConstrDefault as i32)
                .and_then(|c| c.raw_expr.as_ref())
                .and_then(|x| x.node.as_ref())
        })
}

/// Whether an expression is volatile (evaluated per row), judged on its canonical spelling.
pub fn is_volatile_node(expr: &NodeEnum) -> bool {
    spell_expr(expr)
        .map(|s| is_volatile_expr(&s))
        .unwrap_or(true)
}

#[cfg(test)]
mod test {
    use super::*;

    fn effect(sql: &str, pg: u32) -> Effect {
        let parsed = pg_query::parse(sql, 0).unwrap();
        let node = parsed.protobuf.stmts[0]
            .stmt
            .as_ref()
            .unwrap()
            .node
            .clone()
            .unwrap();
        classify(&node, pg, &Unknown)
    }

    #[test]
    fn add_column_default_is_metadata_only_from_11() {
        let e = effect("ALTER TABLE users ADD COLUMN a int DEFAULT 0", 150000);
        assert!(!e.rewrites);
        assert_eq!(e.since_version, Some(110000));
        assert!(effect("ALTER TABLE users ADD COLUMN a int DEFAULT 0", 100000).rewrites);
        assert!(
            effect(
                "ALTER TABLE users ADD COLUMN a uuid DEFAULT gen_random_uuid()",
                150000
            )
            .rewrites
        );
        assert!(
            !effect(
                "ALTER TABLE users ADD COLUMN a timestamptz DEFAULT now()",
                150000
            )
            .rewrites
        );
        assert!(effect("ALTER TABLE users ADD COLUMN a bigserial", 150000).rewrites);
    }

    #[test]
    fn enum_add_value_in_a_transaction_from_12() {
        assert!(!effect("ALTER TYPE mood ADD VALUE 'meh'", 110000).transactional);
        assert!(effect("ALTER TYPE mood ADD VALUE 'meh'", 120000).transactional);
    }

    #[test]
    fn unknown_current_type_is_an_assumption() {
        let e = effect("ALTER TABLE users ALTER COLUMN name TYPE text", 150000);
        assert!(e.rewrites);
        assert_eq!(e.assumptions.len(), 1);
        struct K;
        impl Known for K {
            fn column_type(&self, _: &str, _: &str) -> Option<String> {
                Some("varchar(20)".into())
            }
        }
        let parsed = pg_query::parse("ALTER TABLE users ALTER COLUMN name TYPE text", 0).unwrap();
        let node = parsed.protobuf.stmts[0]
            .stmt
            .as_ref()
            .unwrap()
            .node
            .clone()
            .unwrap();
        let e = classify(&node, 150000, &K);
        assert!(!e.rewrites && e.assumptions.is_empty());
    }
}
