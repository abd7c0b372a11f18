//! The PostgreSQL DDL interpreter: reads a `pg_dump --schema-only` file, a hand-written DDL
//! script or a migrations directory and replays it onto the [`Schema`] model.
//!
//! Statements are parsed with `pg_query` (the real PostgreSQL grammar) and interpreted one by
//! one. What the model holds (tables, columns, keys, uniques, checks, foreign keys, indexes,
//! enums, comments, serial and identity columns) is applied with PostgreSQL's own rules,
//! including the names PostgreSQL invents for unnamed constraints and indexes. What it does
//! not hold (functions, triggers, views, grants, standalone sequences, data statements…) is
//! recorded as a one-line note in [`Schema::notes`] and skipped; pure session noise (`SET`,
//! `BEGIN`, `OWNER TO`, `GRANT`) is skipped silently. A statement that contradicts the model
//! (altering a missing table, adding a column twice) is a [`LoadError`], because the same
//! interpreter replays migration histories and a broken history must be reported.
//!
//! Canonical forms, so that loading a DDL script and loading a `pg_dump` of the database it
//! built give equal schemas (checked against PostgreSQL 15 by `tests/pg_dump_load.rs`):
//! - keys are `name` in `public` (or unqualified), `schema.name` elsewhere, for tables, enums
//!   and foreign key targets; `SET search_path` is followed;
//! - `serial`/`bigserial`/`smallserial` become `integer`/`bigint`/`smallint` NOT NULL with
//!   default `nextval('<table>_<col>_seq'::regclass)` and `serial_sequence` set; pg_dump's
//!   `CREATE SEQUENCE` + `OWNED BY` + `SET DEFAULT nextval('public.…')` gives the same (the
//!   `public.` inside the regclass literal is dropped; other schemas stay qualified, as does
//!   `serial_sequence`: `audit.events_id_seq`). Only `OWNED BY` (or `serial`) sets
//!   `serial_sequence`, so a default drawing from a shared sequence is not a serial;
//! - identity columns (inline or pg_dump's `ADD GENERATED … AS IDENTITY`) are NOT NULL with
//!   `identity` set and no default;
//! - defaults, checks, index expressions and predicates are in PostgreSQL's stored form (see
//!   `expr`): `'free'::varchar`, `price >= 0::numeric`;
//! - unnamed constraints and indexes get PostgreSQL's names, truncated and de-duplicated the
//!   way PostgreSQL does (see `names`): `<t>_pkey`, `<t>_<cols>_key`, `<t>_<col>_check` (or
//!   `<t>_check` when the expression uses no column or several), `<t>_<cols>_fkey`,
//!   `<t>_<cols>_idx` (an expression counts as its function name, else `expr`);
//! - constraints and indexes are kept sorted by name, as pg_dump prints them; unique and
//!   primary key constraints are not listed among the indexes.
//!
//! Submodules: `names` (keys and generated names), `expr` and `coerce` (expressions in stored
//! form), `create` (CREATE TABLE), `constraints` (keys, checks, foreign keys), `alter` (ALTER
//! TABLE), `rename` (renames, SET SCHEMA), `index` (indexes), `objects` (enums, domains,
//! comments, sequences, DROP), `deps` (what views, triggers, policies, generated columns and
//! functions use: [`crate::schema::deps`]), `notes` (descriptions of skipped statements), `lines` (line
//! numbers and syntax error positions), `catalog` (the same stored forms from catalog text,
//! for live introspection), `chunks` (cutting a long text into chunks of statements, parsed
//! one at a time), `lookup` (the name, sequence and note lookups that keep a 2,000-table
//! dump or a long migration history linear).

mod alter;
pub(crate) mod catalog;
mod chunks;
mod coerce;
mod constraints;
mod create;
mod deps;
mod expr;
mod fast;
mod index;
mod lines;
mod lookup;
pub mod names;
mod notes;
mod objects;
mod rename;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_alter;
#[cfg(test)]
mod tests_expr;
#[cfg(test)]
mod tests_fast;

