//! `ALTER TABLE` (every subcommand migsmith generates, plus pg_dump's `SET DEFAULT nextval` and
//! `ADD GENERATED … AS IDENTITY`), with PostgreSQL's side effects: subcommands run in its pass
//! order (drops first), dropping a column drops the indexes and constraints that use it (and,
//! with `CASCADE`, the foreign keys that depend on them), dropping a key that foreign keys
//! reference needs `CASCADE`.

use super::constraints;
use super::create::{self, identity_kind};

use super::{expr, index, table_mut, Ctx, LoadError};
use crate::dialect::postgres::spell_type_name;
use crate::schema::Schema;
use pg_query::protobuf::{AlterTableCmd, AlterTableStmt, AlterTableType, DropBehavior, ObjectType};
use pg_query::NodeEnum;

/// The `ObjectType` of a raw enum value.
pub(super) fn object_type(v: i32) -> ObjectType {
    ObjectType::try_from(v).unwrap_or(ObjectType::Undefined)
}

/// `ALTER TABLE [IF EXISTS] [ONLY] t …` (other `ALTER <relation>` forms are noted).
pub fn alter_table(schema: &mut Schema, s: &AlterTableStmt, ctx: &Ctx) -> Result<(), LoadError> {
    let cmds: Vec<&AlterTableCmd> = s
        .cmds
        .iter()
        .filter_map(|c| match c.node.as_ref() {
            Some(NodeEnum::AlterTableCmd(c)) => Some(&**c),
            _ => None,
        })
        .collect();
    let subtype = |c: &AlterTableCmd| {
        AlterTableType::try_from(c.subtype).unwrap_or(AlterTableType::Undefined)
    };
    let name = super::notes::rv_name(s.relation.as_ref());
    let kind = object_type(s.objtype);
    // `OWNER TO` is session noise, whatever it applies to (pg_dump spells it `ALTER TABLE`
    // for views and sequences too).
    if cmds
        .iter()
        .all(|c| subtype(c) == AlterTableType::AtChangeOwner)
    {
        return Ok(());
    }
    if !matches!(
        kind,
        ObjectType::ObjectTable | ObjectType::ObjectForeignTable
    ) {
        let what = kind
            .as_str_name()
            .trim_start_matches("OBJECT_")
            .replace('_', " ");
        ctx.note(schema, format!("ignored ALTER {what} {name}"));
        return Ok(());
    }
    let Some(rv) = s.relation.as_ref() else {
        return Err(ctx.err("ALTER TABLE without a table"));
    };
    let tkey = ctx.resolve(schema, rv);
    if !schema.tables.contains_key(&tkey) {
        if s.missing_ok {
            ctx.note(
                schema,
                format!("skipped ALTER TABLE IF EXISTS {tkey}: it does not exist"),
            );
            return Ok(());
        }
        if ctx.unmodelled(schema, &tkey) {
            ctx.note(schema, format!("ignored ALTER TABLE {tkey} (not a table)"));
            return Ok(());
        }
        return Err(ctx.no_table(schema, &tkey));
    }
    // PostgreSQL runs the subcommands of one ALTER TABLE in passes: drops first, then type
    // changes, new columns, column attributes, keys, other constraints, the rest.
    let mut ordered: Vec<(u8, &AlterTableCmd)> =
        cmds.into_iter().map(|c| (pass(c, subtype(c)), c)).collect();
    ordered.sort_by_key(|(p, _)| *p);
    for (_, cmd) in ordered {
        alter_cmd(schema, &tkey, cmd, subtype(cmd), ctx)?;
    }
    Ok(())
}

/// The pass of PostgreSQL's `ATController` a subcommand runs in (simplified).
fn pass(cmd: &AlterTableCmd, subtype: AlterTableType) -> u8 {
    match subtype {
        AlterTableType::AtDropColumn
        | AlterTableType::AtDropConstraint
        | AlterTableType::AtDropNotNull => 0,
        AlterTableType::AtAlterColumnType => 1,
        AlterTableType::AtAddColumn => 2,
        AlterTableType::AtColumnDefault
        | AlterTableType::AtSetNotNull
        | AlterTableType::AtAddIdentity
        | AlterTableType::AtSetIdentity
        | AlterTableType::AtDropIdentity => 3,
        AlterTableType::AtAddConstraint => match cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
            Some(NodeEnum::Constraint(c))
                if c.contype == pg_query::protobuf::ConstrType::ConstrPrimary as i32
                    || c.contype == pg_query::protobuf::ConstrType::ConstrUnique as i32 =>
            {
                4
            }
            _ => 5,
        },
        _ => 6,
    }
}

