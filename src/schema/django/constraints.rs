//! Indexes and constraints: `unique_together`/`index_together` (Django names them
//! `<table>_<cols>_<hash>_uniq`/`_idx`), `AddIndex`/`RemoveIndex`/`RenameIndex`,
//! `AddConstraint`/`RemoveConstraint` with `models.Index`, `UniqueConstraint` and
//! `CheckConstraint`. A condition or check is translated from `Q(...)` when it is simple
//! lookups (`field__gte=0`, `field__isnull=False`, `field__in=[…]`); otherwise the index or
//! constraint is left out, with a note.

use super::editor::{q, together, Editor, ModelKey};
use super::names;
use super::python::{parse_expr, Call, Value};

impl Editor {
    pub(super) fn alter_together(&mut self, c: &Call) {
        let Some(name) = c.str("name", 0) else { return };
        let key = self.key(name);
        let unique = c.name() == "AlterUniqueTogether";
        let new = together(c.arg(
            if unique {
                "unique_together"
            } else {
                "index_together"
            },
            1,
        ));
        let Some(m) = self.models.get(&key).cloned() else {
            return self.note(format!("{} {name}: no such model in the state", c.name()));
        };
        let old = if unique {
            &m.unique_together
        } else {
            &m.index_together
        };
        let sorted = |s: &Vec<String>| {
            let mut s = s.clone();
            s.sort();
            s
        };
        for set in old
            .iter()
            .filter(|s| !new.iter().any(|n| sorted(n) == sorted(s)))
        {
            let cols = self.columns(&key, set);
            let t = self
                .schema()
                .tables
                .get(&crate::schema::sql::names::key("public", &m.table));
            let drop: Vec<(bool, String)> = t
                .map(|t| {
                    let same = |c: &[String]| sorted(&c.to_vec()) == sorted(&cols);
                    if unique {
                        t.unique_constraints
                            .iter()
                            .filter(|u| same(&u.columns))
                            .map(|u| (true, u.name.clone()))
                            .collect()
                    } else {
                        t.indexes
                            .iter()
                            .filter(|i| {
                                !i.unique
                                    && i.columns.iter().filter_map(|k| k.column()).count()
                                        == cols.len()
                                    && i.columns
                                        .iter()
                                        .zip(&cols)
                                        .all(|(k, c)| k.column() == Some(c))
                            })
                            .map(|i| (false, i.name.clone()))
                            .collect()
                    }
                })
                .unwrap_or_default();
            for (constraint, n) in drop {
                if constraint {
                    self.exec(&format!(
                        "ALTER TABLE {} DROP CONSTRAINT {};",
                        q(&m.table),
                        q(&n)
                    ));
                } else {
                    self.exec(&format!("DROP INDEX {};", q(&n)));
                }
            }
        }
        for set in new
            .iter()
            .filter(|s| !old.iter().any(|o| sorted(o) == sorted(s)))
        {
            self.add_together(&key, set, unique);
        }
        if let Some(m) = self.models.get_mut(&key) {
            if unique {
                m.unique_together = new;
            } else {
                m.index_together = new;
            }
        }
    }

    /// One `unique_together` (a `_uniq` constraint) or `index_together` (an `_idx` index) set.
    pub(super) fn add_together(&mut self, key: &ModelKey, set: &[String], unique: bool) {
        let Some(table) = self.models.get(key).map(|m| m.table.clone()) else {
            return;
        };
        let cols = self.columns(key, set);
        let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
        let list = cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
        if unique {
            let n = names::index_name(&table, &refs, "_uniq");
            self.exec(&format!(
                "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({list});",
                q(&table),
                q(&n)
            ));
        } else {
            let n = names::index_name(&table, &refs, "_idx");
            self.exec(&format!(
                "CREATE INDEX {} ON {} ({list});",
                q(&n),
                q(&table)
            ));
        }
    }