pub use coerce::Domains;
pub use expr::{canonical_stored_expr, stored_default};

use super::{did_you_mean, Schema, Table};
use lines::{locate_syntax_error, strip_meta_commands, LineCounter};
use lookup::Lookup;
use pg_query::protobuf::RangeVar;
use pg_query::NodeEnum;
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// A schema file or migration that could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("{origin}{}: {message}", if *.line > 0 { format!(":{}", .line) } else { String::new() })]
pub struct LoadError {
    /// File path (or `<input>`).
    pub origin: String,
    /// 1-based line of the statement that failed (0 when unknown).
    pub line: usize,
    pub message: String,
}

/// Load a schema from SQL text (a `pg_dump --schema-only` file or any DDL script).
pub fn load_str(sql: &str, origin: &str) -> Result<Schema, LoadError> {
    let mut interpreter = Interpreter::new(Schema::default());
    interpreter.apply(sql, origin)?;
    Ok(interpreter.into_schema())
}

/// [`load_str`] with every statement parsed by `pg_query` (no template fast path, see `fast`):
/// the reference the fast path is checked against.
#[doc(hidden)]
pub fn load_str_reference(sql: &str, origin: &str) -> Result<Schema, LoadError> {
    let mut interpreter = Interpreter::new(Schema::default());
    interpreter.fast = None;
    interpreter.apply(sql, origin)?;
    Ok(interpreter.into_schema())
}

/// Apply DDL statements to an existing schema model. To apply many files in a row, use one
/// [`Interpreter`]: it keeps its lookups from one file to the next.
pub fn apply_str(schema: &mut Schema, sql: &str, origin: &str) -> Result<(), LoadError> {
    let mut interpreter = Interpreter::new(std::mem::take(schema));
    let result = interpreter.apply(sql, origin);
    *schema = interpreter.into_schema();
    result
}

/// A schema being built by replaying DDL text, one file after another, with the lookups that
/// keep a long replay linear in its length (see `lookup`).
pub struct Interpreter {
    schema: Schema,
    lookup: RefCell<Lookup>,
    /// `(key, body)` of every function seen, matched against the tables at the end.
    functions: RefCell<Vec<(String, String)>>,
    /// The statement templates of the fast path (`None`: parse everything with `pg_query`).
    fast: Option<fast::Fast>,
}

impl Interpreter {
    /// Start from `schema` (its constraints and indexes are put in name order).
    pub fn new(mut schema: Schema) -> Interpreter {
        for t in schema.tables.values_mut() {
            sort_by_name(t);
        }
        Interpreter {
            schema,
            lookup: RefCell::default(),
            functions: RefCell::default(),
            fast: Some(fast::Fast::default()),
        }
    }

    /// The schema so far.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The schema built.
    pub fn into_schema(mut self) -> Schema {
        let functions = self.functions.into_inner();
        if !functions.is_empty() {
            self.schema
                .dependencies
                .retain(|d| d.kind != crate::schema::DependentKind::Function);
            self.schema.add_function_mentions(&functions);
        }
        self.schema
    }

    /// Interpret the statements of `sql` (from `origin`, for errors and notes) in order. On
    /// an error the statements before the failing one stay applied.
    pub fn apply(&mut self, sql: &str, origin: &str) -> Result<(), LoadError> {
        let mut ctx = Ctx {
            origin,
            line: 0,
            search_path: vec!["public".to_string()],
            lookup: &self.lookup,
            functions: &self.functions,
        };
        let result = match self.fast.as_mut() {
            Some(fast) => run_fast(&mut self.schema, sql, &mut ctx, fast),
            None => run(&mut self.schema, sql, &mut ctx),
        };
        let lookup = self.lookup.get_mut();
        lookup.flush_notes(&mut self.schema);
        for k in lookup.take_changed() {
            if let Some(t) = self.schema.tables.get_mut(&k) {
                sort_by_name(t);
            }
        }
        result
    }
}

