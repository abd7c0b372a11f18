//! The real-migration-name corpus: one JSON line per migration (its app, framework, name and
//! the operations its file performs), the replay that rebuilds the schema just before each
//! migration from the operations of the ones before it, and the scorer that runs a name
//! through migsmith's description reader (`intent::interpret` + `plan::resolve_with`, the path
//! `generate` takes) on that schema and compares operation kind, table and columns.
//!
//! Shared by the builder (`benches/migration_corpus/main.rs`) and `tests/migration_corpus.rs`.

use migsmith::schema::{sql, Schema};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One operation a migration file performs, as the corpus records it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Op {
    /// `add_column`, `drop_column`, `rename_column`, `change_column_type`, `change_null`,
    /// `change_default`, `create_table`, `drop_table`, `rename_table`, `add_index`,
    /// `drop_index`, `add_foreign_key`, `drop_foreign_key`, `add_constraint`,
    /// `drop_constraint`.
    pub kind: String,
    pub table: String,
    /// The columns (a rename: `[from, to]`; an index: its columns; create_table: all).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// rename_table: the new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// An index's or constraint's name, when the file gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One migration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub app: String,
    /// `rails` or `django`.
    pub framework: String,
    /// Django: the app label (its tables are `<label>_<model>`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The migration's name: Rails' class name, Django's file name without the number.
    pub name: String,
    pub ops: Vec<Op>,
}

pub fn op(kind: &str, table: &str, columns: &[&str]) -> Op {
    Op {
        kind: kind.into(),
        table: table.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        to: None,
        name: None,
    }
}

fn q(n: &str) -> String {
    format!("\"{}\"", n.replace('"', "\"\""))
}

fn col_type(c: &str) -> &'static str {
    if c == "id" || c.ends_with("_id") {
        "bigint"
    } else {
        "text"
    }
}

/// The schema rebuilt from the corpus: every operation of the migrations before, applied in
/// order. An operation on a table or column the replay does not have (created by SQL, by a
/// squashed history or by a reader gap) first creates it, so the schema before a migration
/// always holds what that migration touches.
pub struct Replay {
    pub schema: Schema,
}

impl Replay {
    pub fn new() -> Replay {
        Replay {
            schema: Schema::default(),
        }
    }

    fn run(&mut self, sql: &str) {
        // A statement the replay cannot apply (a duplicate name…) is skipped: the schema is an
        // approximation for naming, not a migration run.
        let _ = sql::apply_str(&mut self.schema, sql, "corpus");
    }

    fn ensure_table(&mut self, t: &str) {
        if !t.is_empty() && !self.schema.tables.values().any(|x| x.name == t) {
            self.run(&format!("CREATE TABLE {} (id bigint PRIMARY KEY);", q(t)));
        }
    }

    fn has_column(&self, t: &str, c: &str) -> bool {
        self.schema
            .tables
            .values()
            .any(|x| x.name == t && x.columns.iter().any(|k| k.name == c))
    }

    fn ensure_column(&mut self, t: &str, c: &str) {
        self.ensure_table(t);
        if !self.has_column(t, c) {
            self.run(&format!(
                "ALTER TABLE {} ADD COLUMN {} {};",
                q(t),
                q(c),
                col_type(c)
            ));
        }
    }

    fn has_index(&self, t: &str, cols: &[String], name: Option<&str>) -> bool {
        self.schema.tables.values().any(|x| {
            x.name == t
                && x.indexes.iter().any(|i| {
                    name.map_or_else(
                        || {
                            i.columns
                                .iter()
                                .filter_map(|k| k.column())
                                .collect::<Vec<_>>()
                                == cols.iter().map(String::as_str).collect::<Vec<_>>()
                        },
                        |n| i.name == n,
                    )
                })
        })
    }

