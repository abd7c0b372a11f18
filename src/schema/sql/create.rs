//! `CREATE TABLE`: column definitions (types, `serial`/`bigserial`/`smallserial` as an
//! integer column with an owned sequence, identity, `NOT NULL`, defaults in stored form),
//! `INHERITS`/`PARTITION OF`/`LIKE` (columns copied, noted), then the constraints through
//! [`super::constraints`].

use super::constraints::{add_constraints, apply_attr, contype, pending, Pending};
use super::names::{choose_name, key};
use super::{expr, Ctx, LoadError};
use crate::dialect::postgres::{quote_ident, spell_type_name};
use crate::schema::{Column, Identity, Schema, Table};
use pg_query::protobuf::{ColumnDef, ConstrType, CreateStmt};
use pg_query::NodeEnum;

/// `CREATE TABLE`.
pub fn create_table(schema: &mut Schema, s: &CreateStmt, ctx: &Ctx) -> Result<(), LoadError> {
    let Some(rv) = s.relation.as_ref() else {
        return Err(ctx.err("CREATE TABLE without a name"));
    };
    let ns = if rv.schemaname.is_empty() {
        ctx.default_schema().to_string()
    } else {
        rv.schemaname.clone()
    };
    let tkey = key(&ns, &rv.relname);
    if rv.relpersistence == "t" {
        ctx.note(schema, format!("ignored CREATE TEMPORARY TABLE {tkey}"));
        return Ok(());
    }
    if schema.tables.contains_key(&tkey) {
        if s.if_not_exists {
            ctx.note(
                schema,
                format!("skipped CREATE TABLE IF NOT EXISTS {tkey}: it exists"),
            );
            return Ok(());
        }
        return Err(ctx.err(format!("table \"{tkey}\" already exists")));
    }
    if s.of_typename.is_some() {
        ctx.note(schema, format!("ignored CREATE TABLE {tkey} OF type"));
        return Ok(());
    }
    let mut table = Table::new(rv.relname.clone());
    table.schema = ns.clone();
    // Inherited columns (INHERITS, PARTITION OF) come first, as in PostgreSQL.
    let parents: Vec<String> = s
        .inh_relations
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::RangeVar(p)) => Some(ctx.resolve(schema, p)),
            _ => None,
        })
        .collect();
    for p in &parents {
        let parent = schema
            .tables
            .get(p)
            .ok_or_else(|| ctx.no_table(schema, p))?;
        for c in &parent.columns {
            if table.column(&c.name).is_none() {
                let mut col = Column::new(c.name.clone(), c.data_type.clone());
                col.nullable = c.nullable;
                col.default = c.default.clone();
                table.columns.push(col);
            }
        }
    }
    if !parents.is_empty() {
        let how = if s.partbound.is_some() {
            "PARTITION OF"
        } else {
            "INHERITS"
        };
        ctx.note(
            schema,
            format!(
                "table {tkey} {how} {}: the parent columns are copied, the link is not modelled",
                parents.join(", ")
            ),
        );
    }
    if s.partspec.is_some() {
        ctx.note(
            schema,
            format!("table {tkey} is partitioned: partitions are modelled as plain tables"),
        );
    }
    let mut pend: Vec<Pending> = Vec::new();
    let mut taken_seqs: Vec<String> = Vec::new();
    let mut own: Vec<String> = Vec::new();
    for elt in &s.table_elts {
        match elt.node.as_ref() {
            Some(NodeEnum::ColumnDef(cd)) => {
                if own.contains(&cd.colname) {
                    return Err(ctx.err(format!(
                        "column \"{}\" specified more than once in table {tkey}",
                        cd.colname
                    )));
                }
                own.push(cd.colname.clone());
                let (col, mut p) = column_def(schema, cd, &ns, &rv.relname, &mut taken_seqs, ctx)?;
                if let Some(pos) = table.columns.iter().position(|c| c.name == col.name) {
                    table.columns[pos] = col;
                } else {
                    table.columns.push(col);
                }
                pend.append(&mut p);
            }
            Some(NodeEnum::Constraint(c)) => {
                if let Some(p) = pending(c, None, schema, ctx)? {
                    pend.push(p);
                }
            }
            Some(NodeEnum::TableLikeClause(like)) => {
                let src = like
                    .relation
                    .as_ref()
                    .map(|r| ctx.resolve(schema, r))
                    .unwrap_or_default();
                let source = schema
                    .tables
                    .get(&src)
                    .ok_or_else(|| ctx.no_table(schema, &src))?;
                for c in &source.columns {
                    let mut col = Column::new(c.name.clone(), c.data_type.clone());
                    col.nullable = c.nullable;
                    table.columns.push(col);
                }
                ctx.note(
                    schema,
                    format!("CREATE TABLE {tkey} (LIKE {src}): only column names, types and NOT NULL are copied"),
                );
            }
            _ => {}
        }
    }
    schema.tables.insert(tkey.clone(), table);
    ctx.touch(&tkey);
    add_constraints(schema, &tkey, pend, true, ctx)
}

