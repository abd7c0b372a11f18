//! ALTER TABLE sub-commands: the lock each takes, and when it rewrites or scans the table.

use super::{column_default, constraints, foreign_key_lock, is_volatile_node, Effect, Known};
use crate::dialect::postgres::{is_binary_coercible, spell_expr, spell_type_name};
use crate::dialect::LockMode;
use pg_query::protobuf::{AlterTableCmd, AlterTableType, ColumnDef, ConstrType, Constraint};
use pg_query::NodeEnum;

fn is_null_const(expr: &NodeEnum) -> bool {
    matches!(expr, NodeEnum::AConst(c) if c.isnull)
}

pub(super) fn alter_cmd(
    e: &mut Effect,
    table: &str,
    cmd: &AlterTableCmd,
    pg: u32,
    known: &dyn Known,
) {
    let sub = AlterTableType::try_from(cmd.subtype).unwrap_or(AlterTableType::Undefined);
    let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
    use AlterTableType as T;
    let mode = match sub {
        T::AtAddColumn => {
            if let Some(NodeEnum::ColumnDef(col)) = def {
                add_column(e, table, col, pg);
            }
            LockMode::AccessExclusive
        }
        T::AtSetNotNull => {
            if pg >= 120000 && known.has_not_null_check(table, &cmd.name) {
                e.since(120000);
                e.reasons.push(format!(
                    "a validated CHECK ({} IS NOT NULL) lets SET NOT NULL skip the scan (PostgreSQL 12+)",
                    cmd.name
                ));
            } else {
                e.scans = true;
                e.reasons.push(format!(
                    "SET NOT NULL reads every row to check `{}` under ACCESS EXCLUSIVE",
                    cmd.name
                ));
            }
            LockMode::AccessExclusive
        }
        T::AtAlterColumnType => {
            if let Some(NodeEnum::ColumnDef(col)) = def {
                alter_type(e, table, &cmd.name, col, known);
            }
            LockMode::AccessExclusive
        }
        T::AtAddConstraint => {
            if let Some(NodeEnum::Constraint(con)) = def {
                add_constraint(e, table, con)
            } else {
                LockMode::AccessExclusive
            }
        }
        T::AtValidateConstraint => {
            e.scans = true;
            LockMode::ShareUpdateExclusive
        }
        T::AtSetRelOptions | T::AtResetRelOptions => {
            let cheap = def.is_none_or(|d| match d {
                NodeEnum::List(l) => l.items.iter().all(|o| match o.node.as_ref() {
                    Some(NodeEnum::DefElem(d)) => is_cheap_reloption(&d.defnamespace, &d.defname),
                    _ => false,
                }),
                _ => false,
            });
            if cheap {
                LockMode::ShareUpdateExclusive
            } else {
                LockMode::AccessExclusive
            }
        }
        T::AtSetStatistics
        | T::AtSetOptions
        | T::AtResetOptions
        | T::AtClusterOn
        | T::AtDropCluster
        | T::AtAttachPartition => LockMode::ShareUpdateExclusive,
        T::AtEnableTrig
        | T::AtEnableAlwaysTrig
        | T::AtEnableReplicaTrig
        | T::AtDisableTrig
        | T::AtEnableTrigAll
        | T::AtDisableTrigAll
        | T::AtEnableTrigUser
        | T::AtDisableTrigUser => LockMode::ShareRowExclusive,
        T::AtSetLogged | T::AtSetUnLogged | T::AtSetTableSpace | T::AtSetAccessMethod => {
            e.rewrites = true;
            e.reasons.push("the table is copied to new storage".into());
            LockMode::AccessExclusive
        }
        _ => LockMode::AccessExclusive,
    };
    e.lock(table, mode);
}

/// Storage parameters PostgreSQL changes under SHARE UPDATE EXCLUSIVE (others take ACCESS
/// EXCLUSIVE): fillfactor, autovacuum and toast settings, planner parameters.
fn is_cheap_reloption(namespace: &str, name: &str) -> bool {
    (namespace.is_empty() || namespace == "toast")
        && (name == "fillfactor"
            || name == "parallel_workers"
            || name == "toast_tuple_target"
            || name == "log_autovacuum_min_duration"
            || name.starts_with("autovacuum_")
            || name.starts_with("vacuum_"))
}