    /// Make what `ops` touch exist (tables, columns, indexes, foreign keys they drop).
    pub fn prepare(&mut self, ops: &[Op]) {
        // What the migration itself creates is not there before it.
        let created: BTreeSet<&str> = ops
            .iter()
            .filter(|o| o.kind == "create_table")
            .map(|o| o.table.as_str())
            .collect();
        let added: BTreeSet<(&str, &str)> = ops
            .iter()
            .filter(|o| o.kind == "add_column")
            .flat_map(|o| o.columns.iter().map(|c| (o.table.as_str(), c.as_str())))
            .collect();
        let before = |o: &Op| Op {
            columns: o
                .columns
                .iter()
                .filter(|c| !added.contains(&(o.table.as_str(), c.as_str())))
                .cloned()
                .collect(),
            ..o.clone()
        };
        let ops: Vec<Op> = ops
            .iter()
            .filter(|o| !created.contains(o.table.as_str()) || o.kind == "drop_table")
            .map(before)
            .collect();
        for o in &ops {
            match o.kind.as_str() {
                "create_table" => {}
                "drop_table" | "rename_table" => self.ensure_table(&o.table),
                "add_column" | "add_constraint" | "drop_constraint" => self.ensure_table(&o.table),
                "rename_column" => {
                    if let Some(c) = o.columns.first() {
                        self.ensure_column(&o.table, c)
                    }
                }
                "drop_index" => {
                    for c in &o.columns {
                        self.ensure_column(&o.table, c);
                    }
                    if !o.columns.is_empty() && !self.has_index(&o.table, &o.columns, None) {
                        let name = o.name.clone().unwrap_or_else(|| {
                            format!("index_{}_on_{}", o.table, o.columns.join("_and_"))
                        });
                        let cols: Vec<String> = o.columns.iter().map(|c| q(c)).collect();
                        self.run(&format!(
                            "CREATE INDEX {} ON {} ({});",
                            q(&name),
                            q(&o.table),
                            cols.join(", ")
                        ));
                    }
                }
                "drop_foreign_key" => {
                    for c in &o.columns {
                        self.ensure_column(&o.table, c);
                    }
                    let has = self.schema.tables.values().any(|x| {
                        x.name == o.table && x.foreign_keys.iter().any(|f| f.columns == o.columns)
                    });
                    if !has && !o.columns.is_empty() {
                        let target = o.to.clone().unwrap_or_else(|| o.table.clone());
                        self.ensure_table(&target);
                        let cols: Vec<String> = o.columns.iter().map(|c| q(c)).collect();
                        self.run(&format!(
                            "ALTER TABLE {} ADD FOREIGN KEY ({}) REFERENCES {} (id);",
                            q(&o.table),
                            cols.join(", "),
                            q(&target)
                        ));
                    }
                }
                kind => {
                    for c in &o.columns {
                        self.ensure_column(&o.table, c);
                    }
                    // The column is not yet what the migration makes it.
                    if let (Some(c), Some(to)) = (o.columns.first(), o.to.as_deref()) {
                        let (t, c) = (q(&o.table), q(c));
                        match (kind, to) {
                            ("change_null", "null") => {
                                self.run(&format!("ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL;"))
                            }
                            ("change_null", _) => self
                                .run(&format!("ALTER TABLE {t} ALTER COLUMN {c} DROP NOT NULL;")),
                            ("change_column_type", to) => {
                                let other = if to.contains("text")
                                    || to.contains("string")
                                    || to.contains("char")
                                {
                                    "integer"
                                } else {
                                    "text"
                                };
                                self.run(&format!("ALTER TABLE {t} ALTER COLUMN {c} TYPE {other};"))
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
    }

    /// Apply what `ops` do.
    pub fn apply(&mut self, ops: &[Op]) {
        for o in ops {
            let t = q(&o.table);
            match o.kind.as_str() {
                "create_table" => {
                    let mut cols: Vec<String> = o
                        .columns
                        .iter()
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .map(|c| {
                            let pk = if c == "id" { " PRIMARY KEY" } else { "" };
                            format!("{} {}{pk}", q(c), col_type(c))
                        })
                        .collect();
                    if cols.is_empty() {
                        cols.push("id bigint PRIMARY KEY".into());
                    }
                    self.run(&format!("DROP TABLE IF EXISTS {t} CASCADE;"));
                    self.run(&format!("CREATE TABLE {t} ({});", cols.join(", ")));
                }
                "drop_table" => self.run(&format!("DROP TABLE IF EXISTS {t} CASCADE;")),
                "rename_table" => {
                    if let Some(to) = &o.to {
                        self.run(&format!("ALTER TABLE {t} RENAME TO {};", q(to)));
                    }
                }
                "add_column" => {
                    for c in &o.columns {
                        self.ensure_column(&o.table, c);
                    }
                }
                "drop_column" => {
                    for c in &o.columns {
                        self.run(&format!(
                            "ALTER TABLE {t} DROP COLUMN IF EXISTS {} CASCADE;",
                            q(c)
                        ));
                    }
                }
                "rename_column" => {
                    if let [a, b] = o.columns.as_slice() {
                        self.run(&format!(
                            "ALTER TABLE {t} RENAME COLUMN {} TO {};",
                            q(a),
                            q(b)
                        ));
                    }
                }
                "add_index" if !o.columns.is_empty() => {
                    for c in &o.columns {
                        self.ensure_column(&o.table, c);
                    }
                    if !self.has_index(&o.table, &o.columns, None) {
                        let name = o.name.clone().unwrap_or_else(|| {
                            format!("index_{}_on_{}", o.table, o.columns.join("_and_"))
                        });
                        let cols: Vec<String> = o.columns.iter().map(|c| q(c)).collect();
                        self.run(&format!(
                            "CREATE INDEX {} ON {t} ({});",
                            q(&name),
                            cols.join(", ")
                        ));
                    }
                }
                "drop_index" => {
                    let name = self
                        .schema
                        .tables
                        .values()
                        .filter(|x| x.name == o.table)
                        .flat_map(|x| x.indexes.iter())
                        .find(|i| {
                            o.name.as_deref() == Some(i.name.as_str())
                                || (!o.columns.is_empty()
                                    && i.columns
                                        .iter()
                                        .filter_map(|k| k.column())
                                        .collect::<Vec<_>>()
                                        == o.columns.iter().map(String::as_str).collect::<Vec<_>>())
                        })
                        .map(|i| i.name.clone());
                    if let Some(n) = name {
                        self.run(&format!("DROP INDEX IF EXISTS {};", q(&n)));
                    }
                }
                "add_foreign_key" => {
                    for c in &o.columns {
                        self.ensure_column(&o.table, c);
                    }
                }
                "change_null" => {
                    if let (Some(c), Some(to)) = (o.columns.first(), o.to.as_deref()) {
                        let set = if to == "null" { "DROP" } else { "SET" };
                        self.run(&format!(
                            "ALTER TABLE {t} ALTER COLUMN {} {set} NOT NULL;",
                            q(c)
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}

impl Default for Replay {
    fn default() -> Self {
        Self::new()
    }
}

/// What migsmith made of a name: its operations, normalized like the corpus's, or the error.
pub fn predict(name: &str, schema: &Schema) -> Result<Vec<Op>, String> {
    let tables: Vec<String> = schema.tables.values().map(|t| t.name.clone()).collect();
    let reading = migsmith::intent::interpret(name, &tables).map_err(|e| e.to_string())?;
    let resolved = migsmith::plan::resolve_with(&reading.intents, schema, Default::default())
        .map_err(|e| e.to_string())?;
    let mut out = vec![];
    for o in &resolved.operations {
        let v = serde_json::to_value(o).map_err(|e| e.to_string())?;
        let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
        let list = |k: &str| -> Vec<String> {
            v[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let column = v["column"]
            .as_str()
            .map(str::to_string)
            .or_else(|| v["column"]["name"].as_str().map(str::to_string));
        let table = s("table");
        let one = |kind: &str| Op {
            kind: kind.into(),
            table: table.clone(),
            columns: column.clone().into_iter().collect(),
            to: None,
            name: None,
        };
        let op_name = s("op");
        let o = match op_name.as_str() {
            "add_column" | "drop_column" | "change_column_type" => one(&op_name),
            "set_not_null" | "drop_not_null" => one("change_null"),
            "set_default" | "drop_default" => one("change_default"),
            "rename_column" => Op {
                columns: vec![s("from"), s("to")],
                ..one("rename_column")
            },
            "create_table" | "drop_table" => Op {
                columns: vec![],
                ..one(&op_name)
            },
            "rename_table" => Op {
                kind: "rename_table".into(),
                table: s("from"),
                columns: vec![],
                to: Some(s("to")),
                name: None,
            },
            "add_index" | "drop_index" | "add_foreign_key" | "drop_foreign_key" => Op {
                columns: list("columns"),
                name: v["name"].as_str().map(str::to_string),
                ..one(&op_name)
            },
            "add_unique_constraint" | "add_check_constraint" => Op {
                columns: list("columns"),
                ..one("add_constraint")
            },
            "drop_constraint" => one("drop_constraint"),
            other => one(other),
        };
        out.push(o);
    }
    Ok(out)
}

/// The operations that say what a migration is for: per (kind, table) one entry with the
/// union of its columns; an index, foreign key or constraint on a column or table created
/// (or dropped) by the same migration is part of that creation (or drop) and left out.
pub fn main_ops(ops: &[Op]) -> Vec<Op> {
    let created: BTreeSet<&str> = ops
        .iter()
        .filter(|o| o.kind == "create_table")
        .map(|o| o.table.as_str())
        .collect();
    let dropped_t: BTreeSet<&str> = ops
        .iter()
        .filter(|o| o.kind == "drop_table")
        .map(|o| o.table.as_str())
        .collect();
    let cols_of = |kind: &str| -> BTreeSet<(String, String)> {
        ops.iter()
            .filter(|o| o.kind == kind)
            .flat_map(|o| o.columns.iter().map(|c| (o.table.clone(), c.clone())))
            .collect()
    };
    let added = cols_of("add_column");
    let removed = cols_of("drop_column");
    let mut merged: BTreeMap<(String, String), Op> = BTreeMap::new();
    for o in ops {
        let aux_add = matches!(
            o.kind.as_str(),
            "add_index" | "add_foreign_key" | "add_constraint"
        );
        let aux_drop = matches!(
            o.kind.as_str(),
            "drop_index" | "drop_foreign_key" | "drop_constraint"
        );
        let all_in = |set: &BTreeSet<(String, String)>| {
            !o.columns.is_empty()
                && o.columns
                    .iter()
                    .all(|c| set.contains(&(o.table.clone(), c.clone())))
        };
        if aux_add && (created.contains(o.table.as_str()) || all_in(&added)) {
            continue;
        }
        // A foreign key dropped with a table drop (the keys that reference it) is part of it.
        let with_drop = o.kind == "drop_foreign_key" && !dropped_t.is_empty();
        if aux_drop && (dropped_t.contains(o.table.as_str()) || all_in(&removed) || with_drop) {
            continue;
        }
        // A table created and dropped in one go is a rebuild: keep both, columns aside.
        let e = merged
            .entry((o.kind.clone(), o.table.clone()))
            .or_insert_with(|| Op {
                kind: o.kind.clone(),
                table: o.table.clone(),
                columns: vec![],
                to: o.to.clone(),
                name: o.name.clone(),
            });
        for c in &o.columns {
            if o.kind == "rename_column" || !e.columns.contains(c) {
                e.columns.push(c.clone());
            }
        }
    }
    merged.into_values().collect()
}

/// The migration's kind: the one kind of its main operations, `mixed`, or `none` (data only).
pub fn kind_of(main: &[Op]) -> String {
    let kinds: BTreeSet<&str> = main.iter().map(|o| o.kind.as_str()).collect();
    match kinds.len() {
        0 => "none".into(),
        1 => kinds.into_iter().next().unwrap_or_default().to_string(),
        _ => "mixed".into(),
    }
}

fn words(name: &str) -> Vec<String> {
    let mut s = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if prev_lower || (prev_upper && next_lower) {
                s.push('_');
            }
            s.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            s.push(c);
        } else {
            s.push('_');
        }
    }
    s.split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn mentions(words: &[String], thing: &str) -> bool {
    let want: Vec<String> = thing
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    !want.is_empty() && words.windows(want.len()).any(|w| w == want.as_slice())
}

fn singular(w: &str) -> String {
    migsmith::plan::resolve::names::singular(w)
}

/// Does the name mention the table: its name, its singular, or (Django) its model's name.
fn mentions_table(words: &[String], e: &Entry, table: &str) -> bool {
    let mut forms = vec![table.to_string(), singular(table)];
    if !e.label.is_empty() {
        if let Some(model) = table.strip_prefix(&format!("{}_", e.label)) {
            forms.push(model.to_string());
        }
    }
    // A table named with a schema-wide prefix (`spree_products`): the rest counts too.
    forms.iter().any(|f| mentions(words, f))
}

fn mentions_column(words: &[String], c: &str) -> bool {
    mentions(words, c) || c.strip_suffix("_id").is_some_and(|s| mentions(words, s))
}

const TYPE_WORDS: &[&str] = &[
    "text",
    "string",
    "integer",
    "bigint",
    "int",
    "decimal",
    "float",
    "boolean",
    "bool",
    "date",
    "datetime",
    "timestamp",
    "json",
    "jsonb",
    "uuid",
    "varchar",
    "numeric",
    "citext",
    "binary",
];

/// The stated rule: a name is informative when, for every main operation of its file, the
/// name's words (CamelCase and snake_case split) contain (1) a verb for that kind
/// (`add`, `remove`/`drop`/`delete`, `rename`, `create`, `change`/`alter` + a type word or
/// `null`/`default`, `index`, `foreign key`/`fk`, `constraint`/`unique`) — Django's
/// `makemigrations` name for an added field (`<model>_<field>`) needs no verb, as it is
/// written for exactly that operation (its bare `<model>` for a new model names none); (2) the table (or its singular, or the Django model); (3) for column-level
/// kinds every column (an `_id` column may be named without `_id`; `timestamps` names
/// created_at + updated_at; a rename both names). A migration with no schema operation (data,
/// SQL only) is never informative.
pub fn informative(e: &Entry, main: &[Op]) -> Result<(), String> {
    if main.is_empty() {
        return Err("no schema operation in the file (data or SQL only)".into());
    }
    let w = words(&e.name);
    let has = |list: &[&str]| list.iter().any(|v| w.iter().any(|x| x == v));
    let django = e.framework == "django";
    for o in main {
        let verb = match o.kind.as_str() {
            "add_column" => django || has(&["add", "adds", "adding"]),
            "drop_column" => has(&["remove", "drop", "delete", "removes", "drops"]),
            "rename_column" | "rename_table" => has(&["rename", "renames"]),
            // Django's CreateModel name is the bare model name: it names no operation.
            "create_table" => has(&["create", "creates", "add"]),
            "drop_table" => has(&["drop", "remove", "delete", "destroy"]),
            "change_column_type" => has(&["change", "alter", "convert", "make"]) && has(TYPE_WORDS),
            "change_null" => has(&["null", "nullable", "required", "optional"]),
            "change_default" => has(&["default"]),
            "add_index" => has(&["index", "indexes"]),
            "drop_index" => has(&["index", "indexes"]) && has(&["remove", "drop", "delete"]),
            "add_foreign_key" => has(&["fk"]) || (has(&["foreign"]) && has(&["key", "keys"])),
            "drop_foreign_key" => {
                (has(&["fk"]) || (has(&["foreign"]) && has(&["key", "keys"])))
                    && has(&["remove", "drop", "delete"])
            }
            "add_constraint" => has(&["constraint", "unique", "check"]),
            _ => false,
        };
        if !verb {
            return Err(format!("the name does not say {}", o.kind));
        }
        if !mentions_table(&w, e, &o.table) {
            return Err(format!("the name does not name the table ({})", o.kind));
        }
        if o.kind == "rename_table" {
            let to = o.to.clone().unwrap_or_default();
            if !mentions(&w, &to) && !mentions(&w, &singular(&to)) {
                return Err("the name does not give the new name".into());
            }
            continue;
        }
        if matches!(
            o.kind.as_str(),
            "create_table" | "drop_table" | "add_constraint" | "drop_constraint"
        ) {
            continue;
        }
        if o.columns.is_empty() {
            // `add_index :t, %i[…]`, an expression index, a name only: the corpus does not
            // hold the columns to check the name against.
            return Err(format!("the file's columns were not read ({})", o.kind));
        }
        let stamps = o
            .columns
            .iter()
            .all(|c| c == "created_at" || c == "updated_at");
        if stamps && has(&["timestamps"]) {
            continue;
        }
        if let Some(c) = o.columns.iter().find(|c| !mentions_column(&w, c)) {
            return Err(format!(
                "the name does not name the column `{c}` ({})",
                o.kind
            ));
        }
    }
    Ok(())
}

/// How a prediction compares with the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Grade {
    pub op: bool,
    pub table: bool,
    pub column: bool,
}

pub fn grade(truth: &[Op], predicted: &[Op]) -> Grade {
    let p = main_ops(predicted);
    let kinds = |v: &[Op]| v.iter().map(|o| o.kind.clone()).collect::<BTreeSet<_>>();
    let tables = |v: &[Op]| {
        v.iter()
            .map(|o| (o.kind.clone(), o.table.clone()))
            .collect::<BTreeSet<_>>()
    };
    let full = |v: &[Op]| {
        v.iter()
            .map(|o| {
                let cols: Vec<String> = match o.kind.as_str() {
                    "create_table" | "drop_table" | "drop_constraint" => vec![],
                    "rename_table" => o.to.clone().into_iter().collect(),
                    "rename_column" | "add_index" | "drop_index" => o.columns.clone(),
                    _ => {
                        let mut c = o.columns.clone();
                        c.sort();
                        c
                    }
                };
                (o.kind.clone(), o.table.clone(), cols)
            })
            .collect::<BTreeSet<_>>()
    };
    let op = kinds(truth) == kinds(&p);
    let table = op && tables(truth) == tables(&p);
    let column = table && full(truth) == full(&p);
    Grade { op, table, column }
}

/// One scored migration.
pub struct Scored {
    pub entry: Entry,
    pub kind: String,
    pub informative: Result<(), String>,
    pub predicted: Result<Vec<Op>, String>,
    pub grade: Grade,
}

/// Score every entry, replaying each app's migrations in order.
pub fn score(entries: &[Entry]) -> Vec<Scored> {
    let mut replays: BTreeMap<String, Replay> = BTreeMap::new();
    let mut out = vec![];
    for e in entries {
        let r = replays.entry(e.app.clone()).or_default();
        r.prepare(&e.ops);
        let main = main_ops(&e.ops);
        let predicted = predict(&e.name, &r.schema);
        let grade = match &predicted {
            Ok(p) => grade(&main, p),
            Err(_) => Grade::default(),
        };
        out.push(Scored {
            kind: kind_of(&main),
            informative: informative(e, &main),
            entry: e.clone(),
            predicted,
            grade,
        });
        r.apply(&e.ops);
    }
    out
}

/// Per kind: names, informative names, and of the informative ones op/table/column right.
#[derive(Debug, Default, Clone, Copy)]
pub struct Row {
    pub names: usize,
    pub informative: usize,
    pub op: usize,
    pub table: usize,
    pub column: usize,
}

pub fn table(scored: &[Scored]) -> BTreeMap<String, Row> {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for s in scored {
        for key in [s.kind.clone(), "all".to_string()] {
            let r = rows.entry(key).or_default();
            r.names += 1;
            if s.informative.is_ok() {
                r.informative += 1;
                r.op += usize::from(s.grade.op);
                r.table += usize::from(s.grade.table);
                r.column += usize::from(s.grade.column);
            }
        }
    }
    rows
}

pub fn read_jsonl(text: &str) -> Vec<Entry> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("corpus line"))
        .collect()
}
