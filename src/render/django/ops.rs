//! Django operations for plan operations on tables the app's state has as models.
//!
//! [`translate`] gives, for one operation, the Django operation that keeps the state right
//! (`AddField`, `RemoveField`, `RenameField`, `CreateModel`, `DeleteModel`, `AlterModelTable`,
//! `AddIndex`) and whether Django's own SQL for it, both ways, is exactly the plan's (checked
//! with `sqlmigrate` on Django 5.2: `AddField` with `db_default=` keeps the default in the
//! database; `RemoveField`/`DeleteModel` re-create from the state, which this scan does not know
//! exactly, so they are never run natively). The renderer runs an exact one as is and wraps any
//! other in `RunSQL(sql, reverse_sql, state_operations=[…])`.

use super::state::{Field, Model, State};
use crate::plan::ops::Operation;
use crate::render::idiom::py_string;
use crate::render::op_groups::type_parts;
use crate::schema::{Column, Identity, Table};

/// A Django operation for a plan operation.
#[derive(Debug, Clone, PartialEq)]
pub struct DjangoOp {
    /// `migrations.AddField(…)` (unindented, possibly several lines).
    pub code: String,
    /// Whether Django's SQL for it, forwards and backwards, is exactly the plan's.
    pub exact: bool,
}

/// The Django operation for `op`, applying its effect to `state`; `None` when the table is not a
/// model in the state or the change cannot be said as a Django operation.
pub fn translate(op: &Operation, state: &mut State) -> Option<DjangoOp> {
    match op {
        Operation::AddColumn(o) => {
            let model = state.model_for_table(&o.table)?.clone();
            let (def, exact) = field(&o.column, false)?;
            add_field(state, &model, &o.column.name);
            Some(DjangoOp {
                code: format!(
                    "migrations.AddField(\n    model_name={},\n    name={},\n    field={def},\n)",
                    lower(&model),
                    py_string(&o.column.name)
                ),
                exact,
            })
        }
        Operation::DropColumn(o) => {
            let model = state.model_for_table(&o.table)?.clone();
            let f = model.field_for_column(&o.column)?.clone();
            remove_field(state, &model, &f.name);
            Some(DjangoOp {
                code: format!(
                    "migrations.RemoveField(model_name={}, name={})",
                    lower(&model),
                    py_string(&f.name)
                ),
                exact: false,
            })
        }
        Operation::RenameColumn(o) => {
            let model = state.model_for_table(&o.table)?.clone();
            let f = model.field_for_column(&o.from)?.clone();
            // A field with its own db_column keeps it on RenameField: the column would not move.
            if f.column != f.name {
                return None;
            }
            let m = state.models.get_mut(&lower_name(&model))?;
            if let Some(field) = m.fields.iter_mut().find(|x| x.name == f.name) {
                field.name = o.to.clone();
                field.column = o.to.clone();
            }
            Some(DjangoOp {
                code: format!(
                    "migrations.RenameField(model_name={}, old_name={}, new_name={})",
                    lower(&model),
                    py_string(&f.name),
                    py_string(&o.to)
                ),
                exact: true,
            })
        }
        Operation::CreateTable(o) => create_model(&o.table, &o.definition, state),
        Operation::DropTable(o) => {
            let model = state.model_for_table(&o.table)?.clone();
            state.models.remove(&lower_name(&model));
            Some(DjangoOp {
                code: format!("migrations.DeleteModel(name={})", py_string(&model.name)),
                exact: false,
            })
        }
        Operation::RenameTable(o) => {
            let model = state.model_for_table(&o.from)?.clone();
            state.models.get_mut(&lower_name(&model))?.table = o.to.clone();
            Some(DjangoOp {
                code: format!(
                    "migrations.AlterModelTable(name={}, table={})",
                    lower(&model),
                    py_string(&o.to)
                ),
                exact: true,
            })
        }
        Operation::AddIndex(o) => {
            let i = &o.index;
            if i.unique || i.method != "btree" || i.predicate.is_some() || !i.include.is_empty() {
                return None;
            }
            let model = state.model_for_table(&o.table)?;
            let fields: Vec<String> = i
                .columns
                .iter()
                .map(|k| Some(py_string(&model.field_for_column(k.column()?)?.name)))
                .collect::<Option<_>>()?;
            let operation = if o.concurrently {
                "AddIndexConcurrently"
            } else {
                "migrations.AddIndex"
            };
            Some(DjangoOp {
                code: format!(
                    "{operation}(\n    model_name={},\n    index=models.Index(fields=[{}], name={}),\n)",
                    lower(model),
                    fields.join(", "),
                    py_string(&i.name)
                ),
                exact: true,
            })
        }
        _ => None,
    }
}

fn lower_name(model: &Model) -> String {
    model.name.to_lowercase()
}

fn lower(model: &Model) -> String {
    py_string(&lower_name(model))
}

fn add_field(state: &mut State, model: &Model, column: &str) {
    if let Some(m) = state.models.get_mut(&lower_name(model)) {
        m.fields.push(Field {
            name: column.to_string(),
            column: column.to_string(),
        });
    }
}

fn remove_field(state: &mut State, model: &Model, name: &str) {
    if let Some(m) = state.models.get_mut(&lower_name(model)) {
        m.fields.retain(|f| f.name != name);
    }
}

