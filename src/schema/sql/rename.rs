//! Renames and moves: `ALTER TABLE … RENAME [COLUMN | CONSTRAINT]`, `ALTER INDEX … RENAME`,
//! `ALTER TYPE … RENAME`, `ALTER SEQUENCE … RENAME`, `SET SCHEMA`. As in PostgreSQL, renaming
//! a table does not rename its constraints, indexes or sequences; references to it (foreign
//! keys) and to a renamed column (keys, checks, indexes, referencing foreign keys) follow.

use super::alter::{no_column, object_type};
use super::names::{self, key};
use super::{expr, index, objects, table_mut, Ctx, LoadError};
use crate::schema::Schema;
use pg_query::protobuf::{AlterObjectSchemaStmt, ObjectType, RenameStmt};

/// The `RENAME` statements: table, column, constraint, index, type (enum), sequence.
pub fn rename(schema: &mut Schema, s: &RenameStmt, ctx: &Ctx) -> Result<(), LoadError> {
    let kind = object_type(s.rename_type);
    let rel = s.relation.as_ref();
    let target = rel.map(|r| ctx.resolve(schema, r)).unwrap_or_default();
    let missing = |schema: &mut Schema, what: &str| -> Result<(), LoadError> {
        if s.missing_ok {
            ctx.note(
                schema,
                format!("skipped RENAME of {what}: it does not exist"),
            );
            Ok(())
        } else {
            Err(ctx.no_table(schema, what))
        }
    };
    match kind {
        ObjectType::ObjectTable | ObjectType::ObjectForeignTable => {
            if !schema.tables.contains_key(&target) {
                return missing(schema, &target);
            }
            let (ns, _) = names::split_key(&target);
            let new_key = key(ns, &s.newname);
            move_table(schema, &target, &new_key, ctx)
        }
        ObjectType::ObjectColumn if object_type(s.relation_type) == ObjectType::ObjectTable => {
            if !schema.tables.contains_key(&target) {
                return missing(schema, &target);
            }
            rename_column(schema, &target, &s.subname, &s.newname, ctx)
        }
        ObjectType::ObjectTabconstraint => {
            if !schema.tables.contains_key(&target) {
                return missing(schema, &target);
            }
            rename_constraint(schema, &target, &s.subname, &s.newname, ctx)
        }
        ObjectType::ObjectIndex => {
            let r = rel.ok_or_else(|| ctx.err("ALTER INDEX without a name"))?;
            index::rename_index(schema, r, &s.newname, s.missing_ok, ctx)
        }
        ObjectType::ObjectType => {
            let parts = names::list_strings(s.object.as_deref());
            objects::rename_enum(schema, &parts, &s.newname, ctx)
        }
        ObjectType::ObjectSequence => {
            let r = rel.ok_or_else(|| ctx.err("ALTER SEQUENCE without a name"))?;
            let ns = if r.schemaname.is_empty() {
                ctx.default_schema()
            } else {
                &r.schemaname
            };
            objects::rename_sequence(schema, &key(ns, &r.relname), &key(ns, &s.newname), ctx);
            ctx.note(
                schema,
                format!("sequence {} renamed to {}", r.relname, s.newname),
            );
            Ok(())
        }
        other => {
            super::deps::rename(schema, s, other, ctx);
            let what = other
                .as_str_name()
                .trim_start_matches("OBJECT_")
                .replace('_', " ");
            ctx.note(
                schema,
                format!("ignored ALTER {what} … RENAME TO {}", s.newname),
            );
            Ok(())
        }
    }
}

/// Give the table under `old` the key `new` (rename or `SET SCHEMA`), updating references.
fn move_table(schema: &mut Schema, old: &str, new: &str, ctx: &Ctx) -> Result<(), LoadError> {
    if old == new {
        return Ok(());
    }
    if schema.tables.contains_key(new) {
        return Err(ctx.err(format!("relation \"{new}\" already exists")));
    }
    let mut t = schema
        .tables
        .remove(old)
        .ok_or_else(|| ctx.no_table(schema, old))?;
    let (ns, name) = names::split_key(new);
    let moved_schema = t.schema != ns;
    t.schema = ns.to_string();
    t.name = name.to_string();
    if moved_schema {
        // Owned sequences move with their table.
        for c in &mut t.columns {
            if let Some(seq) = c.serial_sequence.clone() {
                let seq_name = names::split_key(&seq).1.to_string();
                let new_seq = key(ns, &seq_name);
                objects::rename_sequence_in_column(c, &seq, &new_seq);
            }
        }
    }
    schema.tables.insert(new.to_string(), t);
    schema.rename_table_dependents(old, new);
    ctx.touch(old);
    ctx.touch(new);
    for t in schema.tables.values_mut() {
        for fk in &mut t.foreign_keys {
            if fk.ref_table == old {
                fk.ref_table = new.to_string();
            }
        }
    }
    Ok(())
}

