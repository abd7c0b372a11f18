//! One-line descriptions of the statements the model does not hold, for [`Schema::notes`];
//! `None` for session noise that is skipped without a note.
//!
//! [`Schema::notes`]: crate::schema::Schema::notes

use super::names;
use pg_query::protobuf::RangeVar;
use pg_query::NodeEnum;

/// A relation's key (as in [`Schema::tables`]) from its `RangeVar`.
pub(super) fn rv_key(rv: Option<&RangeVar>, default_schema: &str) -> String {
    rv.map(|r| {
        let ns = if r.schemaname.is_empty() {
            default_schema
        } else {
            &r.schemaname
        };
        names::key(ns, &r.relname)
    })
    .unwrap_or_default()
}

/// A `RangeVar` as written (`schema.name` or `name`).
pub(super) fn rv_name(rv: Option<&RangeVar>) -> String {
    rv.map(|r| {
        if r.schemaname.is_empty() {
            r.relname.clone()
        } else {
            format!("{}.{}", r.schemaname, r.relname)
        }
    })
    .unwrap_or_default()
}

/// A short description of a statement that is not modelled, or `None` for session noise
/// that is skipped without a note.
pub(super) fn describe_ignored(node: &NodeEnum, default_schema: &str) -> Option<String> {
    let dotted = |nodes: &[pg_query::protobuf::Node]| names::strings(nodes).join(".");
    Some(match node {
        NodeEnum::TransactionStmt(_)
        | NodeEnum::VariableShowStmt(_)
        | NodeEnum::AlterOwnerStmt(_)
        | NodeEnum::GrantStmt(_)
        | NodeEnum::GrantRoleStmt(_)
        | NodeEnum::AlterDefaultPrivilegesStmt(_)
        | NodeEnum::CheckPointStmt(_)
        | NodeEnum::DiscardStmt(_)
        | NodeEnum::LockStmt(_) => return None,
        NodeEnum::CreateFunctionStmt(f) => format!(
            "CREATE {} {}",
            if f.is_procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            },
            dotted(&f.funcname)
        ),
        NodeEnum::CreateTrigStmt(t) => format!(
            "CREATE TRIGGER {} ON {}",
            t.trigname,
            rv_name(t.relation.as_ref())
        ),
        NodeEnum::ViewStmt(v) => format!("CREATE VIEW {}", rv_key(v.view.as_ref(), default_schema)),
        NodeEnum::CreateTableAsStmt(c) => format!(
            "{} {}",
            if c.objtype == pg_query::protobuf::ObjectType::ObjectMatview as i32 {
                "CREATE MATERIALIZED VIEW"
            } else {
                "CREATE TABLE … AS"
            },
            rv_key(c.into.as_ref().and_then(|i| i.rel.as_ref()), default_schema)
        ),
        NodeEnum::CreateExtensionStmt(e) => format!("CREATE EXTENSION {}", e.extname),
        NodeEnum::CreateSchemaStmt(s) => format!("CREATE SCHEMA {}", s.schemaname),
        NodeEnum::CompositeTypeStmt(c) => {
            format!("CREATE TYPE {} (composite)", rv_name(c.typevar.as_ref()))
        }
        NodeEnum::CreateRangeStmt(r) => format!("CREATE TYPE {} (range)", dotted(&r.type_name)),
        NodeEnum::DefineStmt(_) => "CREATE AGGREGATE/OPERATOR/TYPE".to_string(),
        NodeEnum::RuleStmt(r) => format!("CREATE RULE {}", r.rulename),
        NodeEnum::CreatePolicyStmt(p) => format!("CREATE POLICY {}", p.policy_name),
        NodeEnum::DoStmt(_) => "DO block".to_string(),
        NodeEnum::InsertStmt(i) => format!(
            "INSERT INTO {} (data statement)",
            rv_name(i.relation.as_ref())
        ),
        NodeEnum::UpdateStmt(u) => {
            format!("UPDATE {} (data statement)", rv_name(u.relation.as_ref()))
        }
        NodeEnum::DeleteStmt(d) => format!(
            "DELETE FROM {} (data statement)",
            rv_name(d.relation.as_ref())
        ),
        NodeEnum::CopyStmt(c) => format!("COPY {} (data statement)", rv_name(c.relation.as_ref())),
        NodeEnum::MergeStmt(_) => "MERGE (data statement)".to_string(),
        NodeEnum::TruncateStmt(_) => "TRUNCATE (data statement)".to_string(),
        NodeEnum::CommentStmt(_) => "COMMENT".to_string(),
        NodeEnum::CreateStatsStmt(_) => "CREATE STATISTICS".to_string(),
        NodeEnum::CreatePublicationStmt(_) => "CREATE PUBLICATION".to_string(),
        NodeEnum::CreateEventTrigStmt(e) => format!("CREATE EVENT TRIGGER {}", e.trigname),
        NodeEnum::AlterFunctionStmt(_) => "ALTER FUNCTION".to_string(),
        NodeEnum::AlterDomainStmt(_) => "ALTER DOMAIN".to_string(),
        NodeEnum::AlterExtensionStmt(_) => "ALTER EXTENSION".to_string(),
        NodeEnum::ClusterStmt(_) => "CLUSTER".to_string(),
        NodeEnum::VacuumStmt(_) => "VACUUM/ANALYZE".to_string(),
        NodeEnum::ReindexStmt(_) => "REINDEX".to_string(),
        NodeEnum::RefreshMatViewStmt(_) => "REFRESH MATERIALIZED VIEW".to_string(),
        other => {
            let debug = format!("{other:?}");
            let kind = debug.split(['(', ' ', '{']).next().unwrap_or("statement");
            words(kind.trim_end_matches("Stmt"))
        }
    })
}

/// `AttachPartition` → `ATTACH PARTITION` (for notes about parse-tree node kinds).
pub(crate) fn words(camel: &str) -> String {
    let mut out = String::new();
    for (i, ch) in camel.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}