fn add_column(e: &mut Effect, table: &str, col: &ColumnDef, pg: u32) {
    let default = column_default(col).filter(|d| !is_null_const(d));
    let ty = col
        .type_name
        .as_ref()
        .map(spell_type_name)
        .unwrap_or_default();
    let cons: Vec<&Constraint> = constraints(&col.constraints).collect();
    let has = |t: ConstrType| cons.iter().any(|c| c.contype == t as i32);
    if matches!(ty.as_str(), "serial" | "bigserial" | "smallserial") {
        e.rewrites = true;
        e.reasons.push(format!(
            "a {ty} column fills every row from a sequence (a volatile default): the table is rewritten"
        ));
    } else if has(ConstrType::ConstrIdentity) {
        e.rewrites = true;
        e.reasons
            .push("an identity column fills every row: the table is rewritten".into());
    } else if cons
        .iter()
        .any(|c| c.contype == ConstrType::ConstrGenerated as i32)
    {
        e.rewrites = true;
        e.reasons.push(
            "a stored generated column is computed for every row: the table is rewritten".into(),
        );
    } else if let Some(d) = default {
        if is_volatile_node(d) {
            e.rewrites = true;
            e.reasons.push(format!(
                "the volatile default `{}` is evaluated for every row: the table is rewritten",
                spell_expr(d).unwrap_or_default()
            ));
        } else if pg < 110000 {
            e.rewrites = true;
            e.reasons
                .push("before PostgreSQL 11 any default rewrites the table".into());
        } else {
            e.since(110000);
        }
    }
    if has(ConstrType::ConstrPrimary) || has(ConstrType::ConstrUnique) {
        e.scans = true;
        e.reasons
            .push("an inline UNIQUE/PRIMARY KEY builds an index under ACCESS EXCLUSIVE".into());
    }
    if default.is_some()
        && cons
            .iter()
            .any(|c| c.contype == ConstrType::ConstrCheck as i32)
    {
        e.scans = true;
    }
    for con in &cons {
        foreign_key_lock(e, con);
    }
    let _ = table;
}

fn alter_type(e: &mut Effect, table: &str, column: &str, col: &ColumnDef, known: &dyn Known) {
    let Some(to) = col.type_name.as_ref().map(spell_type_name) else {
        return;
    };
    let using = col.raw_default.is_some();
    match known.column_type(table, column) {
        Some(from) if !using && is_binary_coercible(&from, &to) => {
            e.reasons.push(format!(
                "{from} → {to} is binary-coercible: no rewrite (indexes on the column may still be rebuilt)"
            ));
        }
        Some(from) => {
            e.rewrites = true;
            e.reasons.push(format!(
                "{from} → {to} rewrites the table and its indexes under ACCESS EXCLUSIVE"
            ));
        }
        None => {
            e.rewrites = true;
            e.reasons
                .push(format!("changing `{column}` to {to} rewrites the table unless the cast is binary-coercible"));
            e.assumptions
                .push(format!("the current type of `{table}.{column}` is unknown"));
        }
    }
}

fn add_constraint(e: &mut Effect, table: &str, con: &Constraint) -> LockMode {
    let Ok(kind) = ConstrType::try_from(con.contype) else {
        return LockMode::AccessExclusive;
    };
    match kind {
        ConstrType::ConstrForeign => {
            foreign_key_lock(e, con);
            if !con.skip_validation {
                e.scans = true;
                e.reasons.push(format!(
                    "the new foreign key on `{table}` is validated against every row while writes wait"
                ));
            }
            LockMode::ShareRowExclusive
        }
        ConstrType::ConstrCheck | ConstrType::ConstrNotnull => {
            if !con.skip_validation {
                e.scans = true;
                e.reasons.push(format!(
                    "the new constraint is checked against every row of `{table}` under ACCESS EXCLUSIVE"
                ));
            }
            LockMode::AccessExclusive
        }
        ConstrType::ConstrPrimary | ConstrType::ConstrUnique | ConstrType::ConstrExclusion => {
            if con.indexname.is_empty() {
                e.scans = true;
                e.reasons.push(format!(
                    "the constraint builds its index on `{table}` under ACCESS EXCLUSIVE"
                ));
            }
            LockMode::AccessExclusive
        }
        _ => LockMode::AccessExclusive,
    }
}
