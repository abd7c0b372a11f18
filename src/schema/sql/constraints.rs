//! Constraints: turning parsed `PRIMARY KEY`, `UNIQUE`, `CHECK`, `FOREIGN KEY` clauses
//! (column- or table-level, in `CREATE TABLE` or `ALTER TABLE … ADD`) into the model, named the
//! way PostgreSQL names them and in its order (checks, then the primary key, then uniques, then
//! foreign keys). A primary key makes its columns NOT NULL; a foreign key without referenced
//! columns references the primary key; `NOT VALID` leaves a check or foreign key unvalidated
//! (except in `CREATE TABLE`, where PostgreSQL validates anyway); `UNIQUE USING INDEX` turns an
//! index into the constraint.

use super::names::{self, choose_name, name_addition};
use super::{expr, table_mut, Ctx, LoadError};
use crate::schema::{
    CheckConstraint, ExclusionConstraint, ExclusionElement, FkAction, ForeignKey, PrimaryKey,
    Schema, UniqueConstraint,
};
use pg_query::protobuf::{ConstrType, Constraint, Node, RangeVar};
use pg_query::NodeEnum;

/// A constraint as written, before PostgreSQL names it.
#[derive(Debug, Clone)]
pub enum Pending {
    Primary {
        name: Option<String>,
        columns: Vec<String>,
    },
    Unique {
        name: Option<String>,
        columns: Vec<String>,
    },
    /// `ADD CONSTRAINT x {PRIMARY KEY | UNIQUE} USING INDEX idx`.
    UsingIndex {
        name: Option<String>,
        index: String,
        primary: bool,
    },
    Check {
        name: Option<String>,
        expr: Box<NodeEnum>,
        valid: bool,
    },
    Foreign {
        name: Option<String>,
        columns: Vec<String>,
        ref_table: RangeVar,
        ref_columns: Vec<String>,
        on_delete: FkAction,
        on_update: FkAction,
        deferrable: bool,
        initially_deferred: bool,
        valid: bool,
    },
    /// `EXCLUDE USING … (…)`, kept parsed until the table's columns are known.
    Exclusion {
        name: Option<String>,
        constraint: Box<Constraint>,
    },
}

