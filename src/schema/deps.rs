//! Objects that depend on tables and columns without being part of the table model: views,
//! materialized views, triggers, row-level security policies, generated columns and
//! functions whose body mentions a table.
//!
//! Both loaders fill [`Schema::dependencies`] the same way: the live reader from `pg_depend`
//! (what PostgreSQL itself checks when something is dropped), the DDL interpreter by reading
//! the view query, trigger, policy and generation expressions with `pg_query`. Functions are
//! the exception: PostgreSQL records nothing for a PL/pgSQL or SQL string body, so a function
//! whose body text names a table (and its columns) is recorded as one that *may* depend on it.
//!
//! What blocks a drop is PostgreSQL's rule: a dropped column is blocked by every view,
//! trigger, policy or generated column that uses it; a dropped table by every view and by the
//! policies of other tables that use it (its own triggers, policies and generated columns
//! are dropped with it). Functions never block: they fail when next called.

use super::Schema;
use serde::Serialize;

/// The kind of a dependent object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DependentKind {
    View,
    MaterializedView,
    Trigger,
    Policy,
    GeneratedColumn,
    /// A function whose body text mentions the table: it *may* depend on it.
    Function,
}

impl DependentKind {
    /// Words for the report: `view`, `materialized view`, `trigger`…
    pub fn words(self) -> &'static str {
        match self {
            DependentKind::View => "view",
            DependentKind::MaterializedView => "materialized view",
            DependentKind::Trigger => "trigger",
            DependentKind::Policy => "policy",
            DependentKind::GeneratedColumn => "generated column",
            DependentKind::Function => "function",
        }
    }
}

/// One object depending on one table (an object using several tables is listed once per
/// table).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Dependency {
    pub kind: DependentKind,
    /// The object's name: a view or function key (`name` in `public`, `schema.name`
    /// elsewhere), a trigger or policy name (see [`Dependency::on`]), a generated column's
    /// name.
    pub name: String,
    /// The table (key in [`Schema::tables`]) the object depends on.
    pub table: String,
    /// The columns of [`Dependency::table`] it uses, sorted; empty when it uses the table as
    /// a whole (a trigger on it, `count(*)`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// The table a trigger, policy or generated column belongs to (it goes when that table
    /// is dropped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<String>,
    /// The function a trigger executes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
}

impl Dependency {
    /// `view active_users`, `trigger users_audit on users (executes audit)`, `generated column
    /// users.full_name`, `function audit (may use it)`.
    pub fn describe(&self) -> String {
        let mut s = match (&self.kind, &self.on) {
            (DependentKind::GeneratedColumn, Some(on)) => {
                format!("generated column `{on}.{}`", self.name)
            }
            (_, Some(on)) => format!("{} `{}` on `{on}`", self.kind.words(), self.name),
            _ => format!("{} `{}`", self.kind.words(), self.name),
        };
        if let Some(f) = &self.function {
            s.push_str(&format!(" (executes `{f}`)"));
        }
        s
    }

    /// Whether PostgreSQL records the dependency (every kind but functions).
    pub fn certain(&self) -> bool {
        self.kind != DependentKind::Function
    }

    /// Whether the object uses `column` of `table`.
    pub fn uses_column(&self, table: &str, column: &str) -> bool {
        self.table == table && self.columns.iter().any(|c| c == column)
    }

    /// Whether the object goes away with `table` (it belongs to it).
    pub fn belongs_to(&self, table: &str) -> bool {
        self.on.as_deref() == Some(table)
    }
}

/// Sort and merge: one entry per (kind, name, on, table), columns sorted and unique.
pub fn normalize(deps: &mut Vec<Dependency>) {
    for d in deps.iter_mut() {
        d.columns.sort();
        d.columns.dedup();
    }
    deps.sort_by(|a, b| {
        (a.kind, &a.on, &a.name, &a.table).cmp(&(b.kind, &b.on, &b.name, &b.table))
    });
    deps.dedup_by(|b, a| {
        if a.kind == b.kind && a.on == b.on && a.name == b.name && a.table == b.table {
            a.columns.append(&mut b.columns);
            a.columns.sort();
            a.columns.dedup();
            if a.function.is_none() {
                a.function = b.function.take();
            }
            true
        } else {
            false
        }
    });
}

impl Schema {
    /// Objects that use `column` of `table`, certain ones first.
    pub fn column_dependents(&self, table: &str, column: &str) -> Vec<&Dependency> {
        let mut out: Vec<&Dependency> = self
            .dependencies
            .iter()
            .filter(|d| d.uses_column(table, column))
            .filter(|d| !(d.kind == DependentKind::GeneratedColumn && d.name == column))
            .collect();
        out.sort_by_key(|d| !d.certain());
        out
    }

    /// Objects that use `table` (or belong to it), certain ones first.
    pub fn table_dependents(&self, table: &str) -> Vec<&Dependency> {
        let mut out: Vec<&Dependency> = self
            .dependencies
            .iter()
            .filter(|d| d.table == table || d.belongs_to(table))
            .collect();
        out.sort_by_key(|d| !d.certain());
        out.dedup_by(|a, b| a.kind == b.kind && a.name == b.name && a.on == b.on);
        out
    }