/// Parse `sql` a chunk of statements at a time (see `chunks`) and interpret each statement.
/// A second thread parses the next chunks while this one interprets (at most two ahead, so
/// memory stays bounded); the statements are interpreted in their order all the same.
fn run(schema: &mut Schema, sql: &str, ctx: &mut Ctx) -> Result<(), LoadError> {
    let text = strip_meta_commands(sql);
    let starts = chunks::chunk_starts(&text, chunks::CHUNK_BYTES);
    let bounds: Vec<(usize, usize)> = starts
        .iter()
        .enumerate()
        .map(|(k, &from)| (from, starts.get(k + 1).copied().unwrap_or(text.len())))
        .collect();
    if bounds.len() == 1 {
        let parsed = pg_query::parse(&text, 0);
        return interpret_chunks(schema, &text, std::iter::once((0, text.len(), parsed)), ctx);
    }
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel(2);
        let text = text.as_str();
        let bounds = &bounds;
        scope.spawn(move || {
            for &(from, to) in bounds {
                let parsed = pg_query::parse(&text[from..to], 0);
                let failed = parsed.is_err();
                if tx.send((from, to, parsed)).is_err() || failed {
                    break;
                }
            }
        });
        interpret_chunks(schema, text, rx.into_iter(), ctx)
    })
}

/// Interpret the statements of parsed chunks `(from, to, parse of text[from..to])` in order.
fn interpret_chunks(
    schema: &mut Schema,
    text: &str,
    chunks: impl Iterator<Item = (usize, usize, pg_query::Result<pg_query::ParseResult>)>,
    ctx: &mut Ctx,
) -> Result<(), LoadError> {
    let mut lines = LineCounter::default();
    for (from, to, parsed) in chunks {
        if interpret_chunk(schema, text, from, to, parsed, ctx, &mut lines)? {
            break;
        }
    }
    Ok(())
}

/// Interpret the statements of `parsed`, the parse of `text[from..to]`. When that parse
/// failed and text follows, the rest of the text is parsed and interpreted whole (a cut
/// inside a statement the splitter does not know), and `true` says the text is done.
fn interpret_chunk(
    schema: &mut Schema,
    text: &str,
    from: usize,
    to: usize,
    parsed: pg_query::Result<pg_query::ParseResult>,
    ctx: &mut Ctx,
    lines: &mut LineCounter,
) -> Result<bool, LoadError> {
    let (parsed, last) = match parsed {
        Ok(p) => (p, false),
        Err(_) if to < text.len() => match pg_query::parse(&text[from..], 0) {
            Ok(p) => (p, true),
            Err(e) => return Err(locate_syntax_error(text, ctx.origin, &e)),
        },
        Err(e) => return Err(locate_syntax_error(text, ctx.origin, &e)),
    };
    for raw in &parsed.protobuf.stmts {
        let start = from + usize::try_from(raw.stmt_location).unwrap_or(0);
        let Some(node) = raw.stmt.as_ref().and_then(|s| s.node.as_ref()) else {
            continue;
        };
        interpret_one(schema, text, start, node, ctx, lines)?;
    }
    Ok(last)
}

/// Interpret one statement starting at or after `text[start..]`.
fn interpret_one(
    schema: &mut Schema,
    text: &str,
    start: usize,
    node: &NodeEnum,
    ctx: &mut Ctx,
    lines: &mut LineCounter,
) -> Result<(), LoadError> {
    ctx.line = lines.line_of(text, start);
    let applied = apply_stmt(schema, node, ctx);
    ctx.lookup.borrow_mut().end_statement(schema);
    applied?;
    #[cfg(debug_assertions)]
    ctx.lookup.borrow_mut().verify(schema);
    Ok(())
}

