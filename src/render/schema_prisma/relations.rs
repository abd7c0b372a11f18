//! Foreign keys as Prisma relations, both sides: the relation field on the referencing model
//! (`posts posts @relation(fields: [post_id], references: [id], onDelete: Cascade)`) and the
//! back-relation on the referenced one (`comments comments[]`), named as `prisma db pull`
//! names them: after the other model, or — when two relations join the same models, or a
//! model to itself — with a relation name `<table>_<cols>To<ref>` on both sides.

use super::names;
use super::text::{attr_arg, list, named_string, unquote, Block, Doc, Field};
use crate::schema::{FkAction, ForeignKey, Table};

/// Prisma's referential action name.
fn action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "NoAction",
        FkAction::Restrict => "Restrict",
        FkAction::Cascade => "Cascade",
        FkAction::SetNull => "SetNull",
        FkAction::SetDefault => "SetDefault",
    }
}

/// The constraint name a relation field stands for (`map:`, else Prisma's default name).
pub fn relation_constraint(doc: &Doc, model: &Block, field: &Field) -> Option<String> {
    let line = super::text::code(&doc.lines[field.line]);
    let args = attr_arg(line, "@relation")?;
    let fields = list(args, Some("fields"));
    if fields.is_empty() {
        return None;
    }
    if let Some(m) = named_string(args, "map") {
        return Some(m);
    }
    let cols = names::columns_of(doc, model, &fields);
    Some(names::default_name(&model.db_name, &cols, "fkey"))
}

/// The relation name of a relation field (`@relation("x", …)` or `name: "x"`).
fn relation_name(line: &str) -> Option<String> {
    let args = attr_arg(line, "@relation")?;
    let first = args.trim_start();
    if first.starts_with('"') {
        return Some(unquote(first.split(',').next().unwrap_or("")));
    }
    named_string(args, "name")
}

/// Remove the relation field of constraint `fk_name` in `model` and its back-relation.
pub fn remove(doc: &mut Doc, model: &Block, fk_name: &str) {
    let fields = doc.fields(model);
    let Some(field) = fields
        .iter()
        .find(|f| relation_constraint(doc, model, f).as_deref() == Some(fk_name))
    else {
        return;
    };
    let name = relation_name(&doc.lines[field.line]);
    let target = field.base_type().to_string();
    let forward_line = field.line;
    // The back-relation: in the target model, a field of this model's type without `fields:`,
    // with the same relation name.
    let back = doc.model(&target).and_then(|t| {
        doc.fields(&t).into_iter().find(|f| {
            f.base_type() == model.name
                && f.line != forward_line
                && !doc.lines[f.line].contains("fields:")
                && relation_name(&doc.lines[f.line]) == name
        })
    });
    let mut lines = vec![forward_line];
    lines.extend(back.map(|b| b.line));
    lines.sort_unstable();
    for l in lines.into_iter().rev() {
        doc.remove(l);
    }
}

/// Add the relation for `fk` of `table` (model `model_name`) to both models; returns a note
/// when the user has to finish it (an existing unnamed relation became ambiguous).
pub fn add(
    doc: &mut Doc,
    model_name: &str,
    table: &Table,
    fk: &ForeignKey,
    target_unique: bool,
) -> Option<String> {
    let model = doc.model(model_name)?;
    let Some(target) = doc.model_for_table(&fk.ref_table) else {
        return Some(format!(
            "foreign key `{}` references `{}`, which has no model in schema.prisma; add the relation by hand",
            fk.name, fk.ref_table
        ));
    };
    let fields = doc.fields(&model);
    let field_of = |col: &str, f: &[Field]| {
        f.iter()
            .find(|x| x.column == col)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| col.to_string())
    };
    let from: Vec<String> = fk.columns.iter().map(|c| field_of(c, &fields)).collect();
    let target_fields = doc.fields(&target);
    let to: Vec<String> = fk
        .ref_columns
        .iter()
        .map(|c| field_of(c, &target_fields))
        .collect();
    let optional = fk
        .columns
        .iter()
        .any(|c| table.column(c).is_none_or(|col| col.nullable));
    let self_relation = target.name == model.name;
    let existing: Vec<&Field> = fields
        .iter()
        .filter(|f| f.base_type() == target.name)
        .collect();
    // A field name already taken on either side also needs the long, named form.
    let taken = fields.iter().any(|f| f.name == target.name)
        || target_fields.iter().any(|f| f.name == model.name);
    let ambiguous = self_relation || !existing.is_empty() || taken;
    let mut note = None;
    if existing
        .iter()
        .any(|f| relation_name(&doc.lines[f.line]).is_none())
    {
        note = Some(format!(
            "`{}` and `{}` are now joined by more than one relation: give the existing one a relation name on both sides (`@relation(\"…\")`), or `prisma validate` reports it as ambiguous",
            model.name, target.name
        ));
    }
    let rel_name = format!("{}_{}To{}", table.name, fk.columns.join("_"), fk.ref_table);
    let (forward_name, back_name) = if ambiguous {
        (
            format!("{}_{rel_name}", target.name),
            format!("{}_{rel_name}", model.name),
        )
    } else {
        (target.name.clone(), model.name.clone())
    };
    let mut args = vec![];
    if ambiguous {
        args.push(format!("\"{rel_name}\""));
    }
    args.push(format!("fields: [{}]", from.join(", ")));
    args.push(format!("references: [{}]", to.join(", ")));
    let default_delete = if optional {
        FkAction::SetNull
    } else {
        FkAction::Restrict
    };
    if fk.on_delete != default_delete {
        args.push(format!("onDelete: {}", action(fk.on_delete)));
    }
    if fk.on_update != FkAction::Cascade {
        args.push(format!("onUpdate: {}", action(fk.on_update)));
    }
    if fk.name != names::default_name(&table.name, &fk.columns, "fkey") {
        args.push(format!("map: \"{}\"", fk.name));
    }
    let ty = format!("{}{}", target.name, if optional { "?" } else { "" });
    let line = doc.layout_field(
        &model,
        &forward_name,
        &ty,
        &format!("@relation({})", args.join(", ")),
    );
    doc.insert(doc.field_insert_point(&model) + 1, line);
    // The back-relation (after the insert above, which may have moved the target's lines).
    let target = doc.model(&target.name).expect("target model");
    let back_ty = if target_unique {
        format!("{}?", model.name)
    } else {
        format!("{}[]", model.name)
    };
    let back_attrs = if ambiguous {
        format!("@relation(\"{rel_name}\")")
    } else {
        String::new()
    };
    let line = doc.layout_field(&target, &back_name, &back_ty, &back_attrs);
    doc.insert(
        doc.field_insert_point(&target) + 1,
        line.trim_end().to_string(),
    );
    note
}
