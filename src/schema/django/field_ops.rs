//! `AddField`, `RemoveField`, `AlterField`, `RenameField` and `RunSQL`, as Django's schema
//! editor runs them on PostgreSQL.

use super::editor::{q, Editor, ModelKey};
use super::fields::{self, Field, Kind};
use super::names;
use super::python::{Call, Value};
use crate::schema::sql::names::key as table_key;

impl Editor {
    fn model_table(&mut self, c: &Call, what: &str) -> Option<(ModelKey, String, bool)> {
        let model = c.str("model_name", 0)?;
        let key = self.key(model);
        match self.models.get(&key) {
            Some(m) => Some((key, m.table.clone(), m.unmanaged)),
            None => {
                self.note(format!("{what} on {model}: no such model in the state"));
                None
            }
        }
    }

    pub(super) fn add_field(&mut self, c: &Call) {
        let (Some(name), Some(Value::Call(def))) = (c.str("name", 1), c.arg("field", 2)) else {
            return;
        };
        let Some((key, table, unmanaged)) = self.model_table(c, "AddField") else {
            return;
        };
        if let Some(m) = self.models.get_mut(&key) {
            m.fields.retain(|(n, _)| n != name);
            m.fields.push((name.to_string(), def.clone()));
        }
        if unmanaged {
            return;
        }
        let f = self.field(&key, name, def);
        if matches!(f.kind, Kind::ManyToMany { .. }) {
            return self.create_through(&key, name, &f);
        }
        self.exec(&format!(
            "ALTER TABLE {} ADD COLUMN {};",
            q(&table),
            Editor::column_sql(&f)
        ));
        self.after_column(&table, &f, true);
    }

    pub(super) fn remove_field(&mut self, c: &Call) {
        let Some(name) = c.str("name", 1) else { return };
        let Some((key, table, unmanaged)) = self.model_table(c, "RemoveField") else {
            return;
        };
        let Some(def) = self.models[&key]
            .fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
        else {
            return self.note(format!("RemoveField {name}: no such field in the state"));
        };
        let f = self.field(&key, name, &def);
        let through = self.through_table(&key, name, &f);
        if let Some(m) = self.models.get_mut(&key) {
            m.fields.retain(|(n, _)| n != name);
        }
        if unmanaged {
            return;
        }
        match (&f.kind, through) {
            (Kind::ManyToMany { .. }, Some(t)) => self.drop_table(&t),
            (Kind::ManyToMany { .. }, None) => {}
            _ => self.drop_column(&table, &f.column),
        }
    }

    pub(super) fn rename_field(&mut self, c: &Call) {
        let (Some(old), Some(new)) = (c.str("old_name", 1), c.str("new_name", 2)) else {
            return;
        };
        let Some((key, table, unmanaged)) = self.model_table(c, "RenameField") else {
            return;
        };
        let Some(def) = self.models[&key]
            .fields
            .iter()
            .find(|(n, _)| n == old)
            .map(|(_, d)| d.clone())
        else {
            return self.note(format!("RenameField {old}: no such field in the state"));
        };
        let before = self.field(&key, old, &def);
        let old_through = self.through_table(&key, old, &before);
        if let Some(m) = self.models.get_mut(&key) {
            for (n, _) in m.fields.iter_mut() {
                if n == old {
                    *n = new.to_string();
                }
            }
            for set in m
                .unique_together
                .iter_mut()
                .chain(m.index_together.iter_mut())
            {
                for n in set.iter_mut() {
                    if n == old {
                        *n = new.to_string();
                    }
                }
            }
        }
        if unmanaged {
            return;
        }
        let after = self.field(&key, new, &def);
        if let (Some(a), Some(b)) = (old_through, self.through_table(&key, new, &after)) {
            self.rename_table(&a, &b);
        } else if !matches!(after.kind, Kind::ManyToMany { .. }) {
            // Django's `_alter_field`: the column is renamed, its foreign key remade.
            self.alter_column(&table, &before, &after);
        }
    }