    /// Forget what went with dropped `table`: objects belonging to it, and (after a cascade)
    /// the objects that used it.
    pub fn forget_table_dependents(&mut self, table: &str) {
        let gone: Vec<(DependentKind, String, Option<String>)> = self
            .dependencies
            .iter()
            .filter(|d| (d.table == table && d.certain()) || d.belongs_to(table))
            .map(|d| (d.kind, d.name.clone(), d.on.clone()))
            .collect();
        self.dependencies.retain(|d| {
            d.table != table && !gone.contains(&(d.kind, d.name.clone(), d.on.clone()))
        });
    }

    /// Forget what went with dropped `column` of `table` (a cascade drops every object that
    /// used it; functions just stop mentioning it).
    pub fn forget_column_dependents(&mut self, table: &str, column: &str) {
        let gone: Vec<(DependentKind, String, Option<String>)> = self
            .dependencies
            .iter()
            .filter(|d| d.certain() && d.uses_column(table, column))
            .map(|d| (d.kind, d.name.clone(), d.on.clone()))
            .collect();
        let itself = |d: &Dependency| {
            d.kind == DependentKind::GeneratedColumn && d.belongs_to(table) && d.name == column
        };
        self.dependencies
            .retain(|d| !(gone.contains(&(d.kind, d.name.clone(), d.on.clone())) || itself(d)));
        for d in &mut self.dependencies {
            if d.table == table {
                d.columns.retain(|c| c != column);
            }
        }
    }

    /// Follow a table rename in the dependencies.
    pub fn rename_table_dependents(&mut self, from: &str, to: &str) {
        for d in &mut self.dependencies {
            if d.table == from {
                d.table = to.to_string();
            }
            if d.on.as_deref() == Some(from) {
                d.on = Some(to.to_string());
            }
        }
        normalize(&mut self.dependencies);
    }

    /// Follow a column rename in the dependencies.
    pub fn rename_column_dependents(&mut self, table: &str, from: &str, to: &str) {
        for d in &mut self.dependencies {
            if d.table == table {
                for c in &mut d.columns {
                    if c == from {
                        *c = to.to_string();
                    }
                }
            }
            if d.kind == DependentKind::GeneratedColumn && d.belongs_to(table) && d.name == from {
                d.name = to.to_string();
            }
        }
        normalize(&mut self.dependencies);
    }

    /// Record the functions whose body text mentions a table (as a word, case-insensitive),
    /// or that a trigger on the table executes, with the columns of that table the body also
    /// mentions. `functions` is `(key, body)`.
    pub fn add_function_mentions(&mut self, functions: &[(String, String)]) {
        let mut found = Vec::new();
        for (name, body) in functions {
            let words = words(body);
            let triggered: Vec<&str> = self
                .dependencies
                .iter()
                .filter(|d| d.function.as_deref() == Some(name.as_str()))
                .filter_map(|d| d.on.as_deref())
                .collect();
            for (k, t) in &self.tables {
                if !words.contains(&t.name.to_lowercase()) && !triggered.contains(&k.as_str()) {
                    continue;
                }
                found.push(Dependency {
                    kind: DependentKind::Function,
                    name: name.clone(),
                    table: k.clone(),
                    columns: t
                        .columns
                        .iter()
                        .filter(|c| words.contains(&c.name.to_lowercase()))
                        .map(|c| c.name.clone())
                        .collect(),
                    on: None,
                    function: None,
                });
            }
        }
        self.dependencies.append(&mut found);
        normalize(&mut self.dependencies);
    }
}

/// The identifier-like words of a function body, lower-cased.
fn words(body: &str) -> std::collections::HashSet<String> {
    body.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::schema::{Column, Table};

    fn dep(kind: DependentKind, name: &str, table: &str, cols: &[&str]) -> Dependency {
        Dependency {
            kind,
            name: name.into(),
            table: table.into(),
            columns: cols.iter().map(|c| c.to_string()).collect(),
            on: None,
            function: None,
        }
    }

    #[test]
    fn normalize_merges_columns_of_one_object() {
        let mut d = vec![
            dep(DependentKind::View, "v", "users", &["name"]),
            dep(DependentKind::View, "v", "users", &["email", "name"]),
        ];
        normalize(&mut d);
        assert_eq!(
            d,
            vec![dep(DependentKind::View, "v", "users", &["email", "name"])]
        );
    }

    #[test]
    fn function_mentions_are_words_not_substrings() {
        let mut s = Schema::default();
        let mut t = Table::new("users");
        t.columns = vec![Column::new("email", "text"), Column::new("id", "bigint")];
        s.tables.insert("users".into(), t);
        s.add_function_mentions(&[
            (
                "f".into(),
                "begin update Users set email = null; end".into(),
            ),
            ("g".into(), "select 1 from superusers_ids".into()),
        ]);
        assert_eq!(
            s.dependencies,
            vec![dep(DependentKind::Function, "f", "users", &["email"])]
        );
        s.forget_column_dependents("users", "email");
        assert_eq!(s.dependencies[0].columns, Vec::<String>::new());
    }
}