/// [`run`] with the fast path: each statement `fast` knows (see `fast`) is interpreted from
/// its template's tree; the runs of statements in between are parsed by `pg_query` a run at
/// a time (cut at [`chunks::CHUNK_BYTES`]), in order.
fn run_fast(
    schema: &mut Schema,
    sql: &str,
    ctx: &mut Ctx,
    fast: &mut fast::Fast,
) -> Result<(), LoadError> {
    let text = strip_meta_commands(sql);
    let text = text.as_str();
    let starts = chunks::chunk_starts(text, 0);
    let mut lines = LineCounter::default();
    // Start of the statements not yet parsed, if any.
    let mut pending: Option<usize> = None;
    let flush = |schema: &mut Schema,
                 ctx: &mut Ctx,
                 lines: &mut LineCounter,
                 from: usize,
                 to: usize|
     -> Result<bool, LoadError> {
        let parsed = pg_query::parse(&text[from..to], 0);
        interpret_chunk(schema, text, from, to, parsed, ctx, lines)
    };
    for (k, &from) in starts.iter().enumerate() {
        let to = starts.get(k + 1).copied().unwrap_or(text.len());
        match fast.statement(&text[from..to]) {
            Some(node) => {
                if let Some(p) = pending.take() {
                    if flush(schema, ctx, &mut lines, p, from)? {
                        return Ok(());
                    }
                }
                interpret_one(schema, text, from, &node, ctx, &mut lines)?;
            }
            None => {
                let p = *pending.get_or_insert(from);
                if to - p >= chunks::CHUNK_BYTES && to < text.len() {
                    pending = None;
                    if flush(schema, ctx, &mut lines, p, to)? {
                        return Ok(());
                    }
                }
            }
        }
    }
    if let Some(p) = pending {
        flush(schema, ctx, &mut lines, p, text.len())?;
    }
    Ok(())
}

/// Constraints and indexes are kept sorted by name (as pg_dump prints them), so the order
/// they were written in does not make two equal schemas differ.
fn sort_by_name(t: &mut Table) {
    t.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
    t.check_constraints.sort_by(|a, b| a.name.cmp(&b.name));
    t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    t.exclusion_constraints.sort_by(|a, b| a.name.cmp(&b.name));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
}

/// The largest schema file read when `MIGSMITH_MAX_INPUT_BYTES` is not set: 64 MiB.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 64 << 20;

/// The largest schema file read: `MIGSMITH_MAX_INPUT_BYTES` (bytes, or with a `K`/`M`/`G`
/// suffix for KiB/MiB/GiB), else [`DEFAULT_MAX_INPUT_BYTES`].
pub fn max_input_bytes() -> u64 {
    std::env::var("MIGSMITH_MAX_INPUT_BYTES")
        .ok()
        .and_then(|v| {
            let v = v.trim();
            let (digits, unit) = match v.char_indices().last() {
                Some((i, c)) if c.is_ascii_alphabetic() => (&v[..i], c.to_ascii_uppercase()),
                _ => (v, ' '),
            };
            let n: u64 = digits.trim().parse().ok()?;
            let shift = match unit {
                ' ' => 0,
                'K' => 10,
                'M' => 20,
                'G' => 30,
                _ => return None,
            };
            n.checked_mul(1 << shift)
        })
        .unwrap_or(DEFAULT_MAX_INPUT_BYTES)
}