/// One column definition (of `CREATE TABLE` or `ADD COLUMN`): the column and its constraints
/// (still unnamed).
pub fn column_def(
    schema: &mut Schema,
    cd: &ColumnDef,
    ns: &str,
    table_name: &str,
    taken_seqs: &mut Vec<String>,
    ctx: &Ctx,
) -> Result<(Column, Vec<Pending>), LoadError> {
    let Some(tn) = cd.type_name.as_ref() else {
        return Err(ctx.err(format!("column \"{}\" has no type", cd.colname)));
    };
    let domains = ctx.domains(schema);
    let spelled = spell_type_name(tn);
    let serial = match spelled.as_str() {
        "serial" => Some("integer"),
        "bigserial" => Some("bigint"),
        "smallserial" => Some("smallint"),
        _ => None,
    };
    let mut col = Column::new(cd.colname.clone(), serial.unwrap_or(&spelled));
    if serial.is_some() {
        let seq = choose_name(table_name, Some(&cd.colname), "seq", |n| {
            ctx.relation_taken(schema, ns, n)
                || taken_seqs.iter().any(|t| t == n)
                || n == table_name
        });
        taken_seqs.push(seq.clone());
        let literal = if ns == "public" {
            quote_ident(&seq)
        } else {
            format!("{}.{}", quote_ident(ns), quote_ident(&seq))
        };
        col.nullable = false;
        let text = format!("nextval('{}'::regclass)", literal.replace('\'', "''"));
        col.default = Some(expr::canonical_stored_expr(&text).map_err(|e| ctx.err(e.to_string()))?);
        col.serial_sequence = Some(key(ns, &seq));
    }
    let mut pend: Vec<Pending> = Vec::new();
    for c in &cd.constraints {
        let Some(NodeEnum::Constraint(c)) = c.node.as_ref() else {
            continue;
        };
        match contype(c) {
            ConstrType::ConstrNull => col.nullable = true,
            ConstrType::ConstrNotnull => col.nullable = false,
            ConstrType::ConstrDefault => {
                if serial.is_some() {
                    return Err(ctx.err(format!(
                        "multiple default values specified for column \"{}\" of table \"{table_name}\"",
                        cd.colname
                    )));
                }
                if let Some(e) = c.raw_expr.as_ref().and_then(|e| e.node.clone()) {
                    col.default =
                        expr::default_expr(e, &col.data_type, &domains).map_err(|m| ctx.err(m))?;
                }
            }
            ConstrType::ConstrIdentity => {
                col.identity = Some(identity_kind(&c.generated_when));
                col.nullable = false;
            }
            ConstrType::ConstrGenerated => {
                ctx.note(
                    schema,
                    format!(
                        "column {}.{} is GENERATED ALWAYS AS (…) STORED: the expression is not modelled",
                        key(ns, table_name),
                        cd.colname
                    ),
                );
                super::deps::generated_column(
                    schema,
                    &key(ns, table_name),
                    &cd.colname,
                    c.raw_expr.as_deref(),
                );
            }
            ConstrType::ConstrAttrDeferrable
            | ConstrType::ConstrAttrNotDeferrable
            | ConstrType::ConstrAttrDeferred
            | ConstrType::ConstrAttrImmediate => apply_attr(pend.last_mut(), c),
            _ => {
                if let Some(p) = pending(c, Some(&cd.colname), schema, ctx)? {
                    pend.push(p);
                }
            }
        }
    }
    Ok((col, pend))
}

/// `GENERATED ALWAYS` (`a`) or `BY DEFAULT` (`d`).
pub fn identity_kind(when: &str) -> Identity {
    if when == "a" {
        Identity::Always
    } else {
        Identity::ByDefault
    }
}