/// "column c of table t does not exist".
pub(super) fn no_column(ctx: &Ctx, col: &str, tkey: &str) -> LoadError {
    ctx.err(format!(
        "column \"{col}\" of table \"{tkey}\" does not exist"
    ))
}

fn alter_cmd(
    schema: &mut Schema,
    tkey: &str,
    cmd: &AlterTableCmd,
    subtype: AlterTableType,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let def = cmd.def.as_ref().and_then(|d| d.node.as_ref());
    let cascade = cmd.behavior == DropBehavior::DropCascade as i32;
    let col = cmd.name.as_str();
    match subtype {
        AlterTableType::AtAddColumn => {
            let Some(NodeEnum::ColumnDef(cd)) = def else {
                return Err(ctx.err("ADD COLUMN without a column definition"));
            };
            let t = table_mut(schema, tkey, ctx)?;
            if t.column(&cd.colname).is_some() {
                if cmd.missing_ok {
                    ctx.note(
                        schema,
                        format!(
                            "skipped ADD COLUMN IF NOT EXISTS {tkey}.{}: it exists",
                            cd.colname
                        ),
                    );
                    return Ok(());
                }
                return Err(ctx.err(format!(
                    "column \"{}\" of table \"{tkey}\" already exists",
                    cd.colname
                )));
            }
            let (ns, tname) = (t.schema.clone(), t.name.clone());
            let (column, pend) = create::column_def(schema, cd, &ns, &tname, &mut Vec::new(), ctx)?;
            table_mut(schema, tkey, ctx)?.columns.push(column);
            constraints::add_constraints(schema, tkey, pend, false, ctx)
        }
        AlterTableType::AtColumnDefault => {
            let domains = ctx.domains(schema);
            let t = table_mut(schema, tkey, ctx)?;
            let Some(c) = t.column_mut(col) else {
                return Err(no_column(ctx, col, tkey));
            };
            c.default = match def {
                Some(e) => {
                    expr::default_expr(e.clone(), &c.data_type, &domains).map_err(|m| ctx.err(m))?
                }
                None => None,
            };
            Ok(())
        }
        AlterTableType::AtSetNotNull | AlterTableType::AtDropNotNull => {
            let set = subtype == AlterTableType::AtSetNotNull;
            let t = table_mut(schema, tkey, ctx)?;
            let in_pk = t
                .primary_key
                .as_ref()
                .is_some_and(|p| p.columns.iter().any(|c| c == col));
            let Some(c) = t.column_mut(col) else {
                return Err(no_column(ctx, col, tkey));
            };
            if !set && in_pk {
                return Err(ctx.err(format!("column \"{col}\" is in a primary key")));
            }
            if !set && c.identity.is_some() {
                return Err(ctx.err(format!(
                    "column \"{col}\" of relation \"{tkey}\" is an identity column"
                )));
            }
            c.nullable = !set;
            Ok(())
        }
        AlterTableType::AtDropColumn => {
            if table_mut(schema, tkey, ctx)?.column(col).is_none() {
                if cmd.missing_ok {
                    ctx.note(
                        schema,
                        format!("skipped DROP COLUMN IF EXISTS {tkey}.{col}: it does not exist"),
                    );
                    return Ok(());
                }
                return Err(no_column(ctx, col, tkey));
            }
            drop_column(schema, tkey, col, cascade, ctx)
        }
        AlterTableType::AtAlterColumnType => {
            let Some(NodeEnum::ColumnDef(cd)) = def else {
                return Err(ctx.err("ALTER COLUMN TYPE without a type"));
            };
            let Some(tn) = cd.type_name.as_ref() else {
                return Err(ctx.err("ALTER COLUMN TYPE without a type"));
            };
            let ty = spell_type_name(tn);
            if matches!(ty.as_str(), "serial" | "bigserial" | "smallserial") {
                return Err(ctx.err(format!("type \"{ty}\" does not exist")));
            }
            let t = table_mut(schema, tkey, ctx)?;
            let Some(c) = t.column_mut(col) else {
                return Err(no_column(ctx, col, tkey));
            };
            c.data_type = ty;
            Ok(())
        }
        AlterTableType::AtAddConstraint => {
            let Some(NodeEnum::Constraint(c)) = def else {
                return Err(ctx.err("ADD CONSTRAINT without a constraint"));
            };
            match constraints::pending(c, None, schema, ctx)? {
                Some(p) => constraints::add_constraints(schema, tkey, vec![p], false, ctx),
                None => Ok(()),
            }
        }
        AlterTableType::AtValidateConstraint => {
            let t = table_mut(schema, tkey, ctx)?;
            if let Some(c) = t.check_constraints.iter_mut().find(|c| c.name == col) {
                c.validated = true;
            } else if let Some(f) = t.foreign_keys.iter_mut().find(|f| f.name == col) {
                f.validated = true;
            } else if !t.constraint_names().any(|n| n == col) {
                return Err(ctx.err(format!(
                    "constraint \"{col}\" of relation \"{tkey}\" does not exist"
                )));
            }
            Ok(())
        }
        AlterTableType::AtDropConstraint => {
            drop_constraint(schema, tkey, col, cmd.missing_ok, cascade, ctx)
        }
        AlterTableType::AtAddIdentity
        | AlterTableType::AtSetIdentity
        | AlterTableType::AtDropIdentity => {
            let t = table_mut(schema, tkey, ctx)?;
            let Some(c) = t.column_mut(col) else {
                return Err(no_column(ctx, col, tkey));
            };
            match subtype {
                AlterTableType::AtAddIdentity => {
                    if c.nullable {
                        return Err(ctx.err(format!(
                            "column \"{col}\" of relation \"{tkey}\" must be declared NOT NULL before identity can be added"
                        )));
                    }
                    if c.identity.is_some() {
                        return Err(ctx.err(format!(
                            "column \"{col}\" of relation \"{tkey}\" is already an identity column"
                        )));
                    }
                    let when = match def {
                        Some(NodeEnum::Constraint(k)) => k.generated_when.clone(),
                        _ => String::new(),
                    };
                    c.identity = Some(identity_kind(&when));
                }
                AlterTableType::AtDropIdentity => {
                    if c.identity.is_none() && !cmd.missing_ok {
                        return Err(ctx.err(format!(
                            "column \"{col}\" of relation \"{tkey}\" is not an identity column"
                        )));
                    }
                    c.identity = None;
                }
                _ => {
                    let opts: &[pg_query::protobuf::Node] = match def {
                        Some(NodeEnum::List(l)) => &l.items,
                        _ => &[],
                    };
                    for o in opts {
                        if let Some(NodeEnum::DefElem(d)) = o.node.as_ref() {
                            if d.defname == "generated" {
                                if let Some(NodeEnum::Integer(i)) =
                                    d.arg.as_ref().and_then(|a| a.node.as_ref())
                                {
                                    c.identity = Some(if i.ival == i32::from(b'a') {
                                        crate::schema::Identity::Always
                                    } else {
                                        crate::schema::Identity::ByDefault
                                    });
                                }
                            }
                        }
                    }
                }
            }
            Ok(())
        }
        AlterTableType::AtChangeOwner => Ok(()),
        other => {
            let what = super::notes::words(other.as_str_name().trim_start_matches("AT_"));
            ctx.note(schema, format!("ignored ALTER TABLE {tkey} {what}"));
            Ok(())
        }
    }
}