/// `RENAME COLUMN a TO b`.
fn rename_column(
    schema: &mut Schema,
    tkey: &str,
    old: &str,
    new: &str,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let t = table_mut(schema, tkey, ctx)?;
    if t.column(new).is_some() {
        return Err(ctx.err(format!(
            "column \"{new}\" of relation \"{tkey}\" already exists"
        )));
    }
    let Some(c) = t.column_mut(old) else {
        return Err(no_column(ctx, old, tkey));
    };
    c.name = new.to_string();
    let ren = |cols: &mut Vec<String>| {
        for c in cols.iter_mut().filter(|c| c.as_str() == old) {
            *c = new.to_string();
        }
    };
    if let Some(pk) = &mut t.primary_key {
        ren(&mut pk.columns);
    }
    for u in &mut t.unique_constraints {
        ren(&mut u.columns);
    }
    for f in &mut t.foreign_keys {
        ren(&mut f.columns);
    }
    for c in &mut t.check_constraints {
        c.expression = expr::rename_column(&c.expression, old, new);
    }
    for i in &mut t.indexes {
        index::rename_column_in_index(i, old, new);
    }
    for t in schema.tables.values_mut() {
        for fk in t.foreign_keys.iter_mut().filter(|f| f.ref_table == tkey) {
            ren(&mut fk.ref_columns);
        }
    }
    schema.rename_column_dependents(tkey, old, new);
    Ok(())
}

/// `RENAME CONSTRAINT a TO b` (a key's index is renamed with it).
fn rename_constraint(
    schema: &mut Schema,
    tkey: &str,
    old: &str,
    new: &str,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    let ns = table_mut(schema, tkey, ctx)?.schema.clone();
    let is_key = {
        let t = &schema.tables[tkey];
        t.primary_key.as_ref().is_some_and(|p| p.name == old)
            || t.unique_constraints.iter().any(|u| u.name == old)
    };
    if is_key && ctx.relation_taken(schema, &ns, new) {
        return Err(ctx.err(format!("relation \"{new}\" already exists")));
    }
    let t = table_mut(schema, tkey, ctx)?;
    if t.constraint_names().any(|n| n == new) {
        return Err(ctx.err(format!(
            "constraint \"{new}\" for relation \"{tkey}\" already exists"
        )));
    }
    let mut found = false;
    let mut set = |n: &mut String| {
        if n == old {
            *n = new.to_string();
            found = true;
        }
    };
    if let Some(pk) = &mut t.primary_key {
        set(&mut pk.name);
    }
    t.unique_constraints
        .iter_mut()
        .for_each(|u| set(&mut u.name));
    t.check_constraints
        .iter_mut()
        .for_each(|c| set(&mut c.name));
    t.foreign_keys.iter_mut().for_each(|f| set(&mut f.name));
    if !found {
        return Err(ctx.err(format!(
            "constraint \"{old}\" for table \"{tkey}\" does not exist"
        )));
    }
    Ok(())
}

/// `ALTER TABLE … SET SCHEMA s` and `ALTER TYPE … SET SCHEMA s`.
pub fn set_schema(
    schema: &mut Schema,
    s: &AlterObjectSchemaStmt,
    ctx: &Ctx,
) -> Result<(), LoadError> {
    match object_type(s.object_type) {
        ObjectType::ObjectTable => {
            let Some(rv) = s.relation.as_ref() else {
                return Ok(());
            };
            let old = ctx.resolve(schema, rv);
            if !schema.tables.contains_key(&old) {
                if s.missing_ok {
                    ctx.note(
                        schema,
                        format!("skipped SET SCHEMA of {old}: it does not exist"),
                    );
                    return Ok(());
                }
                return Err(ctx.no_table(schema, &old));
            }
            let new = key(&s.newschema, &rv.relname);
            move_table(schema, &old, &new, ctx)
        }
        ObjectType::ObjectType => {
            let parts = names::list_strings(s.object.as_deref());
            objects::move_enum(schema, &parts, &s.newschema, ctx)
        }
        other => {
            let what = other
                .as_str_name()
                .trim_start_matches("OBJECT_")
                .replace('_', " ");
            ctx.note(
                schema,
                format!("ignored ALTER {what} … SET SCHEMA {}", s.newschema),
            );
            Ok(())
        }
    }
}
