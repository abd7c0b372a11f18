//! Alembic's own operations (`op.add_column`, `op.create_index`, …) for the operations whose
//! plain statements SQLAlchemy renders to exactly the same catalog (checked with
//! `alembic upgrade --sql` and the end-to-end test). Anything this file cannot say exactly
//! (arrays, enums, domains, serials, comments, schema-qualified tables, NOT VALID forms, …) is
//! `None`, and the renderer writes the statements through `op.execute` instead.

use crate::plan::ops::Operation;
use crate::render::idiom::py_string;
use crate::render::op_groups::{plain_table, type_parts};
use crate::schema::{Column, FkAction, ForeignKey, Identity, Index, IndexKey, Table};

/// The Python statement (possibly several lines, unindented) that performs `op`, when
/// SQLAlchemy renders it exactly.
pub fn call(op: &Operation) -> Option<String> {
    match op {
        Operation::AddColumn(o) if o.column.comment.is_none() => Some(format!(
            "op.add_column({}, {})",
            table(&o.table)?,
            column(&o.column, false)?
        )),
        Operation::DropColumn(o) => Some(format!(
            "op.drop_column({}, {})",
            table(&o.table)?,
            py_string(&o.column)
        )),
        Operation::RenameColumn(o) => Some(format!(
            "op.alter_column({}, {}, new_column_name={})",
            table(&o.table)?,
            py_string(&o.from),
            py_string(&o.to)
        )),
        Operation::ChangeColumnType(o) => {
            let mut out = format!(
                "op.alter_column({}, {}, type_={}",
                table(&o.table)?,
                py_string(&o.column),
                sa_type(&o.to_type)?
            );
            if let Some(using) = &o.using {
                out.push_str(&format!(", postgresql_using={}", py_string(using)));
            }
            out.push(')');
            Some(out)
        }
        Operation::SetNotNull(o) => Some(format!(
            "op.alter_column({}, {}, nullable=False)",
            table(&o.table)?,
            py_string(&o.column)
        )),
        Operation::DropNotNull(o) => Some(format!(
            "op.alter_column({}, {}, nullable=True)",
            table(&o.table)?,
            py_string(&o.column)
        )),
        Operation::SetDefault(o) => Some(format!(
            "op.alter_column({}, {}, server_default={})",
            table(&o.table)?,
            py_string(&o.column),
            text(&o.default)?
        )),
        Operation::DropDefault(o) => Some(format!(
            "op.alter_column({}, {}, server_default=None)",
            table(&o.table)?,
            py_string(&o.column)
        )),
        Operation::AddIndex(o) => create_index(&o.index, &o.table, o.concurrently),
        Operation::DropIndex(o) => {
            let mut out = format!(
                "op.drop_index({}, table_name={}",
                py_string(&o.index.name),
                table(&o.table)?
            );
            if o.concurrently {
                out.push_str(", postgresql_concurrently=True");
            }
            out.push(')');
            Some(out)
        }
        Operation::AddForeignKey(o) => {
            let fk = &o.foreign_key;
            if !fk.validated {
                return None;
            }
            Some(format!(
                "op.create_foreign_key({}, {}, {}, {}, {}{})",
                py_string(&fk.name),
                table(&o.table)?,
                table(&fk.ref_table)?,
                list(&fk.columns),
                list(&fk.ref_columns),
                fk_options(fk)
            ))
        }
        Operation::DropForeignKey(o) => Some(format!(
            "op.drop_constraint({}, {}, type_=\"foreignkey\")",
            py_string(&o.foreign_key.name),
            table(&o.table)?
        )),
        Operation::CreateTable(o) => create_table(&o.table, &o.definition),
        Operation::DropTable(o) => Some(format!("op.drop_table({})", table(&o.table)?)),
        Operation::RenameTable(o) => Some(format!(
            "op.rename_table({}, {})",
            table(&o.from)?,
            table(&o.to)?
        )),
        _ => None,
    }
}

fn table(key: &str) -> Option<String> {
    plain_table(key).map(py_string)
}

fn list(names: &[String]) -> String {
    let items: Vec<String> = names.iter().map(|n| py_string(n)).collect();
    format!("[{}]", items.join(", "))
}