/// `DROP COLUMN`: the column and whatever in its table uses it; foreign keys elsewhere that
/// depend on a dropped key need `CASCADE`.
pub fn drop_column(
    schema: &mut Schema,
    tkey: &str,
    col: &str,
    cascade: bool,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let dependents: Vec<(String, String)> = schema
        .tables
        .iter()
        .flat_map(|(k, t)| {
            t.foreign_keys
                .iter()
                .filter(move |fk| {
                    fk.ref_table == tkey
                        && fk.ref_columns.iter().any(|c| c == col)
                        && !(k == tkey && fk.columns.iter().any(|c| c == col))
                })
                .map(move |fk| (k.clone(), fk.name.clone()))
        })
        .collect();
    drop_dependent_foreign_keys(
        schema,
        &dependents,
        cascade,
        &format!("column {col} of table {tkey}"),
        ctx,
    )?;
    super::deps::check_drop(schema, tkey, Some(col), cascade, ctx)?;
    schema.forget_column_dependents(tkey, col);
    let t = table_mut(schema, tkey, ctx)?;
    let uses = |cols: &[String]| cols.iter().any(|c| c == col);
    if t.primary_key.as_ref().is_some_and(|p| uses(&p.columns)) {
        t.primary_key = None;
    }
    t.unique_constraints.retain(|u| !uses(&u.columns));
    t.check_constraints
        .retain(|c| !uses(&expr::columns_in(&c.expression)));
    t.foreign_keys.retain(|f| !uses(&f.columns));
    t.indexes.retain(|i| !index::index_uses(i, col));
    t.columns.retain(|c| c.name != col);
    Ok(())
}