fn opt_name(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// The kind of a parsed constraint.
pub(super) fn contype(c: &Constraint) -> ConstrType {
    ConstrType::try_from(c.contype).unwrap_or(ConstrType::Undefined)
}

/// Turn a parsed constraint into a [`Pending`] one. `column` is the column of a column-level
/// constraint (its key when none is written). `None` for kinds the model does not hold.
pub fn pending(
    c: &Constraint,
    column: Option<&str>,
    _schema: &mut Schema,
    ctx: &Ctx,
) -> Result<Option<Pending>, LoadError> {
    let name = opt_name(&c.conname);
    let keys = |nodes: &[Node]| -> Vec<String> {
        let k = names::strings(nodes);
        match (k.is_empty(), column) {
            (true, Some(col)) => vec![col.to_string()],
            _ => k,
        }
    };
    Ok(Some(match contype(c) {
        ConstrType::ConstrPrimary | ConstrType::ConstrUnique if !c.indexname.is_empty() => {
            Pending::UsingIndex {
                name,
                index: c.indexname.clone(),
                primary: contype(c) == ConstrType::ConstrPrimary,
            }
        }
        ConstrType::ConstrPrimary => Pending::Primary {
            name,
            columns: keys(&c.keys),
        },
        ConstrType::ConstrUnique => Pending::Unique {
            name,
            columns: keys(&c.keys),
        },
        ConstrType::ConstrCheck => {
            let Some(e) = c.raw_expr.as_ref().and_then(|e| e.node.clone()) else {
                return Err(ctx.err("CHECK constraint without an expression"));
            };
            Pending::Check {
                name,
                expr: Box::new(e),
                valid: !c.skip_validation,
            }
        }
        ConstrType::ConstrForeign => {
            let Some(ref_table) = c.pktable.clone() else {
                return Err(ctx.err("FOREIGN KEY without a referenced table"));
            };
            Pending::Foreign {
                name,
                columns: keys(&c.fk_attrs),
                ref_table,
                ref_columns: names::strings(&c.pk_attrs),
                on_delete: fk_action(&c.fk_del_action),
                on_update: fk_action(&c.fk_upd_action),
                deferrable: c.deferrable || c.initdeferred,
                initially_deferred: c.initdeferred,
                valid: !c.skip_validation,
            }
        }
        ConstrType::ConstrExclusion => Pending::Exclusion {
            name,
            constraint: Box::new(c.clone()),
        },
        _ => return Ok(None),
    }))
}

/// `DEFERRABLE` / `INITIALLY DEFERRED` written after a column constraint apply to it.
pub(super) fn apply_attr(last: Option<&mut Pending>, c: &Constraint) {
    let Some(Pending::Foreign {
        deferrable,
        initially_deferred,
        ..
    }) = last
    else {
        return;
    };
    match contype(c) {
        ConstrType::ConstrAttrDeferrable => *deferrable = true,
        ConstrType::ConstrAttrNotDeferrable => *deferrable = false,
        ConstrType::ConstrAttrDeferred => {
            *initially_deferred = true;
            *deferrable = true;
        }
        ConstrType::ConstrAttrImmediate => *initially_deferred = false,
        _ => {}
    }
}

/// Name and attach constraints to the table under `tkey`, in PostgreSQL's order: checks,
/// primary key, uniques (for `CREATE TABLE`, duplicates of an earlier key are dropped as
/// PostgreSQL does), foreign keys.
pub fn add_constraints(
    schema: &mut Schema,
    tkey: &str,
    pend: Vec<Pending>,
    in_create: bool,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let (ns, tname) = {
        let t = table_mut(schema, tkey, ctx)?;
        (t.schema.clone(), t.name.clone())
    };
    let mut checks = Vec::new();
    let mut keys = Vec::new();
    let mut fks = Vec::new();
    for p in pend {
        match p {
            Pending::Check { .. } => checks.push(p),
            Pending::Primary { .. } | Pending::Unique { .. } | Pending::UsingIndex { .. } => {
                keys.push(p)
            }
            Pending::Foreign { .. } | Pending::Exclusion { .. } => fks.push(p),
        }
    }
    // Primary key first, then the others; drop duplicates within one CREATE TABLE.
    keys.sort_by_key(|p| !matches!(p, Pending::Primary { .. }));
    if in_create {
        let mut kept: Vec<Pending> = Vec::new();
        for p in keys {
            if let Pending::Unique { name, columns } = &p {
                if let Some(prior) = kept.iter_mut().find(|k| match k {
                    Pending::Primary { columns: c, .. } | Pending::Unique { columns: c, .. } => {
                        c == columns
                    }
                    _ => false,
                }) {
                    if let Pending::Primary { name: n, .. } | Pending::Unique { name: n, .. } =
                        prior
                    {
                        if n.is_none() {
                            *n = name.clone();
                        }
                    }
                    continue;
                }
            }
            kept.push(p);
        }
        keys = kept;
    }
    for p in checks.into_iter().chain(keys).chain(fks) {
        add_one(schema, tkey, &ns, &tname, p, in_create, ctx)?;
    }
    Ok(())
}

fn constraint_exists_error(ctx: &Ctx, name: &str, table: &str) -> LoadError {
    ctx.err(format!(
        "constraint \"{name}\" for relation \"{table}\" already exists"
    ))
}

fn add_one(
    schema: &mut Schema,
    tkey: &str,
    ns: &str,
    tname: &str,
    p: Pending,
    in_create: bool,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    ctx.touch(tkey);
    let domains = ctx.domains(schema);
    let constraint_taken = |n: &str| ctx.constraint_taken(schema, ns, n);
    let index_taken = |n: &str| ctx.relation_taken(schema, ns, n) || constraint_taken(n);
    let table = schema.tables.get(tkey).expect("checked by caller");
    let own_constraint = |n: &str| table.constraint_names().any(|c| c == n);
    let check_columns = |cols: &[String], what: &str| -> Result<(), LoadError> {
        for c in cols {
            if table.column(c).is_none() {
                return Err(ctx.err(format!(
                    "column \"{c}\" named in {what} does not exist in table \"{tkey}\""
                )));
            }
        }
        Ok(())
    };
    match p {
        Pending::Primary { name, columns } => {
            check_columns(&columns, "primary key")?;
            if table.primary_key.is_some() {
                return Err(ctx.err(format!(
                    "multiple primary keys for table \"{tkey}\" are not allowed"
                )));
            }
            let name = match name {
                Some(n) if index_taken(&n) => {
                    return Err(ctx.err(format!("relation \"{n}\" already exists")))
                }
                Some(n) => n,
                None => choose_name(tname, None, "pkey", index_taken),
            };
            let t = schema.tables.get_mut(tkey).expect("checked");
            for c in &columns {
                if let Some(col) = t.column_mut(c) {
                    col.nullable = false;
                }
            }
            t.primary_key = Some(PrimaryKey { name, columns });
        }
        Pending::Unique { name, columns } => {
            check_columns(&columns, "unique constraint")?;
            let name = match name {
                Some(n) if index_taken(&n) => {
                    return Err(ctx.err(format!("relation \"{n}\" already exists")))
                }
                Some(n) => n,
                None => choose_name(tname, Some(&name_addition(&columns)), "key", index_taken),
            };
            let t = schema.tables.get_mut(tkey).expect("checked");
            t.unique_constraints
                .push(UniqueConstraint { name, columns });
        }
        Pending::UsingIndex {
            name,
            index,
            primary,
        } => {
            let Some(pos) = table.indexes.iter().position(|i| i.name == index) else {
                return Err(ctx.err(format!(
                    "index \"{index}\" does not exist on table \"{tkey}\""
                )));
            };
            let idx = &table.indexes[pos];
            if !idx.unique || idx.predicate.is_some() {
                return Err(ctx.err(format!("index \"{index}\" is not a plain unique index")));
            }
            let columns: Option<Vec<String>> = idx
                .columns
                .iter()
                .map(|k| k.column().map(str::to_string))
                .collect();
            let Some(columns) = columns else {
                return Err(ctx.err(format!("index \"{index}\" contains expressions")));
            };
            let name = name.unwrap_or(index);
            if primary && table.primary_key.is_some() {
                return Err(ctx.err(format!(
                    "multiple primary keys for table \"{tkey}\" are not allowed"
                )));
            }
            let t = schema.tables.get_mut(tkey).expect("checked");
            t.indexes.remove(pos);
            if primary {
                for c in &columns {
                    if let Some(col) = t.column_mut(c) {
                        col.nullable = false;
                    }
                }
                t.primary_key = Some(PrimaryKey { name, columns });
            } else {
                t.unique_constraints
                    .push(UniqueConstraint { name, columns });
            }
        }
        Pending::Check {
            name,
            expr: e,
            valid,
        } => {
            let cols = expr::columns_of(&e);
            check_columns(&cols, "check constraint")?;
            let name = match name {
                Some(n) if own_constraint(&n) => {
                    return Err(constraint_exists_error(ctx, &n, tkey))
                }
                Some(n) => n,
                None => {
                    let col = (cols.len() == 1).then(|| cols[0].as_str());
                    choose_name(tname, col, "check", constraint_taken)
                }
            };
            let expression =
                expr::table_expr(*e, &table.columns, &domains).map_err(|m| ctx.err(m))?;
            let t = schema.tables.get_mut(tkey).expect("checked");
            t.check_constraints.push(CheckConstraint {
                name,
                expression,
                validated: valid || in_create,
            });
        }
        Pending::Foreign {
            name,
            columns,
            ref_table,
            mut ref_columns,
            on_delete,
            on_update,
            deferrable,
            initially_deferred,
            valid,
        } => {
            check_columns(&columns, "foreign key")?;
            let rkey = ctx.resolve(schema, &ref_table);
            let Some(rt) = schema.tables.get(&rkey) else {
                return Err(ctx.err(format!("referenced table \"{rkey}\" does not exist")));
            };
            if ref_columns.is_empty() {
                match &rt.primary_key {
                    Some(pk) => ref_columns = pk.columns.clone(),
                    None => {
                        return Err(ctx.err(format!(
                            "there is no primary key for referenced table \"{rkey}\""
                        )))
                    }
                }
            }
            for c in &ref_columns {
                if rt.column(c).is_none() {
                    return Err(ctx.err(format!(
                        "column \"{c}\" referenced in foreign key constraint does not exist in \"{rkey}\""
                    )));
                }
            }
            if ref_columns.len() != columns.len() {
                return Err(ctx
                    .err("number of referencing and referenced columns for foreign key disagree"));
            }
            let name = match name {
                Some(n) if own_constraint(&n) => {
                    return Err(constraint_exists_error(ctx, &n, tkey))
                }
                Some(n) => n,
                None => choose_name(
                    tname,
                    Some(&name_addition(&columns)),
                    "fkey",
                    constraint_taken,
                ),
            };
            let t = schema.tables.get_mut(tkey).expect("checked");
            t.foreign_keys.push(ForeignKey {
                name,
                columns,
                ref_table: rkey,
                ref_columns,
                on_delete,
                on_update,
                deferrable,
                initially_deferred,
                validated: valid || in_create,
            });
        }
        Pending::Exclusion { name, constraint } => {
            let (method, elements, predicate) =
                super::catalog::exclusion_from_constraint(&constraint, &table.columns, &domains)
                    .map_err(|m| ctx.err(m))?;
            let name = match name {
                Some(n) if index_taken(&n) => {
                    return Err(ctx.err(format!("relation \"{n}\" already exists")))
                }
                Some(n) => n,
                None => {
                    let cols: Vec<String> = elements
                        .iter()
                        .map(|(k, _)| k.column().unwrap_or("expr").to_string())
                        .collect();
                    choose_name(tname, Some(&name_addition(&cols)), "excl", index_taken)
                }
            };
            let deferrable = constraint.deferrable || constraint.initdeferred;
            let t = schema.tables.get_mut(tkey).expect("checked");
            t.exclusion_constraints.push(ExclusionConstraint {
                name,
                method,
                elements: elements
                    .into_iter()
                    .map(|(key, operator)| ExclusionElement { key, operator })
                    .collect(),
                predicate,
                deferrable,
                initially_deferred: constraint.initdeferred,
            });
        }
    }
    Ok(())
}