/// The SQLAlchemy type that renders exactly as the canonical PostgreSQL type.
fn sa_type(data_type: &str) -> Option<String> {
    let (name, args) = type_parts(data_type)?;
    Some(match (name, args.as_slice()) {
        ("text", []) => "sa.Text()".into(),
        ("boolean", []) => "sa.Boolean()".into(),
        ("smallint", []) => "sa.SmallInteger()".into(),
        ("integer", []) => "sa.Integer()".into(),
        ("bigint", []) => "sa.BigInteger()".into(),
        ("varchar", []) => "sa.String()".into(),
        ("varchar", [n]) => format!("sa.String({n})"),
        ("numeric", []) => "sa.Numeric()".into(),
        ("numeric", [p, s]) => format!("sa.Numeric({p}, {s})"),
        ("timestamptz", []) => "sa.DateTime(timezone=True)".into(),
        ("timestamp", []) => "sa.DateTime()".into(),
        ("date", []) => "sa.Date()".into(),
        ("double precision", []) => "sa.Double()".into(),
        ("jsonb", []) => "postgresql.JSONB()".into(),
        ("json", []) => "sa.JSON()".into(),
        ("uuid", []) => "sa.Uuid()".into(),
        ("bytea", []) => "sa.LargeBinary()".into(),
        _ => return None,
    })
}

/// `sa.text("…")` for an SQL expression, unless SQLAlchemy would read part of it as a bind
/// parameter (`:name`).
fn text(expression: &str) -> Option<String> {
    let chars: Vec<char> = expression.chars().collect();
    let bind_like = chars.iter().enumerate().any(|(i, &c)| {
        c == ':'
            && chars
                .get(i + 1)
                .is_some_and(|a| a.is_alphanumeric() || *a == '_')
            && !(i > 0 && chars[i - 1] == ':')
    });
    (!bind_like).then(|| format!("sa.text({})", py_string(expression)))
}

/// `sa.Column("x", sa.Boolean(), nullable=False, server_default=sa.text("false"))`.
/// `in_primary_key` turns off SQLAlchemy's implicit SERIAL for integer key columns.
fn column(c: &Column, in_primary_key: bool) -> Option<String> {
    if c.serial_sequence.is_some() || c.comment.is_some() {
        return None;
    }
    let mut out = format!(
        "sa.Column({}, {}",
        py_string(&c.name),
        sa_type(&c.data_type)?
    );
    match c.identity {
        Some(Identity::Always) => out.push_str(", sa.Identity(always=True)"),
        Some(Identity::ByDefault) => out.push_str(", sa.Identity(always=False)"),
        None if in_primary_key => out.push_str(", autoincrement=False"),
        None => {}
    }
    out.push_str(if c.nullable {
        ", nullable=True"
    } else {
        ", nullable=False"
    });
    if let Some(default) = &c.default {
        out.push_str(&format!(", server_default={}", text(default)?));
    }
    out.push(')');
    Some(out)
}

fn action(a: FkAction) -> Option<&'static str> {
    (a != FkAction::NoAction).then(|| a.sql())
}

/// `, ondelete="CASCADE", deferrable=True, initially="DEFERRED"`.
fn fk_options(fk: &ForeignKey) -> String {
    let mut out = String::new();
    if let Some(a) = action(fk.on_delete) {
        out.push_str(&format!(", ondelete={}", py_string(a)));
    }
    if let Some(a) = action(fk.on_update) {
        out.push_str(&format!(", onupdate={}", py_string(a)));
    }
    if fk.deferrable {
        out.push_str(", deferrable=True");
        if fk.initially_deferred {
            out.push_str(", initially=\"DEFERRED\"");
        }
    }
    out
}