    pub(super) fn add_index(&mut self, c: &Call) {
        let Some(model) = c.str("model_name", 0) else {
            return;
        };
        let key = self.key(model);
        if let Some(i) = c.arg("index", 1).cloned() {
            self.create_index(&key, &i);
        }
    }

    /// The key list of an index or unique constraint: `fields` (a leading `-` is DESC) with
    /// `opclasses`, else expressions (`F("x")`, `Lower("x")`, `Upper("x")`).
    fn key_list(&mut self, key: &ModelKey, c: &Call) -> Option<String> {
        let fields: Vec<String> = c
            .kw("fields")
            .map(Value::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let opclasses: Vec<String> = c
            .kw("opclasses")
            .map(Value::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        if !fields.is_empty() {
            let names: Vec<String> = fields
                .iter()
                .map(|f| f.trim_start_matches('-').to_string())
                .collect();
            let cols = self.columns(key, &names);
            let parts: Vec<String> = cols
                .iter()
                .zip(&fields)
                .enumerate()
                .map(|(i, (col, f))| {
                    let mut s = q(col);
                    if let Some(o) = opclasses.get(i) {
                        s.push(' ');
                        s.push_str(o);
                    }
                    if f.starts_with('-') {
                        s.push_str(" DESC");
                    }
                    s
                })
                .collect();
            return Some(parts.join(", "));
        }
        let mut parts = vec![];
        for e in &c.args {
            parts.push(self.expression(key, e)?);
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    fn expression(&mut self, key: &ModelKey, e: &Value) -> Option<String> {
        let e = match e {
            Value::Other(text) => parse_expr(text),
            e => e.clone(),
        };
        let c = e.as_call()?;
        let inner = |ed: &mut Editor, v: Option<&Value>| -> Option<String> {
            match v? {
                Value::Str(f) => Some(q(&ed.columns(key, std::slice::from_ref(f))[0])),
                v => ed.expression(key, v),
            }
        };
        match c.name() {
            "F" => inner(self, c.args.first()),
            "Lower" | "Upper" => Some(format!(
                "{}(({}))",
                c.name().to_uppercase(),
                inner(self, c.args.first())?
            )),
            "OrderBy" => {
                let desc = c.flag("descending", false);
                Some(format!(
                    "{}{}",
                    inner(self, c.args.first())?,
                    if desc { " DESC" } else { "" }
                ))
            }
            _ => None,
        }
    }

    pub(super) fn create_index(&mut self, key: &ModelKey, index: &Value) {
        let Some(c) = index.as_call() else { return };
        let Some(table) = self.models.get(key).map(|m| m.table.clone()) else {
            return self.note(format!("index on {}: no such model in the state", key.1));
        };
        let Some(name) = c.str("name", usize::MAX).map(str::to_string) else {
            return self.note(format!("index on {table} without a name: skipped"));
        };
        let method = match c.name() {
            "GinIndex" => "gin",
            "GistIndex" => "gist",
            "BrinIndex" => "brin",
            "HashIndex" => "hash",
            "SpGistIndex" => "spgist",
            "BloomIndex" => "bloom",
            _ => "btree",
        };
        let Some(keys) = self.key_list(key, c) else {
            return self.note(format!(
                "index {name}: its expressions are not read: skipped"
            ));
        };
        let include = self.include(key, c);
        let predicate = match c.kw("condition") {
            None | Some(Value::None) => String::new(),
            Some(cond) => match self.q_sql(key, cond) {
                Some(p) => format!(" WHERE {p}"),
                None => {
                    return self.note(format!("index {name}: its condition is not read: skipped"))
                }
            },
        };
        self.exec(&format!(
            "CREATE INDEX {} ON {} USING {method} ({keys}){include}{predicate};",
            q(&name),
            q(&table)
        ));
    }

    fn include(&mut self, key: &ModelKey, c: &Call) -> String {
        let names: Vec<String> = c
            .kw("include")
            .map(Value::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        if names.is_empty() {
            return String::new();
        }
        let cols = self.columns(key, &names);
        format!(
            " INCLUDE ({})",
            cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ")
        )
    }

    pub(super) fn remove_index(&mut self, c: &Call) {
        if let Some(name) = c.str("name", 1) {
            self.exec(&format!("DROP INDEX IF EXISTS {};", q(name)));
        }
    }

    pub(super) fn rename_index(&mut self, c: &Call) {
        let Some(new) = c.str("new_name", 1) else {
            return;
        };
        if let Some(old) = c.str("old_name", 2) {
            return self.exec(&format!("ALTER INDEX {} RENAME TO {};", q(old), q(new)));
        }
        // `old_fields=`: the unnamed index on those fields (an `index_together` one).
        let Some(model) = c.str("model_name", 0) else {
            return;
        };
        let key = self.key(model);
        let fields: Vec<String> = c
            .kw("old_fields")
            .map(Value::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let cols = self.columns(&key, &fields);
        let Some(table) = self.models.get(&key).map(|m| m.table.clone()) else {
            return;
        };
        let old = self
            .schema()
            .tables
            .get(&crate::schema::sql::names::key("public", &table))
            .and_then(|t| {
                t.indexes
                    .iter()
                    .find(|i| {
                        i.columns
                            .iter()
                            .map(|k| k.column().unwrap_or(""))
                            .eq(cols.iter().map(String::as_str))
                    })
                    .map(|i| i.name.clone())
            });
        match old {
            Some(old) => self.exec(&format!("ALTER INDEX {} RENAME TO {};", q(&old), q(new))),
            None => self.note(format!("RenameIndex to {new}: no index on {fields:?}")),
        }
        if let Some(m) = self.models.get_mut(&key) {
            let mut f = fields.clone();
            f.sort();
            m.index_together.retain(|s| {
                let mut s = s.clone();
                s.sort();
                s != f
            });
        }
    }

    pub(super) fn add_constraint(&mut self, c: &Call) {
        let Some(model) = c.str("model_name", 0) else {
            return;
        };
        let key = self.key(model);
        if let Some(k) = c.arg("constraint", 1).cloned() {
            self.create_constraint(&key, &k);
        }
    }

    pub(super) fn create_constraint(&mut self, key: &ModelKey, v: &Value) {
        let Some(c) = v.as_call() else { return };
        let Some(table) = self.models.get(key).map(|m| m.table.clone()) else {
            return;
        };
        let Some(name) = c.str("name", usize::MAX).map(str::to_string) else {
            return self.note(format!("constraint on {table} without a name: skipped"));
        };
        match c.name() {
            "CheckConstraint" => {
                let cond = c.kw("condition").or_else(|| c.kw("check"));
                match cond.and_then(|v| self.q_sql(key, v)) {
                    Some(sql) => self.exec(&format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({sql});",
                        q(&table),
                        q(&name)
                    )),
                    None => self.note(format!(
                        "check constraint {name}: its condition is not read: skipped"
                    )),
                }
            }
            "UniqueConstraint" => {
                let Some(keys) = self.key_list(key, c) else {
                    return self.note(format!(
                        "unique constraint {name}: its expressions are not read: skipped"
                    ));
                };
                let include = self.include(key, c);
                let nulls = if matches!(c.kw("nulls_distinct"), Some(Value::Bool(false))) {
                    " NULLS NOT DISTINCT"
                } else {
                    ""
                };
                let condition = match c.kw("condition") {
                    None | Some(Value::None) => None,
                    Some(v) => match self.q_sql(key, v) {
                        Some(s) => Some(s),
                        None => {
                            return self.note(format!(
                                "unique constraint {name}: its condition is not read: skipped"
                            ))
                        }
                    },
                };
                let plain = c.kw("fields").is_some()
                    && c.kw("opclasses").is_none()
                    && !keys.contains(" DESC");
                if condition.is_none() && plain {
                    let deferrable = match c.kw("deferrable") {
                        Some(Value::Name(d)) if d.ends_with("DEFERRED") => {
                            " DEFERRABLE INITIALLY DEFERRED"
                        }
                        Some(Value::Name(d)) if d.ends_with("IMMEDIATE") => {
                            " DEFERRABLE INITIALLY IMMEDIATE"
                        }
                        _ => "",
                    };
                    self.exec(&format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE{nulls} ({keys}){include}{deferrable};",
                        q(&table),
                        q(&name)
                    ));
                } else {
                    let w = condition.map(|c| format!(" WHERE {c}")).unwrap_or_default();
                    self.exec(&format!(
                        "CREATE UNIQUE INDEX {} ON {} ({keys}){include}{nulls}{w};",
                        q(&name),
                        q(&table)
                    ));
                }
            }
            other => self.note(format!("constraint {name} ({other}) is not read: skipped")),
        }
    }

    pub(super) fn remove_constraint(&mut self, c: &Call) {
        let Some(name) = c.str("name", 1) else { return };
        let Some(model) = c.str("model_name", 0) else {
            return;
        };
        let key = self.key(model);
        let Some(table) = self.models.get(&key).map(|m| m.table.clone()) else {
            return;
        };
        let is_constraint = self
            .schema()
            .tables
            .get(&crate::schema::sql::names::key("public", &table))
            .is_some_and(|t| t.constraint_names().any(|n| n == name));
        if is_constraint {
            self.exec(&format!(
                "ALTER TABLE {} DROP CONSTRAINT {};",
                q(&table),
                q(name)
            ));
        } else {
            self.exec(&format!("DROP INDEX IF EXISTS {};", q(name)));
        }
    }

    /// SQL for a `Q(...)` of simple lookups, ANDed (or ORed with `_connector="OR"`).
    pub(super) fn q_sql(&mut self, key: &ModelKey, v: &Value) -> Option<String> {
        let v = match v {
            Value::Other(text) => parse_expr(text),
            v => v.clone(),
        };
        let c = v.as_call()?;
        if c.name() != "Q" {
            return None;
        }
        let mut parts = vec![];
        let mut lookups: Vec<(String, Value)> = vec![];
        let mut connector = " AND ";
        for (k, v) in &c.kwargs {
            match k.as_str() {
                "_connector" => {
                    if v.as_str() == Some("OR") {
                        connector = " OR ";
                    }
                }
                "_negated" => {
                    if v == &Value::Bool(true) {
                        return None;
                    }
                }
                _ => lookups.push((k.clone(), v.clone())),
            }
        }
        for a in &c.args {
            match a.items() {
                [Value::Str(k), v] => lookups.push((k.clone(), v.clone())),
                _ => parts.push(format!("({})", self.q_sql(key, a)?)),
            }
        }
        for (k, v) in lookups {
            let (field, op) = match k.rsplit_once("__") {
                Some((f, op)) => (f.to_string(), op.to_string()),
                None => (k.clone(), "exact".to_string()),
            };
            if field.contains("__") {
                return None;
            }
            let col = q(&self.columns(key, &[field])[0]);
            let lit = |v: &Value| -> Option<String> {
                match v {
                    Value::Str(s) => Some(format!("'{}'", s.replace('\'', "''"))),
                    Value::Int(i) => Some(i.to_string()),
                    Value::Float(f) => Some(f.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                }
            };
            let sql = match (op.as_str(), &v) {
                ("isnull", Value::Bool(true)) | ("exact", Value::None) => format!("{col} IS NULL"),
                ("isnull", Value::Bool(false)) => format!("{col} IS NOT NULL"),
                ("in", list) => {
                    let items: Option<Vec<String>> = list.items().iter().map(lit).collect();
                    format!("{col} IN ({})", items?.join(", "))
                }
                (op, v) => {
                    let sym = match op {
                        "exact" => "=",
                        "gt" => ">",
                        "gte" => ">=",
                        "lt" => "<",
                        "lte" => "<=",
                        _ => return None,
                    };
                    format!("{col} {sym} {}", lit(v)?)
                }
            };
            parts.push(sql);
        }
        (!parts.is_empty()).then(|| parts.join(connector))
    }
}
