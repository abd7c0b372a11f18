//! The `schema.prisma` edit that goes with a plan: what changed between the plan's before and
//! after schema models (renames taken from the operations), applied to the project's own
//! `schema.prisma` text in place — new fields at the end of their model's fields, new block
//! attributes after the model's others, new models and enums at the end of the file, removed
//! lines removed — so the user's comments, ordering and formatting stay. Nothing is
//! regenerated.
//!
//! Names follow `prisma db pull`: a new model or field is named after its table or column
//! (`@map`/`@@map` only when that is not a valid identifier); a rename renames the model or
//! field when its name was the database name (what `db pull` prints), and only updates the
//! `@map`/`@@map` when the user had chosen a different name. What Prisma cannot express
//! (expression or partial indexes, check constraints, other schemas) is listed in the notes.

mod indexes;
mod names;
mod relations;
mod spell;
mod text;

use crate::plan::{Operation, Plan};
use crate::schema::{Column, Schema, Table};
use indexes::{index_names, plain_columns};
use text::{append_attr, attr_arg, code, replace_word, strip_attr, Block, Doc};

/// The edited text and what could not be expressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Edited {
    pub text: String,
    pub notes: Vec<String>,
}

/// Apply the plan's schema change to a `schema.prisma` text.
pub fn edit(text: &str, plan: &Plan) -> Edited {
    let mut e = Editor {
        doc: Doc::parse(text),
        notes: vec![],
        after: &plan.after,
    };
    let table_renames: Vec<(String, String)> = plan
        .operations
        .iter()
        .filter_map(|op| match op {
            Operation::RenameTable(r) => Some((r.from.clone(), r.to.clone())),
            _ => None,
        })
        .collect();
    let column_renames: Vec<(String, String, String)> = plan
        .operations
        .iter()
        .filter_map(|op| match op {
            Operation::RenameColumn(r) => Some((r.table.clone(), r.from.clone(), r.to.clone())),
            _ => None,
        })
        .collect();
    let old_key = |key: &str| {
        table_renames
            .iter()
            .find(|(_, to)| to == key)
            .map(|(from, _)| from.clone())
            .unwrap_or_else(|| key.to_string())
    };
    e.enums(&plan.before, &plan.after);
    for (from, to) in &table_renames {
        e.rename_table(from, to);
    }
    for key in plan.before.tables.keys() {
        let renamed = table_renames.iter().any(|(from, _)| from == key);
        if !renamed && !plan.after.tables.contains_key(key) {
            e.drop_table(key);
        }
    }
    let empty = Table::default();
    for (key, table) in &plan.after.tables {
        if key.contains('.') {
            e.notes.push(format!(
                "`{key}` is outside the `public` schema; schema.prisma is not changed for it"
            ));
            continue;
        }
        let before = plan.before.tables.get(&old_key(key));
        if before.is_none() {
            e.create_model(table);
        }
        let renames: Vec<(String, String)> = column_renames
            .iter()
            .filter(|(t, _, _)| t == key || *t == old_key(key))
            .map(|(_, f, t)| (f.clone(), t.clone()))
            .collect();
        e.table(before.unwrap_or(&empty), table, &renames);
    }
    Edited {
        text: e.doc.text(),
        notes: e.notes,
    }
}

pub(crate) struct Editor<'p> {
    doc: Doc,
    notes: Vec<String>,
    after: &'p Schema,
}

