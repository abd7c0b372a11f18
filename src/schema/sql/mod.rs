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
//! Constraints and indexes are kept sorted by name, as pg_dump prints them.
//!
//! Submodules: `names` (keys and generated names), `expr` and `coerce` (expressions in stored
//! form), `create` (CREATE TABLE), `constraints` (keys, checks, foreign keys), `alter` (ALTER
//! TABLE), `rename` (renames, SET SCHEMA), `index` (indexes), `objects` (enums, comments,
//! sequences, DROP).

mod alter;
mod coerce;
mod constraints;
mod create;
mod expr;
mod index;
mod names;
mod objects;
mod rename;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_alter;
#[cfg(test)]
mod tests_expr;

pub use expr::{canonical_stored_expr, stored_default};

use super::{did_you_mean, Schema, Table};
use crate::dialect::postgres::error_text;
use pg_query::protobuf::RangeVar;
use pg_query::NodeEnum;
use std::path::{Path, PathBuf};

/// A schema file or migration that could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct LoadError {
    /// File path (or `<input>`).
    pub origin: String,
    /// 1-based line of the statement that failed (0 when unknown).
    pub line: usize,
    pub message: String,
}

/// Load a schema from SQL text (a `pg_dump --schema-only` file or any DDL script).
pub fn load_str(sql: &str, origin: &str) -> Result<Schema, LoadError> {
    let mut schema = Schema::default();
    apply_str(&mut schema, sql, origin)?;
    Ok(schema)
}

/// Apply DDL statements to an existing schema model.
pub fn apply_str(schema: &mut Schema, sql: &str, origin: &str) -> Result<(), LoadError> {
    let text = strip_meta_commands(sql);
    let parsed = match pg_query::parse(&text, 0) {
        Ok(p) => p,
        Err(e) => return Err(locate_syntax_error(&text, origin, &e)),
    };
    let mut ctx = Ctx {
        origin,
        line: 0,
        search_path: vec!["public".to_string()],
    };
    let mut lines = LineCounter::default();
    for raw in &parsed.protobuf.stmts {
        let start = usize::try_from(raw.stmt_location).unwrap_or(0);
        ctx.line = lines.line_of(&text, start);
        let Some(node) = raw.stmt.as_ref().and_then(|s| s.node.as_ref()) else {
            continue;
        };
        apply_stmt(schema, node, &mut ctx)?;
    }
    for t in schema.tables.values_mut() {
        sort_by_name(t);
    }
    Ok(())
}

/// Constraints and indexes are kept sorted by name (as pg_dump prints them), so the order
/// they were written in does not make two equal schemas differ.
fn sort_by_name(t: &mut Table) {
    t.unique_constraints.sort_by(|a, b| a.name.cmp(&b.name));
    t.check_constraints.sort_by(|a, b| a.name.cmp(&b.name));
    t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
}

/// Load a schema dump file.
pub fn load_file(path: &Path) -> Result<Schema, LoadError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        origin: origin.clone(),
        line: 0,
        message: format!("cannot read file: {e}"),
    })?;
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
    let mut schema = Schema::default();
    for path in &chosen {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| LoadError {
            origin: origin.clone(),
            line: 0,
            message: format!("cannot read file: {e}"),
        })?;
        apply_str(&mut schema, &text, &origin)?;
    }
    Ok((schema, chosen))
}

/// Where a statement is, and the session state that outlives one statement.
pub(crate) struct Ctx<'a> {
    pub origin: &'a str,
    pub line: usize,
    /// `SET search_path`: where unqualified names are looked up (first one: where they are
    /// created).
    pub search_path: Vec<String>,
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
        [
            "CREATE VIEW",
            "CREATE MATERIALIZED VIEW",
            "CREATE TABLE … AS",
        ]
        .iter()
        .any(|kind| {
            let prefix = format!("ignored {kind} {key} (");
            schema.notes.iter().any(|n| n.starts_with(&prefix))
        })
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
    Ok(schema.tables.get_mut(key).expect("checked"))
}

/// Lines starting with a backslash are psql meta-commands (`\restrict`, `\connect`): blank
/// them out, keeping line numbers.
fn strip_meta_commands(sql: &str) -> String {
    sql.split_inclusive('\n')
        .map(|line| {
            if line.trim_start().starts_with('\\') {
                if line.ends_with('\n') {
                    "\n"
                } else {
                    ""
                }
            } else {
                line
            }
        })
        .collect()
}

/// [`line_of`] for increasing offsets, counting each newline once.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: usize,
}

impl LineCounter {
    fn line_of(&mut self, text: &str, start: usize) -> usize {
        let first = first_token(text, start);
        if first >= self.offset {
            self.newlines += text.as_bytes()[self.offset..first]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.offset = first;
            self.newlines + 1
        } else {
            line_of(text, start)
        }
    }
}

