//! A Rails `db/schema.rb` read into the model. Each statement becomes the PostgreSQL DDL
//! ActiveRecord runs for it, written on the same line number as the Ruby it comes from, and the
//! whole is replayed by the DDL interpreter (`super::sql`), so errors and notes point at the
//! `schema.rb` line.
//!
//! Read: `create_table` (the implicit `bigserial` `id`, `id: false`, `id: :uuid` with its
//! `gen_random_uuid()`, `id: :bigint, default: -> { … }`, `primary_key: "code"`,
//! `primary_key: [..]` composite keys, `comment:`), every `t.<type>` column (`null:`,
//! `default:` including lambdas, arrays and hashes, `limit:`, `precision:`, `scale:`,
//! `array:`, `comment:`, `t.enum … enum_type:`, `t.virtual … as:, stored: true`,
//! `t.column`, `t.references`/`t.belongs_to`, `t.timestamps`), `t.index`/`add_index` (column
//! lists or an expression string, `unique:`, `where:`, `using:`, `opclass:`, `order:`,
//! `include:`, `nulls_not_distinct:`), `t.check_constraint`/`add_check_constraint`,
//! `t.exclusion_constraint`, `t.unique_constraint`, `add_foreign_key`/`t.foreign_key`
//! (`column:`, `primary_key:`, `name:`, `on_delete:`, `on_update:`, `deferrable:`,
//! `validate: false`, composite columns), `create_enum`, `create_schema`, `enable_extension`,
//! `execute`, and scenic/fx `create_view`/`create_function`/`create_trigger` heredocs (which
//! the interpreter notes). Unnamed constraints get ActiveRecord's hashed names; ISO 8601
//! interval constants are written as PostgreSQL prints them (`interval`). Old
//! `:key => value` files read the same. Anything else becomes a note. Read-only.

mod interval;
mod names;
pub mod ruby;
mod types;

use super::sql::{load_str, LoadError};
use super::Schema;
use ruby::{Call, Statement, Val};

/// Load a `db/schema.rb` text.
pub fn load(text: &str, origin: &str) -> Result<Schema, LoadError> {
    if let Some((line, message)) = truncated(text) {
        return Err(LoadError {
            origin: origin.to_string(),
            line,
            message,
        });
    }
    // Checking each statement against PostgreSQL's grammar costs a second parse, so it is
    // done only when the whole file has a syntax error (SQL a MySQL app's file holds).
    let t = translate(text, false);
    let (t, schema) = match load_str(&t.sql, origin) {
        Err(e) if e.message.contains("syntax error") => {
            let t = translate(text, true);
            let schema = load_str(&t.sql, origin)?;
            (t, schema)
        }
        other => (t, other?),
    };
    let mut schema = schema;
    schema.notes.extend(t.notes);
    Ok(schema)
}

/// Where a `schema.rb` that was cut off ends inside a block: the line of the block left
/// open (a `create_table … do`, or the `ActiveRecord::Schema.define … do` around everything),
/// so a truncated file is an error rather than a schema silently missing its tail.
fn truncated(text: &str) -> Option<(usize, String)> {
    let mut open: Vec<(usize, String)> = vec![];
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('#') {
            continue;
        }
        if (line.starts_with("create_table ") || line.starts_with("ActiveRecord::Schema"))
            && (line.ends_with(" do") || line.contains(" do |"))
        {
            open.push((n + 1, line.chars().take(60).collect()));
        } else if line == "end" {
            open.pop();
        }
    }
    open.pop().map(|(line, what)| {
        (
            line,
            format!("the file ends inside `{what}` (no `end`): it looks truncated"),
        )
    })
}

/// The DDL ActiveRecord runs for the schema, line for line.
pub fn to_sql(text: &str) -> String {
    translate(text, true).sql
}

/// A quoted identifier.
pub(crate) fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `"schema.table"` → `"schema"."table"`.
pub(crate) fn qualified(name: &str) -> String {
    match name.split_once('.') {
        Some((s, t)) => format!("{}.{}", q(s), q(t)),
        None => q(name),
    }
}

fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

struct Translation {
    sql: String,
    notes: Vec<String>,
}

/// The output, one entry per line of the input.
struct Out {
    lines: Vec<String>,
    notes: Vec<String>,
    /// The precision `t.datetime` gets without `precision:` (6 from Rails 7.0 on).
    datetime_precision: Option<u32>,
    /// Views created so far (scenic's `create_view`): their indexes are not modelled.
    views: Vec<String>,
    /// Tables created so far: a second `create_table … force:` replaces the first.
    tables: std::collections::HashSet<String>,
    /// Check each verbatim piece of SQL against PostgreSQL's grammar (see [`load`]).
    validate: bool,
}

impl Out {
    /// Write `sql` at `line` (1-based), in at most `span` lines.
    fn put(&mut self, line: usize, span: usize, sql: &str) {
        let parts: Vec<&str> = sql.lines().collect();
        let single;
        let parts = if parts.len() > span.max(1) {
            single = sql.replace(['\n', '\r'], " ");
            vec![single.as_str()]
        } else {
            parts
        };
        for (i, p) in parts.iter().enumerate() {
            let at = line - 1 + i;
            if self.lines.len() <= at {
                self.lines.resize(at + 1, String::new());
            }
            let l = &mut self.lines[at];
            if !l.is_empty() {
                l.push(' ');
            }
            l.push_str(p);
        }
    }

    /// Write a whole statement, or note it when PostgreSQL's grammar refuses it (a MySQL
    /// app's view, default or index: `schema.rb` keeps whatever SQL the app's database has).
    fn statement(&mut self, line: usize, span: usize, sql: &str) {
        if !self.validate {
            return self.put(line, span, sql);
        }
        match pg_query::parse(sql, 0) {
            Ok(_) => self.put(line, span, sql),
            Err(e) => {
                let head: String = sql.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
                self.note(
                    line,
                    format!("ignored `{head} …`: not PostgreSQL SQL ({e})"),
                );
            }
        }
    }

    fn note(&mut self, line: usize, what: impl std::fmt::Display) {
        self.notes.push(format!("{what} (line {line})"));
    }
}

fn translate(text: &str, validate: bool) -> Translation {
    let mut out = Out {
        lines: vec![String::new(); text.lines().count()],
        notes: vec![],
        datetime_precision: Some(6),
        views: vec![],
        tables: Default::default(),
        validate,
    };
    let stmts = ruby::statements(text);
    let mut i = 0;
    while i < stmts.len() {
        let st = &stmts[i];
        i += 1;
        if let Some(comment) = st.text.strip_prefix('#') {
            if let Some(rest) = comment.trim().strip_prefix("Could not dump table ") {
                let table = rest.split('"').nth(1).unwrap_or(rest);
                out.note(
                    st.line,
                    format!("schema.rb could not dump table {table}: not loaded"),
                );
            }
            continue;
        }
        if st.text.starts_with("ActiveRecord::Schema") {
            out.datetime_precision = schema_version(&st.text).filter(|v| *v >= 7.0).map(|_| 6);
            continue;
        }
        let Some(call) = ruby::call(st) else {
            continue;
        };
        if call.name == "end" {
            continue;
        }
        if call.name == "create_table" {
            let mut body = vec![];
            let mut end_line = st.line + st.lines - 1;
            if call.block {
                while i < stmts.len() {
                    let b = &stmts[i];
                    i += 1;
                    end_line = b.line;
                    if b.text == "end" {
                        break;
                    }
                    body.push(b);
                }
            }
            create_table(&mut out, st, &call, &body, end_line);
            continue;
        }
        top_level(&mut out, st, &call);
    }
    Translation {
        sql: interval::postgres_style(&(out.lines.join("\n") + "\n")),
        notes: out.notes,
    }
}