impl Editor<'_> {
    fn enum_model(&self, data_type: &str) -> Option<String> {
        let name = data_type.trim_matches('"');
        if let Some(b) = self.doc.enum_for_type(name) {
            return Some(b.name);
        }
        self.after
            .enums
            .contains_key(name)
            .then(|| spell::prisma_name(name).0)
    }

    fn spell(&self, column: &Column) -> spell::FieldSpelling {
        spell::field(column, &|t| self.enum_model(t))
    }

    fn enums(&mut self, before: &Schema, after: &Schema) {
        for (name, e) in &after.enums {
            if name.contains('.') {
                continue;
            }
            match before.enums.get(name) {
                None => {
                    let (prisma, mapped) = spell::prisma_name(name);
                    let mut block = vec![String::new(), format!("enum {prisma} {{")];
                    block.extend(e.values.iter().map(|v| format!("  {v}")));
                    if mapped {
                        block.push(format!("\n  @@map(\"{name}\")"));
                    }
                    block.push("}".into());
                    self.append(block);
                }
                Some(old) if old.values != e.values => {
                    let Some(b) = self.doc.enum_for_type(name) else {
                        continue;
                    };
                    for v in old.values.iter().filter(|v| !e.values.contains(v)) {
                        if let Some(l) = (b.start + 1..b.end).find(|&l| {
                            code(&self.doc.lines[l]).split_whitespace().next() == Some(v)
                        }) {
                            self.doc.remove(l);
                        }
                    }
                    for (i, v) in e.values.iter().enumerate() {
                        if old.values.contains(v) {
                            continue;
                        }
                        let b = self.doc.enum_for_type(name).expect("enum block");
                        let value_line = |val: &str| {
                            (b.start + 1..b.end).find(|&l| {
                                code(&self.doc.lines[l]).split_whitespace().next() == Some(val)
                            })
                        };
                        let at = i
                            .checked_sub(1)
                            .and_then(|p| value_line(&e.values[p]))
                            .map(|l| l + 1)
                            .unwrap_or(b.start + 1);
                        self.doc.insert(at, format!("  {v}"));
                    }
                }
                _ => {}
            }
        }
        for name in before
            .enums
            .keys()
            .filter(|n| !after.enums.contains_key(*n))
        {
            if let Some(b) = self.doc.enum_for_type(name) {
                self.remove_block(&b);
            }
        }
    }

    fn append(&mut self, block: Vec<String>) {
        while self.doc.lines.last().is_some_and(|l| l.trim().is_empty()) {
            self.doc.lines.pop();
        }
        for l in block {
            self.doc.lines.extend(l.split('\n').map(str::to_string));
        }
    }

    fn remove_block(&mut self, b: &Block) {
        // The comment lines right above the block belong to it.
        let mut start = b.start;
        while start > 0 && self.doc.lines[start - 1].trim_start().starts_with("//") {
            start -= 1;
        }
        let b = &Block { start, ..b.clone() };
        self.doc.lines.drain(b.start..=b.end);
        // Drop the blank line that separated it, if two are now adjacent.
        if b.start > 0
            && self
                .doc
                .lines
                .get(b.start - 1)
                .is_some_and(|l| l.trim().is_empty())
            && self
                .doc
                .lines
                .get(b.start)
                .is_none_or(|l| l.trim().is_empty())
        {
            self.doc.remove(b.start - 1);
        }
    }

    fn rename_table(&mut self, from: &str, to: &str) {
        let Some(b) = self.doc.model_for_table(from) else {
            return;
        };
        if b.name != b.db_name {
            // The user chose the model name: keep it, move the mapping.
            for l in self.doc.block_attributes(&b) {
                if code(&self.doc.lines[l]).trim().starts_with("@@map(") {
                    self.doc.lines[l] =
                        self.doc.lines[l].replace(&format!("\"{from}\""), &format!("\"{to}\""));
                }
            }
            return;
        }
        let (new, mapped) = spell::prisma_name(to);
        self.doc.lines[b.start] = self.doc.lines[b.start].replacen(&b.name, &new, 1);
        if mapped {
            self.doc.insert(b.end, format!("  @@map(\"{to}\")"));
        }
        for m in self.doc.blocks().into_iter().filter(|m| m.kind == "model") {
            for f in self.doc.fields(&m) {
                if f.base_type() == b.name {
                    let ty = f.ty.replacen(&b.name, &new, 1);
                    self.doc.lines[f.line] = replace_word(&self.doc.lines[f.line], 1, &ty);
                }
            }
        }
    }

    fn drop_table(&mut self, key: &str) {
        let Some(b) = self.doc.model_for_table(key) else {
            return;
        };
        self.remove_block(&b);
        for m in self.doc.blocks().into_iter().filter(|m| m.kind == "model") {
            let lines: Vec<usize> = self
                .doc
                .fields(&m)
                .into_iter()
                .filter(|f| f.base_type() == b.name)
                .map(|f| f.line)
                .collect();
            for l in lines.into_iter().rev() {
                self.doc.remove(l);
            }
        }
    }

    fn create_model(&mut self, table: &Table) {
        let (name, mapped) = spell::prisma_name(&table.name);
        let mut lines = vec![String::new(), format!("model {name} {{")];
        let single_pk = table
            .primary_key
            .as_ref()
            .filter(|pk| pk.columns.len() == 1);
        for c in &table.columns {
            let s = self.spell(c);
            let (field, field_mapped) = spell::prisma_name(&c.name);
            let mut attrs = vec![];
            if single_pk.is_some_and(|pk| pk.columns[0] == c.name) {
                let pk = single_pk.expect("checked");
                attrs.push(if pk.name == format!("{}_pkey", table.name) {
                    "@id".to_string()
                } else {
                    format!("@id(map: \"{}\")", pk.name)
                });
            }
            attrs.extend(s.attrs);
            if field_mapped {
                attrs.push(format!("@map(\"{}\")", c.name));
            }
            lines.push(
                format!("  {field} {} {}", s.ty, attrs.join(" "))
                    .trim_end()
                    .to_string(),
            );
        }
        if let Some(pk) = table.primary_key.as_ref().filter(|pk| pk.columns.len() > 1) {
            let fields: Vec<String> = pk.columns.iter().map(|c| spell::prisma_name(c).0).collect();
            let map = if pk.name == format!("{}_pkey", table.name) {
                String::new()
            } else {
                format!(", map: \"{}\"", pk.name)
            };
            lines.push(format!("\n  @@id([{}]{map})", fields.join(", ")));
        }
        if mapped {
            lines.push(format!("\n  @@map(\"{}\")", table.name));
        }
        lines.push("}".into());
        self.append(lines);
        // Align the new block like `prisma format` would.
        let b = self.doc.model(&name).expect("just added");
        for f in self.doc.fields(&b) {
            let line = code(&self.doc.lines[f.line]).trim().to_string();
            let attrs = line
                .splitn(3, char::is_whitespace)
                .nth(2)
                .unwrap_or("")
                .trim()
                .to_string();
            let width_name = self
                .doc
                .fields(&b)
                .iter()
                .map(|x| x.name.len())
                .max()
                .unwrap_or(0);
            let width_ty = self
                .doc
                .fields(&b)
                .iter()
                .map(|x| x.ty.len())
                .max()
                .unwrap_or(0);
            let mut out = format!("  {:<width_name$} {:<width_ty$} {attrs}", f.name, f.ty);
            out.truncate(out.trim_end().len());
            self.doc.lines[f.line] = out;
        }
    }

    /// Columns, indexes, unique constraints and foreign keys of one table.
    fn table(&mut self, before: &Table, after: &Table, renames: &[(String, String)]) {
        let Some(model) = self.doc.model_for_table(&after.name) else {
            if !after.name.is_empty() {
                self.notes.push(format!(
                    "schema.prisma has no model for table `{}`; it is left alone",
                    after.name
                ));
            }
            return;
        };
        let renamed = |col: &str| {
            renames
                .iter()
                .find(|(f, _)| f == col)
                .map(|(_, t)| t.clone())
                .unwrap_or_else(|| col.to_string())
        };
        // Foreign keys and indexes that are gone (before columns go, so lines still match).
        for fk in &before.foreign_keys {
            if !after.foreign_keys.iter().any(|f| f.name == fk.name) {
                relations::remove(&mut self.doc, &model, &fk.name);
            }
        }
        for name in index_names(before) {
            if index_names(after).contains(&name) {
                continue;
            }
            let model = self.doc.model_for_table(&after.name).expect("model");
            self.remove_index(&model, &before.name, &name);
        }
        // Columns.
        for (from, to) in renames {
            let model = self.doc.model_for_table(&after.name).expect("model");
            self.rename_field(&model, from, to);
        }
        for c in &before.columns {
            let now = renamed(&c.name);
            let model = self.doc.model_for_table(&after.name).expect("model");
            match after.column(&now) {
                None => {
                    if let Some(f) = self
                        .doc
                        .fields(&model)
                        .into_iter()
                        .find(|f| f.column == c.name)
                    {
                        self.doc.remove(f.line);
                    }
                }
                Some(a)
                    if a.data_type != c.data_type
                        || a.nullable != c.nullable
                        || a.default != c.default
                        || a.identity != c.identity =>
                {
                    self.retype_field(&model, a);
                }
                Some(_) => {}
            }
        }
        let known: Vec<String> = before.columns.iter().map(|c| renamed(&c.name)).collect();
        let model = self.doc.model_for_table(&after.name).expect("model");
        let has_fields = !self.doc.fields(&model).is_empty();
        for c in after.columns.iter().filter(|c| !known.contains(&c.name)) {
            let model = self.doc.model_for_table(&after.name).expect("model");
            if has_fields && self.doc.fields(&model).iter().any(|f| f.column == c.name) {
                continue;
            }
            let s = self.spell(c);
            let (field, mapped) = spell::prisma_name(&c.name);
            let mut attrs = s.attrs;
            if mapped {
                attrs.push(format!("@map(\"{}\")", c.name));
            }
            let line = self
                .doc
                .layout_field(&model, &field, &s.ty, &attrs.join(" "));
            self.doc
                .insert(self.doc.field_insert_point(&model) + 1, line);
        }
        // New indexes and unique constraints.
        let before_names = index_names(before);
        for index in &after.indexes {
            if !before_names.contains(&index.name) {
                self.add_index(&after.name, &index.name, index.unique, plain_columns(index));
            }
        }
        for u in &after.unique_constraints {
            if !before_names.contains(&u.name) {
                self.add_index(&after.name, &u.name, true, Some(u.columns.clone()));
            }
        }
        for c in &after.check_constraints {
            if !before.check_constraints.iter().any(|b| b.name == c.name) {
                self.notes.push(format!(
                    "check constraint `{}` on `{}` cannot be expressed in schema.prisma; it lives in the migration only",
                    c.name, after.name
                ));
            }
        }
        for fk in &after.foreign_keys {
            if !before.foreign_keys.iter().any(|f| f.name == fk.name) {
                let model = self.doc.model_for_table(&after.name).expect("model");
                let target_unique = after.unique_key_on(&fk.columns).is_some();
                if let Some(note) =
                    relations::add(&mut self.doc, &model.name, after, fk, target_unique)
                {
                    self.notes.push(note);
                }
            }
        }
    }

    fn rename_field(&mut self, model: &Block, from: &str, to: &str) {
        let Some(f) = self
            .doc
            .fields(model)
            .into_iter()
            .find(|f| f.column == from)
        else {
            return;
        };
        if f.name != f.column {
            // The user chose the field name: keep it, move the mapping.
            self.doc.lines[f.line] = self.doc.lines[f.line].replacen(
                &format!("@map(\"{from}\")"),
                &format!("@map(\"{to}\")"),
                1,
            );
            return;
        }
        let (new, mapped) = spell::prisma_name(to);
        let mut line = replace_word(&self.doc.lines[f.line], 0, &new);
        if mapped {
            line = append_attr(&line, &format!("@map(\"{to}\")"));
        }
        self.doc.lines[f.line] = line;
        // References to the field: this model's block attributes and `fields:`, and other
        // models' `references:` to this model.
        let rename_in_lists = |line: &str| -> String {
            let mut out = String::new();
            let mut rest = line;
            while let Some(open) = rest.find('[') {
                let close = rest[open..]
                    .find(']')
                    .map(|c| open + c)
                    .unwrap_or(rest.len() - 1);
                out.push_str(&rest[..=open]);
                let inner: Vec<String> = rest[open + 1..close]
                    .split(',')
                    .map(|item| {
                        let trimmed = item.trim();
                        let word = trimmed.split('(').next().unwrap_or("").trim();
                        if word == f.name {
                            item.replacen(&f.name, &new, 1)
                        } else {
                            item.to_string()
                        }
                    })
                    .collect();
                out.push_str(&inner.join(","));
                rest = &rest[close..];
            }
            out.push_str(rest);
            out
        };
        for l in self.doc.block_attributes(model) {
            self.doc.lines[l] = rename_in_lists(&self.doc.lines[l]);
        }
        for other in self.doc.fields(model) {
            if let Some(args) = attr_arg(&self.doc.lines[other.line], "@relation") {
                if args.contains("fields:") && other.base_type() != model.name {
                    let line = self.doc.lines[other.line].clone();
                    let at = line.find("fields:").expect("checked");
                    let end = line[at..]
                        .find(']')
                        .map(|e| at + e + 1)
                        .unwrap_or(line.len());
                    self.doc.lines[other.line] = format!(
                        "{}{}{}",
                        &line[..at],
                        rename_in_lists(&line[at..end]),
                        &line[end..]
                    );
                }
            }
        }
        for m in self.doc.blocks().into_iter().filter(|m| m.kind == "model") {
            for other in self.doc.fields(&m) {
                let line = self.doc.lines[other.line].clone();
                if other.base_type() != model.name || !line.contains("references:") {
                    continue;
                }
                if m.name == model.name {
                    self.doc.lines[other.line] = rename_in_lists(&line);
                    continue;
                }
                let at = line.find("references:").expect("checked");
                let end = line[at..]
                    .find(']')
                    .map(|e| at + e + 1)
                    .unwrap_or(line.len());
                self.doc.lines[other.line] = format!(
                    "{}{}{}",
                    &line[..at],
                    rename_in_lists(&line[at..end]),
                    &line[end..]
                );
            }
        }
    }

    /// Rewrite a field's type, `?`, `@default` and `@db` for a changed column; other attributes
    /// and the comment stay.
    fn retype_field(&mut self, model: &Block, column: &Column) {
        let Some(f) = self
            .doc
            .fields(model)
            .into_iter()
            .find(|f| f.column == column.name)
        else {
            return;
        };
        let s = self.spell(column);
        let line = self.doc.lines[f.line].clone();
        let code_len = code(&line).trim_end().len();
        let (body, comment) = line.split_at(code_len);
        if body.split_whitespace().count() == 2 {
            // No attributes yet: lay the new ones out in the block's attribute column.
            let laid = self
                .doc
                .layout_field(model, &f.name, &s.ty, &s.attrs.join(" "));
            let comment = comment.trim_start();
            self.doc.lines[f.line] = if comment.is_empty() {
                laid
            } else {
                format!("{laid} {comment}")
            };
            return;
        }
        let mut body = replace_word(body, 1, &s.ty);
        body = strip_attr(&body, "@default(");
        while let Some(at) = body.find("@db.") {
            let end = body[at..]
                .find(|c: char| c.is_whitespace() || c == '(')
                .map(|e| at + e)
                .unwrap_or(body.len());
            let end = if body[end..].starts_with('(') {
                attr_arg(&body[at..], &body[at..end])
                    .map(|a| end + a.len() + 2)
                    .unwrap_or(end)
            } else {
                end
            };
            body = format!("{}{}", body[..at].trim_end(), &body[end..]);
        }
        for a in &s.attrs {
            body = append_attr(&body, a);
        }
        self.doc.lines[f.line] = format!("{}{comment}", body.trim_end());
    }
}

#[cfg(test)]
mod test;