/// 1-based line of the first token at or after byte `start` (skipping blanks, empty
/// statements and comments).
fn line_of(text: &str, start: usize) -> usize {
    let first = first_token(text, start);
    text.as_bytes()[..first]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Byte offset of the first token at or after `start`.
fn first_token(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start.min(bytes.len());
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b';') {
            i += 1;
        }
        if bytes[i..].starts_with(b"--") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < bytes.len() {
                if bytes[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if bytes[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else {
            break;
        }
    }
    i
}

/// A syntax error: find the statement (and within it the token) PostgreSQL stumbled on by
/// re-parsing statement by statement, then token prefixes of the failing statement. When the
/// text cannot even be split into statements (an unterminated literal), the first line
/// prefix that fails the same way is taken.
fn locate_syntax_error(text: &str, origin: &str, e: &pg_query::Error) -> LoadError {
    let message = error_text(e);
    let line = match pg_query::split_with_scanner(text) {
        Ok(stmts) => {
            let base = text.as_ptr() as usize;
            let mut pieces: Vec<(usize, &str)> = stmts
                .iter()
                .map(|s| (s.as_ptr() as usize - base, *s))
                .collect();
            // The splitter drops a last statement that has no semicolon.
            let end = pieces.last().map_or(0, |(o, s)| o + s.len());
            pieces.push((end, &text[end..]));
            pieces
                .into_iter()
                .find(|(_, stmt)| pg_query::parse(stmt, 0).is_err())
                .map_or(0, |(offset, stmt)| failing_token_line(text, offset, stmt))
        }
        Err(_) => failing_line_prefix(text, &message),
    };
    LoadError {
        origin: origin.to_string(),
        line,
        message: if message.starts_with("syntax error") {
            message
        } else {
            format!("syntax error: {message}")
        },
    }
}

/// The line of the token a failing statement breaks at (its first line when it just ends
/// too early).
fn failing_token_line(text: &str, offset: usize, stmt: &str) -> usize {
    let mut line = line_of(text, offset);
    if let Ok(scan) = pg_query::scan(stmt) {
        let ends: Vec<usize> = scan.tokens.iter().map(|t| t.end as usize).collect();
        let fails_at = |k: usize| match pg_query::parse(&stmt[..ends[k]], 0) {
            Ok(_) => false,
            Err(err) => !error_text(&err).contains("at end of input"),
        };
        let (mut lo, mut hi) = (0, ends.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if fails_at(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if let Some(tok) = scan.tokens.get(lo) {
            line = line_of(text, offset + tok.start as usize);
        }
    }
    line
}

/// The first line whose prefix of the text fails with the same kind of error.
fn failing_line_prefix(text: &str, message: &str) -> usize {
    let kind = |m: &str| m.split(" at or near ").next().unwrap_or(m).to_string();
    let want = kind(message);
    let ends: Vec<usize> = text
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(text.len()))
        .collect();
    let fails = |k: usize| match pg_query::parse(&text[..ends[k]], 0) {
        Ok(_) => false,
        Err(err) => kind(&error_text(&err)) == want,
    };
    let (mut lo, mut hi) = (0, ends.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if fails(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    if lo < ends.len() {
        lo + 1
    } else {
        0
    }
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
                let path: Vec<String> = s
                    .args
                    .iter()
                    .filter_map(|a| match a.node.as_ref() {
                        Some(NodeEnum::AConst(c)) => match &c.val {
                            Some(pg_query::protobuf::a_const::Val::Sval(v)) => Some(v.sval.clone()),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect();
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
            if let Some(what) = describe_ignored(other, ctx.default_schema()) {
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

fn set_config_search_path(s: &pg_query::protobuf::SelectStmt) -> Option<String> {
    let f = set_config_call(s)?;
    let strs: Vec<String> = f
        .args
        .iter()
        .filter_map(|a| match a.node.as_ref() {
            Some(NodeEnum::AConst(c)) => match &c.val {
                Some(pg_query::protobuf::a_const::Val::Sval(v)) => Some(v.sval.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    match strs.as_slice() {
        [name, value, ..] if name == "search_path" => Some(value.clone()),
        _ => None,
    }
}

/// A relation's key (as in [`Schema::tables`]) from its `RangeVar`.
fn rv_key(rv: Option<&RangeVar>, default_schema: &str) -> String {
    rv.map(|r| {
        let ns = if r.schemaname.is_empty() {
            default_schema
        } else {
            &r.schemaname
        };
        names::key(ns, &r.relname)
    })
    .unwrap_or_default()
}

fn rv_name(rv: Option<&RangeVar>) -> String {
    rv.map(|r| {
        if r.schemaname.is_empty() {
            r.relname.clone()
        } else {
            format!("{}.{}", r.schemaname, r.relname)
        }
    })
    .unwrap_or_default()
}

/// A short description of a statement that is not modelled, or `None` for session noise
/// that is skipped without a note.
fn describe_ignored(node: &NodeEnum, default_schema: &str) -> Option<String> {
    let dotted = |nodes: &[pg_query::protobuf::Node]| names::strings(nodes).join(".");
    Some(match node {
        NodeEnum::TransactionStmt(_)
        | NodeEnum::VariableShowStmt(_)
        | NodeEnum::AlterOwnerStmt(_)
        | NodeEnum::GrantStmt(_)
        | NodeEnum::GrantRoleStmt(_)
        | NodeEnum::AlterDefaultPrivilegesStmt(_)
        | NodeEnum::CheckPointStmt(_)
        | NodeEnum::DiscardStmt(_)
        | NodeEnum::LockStmt(_) => return None,
        NodeEnum::CreateFunctionStmt(f) => format!(
            "CREATE {} {}",
            if f.is_procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            },
            dotted(&f.funcname)
        ),
        NodeEnum::CreateTrigStmt(t) => format!(
            "CREATE TRIGGER {} ON {}",
            t.trigname,
            rv_name(t.relation.as_ref())
        ),
        NodeEnum::ViewStmt(v) => format!("CREATE VIEW {}", rv_key(v.view.as_ref(), default_schema)),
        NodeEnum::CreateTableAsStmt(c) => format!(
            "{} {}",
            if c.objtype == pg_query::protobuf::ObjectType::ObjectMatview as i32 {
                "CREATE MATERIALIZED VIEW"
            } else {
                "CREATE TABLE … AS"
            },
            rv_key(c.into.as_ref().and_then(|i| i.rel.as_ref()), default_schema)
        ),
        NodeEnum::CreateExtensionStmt(e) => format!("CREATE EXTENSION {}", e.extname),
        NodeEnum::CreateSchemaStmt(s) => format!("CREATE SCHEMA {}", s.schemaname),
        NodeEnum::CompositeTypeStmt(c) => {
            format!("CREATE TYPE {} (composite)", rv_name(c.typevar.as_ref()))
        }
        NodeEnum::CreateRangeStmt(r) => format!("CREATE TYPE {} (range)", dotted(&r.type_name)),
        NodeEnum::DefineStmt(_) => "CREATE AGGREGATE/OPERATOR/TYPE".to_string(),
        NodeEnum::RuleStmt(r) => format!("CREATE RULE {}", r.rulename),
        NodeEnum::CreatePolicyStmt(p) => format!("CREATE POLICY {}", p.policy_name),
        NodeEnum::DoStmt(_) => "DO block".to_string(),
        NodeEnum::InsertStmt(i) => format!(
            "INSERT INTO {} (data statement)",
            rv_name(i.relation.as_ref())
        ),
        NodeEnum::UpdateStmt(u) => {
            format!("UPDATE {} (data statement)", rv_name(u.relation.as_ref()))
        }
        NodeEnum::DeleteStmt(d) => format!(
            "DELETE FROM {} (data statement)",
            rv_name(d.relation.as_ref())
        ),
        NodeEnum::CopyStmt(c) => format!("COPY {} (data statement)", rv_name(c.relation.as_ref())),
        NodeEnum::MergeStmt(_) => "MERGE (data statement)".to_string(),
        NodeEnum::TruncateStmt(_) => "TRUNCATE (data statement)".to_string(),
        NodeEnum::CommentStmt(_) => "COMMENT".to_string(),
        NodeEnum::CreateStatsStmt(_) => "CREATE STATISTICS".to_string(),
        NodeEnum::CreatePublicationStmt(_) => "CREATE PUBLICATION".to_string(),
        NodeEnum::CreateEventTrigStmt(e) => format!("CREATE EVENT TRIGGER {}", e.trigname),
        NodeEnum::AlterFunctionStmt(_) => "ALTER FUNCTION".to_string(),
        NodeEnum::AlterDomainStmt(_) => "ALTER DOMAIN".to_string(),
        NodeEnum::AlterExtensionStmt(_) => "ALTER EXTENSION".to_string(),
        NodeEnum::ClusterStmt(_) => "CLUSTER".to_string(),
        NodeEnum::VacuumStmt(_) => "VACUUM/ANALYZE".to_string(),
        NodeEnum::ReindexStmt(_) => "REINDEX".to_string(),
        NodeEnum::RefreshMatViewStmt(_) => "REFRESH MATERIALIZED VIEW".to_string(),
        other => {
            let debug = format!("{other:?}");
            let kind = debug.split(['(', ' ', '{']).next().unwrap_or("statement");
            words(kind.trim_end_matches("Stmt"))
        }
    })
}

/// `AttachPartition` → `ATTACH PARTITION` (for notes about parse-tree node kinds).
pub(crate) fn words(camel: &str) -> String {
    let mut out = String::new();
    for (i, ch) in camel.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}