/// `ActiveRecord::Schema[7.1].define(…)` → 7.1; the bracketless form is older than 7.0.
fn schema_version(header: &str) -> Option<f64> {
    let rest = header.strip_prefix("ActiveRecord::Schema[")?;
    rest.split(']').next()?.trim().parse().ok()
}

fn first_text(call: &Call) -> Option<String> {
    call.args.first().and_then(Val::text).map(str::to_string)
}

fn top_level(out: &mut Out, st: &Statement, call: &Call) {
    let (line, span) = (st.line, st.lines);
    let arg = |n: usize| call.args.get(n).and_then(Val::text).unwrap_or("");
    match call.name.as_str() {
        "enable_extension" => {
            let sql = match arg(0).split_once('.') {
                Some((s, e)) => format!("CREATE EXTENSION IF NOT EXISTS {} SCHEMA {};", q(e), q(s)),
                None => format!("CREATE EXTENSION IF NOT EXISTS {};", q(arg(0))),
            };
            out.statement(line, span, &sql);
        }
        "create_enum" => {
            let values = call.args.get(1).map(Val::texts).unwrap_or_default();
            let values: Vec<String> = values.iter().map(|v| literal(v)).collect();
            let sql = format!(
                "CREATE TYPE {} AS ENUM ({});",
                qualified(arg(0)),
                values.join(", ")
            );
            out.statement(line, span, &sql);
        }
        "create_schema" => {
            out.statement(
                line,
                span,
                &format!("CREATE SCHEMA IF NOT EXISTS {};", q(arg(0))),
            );
        }
        "add_index" if out.views.iter().any(|v| v == arg(0)) => {
            let name = call.text("name").unwrap_or("");
            out.note(line, format!("ignored index {name} on view {}", arg(0)));
        }
        "add_index" => {
            if let Some(cols) = call.args.get(1) {
                let sql = index_sql(arg(0), cols, call);
                out.statement(line, span, &sql);
            }
        }
        "add_foreign_key" => {
            let sql = foreign_key_sql(arg(0), arg(1), call);
            out.statement(line, span, &sql);
        }
        "add_check_constraint" => {
            let sql = check_sql(arg(0), arg(1), call);
            out.statement(line, span, &sql);
        }
        "execute" => {
            let sql = arg(0).trim().trim_end_matches(';').to_string();
            out.statement(line, span, &format!("{sql};"));
        }
        "create_view" => {
            let Some(def) = call.text("sql_definition") else {
                out.note(
                    line,
                    format!("ignored create_view {} without sql_definition", arg(0)),
                );
                return;
            };
            let kind = if call.flag("materialized") {
                "MATERIALIZED VIEW"
            } else {
                "VIEW"
            };
            let def = def.trim().trim_end_matches(';');
            out.views.push(arg(0).to_string());
            out.statement(
                line,
                span,
                &format!("CREATE {kind} {} AS {def};", qualified(arg(0))),
            );
        }
        "create_function" | "create_trigger" => match call.text("sql_definition") {
            Some(def) => out.statement(
                line,
                span,
                &format!("{};", def.trim().trim_end_matches(';')),
            ),
            None => out.note(line, format!("ignored {} {}", call.name, arg(0))),
        },
        name => out.note(
            line,
            format!("ignored {name} {}", arg(0)).trim_end().to_string(),
        ),
    }
}

/// A column definition and where it goes.
struct Def {
    line: usize,
    sql: String,
}

struct TableOut<'a> {
    name: &'a str,
    quoted: String,
    defs: Vec<Def>,
    /// Statements after the CREATE TABLE: (line, span, sql).
    after: Vec<(usize, usize, String)>,
    comments: Vec<String>,
}