/// Read a schema file (dump, migration, `schema.rb`, `schema.prisma`) as text. A file larger
/// than [`max_input_bytes`], binary (a NUL byte) or not UTF-8 is a clear error, never read
/// whole into memory beyond the limit.
pub fn read_source(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let origin = path.display().to_string();
    let fail = |message: String| LoadError {
        origin: origin.clone(),
        line: 0,
        message,
    };
    let limit = max_input_bytes();
    let too_big = |size: u64| {
        fail(format!(
            "the file is {}, larger than the {} limit for a schema file (set MIGSMITH_MAX_INPUT_BYTES to raise it)",
            human_bytes(size),
            human_bytes(limit)
        ))
    };
    let file = std::fs::File::open(path).map_err(|e| fail(format!("cannot read file: {e}")))?;
    if let Ok(meta) = file.metadata() {
        if meta.is_file() && meta.len() > limit {
            return Err(too_big(meta.len()));
        }
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot read file: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(fail(format!(
            "the file is binary, not a text schema (a NUL byte at byte {at})"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "the file is not UTF-8 text (an invalid byte sequence at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// `100.0 MiB`, `512 bytes`.
fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 => format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} bytes"),
    }
}

/// Load a schema dump file.
pub fn load_file(path: &Path) -> Result<Schema, LoadError> {
    let text = read_source(path)?;
    let origin = path.display().to_string();
    if path.extension().is_some_and(|e| e == "rb") {
        return super::rails_schema::load(&text, &origin);
    }
    if super::mysql::looks_like_mysql(&text) {
        return Ok(super::mysql::load_str(&text, &origin));
    }
    load_str(&text, &origin)
}

/// Replay the `*.up.sql` files of a migrations directory in file-name order (or, when there
/// are none, its plain `*.sql` files other than `*.down.sql`). A missing directory is an
/// empty history.
pub fn load_migrations_dir(dir: &Path) -> Result<(Schema, Vec<PathBuf>), LoadError> {
    if !dir.is_dir() {
        return Ok((Schema::default(), Vec::new()));
    }
    let io_err = |e: std::io::Error| LoadError {
        origin: dir.display().to_string(),
        line: 0,
        message: format!("cannot read directory: {e}"),
    };
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_err)? {
        let path = entry.map_err(io_err)?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    let name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let ups: Vec<PathBuf> = files
        .iter()
        .filter(|p| name(p).ends_with(".up.sql"))
        .cloned()
        .collect();
    let mut chosen = if ups.is_empty() {
        files
            .into_iter()
            .filter(|p| {
                let n = name(p);
                n.ends_with(".sql") && !n.ends_with(".down.sql")
            })
            .collect()
    } else {
        ups
    };
    chosen.sort_by(|a, b| {
        a.file_name()
            .map(|n| n.as_encoded_bytes().to_vec())
            .cmp(&b.file_name().map(|n| n.as_encoded_bytes().to_vec()))
    });
    let mut interpreter = Interpreter::new(Schema::default());
    for path in &chosen {
        let origin = path.display().to_string();
        let text = read_source(path)?;
        interpreter.apply(&text, &origin)?;
    }
    Ok((interpreter.into_schema(), chosen))
}

/// Where a statement is, and the session state that outlives one statement.
pub(crate) struct Ctx<'a> {
    pub origin: &'a str,
    pub line: usize,
    /// `SET search_path`: where unqualified names are looked up (first one: where they are
    /// created).
    pub search_path: Vec<String>,
    /// Name lookups that outlive the statement (and the file, in an [`Interpreter`]).
    pub lookup: &'a RefCell<Lookup>,
    /// Function bodies seen so far (see [`Interpreter`]).
    pub functions: &'a RefCell<Vec<(String, String)>>,
}

impl Ctx<'_> {
    /// An error at the current statement.
    pub fn err(&self, message: impl Into<String>) -> LoadError {
        LoadError {
            origin: self.origin.to_string(),
            line: self.line,
            message: message.into(),
        }
    }

    /// The schema unqualified names are created in.
    pub fn default_schema(&self) -> &str {
        self.search_path
            .first()
            .map(String::as_str)
            .unwrap_or("public")
    }

    /// The key for a `RangeVar`: the first schema of the search path where it exists, else
    /// the default schema.
    pub fn resolve(&self, schema: &Schema, rv: &RangeVar) -> String {
        if !rv.schemaname.is_empty() {
            return names::key(&rv.schemaname, &rv.relname);
        }
        self.resolve_name(schema, &rv.relname)
    }

    /// [`Ctx::resolve`] for an unqualified table name.
    pub fn resolve_name(&self, schema: &Schema, name: &str) -> String {
        self.search_path
            .iter()
            .map(|s| names::key(s, name))
            .find(|k| schema.tables.contains_key(k))
            .unwrap_or_else(|| names::key(self.default_schema(), name))
    }

    /// The key for a dotted name list (`[schema.]name`), resolved like [`Ctx::resolve`].
    pub fn resolve_names(&self, schema: &Schema, parts: &[String]) -> Option<String> {
        match parts {
            [name] => Some(self.resolve_name(schema, name)),
            _ => names::names_key(parts, self.default_schema()),
        }
    }

    /// Record a note about a skipped statement.
    pub fn note(&self, schema: &mut Schema, what: impl std::fmt::Display) {
        schema.notes.push(format!("{what} (line {})", self.line));
    }

    /// Whether `key` is a relation the loader saw and deliberately does not model (a view, a
    /// materialized view, `CREATE TABLE … AS`): statements about it are noted, not errors.
    pub fn unmodelled(&self, schema: &Schema, key: &str) -> bool {
        self.lookup.borrow_mut().unmodelled(schema, key)
    }

    /// The table under `key` may change its names (or appear, or go): see [`Lookup::touch`].
    pub fn touch(&self, key: &str) {
        self.lookup.borrow_mut().touch(key);
    }

    /// Whether a relation (table, index, key index, sequence) of schema `ns` is called `n`.
    pub fn relation_taken(&self, schema: &Schema, ns: &str, n: &str) -> bool {
        self.lookup.borrow_mut().relation_taken(schema, ns, n)
    }

    /// Whether a constraint of schema `ns` is called `n`.
    pub fn constraint_taken(&self, schema: &Schema, ns: &str, n: &str) -> bool {
        self.lookup.borrow_mut().constraint_taken(schema, ns, n)
    }

    /// Keys of the tables holding a relation called `n` in schema `ns`.
    pub fn relation_owners(&self, schema: &Schema, ns: &str, n: &str) -> Vec<String> {
        self.lookup.borrow_mut().relation_owners(schema, ns, n)
    }

    /// `(table key, column)` of the serial columns drawing from sequence `seq`.
    pub fn sequence_users(&self, schema: &Schema, seq: &str) -> Vec<(String, String)> {
        self.lookup.borrow_mut().sequence_users(schema, seq)
    }

    /// The domains recorded so far (type spelling → base type).
    pub fn domains(&self, schema: &Schema) -> Domains {
        self.lookup.borrow_mut().domains(schema)
    }

    /// "table x does not exist" with suggestions.
    pub fn no_table(&self, schema: &Schema, key: &str) -> LoadError {
        let mut msg = format!("table \"{key}\" does not exist");
        let close = did_you_mean(key, schema.tables.keys().map(String::as_str));
        if !close.is_empty() {
            msg.push_str(&format!(" (did you mean {}?)", close.join(", ")));
        }
        self.err(msg)
    }
}

