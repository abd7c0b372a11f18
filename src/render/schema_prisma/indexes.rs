//! Indexes and unique constraints as `@@index([…])`, `@unique`/`@@unique([…])` lines (with
//! `map:` only for a name that is not Prisma's default), found again by their database name
//! when they are dropped; what Prisma cannot express becomes a note.

use super::names;
use super::text::{append_attr, attr_arg, code, list, named_string, Block};
use super::Editor;
use crate::schema::{Index, IndexKey, Table};

/// Whether an index is plain enough for `@@index`/`@@unique`: plain columns, btree, no
/// predicate, no INCLUDE.
pub(super) fn plain_columns(index: &Index) -> Option<Vec<String>> {
    if index.predicate.is_some() || !index.include.is_empty() || index.method != "btree" {
        return None;
    }
    index
        .columns
        .iter()
        .map(|k| match k {
            IndexKey::Column(c) => Some(c.clone()),
            IndexKey::Expression { .. } => None,
        })
        .collect()
}

/// Names of a table's indexes and unique constraints.
pub(super) fn index_names(t: &Table) -> Vec<String> {
    t.indexes
        .iter()
        .map(|i| i.name.clone())
        .chain(t.unique_constraints.iter().map(|u| u.name.clone()))
        .collect()
}

impl Editor<'_> {
    pub(super) fn remove_index(&mut self, model: &Block, table: &str, name: &str) {
        for l in self.doc.block_attributes(model) {
            let line = code(&self.doc.lines[l]).trim().to_string();
            let suffix = match () {
                _ if line.starts_with("@@index(") => "idx",
                _ if line.starts_with("@@unique(") => "key",
                _ => continue,
            };
            let args = attr_arg(
                &line,
                if suffix == "idx" {
                    "@@index"
                } else {
                    "@@unique"
                },
            )
            .unwrap_or("");
            let this = named_string(args, "map").unwrap_or_else(|| {
                names::default_name(
                    table,
                    &names::columns_of(&self.doc, model, &list(args, None)),
                    suffix,
                )
            });
            if this == name {
                self.doc.remove(l);
                return;
            }
        }
        for f in self.doc.fields(model) {
            let line = self.doc.lines[f.line].clone();
            let Some(at) = line.find("@unique") else {
                continue;
            };
            let this = attr_arg(&line, "@unique")
                .and_then(|a| named_string(a, "map"))
                .unwrap_or_else(|| {
                    names::default_name(table, std::slice::from_ref(&f.column), "key")
                });
            if this == name {
                let end = if line[at..].starts_with("@unique(") {
                    at + "@unique(".len() + attr_arg(&line, "@unique").map_or(0, str::len) + 1
                } else {
                    at + "@unique".len()
                };
                self.doc.lines[f.line] = format!("{}{}", line[..at].trim_end(), &line[end..]);
                return;
            }
        }
    }

    pub(super) fn add_index(
        &mut self,
        table: &str,
        name: &str,
        unique: bool,
        columns: Option<Vec<String>>,
    ) {
        let Some(columns) = columns else {
            self.notes.push(format!(
                "index `{name}` on `{table}` (an expression, partial, INCLUDE or non-btree index) cannot be expressed in schema.prisma; it lives in the migration only, and `prisma migrate dev` would propose to drop it"
            ));
            return;
        };
        let model = self.doc.model_for_table(table).expect("model");
        let suffix = if unique { "key" } else { "idx" };
        let map = if names::default_name(table, &columns, suffix) == name {
            String::new()
        } else {
            format!("map: \"{name}\"")
        };
        let fields = names::fields_of(&self.doc, &model, &columns);
        if unique && fields.len() == 1 {
            if let Some(f) = self
                .doc
                .fields(&model)
                .into_iter()
                .find(|f| f.name == fields[0])
            {
                let attr = if map.is_empty() {
                    "@unique".to_string()
                } else {
                    format!("@unique({map})")
                };
                self.doc.lines[f.line] = append_attr(&self.doc.lines[f.line], &attr);
                return;
            }
        }
        let kind = if unique { "@@unique" } else { "@@index" };
        let args = if map.is_empty() {
            format!("[{}]", fields.join(", "))
        } else {
            format!("[{}], {map}", fields.join(", "))
        };
        let (_, _, indent) = self.doc.columns(&model);
        let attrs = self.doc.block_attributes(&model);
        let line = format!("{indent}{kind}({args})");
        match attrs.last() {
            Some(&l) => self.doc.insert(l + 1, line),
            None => {
                self.doc.insert(model.end, line);
                self.doc.insert(model.end, String::new());
            }
        }
    }
}