/// A default as a `db_default=` Python value, when Django writes it back exactly: booleans on
/// a `BooleanField`, integers on integer fields, string constants on text fields (Django
/// converts the value to the field's type first).
fn db_default(expression: &str, class: &str) -> Option<String> {
    match (expression, class) {
        ("true", "BooleanField") => return Some("True".into()),
        ("false", "BooleanField") => return Some("False".into()),
        (_, "BooleanField") => return None,
        _ => {}
    }
    let digits = expression.strip_prefix('-').unwrap_or(expression);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let integer = matches!(
            class,
            "SmallIntegerField" | "IntegerField" | "BigIntegerField"
        );
        return integer.then(|| expression.to_string());
    }
    if !matches!(class, "TextField" | "CharField") {
        return None;
    }
    let literal = ["::text", "::varchar", "::character varying"]
        .iter()
        .find_map(|cast| expression.strip_suffix(cast))
        .unwrap_or(expression);
    let inner = literal.strip_prefix('\'')?.strip_suffix('\'')?;
    if inner.replace("''", "").contains('\'') || inner.contains('\\') {
        return None;
    }
    Some(py_string(&inner.replace("''", "'")))
}

/// The Django field for a column, and whether Django's DDL for it is exactly the column's.
/// `None` when no field type is exactly the column's type.
pub fn field(c: &Column, primary_key: bool) -> Option<(String, bool)> {
    let (name, args) = type_parts(&c.data_type)?;
    let mut exact = c.comment.is_none() && c.serial_sequence.is_none();
    let (class, mut kwargs): (&str, Vec<String>) = match (name, args.as_slice(), c.identity) {
        ("bigint", [], Some(Identity::ByDefault)) if primary_key => ("BigAutoField", vec![]),
        ("integer", [], Some(Identity::ByDefault)) if primary_key => ("AutoField", vec![]),
        ("smallint", [], Some(Identity::ByDefault)) if primary_key => ("SmallAutoField", vec![]),
        (_, _, Some(_)) => return None,
        ("text", [], None) => ("TextField", vec![]),
        ("boolean", [], None) => ("BooleanField", vec![]),
        ("smallint", [], None) => ("SmallIntegerField", vec![]),
        ("integer", [], None) => ("IntegerField", vec![]),
        ("bigint", [], None) => ("BigIntegerField", vec![]),
        ("varchar", [n], None) => ("CharField", vec![format!("max_length={n}")]),
        ("numeric", [p, s], None) => (
            "DecimalField",
            vec![format!("max_digits={p}"), format!("decimal_places={s}")],
        ),
        ("timestamptz", [], None) => ("DateTimeField", vec![]),
        ("date", [], None) => ("DateField", vec![]),
        ("double precision", [], None) => ("FloatField", vec![]),
        ("jsonb", [], None) => ("JSONField", vec![]),
        ("uuid", [], None) => ("UUIDField", vec![]),
        _ => return None,
    };
    if primary_key {
        kwargs.push("primary_key=True".into());
        kwargs.push("serialize=False".into());
        // Django adds a `…_like` index to text primary keys.
        exact &= !matches!(class, "TextField" | "CharField");
    } else if c.nullable {
        kwargs.push("null=True".into());
    }
    if let Some(default) = &c.default {
        match db_default(default, class) {
            Some(value) => kwargs.push(format!("db_default={value}")),
            None => exact = false,
        }
    }
    Some((format!("models.{class}({})", kwargs.join(", ")), exact))
}

/// `CreateModel` for a new table: exact when it is only columns Django writes exactly and a
/// one-column primary key with PostgreSQL's default name.
fn create_model(key: &str, t: &Table, state: &mut State) -> Option<DjangoOp> {
    let pk = t.primary_key.as_ref().filter(|pk| pk.columns.len() == 1)?;
    if key.contains('.') {
        return None;
    }
    let mut exact = pk.name == format!("{key}_pkey")
        && t.comment.is_none()
        && t.unique_constraints.is_empty()
        && t.check_constraints.is_empty()
        && t.foreign_keys.is_empty()
        && t.exclusion_constraints.is_empty()
        && t.indexes.is_empty();
    let mut fields = vec![];
    for c in &t.columns {
        let (def, field_exact) = field(c, pk.columns[0] == c.name)?;
        exact &= field_exact;
        fields.push(format!("        ({}, {def}),", py_string(&c.name)));
    }
    let name = state.free_model_name(key);
    state.models.insert(
        name.to_lowercase(),
        Model {
            name: name.clone(),
            table: key.to_string(),
            fields: t
                .columns
                .iter()
                .map(|c| Field {
                    name: c.name.clone(),
                    column: c.name.clone(),
                })
                .collect(),
        },
    );
    Some(DjangoOp {
        code: format!(
            "migrations.CreateModel(\n    name={},\n    fields=[\n{}\n    ],\n    options={{\"db_table\": {}}},\n)",
            py_string(&name),
            fields.join("\n"),
            py_string(key)
        ),
        exact,
    })
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn fields_keep_type_nullability_and_constant_defaults() {
        let mut c = Column::new("email_verified", "boolean");
        c.nullable = false;
        c.default = Some("false".into());
        assert_eq!(
            field(&c, false),
            Some(("models.BooleanField(db_default=False)".into(), true))
        );
        let mut c = Column::new("code", "varchar(20)");
        c.default = Some("'a''b'::character varying".into());
        assert_eq!(
            field(&c, false),
            Some((
                "models.CharField(max_length=20, null=True, db_default=\"a'b\")".into(),
                true
            ))
        );
        let mut c = Column::new("at", "timestamptz");
        c.default = Some("now()".into());
        assert_eq!(
            field(&c, false),
            Some(("models.DateTimeField(null=True)".into(), false))
        );
        assert_eq!(field(&Column::new("tags", "text[]"), false), None);
    }
}