/// Foreign keys `(table key, name)` that depend on what is being dropped (`what`): without
/// CASCADE that is PostgreSQL's "other objects depend on it" error; with it they go too.
fn drop_dependent_foreign_keys(
    schema: &mut Schema,
    dependents: &[(String, String)],
    cascade: bool,
    what: &str,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    if !dependents.is_empty() && !cascade {
        let list: Vec<String> = dependents
            .iter()
            .map(|(t, n)| format!("constraint {n} on table {t}"))
            .collect();
        return Err(ctx.err(format!(
            "cannot drop {what} because other objects depend on it ({}); use CASCADE",
            list.join(", ")
        )));
    }
    for (k, n) in dependents {
        ctx.touch(k);
        if let Some(t) = schema.tables.get_mut(k) {
            t.foreign_keys.retain(|f| &f.name != n);
        }
    }
    Ok(())
}

/// `DROP CONSTRAINT`; dropping a key that foreign keys depend on needs `CASCADE`.
fn drop_constraint(
    schema: &mut Schema,
    tkey: &str,
    name: &str,
    missing_ok: bool,
    cascade: bool,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let t = table_mut(schema, tkey, ctx)?;
    let key_cols = t
        .primary_key
        .iter()
        .filter(|p| p.name == name)
        .map(|p| p.columns.clone())
        .chain(
            t.unique_constraints
                .iter()
                .filter(|u| u.name == name)
                .map(|u| u.columns.clone()),
        )
        .next();
    if !t.constraint_names().any(|n| n == name) {
        if missing_ok {
            ctx.note(
                schema,
                format!("skipped DROP CONSTRAINT IF EXISTS {name} on {tkey}: it does not exist"),
            );
            return Ok(());
        }
        return Err(ctx.err(format!(
            "constraint \"{name}\" of relation \"{tkey}\" does not exist"
        )));
    }
    // A foreign key depends on the key it found when it was created; that is the primary key
    // (normally the oldest) when one covers the same columns, so dropping another unique key
    // on those columns leaves the foreign keys alone.
    let is_primary = t.primary_key.as_ref().is_some_and(|p| p.name == name);
    let covered_by_other = key_cols.as_ref().is_some_and(|cols| {
        let same = |other: &[String]| {
            let (mut a, mut b) = (cols.clone(), other.to_vec());
            a.sort();
            b.sort();
            a == b
        };
        !is_primary
            && (t.primary_key.as_ref().is_some_and(|p| same(&p.columns))
                || t.unique_constraints
                    .iter()
                    .any(|u| u.name != name && same(&u.columns)))
    });
    if let Some(cols) = key_cols.filter(|_| !covered_by_other) {
        let mut sorted = cols.clone();
        sorted.sort();
        let dependents: Vec<(String, String)> = schema
            .references_to(tkey)
            .filter(|(_, fk)| {
                let mut r = fk.ref_columns.clone();
                r.sort();
                r == sorted
            })
            .map(|(t, fk)| (t.key(), fk.name.clone()))
            .collect();
        drop_dependent_foreign_keys(
            schema,
            &dependents,
            cascade,
            &format!("constraint {name} on table {tkey}"),
            ctx,
        )?;
    }
    let t = table_mut(schema, tkey, ctx)?;
    if t.primary_key.as_ref().is_some_and(|p| p.name == name) {
        t.primary_key = None;
    }
    t.unique_constraints.retain(|u| u.name != name);
    t.check_constraints.retain(|c| c.name != name);
    t.foreign_keys.retain(|f| f.name != name);
    t.exclusion_constraints.retain(|x| x.name != name);
    Ok(())
}