/// The table under `key`, or an error naming it.
pub(crate) fn table_mut<'s>(
    schema: &'s mut Schema,
    key: &str,
    ctx: &Ctx,
) -> Result<&'s mut Table, LoadError> {
    if !schema.tables.contains_key(key) {
        return Err(ctx.no_table(schema, key));
    }
    ctx.touch(key);
    Ok(schema.tables.get_mut(key).expect("checked"))
}

/// Interpret one statement.
fn apply_stmt(schema: &mut Schema, node: &NodeEnum, ctx: &mut Ctx) -> Result<(), LoadError> {
    match node {
        NodeEnum::CreateStmt(s) => create::create_table(schema, s, ctx),
        NodeEnum::AlterTableStmt(s) => alter::alter_table(schema, s, ctx),
        NodeEnum::RenameStmt(s) => rename::rename(schema, s, ctx),
        NodeEnum::AlterObjectSchemaStmt(s) => rename::set_schema(schema, s, ctx),
        NodeEnum::IndexStmt(s) => index::create_index(schema, s, ctx),
        NodeEnum::DropStmt(s) => objects::drop(schema, s, ctx),
        NodeEnum::CreateEnumStmt(s) => objects::create_enum(schema, s, ctx),
        NodeEnum::AlterEnumStmt(s) => objects::alter_enum(schema, s, ctx),
        NodeEnum::CommentStmt(s) => objects::comment(schema, s, ctx),
        NodeEnum::CreateDomainStmt(s) => objects::create_domain(schema, s, ctx),
        NodeEnum::CreateSeqStmt(s) => objects::create_sequence(schema, s, ctx),
        NodeEnum::AlterSeqStmt(s) => objects::alter_sequence(schema, s, ctx),
        NodeEnum::VariableSetStmt(s) => {
            if s.name == "search_path" {
                let path = string_constants(&s.args);
                set_search_path(ctx, &path.join(","));
            }
            Ok(())
        }
        NodeEnum::SelectStmt(s) => {
            if let Some(path) = set_config_search_path(s) {
                set_search_path(ctx, &path);
            } else if !is_set_config(s) {
                ctx.note(schema, "ignored SELECT (data statement)");
            }
            Ok(())
        }
        other => {
            deps::record(schema, other, ctx);
            if let Some(f) = deps::function_body(other, ctx) {
                // CREATE OR REPLACE FUNCTION: the last body counts.
                let mut functions = ctx.functions.borrow_mut();
                functions.retain(|(k, _)| *k != f.0);
                functions.push(f);
            }
            if let Some(what) = notes::describe_ignored(other, ctx.default_schema()) {
                ctx.note(schema, format!("ignored {what}"));
            }
            Ok(())
        }
    }
}

