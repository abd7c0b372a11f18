//! A small stand-in for Django's PostgreSQL schema editor: each migration operation updates
//! the model state (models, their fields and tables) and emits the SQL Django would run,
//! which the schema's SQL interpreter applies. Index and constraint operations are in
//! `constraints`. An operation it does not know, or SQL that does not apply, is a note.

use super::fields::{self, Field, Kind, Typing};
use super::graph::Migration;
use super::names;
use super::python::{Call, Value};
use crate::schema::sql::Interpreter;
use crate::schema::Schema;
use std::collections::{BTreeMap, BTreeSet};

/// Project settings the replay depends on.
pub struct Settings {
    pub use_tz: bool,
    /// `AUTH_USER_MODEL`, `(app, model)` lower case.
    pub user_model: (String, String),
    /// `DEFAULT_AUTO_FIELD`'s class name (`AutoField` unless set).
    pub default_auto_field: String,
    /// Per app label, its `AppConfig.default_auto_field` class name.
    pub app_auto_field: BTreeMap<String, String>,
    /// The text of every settings file, for `settings.X` model references.
    pub texts: Vec<String>,
}

/// A model in the state.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub table: String,
    pub fields: Vec<(String, Call)>,
    /// `managed=False` or a proxy: Django creates no table for it.
    pub unmanaged: bool,
    pub unique_together: Vec<Vec<String>>,
    pub index_together: Vec<Vec<String>>,
}

pub type ModelKey = (String, String);

pub struct Editor {
    interp: Interpreter,
    pub models: BTreeMap<ModelKey, Model>,
    pub notes: Vec<String>,
    settings: Settings,
    /// Inside `state_operations`: update the state only.
    state_only: bool,
    /// The migration being applied (its app and file).
    pub app: String,
    pub origin: String,
    /// `RunPython` operations seen, per app.
    run_python: BTreeMap<String, usize>,
    /// Statements Django defers to the end of the migration (indexes and foreign keys of new
    /// tables and columns); renames before then carry over to them, names included.
    deferred: Vec<Deferred>,
    /// Field classes typed by guess: the fields, the types given.
    guessed: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
}

/// A deferred statement, named when it runs (Django's `IndexName`/`ForeignKeyName`).
#[derive(Debug, Clone)]
pub struct Deferred {
    pub table: String,
    pub columns: Vec<String>,
    pub kind: DeferredKind,
}

#[derive(Debug, Clone)]
pub enum DeferredKind {
    /// `CREATE INDEX <table>_<cols>_<hash><suffix>`, with an operator class.
    Index {
        suffix: &'static str,
        opclass: Option<&'static str>,
    },
    /// `ADD CONSTRAINT <table>_<cols>_<hash>_uniq UNIQUE`.
    Unique,
    /// `ADD CONSTRAINT … FOREIGN KEY … REFERENCES to_table (to_column)`.
    ForeignKey { to_table: String, to_column: String },
}

/// Quote an identifier.
pub fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Models of Django's own apps that projects reference but do not hold the migrations of,
/// with their tables (all have an `AutoField` `id`).
const CONTRIB: &[(&str, &str, &str)] = &[
    ("auth", "user", "auth_user"),
    ("auth", "group", "auth_group"),
    ("auth", "permission", "auth_permission"),
    ("contenttypes", "contenttype", "django_content_type"),
    ("sites", "site", "django_site"),
    ("admin", "logentry", "django_admin_log"),
];

impl Editor {
    pub fn new(settings: Settings) -> Editor {
        Editor {
            interp: Interpreter::new(Schema::default()),
            models: BTreeMap::new(),
            notes: vec![],
            settings,
            state_only: false,
            app: String::new(),
            origin: String::new(),
            run_python: BTreeMap::new(),
            deferred: vec![],
            guessed: BTreeMap::new(),
        }
    }

    /// Defer a statement to the end of the migration.
    pub fn defer(&mut self, table: &str, columns: &[&str], kind: DeferredKind) {
        if !self.state_only {
            self.deferred.push(Deferred {
                table: table.to_string(),
                columns: columns.iter().map(|c| c.to_string()).collect(),
                kind,
            });
        }
    }