impl TableOut<'_> {
    fn column(&mut self, out: &mut Out, line: usize, name: &str, ty: &str, c: &Call) {
        let mut def = format!("{} {ty}", q(name));
        // An expression PostgreSQL's grammar refuses (a MySQL app's) is noted and left out.
        let mut pg = |what: &str, expr: &str| {
            let ok = !out.validate || pg_query::parse(&format!("SELECT {expr}"), 0).is_ok();
            if !ok {
                out.note(
                    line,
                    format!(
                        "ignored the {what} of {}.{name}: not PostgreSQL SQL",
                        self.name
                    ),
                );
            }
            ok
        };
        if let Some(expr) = c.text("as") {
            if pg("expression", expr) {
                def.push_str(&format!(" GENERATED ALWAYS AS ({expr}) STORED"));
            }
        } else if let Some(d) = c.opt("default").and_then(|d| types::default_sql(d, ty)) {
            if pg("default", &d) {
                def.push_str(&format!(" DEFAULT {d}"));
            }
        }
        if matches!(c.opt("null"), Some(Val::Bool(false))) {
            def.push_str(" NOT NULL");
        }
        if let Some(comment) = c.text("comment") {
            self.comments.push(format!(
                "COMMENT ON COLUMN {}.{} IS {};",
                self.quoted,
                q(name),
                literal(comment)
            ));
        }
        self.defs.push(Def { line, sql: def });
    }
}