    pub(super) fn alter_field(&mut self, c: &Call) {
        let (Some(name), Some(Value::Call(def))) = (c.str("name", 1), c.arg("field", 2)) else {
            return;
        };
        let Some((key, table, unmanaged)) = self.model_table(c, "AlterField") else {
            return;
        };
        let Some(old_def) = self.models[&key]
            .fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
        else {
            return self.note(format!("AlterField {name}: no such field in the state"));
        };
        let old = self.field(&key, name, &old_def);
        if let Some(m) = self.models.get_mut(&key) {
            for (n, d) in m.fields.iter_mut() {
                if n == name {
                    *d = def.clone();
                }
            }
        }
        if unmanaged {
            return;
        }
        let new = self.field(&key, name, def);
        let m2m = |f: &Field| matches!(f.kind, Kind::ManyToMany { .. });
        if m2m(&old) || m2m(&new) {
            if m2m(&old) != m2m(&new) {
                self.note(format!(
                    "AlterField {name}: a change between many-to-many and a column is not read"
                ));
            }
            return;
        }
        self.alter_column(&table, &old, &new);
    }

    /// What Django's `_alter_field` runs on PostgreSQL between two column definitions.
    fn alter_column(&mut self, table: &str, old: &Field, new: &Field) {
        let t = q(table);
        // Django drops a foreign key whenever its field changes, and makes it again after.
        let fk = |f: &Field| {
            matches!(
                f.kind,
                Kind::ForeignKey {
                    constraint: true,
                    ..
                }
            )
        };
        let fk_dropped = fk(old) && old != new;
        if fk_dropped {
            self.drop_fks(table, &old.column);
        }
        if old.unique && !new.unique && !old.primary_key {
            self.drop_uniques(table, &old.column);
        }
        if fields::like_opclass(old).is_some() && fields::like_opclass(new).is_none() {
            let n = names::index_name(table, &[&old.column], "_like");
            if self.table_of(table).is_some_and(|t| t.index(&n).is_some()) {
                self.exec(&format!("DROP INDEX {};", q(&n)));
            }
        }
        if plain_index(old) && !plain_index(new) {
            self.drop_plain_indexes(table, &old.column);
        }
        if old.check.is_some() && old.check != new.check {
            self.drop_checks(table, &old.column);
        }
        self.rename_column(table, &old.column, &new.column);
        let col = q(&new.column);
        if old.sql_type != new.sql_type {
            self.exec(&format!(
                "ALTER TABLE {t} ALTER COLUMN {col} TYPE {} USING {col}::{};",
                new.sql_type, new.sql_type
            ));
        }
        match (old.identity, new.identity) {
            (false, true) => self.exec(&format!(
                "ALTER TABLE {t} ALTER COLUMN {col} ADD GENERATED BY DEFAULT AS IDENTITY;"
            )),
            (true, false) => self.exec(&format!(
                "ALTER TABLE {t} ALTER COLUMN {col} DROP IDENTITY;"
            )),
            _ => {}
        }
        if old.null != new.null {
            let how = if new.null { "DROP" } else { "SET" };
            self.exec(&format!(
                "ALTER TABLE {t} ALTER COLUMN {col} {how} NOT NULL;"
            ));
        }
        if old.db_default != new.db_default {
            match &new.db_default {
                Some(d) => self.exec(&format!(
                    "ALTER TABLE {t} ALTER COLUMN {col} SET DEFAULT {d};"
                )),
                None => self.exec(&format!("ALTER TABLE {t} ALTER COLUMN {col} DROP DEFAULT;")),
            }
        }
        if let Some(check) = new.check.as_ref().filter(|_| old.check != new.check) {
            let n = names::index_name(table, &[&new.column], "_check");
            self.exec(&format!(
                "ALTER TABLE {t} ADD CONSTRAINT {} CHECK ({check});",
                q(&n)
            ));
        }
        if !old.unique && new.unique && !new.primary_key {
            let n = names::index_name(table, &[&new.column], "_uniq");
            self.exec(&format!(
                "ALTER TABLE {t} ADD CONSTRAINT {} UNIQUE ({col});",
                q(&n)
            ));
        }
        if !old.primary_key && new.primary_key {
            self.exec(&format!("ALTER TABLE {t} ADD PRIMARY KEY ({col});"));
        }
        if !plain_index(old) && plain_index(new) {
            let n = names::index_name(table, &[&new.column], "");
            self.exec(&format!("CREATE INDEX {} ON {t} ({col});", q(&n)));
        }
        if fields::like_opclass(old).is_none() {
            if let Some(ops) = fields::like_opclass(new) {
                let n = names::index_name(table, &[&new.column], "_like");
                self.exec(&format!("CREATE INDEX {} ON {t} ({col} {ops});", q(&n)));
            }
        }
        if fk(new) && (fk_dropped || !fk(old)) {
            let mut fk_only = new.clone();
            fk_only.db_index = false;
            fk_only.unique = false;
            self.after_column(table, &fk_only, false);
        }
    }