    /// Run the deferred statements, named after the tables and columns as they are now.
    pub fn flush(&mut self) {
        for d in std::mem::take(&mut self.deferred) {
            let cols: Vec<&str> = d.columns.iter().map(String::as_str).collect();
            let list = cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
            let t = q(&d.table);
            match d.kind {
                DeferredKind::Index { suffix, opclass } => {
                    let name = names::index_name(&d.table, &cols, suffix);
                    let ops = opclass.map(|o| format!(" {o}")).unwrap_or_default();
                    self.exec(&format!("CREATE INDEX {} ON {t} ({list}{ops});", q(&name)));
                }
                DeferredKind::Unique => {
                    let name = names::index_name(&d.table, &cols, "_uniq");
                    self.exec(&format!(
                        "ALTER TABLE {t} ADD CONSTRAINT {} UNIQUE ({list});",
                        q(&name)
                    ));
                }
                DeferredKind::ForeignKey {
                    to_table,
                    to_column,
                } => {
                    if !self.schema().tables.contains_key(&to_table) {
                        self.note(format!(
                            "foreign key {}.{list}: {to_table} is not a table: skipped",
                            d.table
                        ));
                        continue;
                    }
                    let name = names::foreign_key_name(&d.table, cols[0], &to_table, &to_column);
                    self.exec(&format!(
                        "ALTER TABLE {t} ADD CONSTRAINT {} FOREIGN KEY ({list}) REFERENCES {} ({}) DEFERRABLE INITIALLY DEFERRED;",
                        q(&name),
                        q(&to_table),
                        q(&to_column)
                    ));
                }
            }
        }
    }

    /// `ALTER TABLE … RENAME TO …`, carried over to deferred statements.
    pub fn rename_table(&mut self, old: &str, new: &str) {
        if self.state_only || old == new {
            return;
        }
        for d in &mut self.deferred {
            if d.table == old {
                d.table = new.to_string();
            }
            if let DeferredKind::ForeignKey { to_table, .. } = &mut d.kind {
                if to_table == old {
                    *to_table = new.to_string();
                }
            }
        }
        self.exec(&format!("ALTER TABLE {} RENAME TO {};", q(old), q(new)));
    }