fn create_table(out: &mut Out, st: &Statement, call: &Call, body: &[&Statement], end_line: usize) {
    let name = first_text(call).unwrap_or_default();
    let mut t = TableOut {
        name: &name,
        quoted: qualified(&name),
        defs: vec![],
        after: vec![],
        comments: vec![],
    };
    let composite = match call.opt("primary_key") {
        Some(Val::Arr(cols)) => Some(
            cols.iter()
                .filter_map(Val::text)
                .map(q)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    };
    if composite.is_none() && !matches!(call.opt("id"), Some(Val::Bool(false))) {
        let pk = call.text("primary_key").unwrap_or("id");
        let kind = match call.opt("id") {
            Some(Val::Sym(s) | Val::Str(s)) => s.as_str(),
            _ => "primary_key",
        };
        let given = call.opt("default");
        let default = given.and_then(|d| types::default_sql(d, kind));
        let (ty, default) = match kind {
            "primary_key" | "bigint" if given.is_none() => ("bigserial".to_string(), None),
            "integer" if given.is_none() => ("serial".to_string(), None),
            "primary_key" => ("bigint".to_string(), default),
            "uuid" if given.is_none() => ("uuid".to_string(), Some("gen_random_uuid()".into())),
            other => (
                types::column_type(other, call, out.datetime_precision),
                default,
            ),
        };
        let default = default.map(|d| format!(" DEFAULT {d}")).unwrap_or_default();
        t.defs.push(Def {
            line: st.line,
            sql: format!("{} {ty}{default} NOT NULL PRIMARY KEY", q(pk)),
        });
    }
    if let Some(comment) = call.text("comment") {
        t.comments.push(format!(
            "COMMENT ON TABLE {} IS {};",
            t.quoted,
            literal(comment)
        ));
    }
    for b in body {
        if b.text.starts_with('#') {
            continue;
        }
        match ruby::call(b) {
            Some(c) => table_line(out, &mut t, b, &c),
            None => out.note(
                b.line,
                format!("ignored `{}` in create_table {name}", b.text),
            ),
        }
    }
    let close = t.defs.iter().map(|d| d.line).max().unwrap_or(st.line);
    if let Some(cols) = composite {
        t.defs.push(Def {
            line: close,
            sql: format!("PRIMARY KEY ({cols})"),
        });
    }
    if !out.tables.insert(name.clone()) && call.has("force") {
        out.note(
            st.line,
            format!("table {name} is created twice: the later create_table (force:) replaces the earlier"),
        );
        out.put(st.line, 1, &format!("DROP TABLE {} CASCADE;", t.quoted));
    }
    out.put(st.line, 1, &format!("CREATE TABLE {} (", t.quoted));
    let n = t.defs.len();
    for (k, d) in t.defs.iter().enumerate() {
        let comma = if k + 1 < n { "," } else { "" };
        out.put(d.line, 1, &format!("{}{comma}", d.sql));
    }
    out.put(close, 1, ");");
    for c in &t.comments {
        out.put(close, 1, c);
    }
    for (line, span, sql) in &t.after {
        if *line > close {
            out.statement(*line, *span, sql);
        } else {
            out.statement(close, 1, sql);
        }
    }
    let _ = end_line;
}

fn table_line(out: &mut Out, t: &mut TableOut, st: &Statement, c: &Call) {
    let Some(kind) = c.name.strip_prefix("t.") else {
        out.note(
            st.line,
            format!("ignored {} in create_table {}", c.name, t.name),
        );
        return;
    };
    let (line, span) = (st.line, st.lines);
    let table = t.name.to_string();
    match kind {
        "index" => {
            if let Some(cols) = c.args.first() {
                t.after.push((line, span, index_sql(&table, cols, c)));
            }
        }
        "check_constraint" => {
            let expr = first_text(c).unwrap_or_default();
            t.after.push((line, span, check_sql(&table, &expr, c)));
        }
        "exclusion_constraint" => {
            let expr = first_text(c).unwrap_or_default();
            let name = c
                .text("name")
                .map(str::to_string)
                .unwrap_or_else(|| names::hashed("excl_rails", &format!("{table}_{expr}_excl")));
            let using = c.text("using").unwrap_or("gist");
            let wher = c
                .text("where")
                .map(|w| format!(" WHERE ({w})"))
                .unwrap_or_default();
            t.after.push((
                line,
                span,
                format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} EXCLUDE USING {using} ({expr}){wher}{};",
                    t.quoted,
                    q(&name),
                    deferrable(c)
                ),
            ));
        }
        "unique_constraint" => {
            let cols = c.args.first().map(Val::texts).unwrap_or_default();
            let name = c.text("name").map(str::to_string).unwrap_or_else(|| {
                names::hashed(
                    "uniq_rails",
                    &format!("{table}_{}_uniq", cols.join("_and_")),
                )
            });
            let nnd = if c.flag("nulls_not_distinct") {
                " NULLS NOT DISTINCT"
            } else {
                ""
            };
            let list: Vec<String> = cols.iter().map(|c| q(c)).collect();
            t.after.push((
                line,
                span,
                format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE{nnd} ({}){};",
                    t.quoted,
                    q(&name),
                    list.join(", "),
                    deferrable(c)
                ),
            ));
        }
        "foreign_key" => {
            let to = first_text(c).unwrap_or_default();
            t.after.push((line, span, foreign_key_sql(&table, &to, c)));
        }
        "timestamps" => {
            let mut c = c.clone();
            if !c.has("null") {
                c.opts.push(("null".into(), Val::Bool(false)));
            }
            let ty = types::column_type("datetime", &c, out.datetime_precision);
            for col in ["created_at", "updated_at"] {
                t.column(out, line, col, &ty, &c);
            }
        }
        "references" | "belongs_to" => {
            for name in c.args.iter().filter_map(Val::text) {
                references(out, t, st, name, c);
            }
        }
        "primary_key" => {
            let name = first_text(c).unwrap_or_else(|| "id".into());
            let ty = match c.args.get(1).and_then(Val::text) {
                Some(k) => types::column_type(k, c, out.datetime_precision),
                None => "bigserial".into(),
            };
            t.defs.push(Def {
                line,
                sql: format!("{} {ty} NOT NULL PRIMARY KEY", q(&name)),
            });
        }
        "column" => {
            let (Some(name), Some(k)) = (first_text(c), c.args.get(1).and_then(Val::text)) else {
                out.note(
                    line,
                    format!("ignored t.column without a type in {}", t.name),
                );
                return;
            };
            let ty = column_type(out, line, k, c);
            t.column(out, line, &name, &ty, c);
        }
        "virtual" => {
            let k = c.text("type").unwrap_or("text").to_string();
            let ty = column_type(out, line, &k, c);
            if let Some(name) = first_text(c) {
                if !c.flag("stored") {
                    out.note(line, format!("column {}.{name} is a virtual (not stored) generated column: read as STORED", t.name));
                }
                t.column(out, line, &name, &ty, c);
            }
        }
        k => {
            let cols: Vec<String> = c
                .args
                .iter()
                .filter_map(Val::text)
                .map(str::to_string)
                .collect();
            if cols.is_empty() {
                out.note(line, format!("ignored t.{k} in create_table {}", t.name));
                return;
            }
            let ty = column_type(out, line, k, c);
            for name in cols {
                t.column(out, line, &name, &ty, c);
            }
        }
    }
}