/// `SET search_path = a, b` or `set_config('search_path', 'a, b', …)`: `$user`, `pg_catalog`
/// and empty entries are dropped; an empty path means everything is qualified (`public`
/// is then assumed for unqualified names).
fn set_search_path(ctx: &mut Ctx, value: &str) {
    let path: Vec<String> = value
        .split(',')
        .map(|p| p.trim().trim_matches('"').to_string())
        .filter(|p| !p.is_empty() && p != "$user" && p != "pg_catalog")
        .collect();
    ctx.search_path = if path.is_empty() {
        vec!["public".to_string()]
    } else {
        path
    };
}

fn set_config_call(s: &pg_query::protobuf::SelectStmt) -> Option<&pg_query::protobuf::FuncCall> {
    if s.target_list.len() != 1 || !s.from_clause.is_empty() {
        return None;
    }
    let Some(NodeEnum::ResTarget(rt)) = s.target_list[0].node.as_ref() else {
        return None;
    };
    match rt.val.as_ref().and_then(|v| v.node.as_ref()) {
        Some(NodeEnum::FuncCall(f))
            if names::strings(&f.funcname).last().map(String::as_str) == Some("set_config") =>
        {
            Some(f)
        }
        _ => None,
    }
}

fn is_set_config(s: &pg_query::protobuf::SelectStmt) -> bool {
    set_config_call(s).is_some()
}

/// The string constants among `args` (`SET search_path = a, b`, `set_config('x', 'y', …)`).
fn string_constants(args: &[pg_query::protobuf::Node]) -> Vec<String> {
    args.iter()
        .filter_map(|a| match a.node.as_ref() {
            Some(NodeEnum::AConst(c)) => match &c.val {
                Some(pg_query::protobuf::a_const::Val::Sval(v)) => Some(v.sval.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn set_config_search_path(s: &pg_query::protobuf::SelectStmt) -> Option<String> {
    let f = set_config_call(s)?;
    let strs = string_constants(&f.args);
    match strs.as_slice() {
        [name, value, ..] if name == "search_path" => Some(value.clone()),
        _ => None,
    }
}