    /// `ALTER TABLE … RENAME COLUMN …`, carried over to deferred statements.
    pub fn rename_column(&mut self, table: &str, old: &str, new: &str) {
        if self.state_only || old == new {
            return;
        }
        for d in &mut self.deferred {
            if d.table == table {
                for c in &mut d.columns {
                    if c == old {
                        *c = new.to_string();
                    }
                }
            }
            if let DeferredKind::ForeignKey {
                to_table,
                to_column,
            } = &mut d.kind
            {
                if to_table == table && to_column == old {
                    *to_column = new.to_string();
                }
            }
        }
        self.exec(&format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {};",
            q(table),
            q(old),
            q(new)
        ));
    }

    /// `DROP TABLE`, dropping deferred statements on it.
    pub fn drop_table(&mut self, table: &str) {
        if self.state_only {
            return;
        }
        self.deferred.retain(|d| {
            d.table != table
                && !matches!(&d.kind, DeferredKind::ForeignKey { to_table, .. } if to_table == table)
        });
        self.exec(&format!("DROP TABLE {} CASCADE;", q(table)));
    }

    /// `DROP COLUMN`, dropping deferred statements on it.
    pub fn drop_column(&mut self, table: &str, column: &str) {
        if self.state_only {
            return;
        }
        self.deferred
            .retain(|d| !(d.table == table && d.columns.iter().any(|c| c == column)));
        self.exec(&format!(
            "ALTER TABLE {} DROP COLUMN {} CASCADE;",
            q(table),
            q(column)
        ));
    }

    pub fn schema(&self) -> &Schema {
        self.interp.schema()
    }

    /// The schema built, with the notes.
    pub fn finish(mut self) -> Schema {
        if !self.run_python.is_empty() {
            let per: Vec<String> = self
                .run_python
                .iter()
                .map(|(a, n)| format!("{a} ({n})"))
                .collect();
            self.notes.push(format!(
                "RunPython operations are not run (data migrations; any schema change they make is missing): {}",
                per.join(", ")
            ));
        }
        for (class, (fields, types)) in &self.guessed {
            let types: Vec<&str> = types.iter().map(String::as_str).collect();
            let mut some: Vec<&str> = fields.iter().map(String::as_str).take(3).collect();
            if fields.len() > 3 {
                some.push("…");
            }
            self.notes.push(format!(
                "field class `{class}` is not one migsmith knows: its {} field(s) ({}) are typed {} from the class name or max_length",
                fields.len(),
                some.join(", "),
                types.join("/")
            ));
        }
        let mut schema = self.interp.into_schema();
        schema.notes.extend(self.notes);
        schema
    }

    pub fn note(&mut self, what: impl std::fmt::Display) {
        self.notes.push(format!("{}: {what}", self.origin));
    }

    /// Run SQL (unless only the state is being changed); a failure is a note.
    pub fn exec(&mut self, sql: &str) {
        if self.state_only {
            return;
        }
        if let Err(e) = self.interp.apply(sql, &self.origin) {
            let first = sql
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or_default();
            let first: String = first.chars().take(120).collect();
            self.notes.push(format!(
                "{}: not applied: {first}: {}",
                self.origin, e.message
            ));
        }
    }

    /// Apply every operation of a migration.
    pub fn migrate(&mut self, m: &Migration) {
        self.app = m.app.clone();
        self.origin = m.path.display().to_string();
        for op in &m.operations {
            self.operation(op);
        }
        self.flush();
    }

    fn typing_setting(&self, key: &str) -> Option<String> {
        self.settings
            .texts
            .iter()
            .find_map(|t| super::apps::assigned_string(t, key))
    }

    /// A field's column, with a relation's type taken from its target's primary key.
    pub fn field(&mut self, model: &ModelKey, name: &str, call: &Call) -> Field {
        let setting = |k: &str| self.typing_setting(k);
        let t = Typing {
            use_tz: self.settings.use_tz,
            user_model: &self.settings.user_model,
            setting: &setting,
        };
        let mut f = fields::field(name, call, (&model.0, &model.1), &t);
        if let Some(g) = &f.guessed {
            let e = self.guessed.entry(g.clone()).or_default();
            e.0.insert(format!("{}.{name}", model.1));
            e.1.insert(f.sql_type.clone());
        }
        if let Kind::ForeignKey { to, to_field, .. } = &f.kind {
            let (to, to_field) = (to.clone(), to_field.clone());
            f.sql_type = match self.target(&to, to_field.as_deref()) {
                Some((_, _, ty)) => ty,
                None => "integer".into(),
            };
        }
        f
    }

    /// The table, column and column type a relation to `to` references.
    pub fn target(
        &mut self,
        to: &ModelKey,
        to_field: Option<&str>,
    ) -> Option<(String, String, String)> {
        let Some(m) = self.models.get(to) else {
            return CONTRIB
                .iter()
                .find(|(a, n, _)| *a == to.0 && *n == to.1)
                .map(|(_, _, t)| (t.to_string(), "id".into(), "integer".into()));
        };
        let table = m.table.clone();
        let (name, call) = m
            .fields
            .iter()
            .find(|(n, c)| match to_field {
                Some(tf) => n == tf,
                None => c.flag("primary_key", false),
            })
            .cloned()?;
        let f = self.field(to, &name, &call);
        Some((table, f.column, f.sql_type))
    }

    /// The target's table for a foreign key constraint, when it is a table in the schema.
    fn target_in_schema(&mut self, f: &Field) -> Option<(String, String)> {
        let Kind::ForeignKey {
            to,
            to_field,
            constraint: true,
        } = &f.kind
        else {
            return None;
        };
        let (to, to_field) = (to.clone(), to_field.clone());
        let (table, column, _) = self.target(&to, to_field.as_deref())?;
        let known = self.models.contains_key(&to) || self.schema().tables.contains_key(&table);
        known.then_some((table, column))
    }

    /// `"col" type [identity] NOT NULL [PRIMARY KEY | UNIQUE] [DEFAULT …] [CHECK (…)]`.
    pub fn column_sql(f: &Field) -> String {
        let mut s = format!("{} {}", q(&f.column), f.sql_type);
        if f.identity {
            s.push_str(" GENERATED BY DEFAULT AS IDENTITY");
        }
        if !f.null {
            s.push_str(" NOT NULL");
        }
        if f.primary_key {
            s.push_str(" PRIMARY KEY");
        } else if f.unique {
            s.push_str(" UNIQUE");
        }
        if let Some(d) = &f.db_default {
            s.push_str(&format!(" DEFAULT {d}"));
        }
        if let Some(c) = &f.check {
            s.push_str(&format!(" CHECK ({c})"));
        }
        s
    }

    /// What Django runs after a column exists: its foreign key, its index, its `_like` index.
    /// `deferred`: at the end of the migration (a new table or column), else now (`AlterField`).
    pub fn after_column(&mut self, table: &str, f: &Field, deferred: bool) {
        let mut kinds = vec![];
        if let Some((to_table, to_column)) = self.target_in_schema(f) {
            kinds.push(DeferredKind::ForeignKey {
                to_table,
                to_column,
            });
        } else if let Kind::ForeignKey {
            to,
            constraint: true,
            ..
        } = &f.kind
        {
            let to = format!("{}.{}", to.0, to.1);
            self.note(format!(
                "foreign key {table}.{} to {to}: that model's table is not loaded, so no constraint is recorded",
                f.column
            ));
        }
        if f.db_index && !f.unique {
            kinds.push(DeferredKind::Index {
                suffix: "",
                opclass: None,
            });
        }
        if let Some(ops) = fields::like_opclass(f) {
            kinds.push(DeferredKind::Index {
                suffix: "_like",
                opclass: Some(ops),
            });
        }
        for k in kinds {
            self.defer(table, &[&f.column], k);
        }
        if !deferred {
            self.flush();
        }
    }

    /// The auto-created through table of a many-to-many field, and its columns.
    pub fn through_table(&mut self, model: &ModelKey, name: &str, f: &Field) -> Option<String> {
        let Kind::ManyToMany {
            through: true,
            db_table,
            ..
        } = &f.kind
        else {
            return None;
        };
        let table = self.models.get(model)?.table.clone();
        Some(
            db_table
                .clone()
                .unwrap_or_else(|| names::truncate(&format!("{table}_{name}"))),
        )
    }

    /// The column names of a through table: `<from>_id`, `<to>_id` (`from_<m>_id`,
    /// `to_<m>_id` when the model relates to itself).
    fn through_columns(model: &ModelKey, to: &ModelKey) -> (String, String) {
        if model == to {
            (format!("from_{}_id", model.1), format!("to_{}_id", to.1))
        } else {
            (format!("{}_id", model.1), format!("{}_id", to.1))
        }
    }

    /// Create the through table of many-to-many field `name` of `model`.
    pub fn create_through(&mut self, model: &ModelKey, name: &str, f: &Field) {
        let Some(table) = self.through_table(model, name, f) else {
            return;
        };
        let Kind::ManyToMany { to, .. } = &f.kind else {
            return;
        };
        let to = to.clone();
        let (from_col, to_col) = Self::through_columns(model, &to);
        // Migrations build through models in a state without the apps' configs, so their id
        // is `DEFAULT_AUTO_FIELD`'s, whatever the app's `default_auto_field`.
        let auto = self.settings.default_auto_field.clone();
        let id_type = match auto.as_str() {
            "BigAutoField" => "bigint",
            "SmallAutoField" => "smallint",
            _ => "integer",
        };
        let from = self.target(model, None);
        let target = self.target(&to, None);
        let ty = |t: &Option<(String, String, String)>| {
            t.as_ref().map_or("integer".to_string(), |t| t.2.clone())
        };
        self.exec(&format!(
            "CREATE TABLE {} (\"id\" {id_type} GENERATED BY DEFAULT AS IDENTITY NOT NULL PRIMARY KEY, {} {} NOT NULL, {} {} NOT NULL);",
            q(&table),
            q(&from_col),
            ty(&from),
            q(&to_col),
            ty(&target)
        ));
        self.defer(&table, &[&from_col, &to_col], DeferredKind::Unique);
        for (col, t, key) in [(&from_col, &from, model), (&to_col, &target, &to)] {
            match t {
                Some((tt, tc, _))
                    if self.models.contains_key(key) || self.schema().tables.contains_key(tt) =>
                {
                    let kind = DeferredKind::ForeignKey {
                        to_table: tt.clone(),
                        to_column: tc.clone(),
                    };
                    self.defer(&table, &[col], kind);
                }
                _ => self.note(format!(
                    "many-to-many table {table}: {}.{} is not loaded, so {col} has no foreign key",
                    key.0, key.1
                )),
            }
            self.defer(
                &table,
                &[col],
                DeferredKind::Index {
                    suffix: "",
                    opclass: None,
                },
            );
        }
    }

    /// The model an operation's `model_name`/`name` refers to, in the current app.
    pub fn key(&self, name: &str) -> ModelKey {
        (self.app.clone(), name.to_lowercase())
    }

    /// Column names of fields of a model (a name that is not a field is kept as is).
    pub fn columns(&mut self, key: &ModelKey, field_names: &[String]) -> Vec<String> {
        let fields = self
            .models
            .get(key)
            .map(|m| m.fields.clone())
            .unwrap_or_default();
        field_names
            .iter()
            .map(|n| match fields.iter().find(|(f, _)| f == n) {
                Some((f, c)) => self.field(key, f, c).column,
                None => n.clone(),
            })
            .collect()
    }

    fn operation(&mut self, op: &Value) {
        let Some(c) = op.as_call() else {
            self.note("an operation that is not a call: skipped");
            return;
        };
        match c.name() {
            "CreateModel" => self.create_model(c),
            // (`DeleteModelIfExists`: Wagtail's.)
            "DeleteModel" | "DeleteModelIfExists" => self.delete_model(c),
            "RenameModel" => self.rename_model(c),
            "AlterModelTable" => self.alter_model_table(c),
            "AddField" => self.add_field(c),
            "RemoveField" => self.remove_field(c),
            "AlterField" => self.alter_field(c),
            "RenameField" => self.rename_field(c),
            "AlterUniqueTogether" | "AlterIndexTogether" => self.alter_together(c),
            "AddIndex" | "AddIndexConcurrently" => self.add_index(c),
            "RemoveIndex" | "RemoveIndexConcurrently" => self.remove_index(c),
            "RenameIndex" => self.rename_index(c),
            "AddConstraint" | "AddConstraintNotValid" => self.add_constraint(c),
            "RemoveConstraint" => self.remove_constraint(c),
            "RunSQL" => self.run_sql(c),
            "RunPython" => *self.run_python.entry(self.app.clone()).or_default() += 1,
            "SeparateDatabaseAndState" => {
                for v in c
                    .arg("database_operations", 0)
                    .map(Value::items)
                    .unwrap_or(&[])
                {
                    self.operation(v);
                }
                self.state_operations(c.arg("state_operations", 1));
            }
            "AlterOrderWithRespectTo" => self.order_with_respect_to(c),
            "CreateExtension" | "HStoreExtension" | "TrigramExtension" | "UnaccentExtension"
            | "BtreeGinExtension" | "BtreeGistExtension" | "CITextExtension"
            | "CryptoExtension" | "BloomExtension" => {
                let name = match c.name() {
                    "CreateExtension" => c.str("name", 0).unwrap_or_default().to_string(),
                    "TrigramExtension" => "pg_trgm".into(),
                    "CryptoExtension" => "pgcrypto".into(),
                    n => n.trim_end_matches("Extension").to_lowercase(),
                };
                self.exec(&format!("CREATE EXTENSION IF NOT EXISTS {};", q(&name)));
            }
            // No schema change.
            "AlterModelOptions"
            | "AlterModelManagers"
            | "AlterConstraint"
            | "AlterModelTableComment"
            | "CreateCollation"
            | "RemoveCollation" => {}
            other => self.note(format!("operation `{other}` is not read: skipped")),
        }
    }

    /// `state_operations=[…]`: the state changes, no SQL runs.
    pub fn state_operations(&mut self, ops: Option<&Value>) {
        let before = std::mem::replace(&mut self.state_only, true);
        for v in ops.map(Value::items).unwrap_or(&[]) {
            self.operation(v);
        }
        self.state_only = before;
    }

    fn create_model(&mut self, c: &Call) {
        let Some(name) = c.str("name", 0) else {
            return self.note("CreateModel without a name: skipped");
        };
        let key = self.key(name);
        let opts = c.kw("options");
        let opt = |k: &str| opts.and_then(|o| o.get(k));
        let mut fields: Vec<(String, Call)> = c
            .arg("fields", 1)
            .map(Value::items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|t| match t.items() {
                [Value::Str(n), Value::Call(f)] => Some((n.clone(), f.clone())),
                _ => None,
            })
            .collect();
        let proxy = matches!(opt("proxy"), Some(Value::Bool(true)));
        let unmanaged = matches!(opt("managed"), Some(Value::Bool(false)));
        let mut table = match opt("db_table") {
            Some(Value::Str(t)) => t.clone(),
            _ => names::truncate(&format!("{}_{}", key.0, key.1)),
        };
        if proxy {
            // A proxy shares its concrete base's table and fields.
            let base = c
                .kw("bases")
                .map(Value::items)
                .unwrap_or(&[])
                .iter()
                .find_map(|b| b.as_str())
                .map(|b| match b.split_once('.') {
                    Some((a, m)) => (a.to_string(), m.to_lowercase()),
                    None => (key.0.clone(), b.to_lowercase()),
                });
            if let Some(base) = base.and_then(|b| self.models.get(&b).cloned()) {
                table = base.table;
                fields = base.fields;
            }
        } else if !fields.iter().any(|(_, f)| f.flag("primary_key", false)) {
            let auto = self
                .settings
                .app_auto_field
                .get(&key.0)
                .unwrap_or(&self.settings.default_auto_field)
                .clone();
            let id = super::python::parse_expr(&format!(
                "models.{auto}(auto_created=True, primary_key=True, serialize=False)"
            ));
            if let Value::Call(id) = id {
                fields.insert(0, ("id".into(), id));
            }
        }
        let together = |k: &str| together(opt(k));
        self.models.insert(
            key.clone(),
            Model {
                name: name.to_string(),
                table: table.clone(),
                fields: fields.clone(),
                unmanaged: proxy || unmanaged,
                unique_together: together("unique_together"),
                index_together: together("index_together"),
            },
        );
        if proxy || unmanaged {
            if unmanaged {
                self.note(format!(
                    "model {name} is managed=False: Django creates no table for it"
                ));
            }
            return;
        }
        let cols: Vec<Field> = fields.iter().map(|(n, f)| self.field(&key, n, f)).collect();
        let defs: Vec<String> = cols
            .iter()
            .filter(|f| !matches!(f.kind, Kind::ManyToMany { .. }))
            .map(Editor::column_sql)
            .collect();
        self.exec(&format!(
            "CREATE TABLE {} ({});",
            q(&table),
            defs.join(", ")
        ));
        for ((n, _), f) in fields.iter().zip(&cols) {
            if matches!(f.kind, Kind::ManyToMany { .. }) {
                self.create_through(&key, n, f);
            } else {
                self.after_column(&table, f, true);
            }
        }
        for set in self.models[&key].unique_together.clone() {
            let cols = self.columns(&key, &set);
            let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
            self.defer(&table, &cols, DeferredKind::Unique);
        }
        for set in self.models[&key].index_together.clone() {
            let cols = self.columns(&key, &set);
            let cols: Vec<&str> = cols.iter().map(String::as_str).collect();
            self.defer(
                &table,
                &cols,
                DeferredKind::Index {
                    suffix: "_idx",
                    opclass: None,
                },
            );
        }
        for i in opt("indexes").map(Value::items).unwrap_or(&[]).to_vec() {
            self.create_index(&key, &i);
        }
        for k in opt("constraints").map(Value::items).unwrap_or(&[]).to_vec() {
            self.create_constraint(&key, &k);
        }
    }

    fn delete_model(&mut self, c: &Call) {
        let Some(name) = c.str("name", 0) else { return };
        let key = self.key(name);
        let Some(m) = self.models.remove(&key) else {
            return self.note(format!("DeleteModel {name}: no such model in the state"));
        };
        if m.unmanaged {
            return;
        }
        self.models.insert(key.clone(), m.clone());
        for (n, f) in &m.fields {
            let f = self.field(&key, n, f);
            if let Some(t) = self.through_table(&key, n, &f) {
                self.drop_table(&t);
            }
        }
        self.models.remove(&key);
        self.drop_table(&m.table);
    }

    fn rename_model(&mut self, c: &Call) {
        let (Some(old), Some(new)) = (c.str("old_name", 0), c.str("new_name", 1)) else {
            return;
        };
        let (ok, nk) = (self.key(old), self.key(new));
        let Some(mut m) = self.models.remove(&ok) else {
            return self.note(format!("RenameModel {old}: no such model in the state"));
        };
        let default_table = names::truncate(&format!("{}_{}", ok.0, ok.1));
        let old_table = m.table.clone();
        if m.table == default_table {
            m.table = names::truncate(&format!("{}_{}", nk.0, nk.1));
        }
        m.name = new.to_string();
        self.models.insert(nk.clone(), m.clone());
        if !m.unmanaged {
            self.rename_table(&old_table, &m.table.clone());
        }
        // Relations to it follow, and through tables named after it move with it.
        let keys: Vec<ModelKey> = self.models.keys().cloned().collect();
        for k in keys {
            let model = self.models[&k].clone();
            for (i, (n, f)) in model.fields.iter().enumerate() {
                let Some(to) = f.arg("to", 0) else { continue };
                let setting = |s: &str| self.typing_setting(s);
                let t = Typing {
                    use_tz: true,
                    user_model: &self.settings.user_model,
                    setting: &setting,
                };
                if fields::model_ref(to, (&k.0, &old.to_lowercase()), &t) != Some(ok.clone()) {
                    continue;
                }
                let mut f2 = f.clone();
                let to_new = format!("{}.{}", nk.0, new);
                for (kw, v) in f2.kwargs.iter_mut() {
                    if kw == "to" {
                        *v = Value::Str(to_new.clone());
                    }
                }
                if f2.kwargs.iter().all(|(kw, _)| kw != "to") && !f2.args.is_empty() {
                    f2.args[0] = Value::Str(to_new.clone());
                }
                if let Some(mm) = self.models.get_mut(&k) {
                    mm.fields[i].1 = f2;
                }
                let fi = self.field(&k, n, f);
                if let Some(t) = self.through_table(&k, n, &fi) {
                    let (_, old_col) = Self::through_columns(&k, &ok);
                    let (_, new_col) = Self::through_columns(&k, &nk);
                    self.rename_column(&t, &old_col, &new_col);
                }
            }
        }
        self.rename_throughs(&nk, &old_table, Some(&ok));
    }

    /// Through tables of `key`'s many-to-many fields, after its table was renamed from
    /// `old_table` (and the model from `old_key`).
    fn rename_throughs(&mut self, key: &ModelKey, old_table: &str, old_key: Option<&ModelKey>) {
        let m = self.models[key].clone();
        for (n, f) in &m.fields {
            let fi = self.field(key, n, f);
            let Kind::ManyToMany {
                through: true,
                db_table: None,
                to,
            } = &fi.kind
            else {
                continue;
            };
            let old = names::truncate(&format!("{old_table}_{n}"));
            let new = names::truncate(&format!("{}_{n}", m.table));
            self.rename_table(&old, &new);
            if let Some(ok) = old_key.filter(|ok| *ok != key) {
                let to = if to == ok { key.clone() } else { to.clone() };
                let old_to = if to == *key { ok.clone() } else { to.clone() };
                let (of, _) = Self::through_columns(ok, &old_to);
                let (nf, _) = Self::through_columns(key, &to);
                self.rename_column(&new, &of, &nf);
            }
        }
    }

    fn alter_model_table(&mut self, c: &Call) {
        let Some(name) = c.str("name", 0) else { return };
        let key = self.key(name);
        let Some(m) = self.models.get(&key).cloned() else {
            return self.note(format!(
                "AlterModelTable {name}: no such model in the state"
            ));
        };
        let new = match c.arg("table", 1) {
            Some(Value::Str(t)) => t.clone(),
            _ => names::truncate(&format!("{}_{}", key.0, key.1)),
        };
        if new == m.table {
            return;
        }
        if let Some(mm) = self.models.get_mut(&key) {
            mm.table = new.clone();
        }
        if !m.unmanaged {
            self.rename_table(&m.table, &new);
            self.rename_throughs(&key, &m.table, None);
        }
    }

    fn order_with_respect_to(&mut self, c: &Call) {
        let Some(name) = c.str("name", 0) else { return };
        let key = self.key(name);
        let Some(table) = self.models.get(&key).map(|m| m.table.clone()) else {
            return;
        };
        match c.arg("order_with_respect_to", 1) {
            Some(Value::Str(_)) => self.exec(&format!(
                "ALTER TABLE {} ADD COLUMN \"_order\" integer NOT NULL;",
                q(&table)
            )),
            _ => self.exec(&format!(
                "ALTER TABLE {} DROP COLUMN \"_order\";",
                q(&table)
            )),
        }
    }
}

/// `unique_together`/`index_together` as a list of field-name lists (one tuple alone is one
/// set, as Django normalises it).
pub fn together(v: Option<&Value>) -> Vec<Vec<String>> {
    let Some(v) = v else { return vec![] };
    let items = v.items();
    if !items.is_empty() && items.iter().all(|i| i.as_str().is_some()) {
        return vec![items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect()];
    }
    items
        .iter()
        .map(|s| {
            s.items()
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect()
        })
        .filter(|s: &Vec<String>| !s.is_empty())
        .collect()
}
