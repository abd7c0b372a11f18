//! Prisma's default constraint and index names (`<table>_<columns>_<suffix>`, `<table>_pkey`)
//! and the mapping from field names to column names inside a model.

use super::text::{Block, Doc};

/// `<table>_<col1>_<col2>_<suffix>`: Prisma's default name for an index (`idx`), a unique
/// index (`key`) or a foreign key (`fkey`).
pub fn default_name(table: &str, columns: &[String], suffix: &str) -> String {
    format!("{table}_{}_{suffix}", columns.join("_"))
}

/// The columns of `fields` (field names) of a model.
pub fn columns_of(doc: &Doc, model: &Block, fields: &[String]) -> Vec<String> {
    let all = doc.fields(model);
    fields
        .iter()
        .map(|n| {
            all.iter()
                .find(|f| &f.name == n)
                .map(|f| f.column.clone())
                .unwrap_or_else(|| n.clone())
        })
        .collect()
}

/// The field names of `columns` in a model.
pub fn fields_of(doc: &Doc, model: &Block, columns: &[String]) -> Vec<String> {
    let all = doc.fields(model);
    columns
        .iter()
        .map(|c| {
            all.iter()
                .find(|f| &f.column == c)
                .map(|f| f.name.clone())
                .unwrap_or_else(|| c.clone())
        })
        .collect()
}