fn create_index(index: &Index, table_key: &str, concurrently: bool) -> Option<String> {
    let keys: Vec<String> = index
        .columns
        .iter()
        .map(|k| match k {
            IndexKey::Column(c) => Some(py_string(c)),
            IndexKey::Expression { expression } => text(expression),
        })
        .collect::<Option<_>>()?;
    let mut out = format!(
        "op.create_index({}, {}, [{}]",
        py_string(&index.name),
        table(table_key)?,
        keys.join(", ")
    );
    if index.unique {
        out.push_str(", unique=True");
    }
    if index.method != "btree" {
        out.push_str(&format!(", postgresql_using={}", py_string(&index.method)));
    }
    if !index.include.is_empty() {
        out.push_str(&format!(", postgresql_include={}", list(&index.include)));
    }
    if let Some(predicate) = &index.predicate {
        out.push_str(&format!(", postgresql_where={}", text(predicate)?));
    }
    if concurrently {
        out.push_str(", postgresql_concurrently=True");
    }
    out.push(')');
    Some(out)
}

/// `op.create_table(…)` with its columns and constraints, then `op.create_index(…)` for each
/// index (the statements `create_table` produces, in its order).
fn create_table(key: &str, t: &Table) -> Option<String> {
    if t.comment.is_some() || !t.exclusion_constraints.is_empty() {
        return None;
    }
    let pk_columns: &[String] = t.primary_key.as_ref().map_or(&[], |pk| &pk.columns);
    let mut parts: Vec<String> = t
        .columns
        .iter()
        .map(|c| column(c, pk_columns.contains(&c.name)))
        .collect::<Option<_>>()?;
    if let Some(pk) = &t.primary_key {
        parts.push(format!(
            "sa.PrimaryKeyConstraint({}, name={})",
            strings(&pk.columns),
            py_string(&pk.name)
        ));
    }
    for u in &t.unique_constraints {
        parts.push(format!(
            "sa.UniqueConstraint({}, name={})",
            strings(&u.columns),
            py_string(&u.name)
        ));
    }
    for c in &t.check_constraints {
        if !c.validated {
            return None;
        }
        parts.push(format!(
            "sa.CheckConstraint({}, name={})",
            py_string(&c.expression),
            py_string(&c.name)
        ));
    }
    for fk in &t.foreign_keys {
        if !fk.validated {
            return None;
        }
        let refs: Vec<String> = fk
            .ref_columns
            .iter()
            .map(|c| Some(format!("{}.{c}", plain_table(&fk.ref_table)?)))
            .collect::<Option<_>>()?;
        parts.push(format!(
            "sa.ForeignKeyConstraint({}, {}, name={}{})",
            list(&fk.columns),
            list(&refs),
            py_string(&fk.name),
            fk_options(fk)
        ));
    }
    let mut out = format!("op.create_table(\n    {},\n", table(key)?);
    for p in parts {
        out.push_str(&format!("    {p},\n"));
    }
    out.push(')');
    for index in &t.indexes {
        out.push('\n');
        out.push_str(&create_index(index, key, false)?);
    }
    Some(out)
}

/// `"a", "b"` (positional column names).
fn strings(names: &[String]) -> String {
    names
        .iter()
        .map(|n| py_string(n))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::plan::ops::AddColumn;

    #[test]
    fn types_map_only_when_exact() {
        assert_eq!(sa_type("varchar(255)").as_deref(), Some("sa.String(255)"));
        assert_eq!(
            sa_type("numeric(10,2)").as_deref(),
            Some("sa.Numeric(10, 2)")
        );
        assert_eq!(
            sa_type("timestamptz").as_deref(),
            Some("sa.DateTime(timezone=True)")
        );
        assert_eq!(sa_type("text[]"), None);
        assert_eq!(sa_type("mood"), None);
    }

    #[test]
    fn add_column_keeps_nullability_and_default() {
        let mut c = Column::new("email_verified", "boolean");
        c.nullable = false;
        c.default = Some("false".into());
        let op = Operation::from(AddColumn {
            table: "users".into(),
            column: c,
        });
        assert_eq!(
            call(&op).unwrap(),
            "op.add_column(\"users\", sa.Column(\"email_verified\", sa.Boolean(), nullable=False, server_default=sa.text(\"false\")))"
        );
    }

    #[test]
    fn bind_like_colons_fall_back_to_raw_sql() {
        assert!(text("'a'::text").is_some());
        assert!(text("':x'").is_none());
    }
}