/// A column's type, with a note when the Rails type is unknown (a database adapter's own).
fn column_type(out: &mut Out, line: usize, kind: &str, c: &Call) -> String {
    if !types::known(kind) {
        out.note(
            line,
            format!("`t.{kind}` is not an ActiveRecord type: read as the PostgreSQL type {kind}"),
        );
    }
    types::column_type(kind, c, out.datetime_precision)
}

/// `t.references "user", polymorphic:, type:, index:, foreign_key:`.
fn references(out: &mut Out, t: &mut TableOut, st: &Statement, name: &str, c: &Call) {
    let line = st.line;
    let id = format!("{name}_id");
    let ty = match c.text("type") {
        Some(k) => types::column_type(k, c, out.datetime_precision),
        None => "bigint".into(),
    };
    let mut plain = c.clone();
    plain
        .opts
        .retain(|(k, _)| k == "null" || k == "default" || k == "comment");
    let mut cols = vec![];
    if c.flag("polymorphic") {
        let ty_col = format!("{name}_type");
        t.column(out, line, &ty_col, "varchar", &plain);
        cols.push(Val::Str(ty_col));
    }
    t.column(out, line, &id, &ty, &plain);
    cols.push(Val::Str(id.clone()));
    let index = c.opt("index");
    if !matches!(index, Some(Val::Bool(false))) {
        let mut ic = Call {
            name: "t.index".into(),
            args: vec![],
            opts: match index {
                Some(Val::Hash(h)) => h.clone(),
                _ => vec![],
            },
            block: false,
        };
        if c.flag("polymorphic") && !ic.has("name") {
            ic.opts.push((
                "name".into(),
                Val::Str(format!("index_{}_on_{name}", t.name)),
            ));
        }
        t.after
            .push((line, st.lines, index_sql(t.name, &Val::Arr(cols), &ic)));
    }
    let fk = c.opt("foreign_key");
    if matches!(fk, Some(Val::Bool(true)) | Some(Val::Hash(_))) {
        let mut opts = match fk {
            Some(Val::Hash(h)) => h.clone(),
            _ => vec![],
        };
        let to = opts
            .iter()
            .find(|(k, _)| k == "to_table")
            .and_then(|(_, v)| v.text())
            .map(str::to_string)
            .unwrap_or_else(|| names::plural(name));
        opts.push(("column".into(), Val::Str(id)));
        let fc = Call {
            name: "add_foreign_key".into(),
            args: vec![],
            opts,
            block: false,
        };
        t.after
            .push((line, st.lines, foreign_key_sql(t.name, &to, &fc)));
    }
}

/// ` DEFERRABLE INITIALLY …` for `deferrable: :immediate | :deferred | true`.
fn deferrable(c: &Call) -> &'static str {
    match c.opt("deferrable") {
        Some(Val::Sym(s)) if s == "deferred" => " DEFERRABLE INITIALLY DEFERRED",
        Some(Val::Sym(s)) if s == "immediate" => " DEFERRABLE INITIALLY IMMEDIATE",
        Some(Val::Bool(true)) => " DEFERRABLE",
        _ => "",
    }
}

fn not_valid(c: &Call) -> &'static str {
    if matches!(c.opt("validate"), Some(Val::Bool(false))) {
        " NOT VALID"
    } else {
        ""
    }
}