    fn table_of(&self, table: &str) -> Option<&crate::schema::Table> {
        self.schema().tables.get(&table_key("public", table))
    }

    fn drop_fks(&mut self, table: &str, column: &str) {
        let names: Vec<String> = self
            .table_of(table)
            .map(|t| {
                t.foreign_keys
                    .iter()
                    .filter(|f| f.columns == [column])
                    .map(|f| f.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        for n in names {
            self.exec(&format!(
                "ALTER TABLE {} DROP CONSTRAINT {};",
                q(table),
                q(&n)
            ));
        }
    }

    fn drop_checks(&mut self, table: &str, column: &str) {
        let Some(t) = self.table_of(table) else {
            return;
        };
        let quoted = format!("\"{column}\"");
        let checks: Vec<String> = t
            .check_constraints
            .iter()
            .filter(|c| {
                let e = &c.expression;
                e.split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                    .any(|w| w == column)
                    || e.contains(&quoted)
            })
            .map(|c| c.name.clone())
            .collect();
        for n in checks {
            self.exec(&format!(
                "ALTER TABLE {} DROP CONSTRAINT {};",
                q(table),
                q(&n)
            ));
        }
    }

    fn drop_uniques(&mut self, table: &str, column: &str) {
        let Some(t) = self.table_of(table) else {
            return;
        };
        let constraints: Vec<String> = t
            .unique_constraints
            .iter()
            .filter(|u| u.columns == [column])
            .map(|u| u.name.clone())
            .collect();
        for n in constraints {
            self.exec(&format!(
                "ALTER TABLE {} DROP CONSTRAINT {};",
                q(table),
                q(&n)
            ));
        }
    }

    fn drop_plain_indexes(&mut self, table: &str, column: &str) {
        let Some(t) = self.table_of(table) else {
            return;
        };
        let indexes: Vec<String> = t
            .indexes
            .iter()
            .filter(|i| {
                !i.unique
                    && i.method == "btree"
                    && i.predicate.is_none()
                    && i.columns.len() == 1
                    && i.columns[0].column() == Some(column)
            })
            .map(|i| i.name.clone())
            .collect();
        for n in indexes {
            self.exec(&format!("DROP INDEX {};", q(&n)));
        }
    }

    pub(super) fn run_sql(&mut self, c: &Call) {
        let mut statements = vec![];
        let sql = c.arg("sql", 0);
        collect_sql(sql, &mut statements);
        let noop = matches!(sql, Some(Value::Name(n)) if n.ends_with("noop"));
        if statements.is_empty() && !noop && sql.is_some() {
            self.note("RunSQL whose SQL is computed in Python: not applied");
        }
        for s in statements {
            self.exec(&s);
        }
        self.state_operations(c.kw("state_operations"));
    }
}

/// Whether Django gives the column its own plain index (`db_index` and not unique).
fn plain_index(f: &Field) -> bool {
    f.db_index && !f.unique
}

/// The SQL strings of `RunSQL(sql=…)`: a string, or a list of strings and `(sql, params)`.
fn collect_sql(v: Option<&Value>, out: &mut Vec<String>) {
    match v {
        Some(Value::Str(s)) => out.push(s.clone()),
        Some(Value::List(items)) => {
            for i in items {
                match i {
                    Value::Str(s) => out.push(s.clone()),
                    Value::Tuple(t) | Value::List(t) => {
                        if let Some(Value::Str(s)) = t.first() {
                            out.push(s.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(Value::Tuple(items)) => collect_sql(Some(&Value::List(items.clone())), out),
        _ => {}
    }
}