/// The value of a per-column option (`opclass:`, `order:`): one for all, or a hash by column.
fn per_column(v: Option<&Val>, column: &str) -> Option<String> {
    match v? {
        Val::Hash(h) => h
            .iter()
            .find(|(k, _)| k == column)
            .and_then(|(_, v)| v.text())
            .map(str::to_string),
        v => v.text().map(str::to_string),
    }
}

fn index_sql(table: &str, cols: &Val, c: &Call) -> String {
    let (keys, names): (Vec<String>, Vec<String>) = match cols {
        // A string is an expression, unless it is a bare column name (`add_index "t", "c"`).
        Val::Str(expr)
            if !expr
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_') =>
        {
            (vec![expr.clone()], vec![])
        }
        v => {
            let names = v.texts();
            let keys = names
                .iter()
                .map(|col| {
                    let mut k = q(col);
                    if let Some(op) = per_column(c.opt("opclass"), col) {
                        k.push(' ');
                        k.push_str(&op);
                    }
                    if let Some(o) = per_column(c.opt("order"), col) {
                        k.push(' ');
                        k.push_str(&o.to_uppercase());
                    }
                    k
                })
                .collect();
            (keys, names)
        }
    };
    let name = c.text("name").map(str::to_string).unwrap_or_else(|| {
        format!(
            "index_{}_on_{}",
            table.replace('.', "_"),
            names.join("_and_")
        )
    });
    let unique = if c.flag("unique") { "UNIQUE " } else { "" };
    let using = c
        .text("using")
        .map(|u| format!(" USING {u}"))
        .unwrap_or_default();
    let include = c
        .opt("include")
        .map(|v| {
            let cols: Vec<String> = v.texts().iter().map(|c| q(c)).collect();
            format!(" INCLUDE ({})", cols.join(", "))
        })
        .unwrap_or_default();
    let nnd = if c.flag("nulls_not_distinct") {
        " NULLS NOT DISTINCT"
    } else {
        ""
    };
    let wher = c
        .text("where")
        .map(|w| format!(" WHERE {w}"))
        .unwrap_or_default();
    format!(
        "CREATE {unique}INDEX {} ON {}{using} ({}){include}{nnd}{wher};",
        q(&name),
        qualified(table),
        keys.join(", ")
    )
}

fn check_sql(table: &str, expr: &str, c: &Call) -> String {
    let name = c
        .text("name")
        .map(str::to_string)
        .unwrap_or_else(|| names::hashed("chk_rails", &format!("{table}_{expr}_chk")));
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({expr}){};",
        qualified(table),
        q(&name),
        not_valid(c)
    )
}

fn fk_action(v: Option<&Val>) -> Option<&'static str> {
    Some(match v?.text()? {
        "cascade" => "CASCADE",
        "nullify" => "SET NULL",
        "restrict" => "RESTRICT",
        "no_action" => "NO ACTION",
        "default" => "SET DEFAULT",
        _ => return None,
    })
}

fn foreign_key_sql(from: &str, to: &str, c: &Call) -> String {
    let to_name = to.rsplit('.').next().unwrap_or(to);
    let columns = match c.opt("column") {
        Some(v) => v.texts(),
        None => vec![format!("{}_id", names::singular(to_name))],
    };
    let pk = match c.opt("primary_key") {
        Some(v) => v.texts(),
        None => vec!["id".to_string()],
    };
    let name = c.text("name").map(str::to_string).unwrap_or_else(|| {
        names::hashed("fk_rails", &format!("{from}_{}_fk", columns.join("_and_")))
    });
    let list = |cols: &[String]| cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
    let mut sql = format!(
        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        qualified(from),
        q(&name),
        list(&columns),
        qualified(to),
        list(&pk)
    );
    if let Some(a) = fk_action(c.opt("on_delete")) {
        sql.push_str(&format!(" ON DELETE {a}"));
    }
    if let Some(a) = fk_action(c.opt("on_update")) {
        sql.push_str(&format!(" ON UPDATE {a}"));
    }
    sql.push_str(deferrable(c));
    sql.push_str(not_valid(c));
    sql.push(';');
    sql
}

#[cfg(test)]
mod tests;
