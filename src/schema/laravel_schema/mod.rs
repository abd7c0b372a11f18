//! Laravel's `database/migrations/*.php` replayed statically: the `up()` method of each file, in
//! file name order, read for the schema builder's common calls (`Schema::create` / `table` /
//! `drop` / `dropIfExists` / `rename`, the Blueprint's column types, modifiers and index,
//! key and drop commands, `DB::statement` with a literal SQL string) and translated to the
//! PostgreSQL DDL Laravel's pgsql grammar runs for them (`string` → `varchar(255)`, `id` →
//! `bigserial` primary key, `timestamp` → `timestamp(0) without time zone`, `unique` → a
//! `<table>_<cols>_unique` constraint, `index` → `<table>_<cols>_index`, `foreign` →
//! `<table>_<cols>_foreign`), each statement replayed by the DDL interpreter. PHP is not run:
//! both branches of an `if` are read, and every call migsmith does not know, or whose SQL the
//! interpreter refuses, becomes a note (never an error). A `database/schema/pgsql-schema.sql`
//! (`php artisan schema:dump`) is read first, and the migrations it lists are skipped.
//! Read-only.

use super::sql::{Interpreter, LoadError};
use super::Schema;
use std::path::{Path, PathBuf};

mod blueprint;
mod php;

use blueprint::*;
use php::*;

/// Replay a Laravel project's migrations directory (and its schema dump, if any).
pub fn replay_dir(dir: &Path) -> Result<(Schema, Vec<PathBuf>), LoadError> {
    let io = |p: &Path, e: std::io::Error| LoadError {
        origin: p.display().to_string(),
        line: 0,
        message: format!("cannot read: {e}"),
    };
    let mut it = Interpreter::new(Schema::default());
    let mut used = vec![];
    let mut notes = vec![];
    let mut done: Vec<String> = vec![];
    let dump_dir = dir.parent().unwrap_or(dir).join("schema");
    for name in ["pgsql-schema.sql", "mysql-schema.sql", "sqlite-schema.sql"] {
        let p = dump_dir.join(name);
        if !p.is_file() {
            continue;
        }
        if name != "pgsql-schema.sql" {
            notes.push(format!("{}: not read (not a PostgreSQL dump)", p.display()));
            continue;
        }
        let text = std::fs::read_to_string(&p).map_err(|e| io(&p, e))?;
        it.apply(&text, &p.display().to_string())?;
        done = dumped_migrations(&text);
        used.push(p);
    }
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(es) => es
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "php"))
            .collect(),
        Err(_) => vec![],
    };
    // Laravel sorts by file name (basename), which starts with the timestamp.
    files.sort_by_key(|p| p.file_name().map(|n| n.to_os_string()));
    for p in files {
        let stem = p
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if done.contains(&stem) {
            continue;
        }
        let text = std::fs::read_to_string(&p).map_err(|e| io(&p, e))?;
        let origin = p.display().to_string();
        for (line, stmt) in translate(&text, &mut |line, note| {
            notes.push(format!("{origin}:{line}: {note}"))
        }) {
            if let Err(e) = it.apply(&stmt, &origin) {
                notes.push(format!("{origin}:{line}: skipped ({}): {stmt}", e.message));
            }
        }
        used.push(p);
    }
    let mut schema = it.into_schema();
    schema.notes.extend(notes);
    Ok((schema, used))
}

/// Migration names a schema dump records as run (`INSERT INTO public.migrations VALUES (1, 'name', 1)`).
fn dumped_migrations(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("INSERT INTO") && l.contains("migrations"))
        .filter_map(|l| l.split('\'').nth(1).map(str::to_string))
        .collect()
}

/// The translation of a migration file: (line, SQL statement) in order; notes through `note`.
pub fn translate(src: &str, note: &mut dyn FnMut(usize, String)) -> Vec<(usize, String)> {
    let code = substitute_variables(&other_drivers_blanked(&strip_comments(src)));
    let b = code.as_bytes();
    let line_at = |pos: usize| code[..pos.min(code.len())].matches('\n').count() + 1;
    // Only the `up()` method runs on `migrate`.
    let (from, to) = match code.find("function up") {
        Some(at) => match code[at..].find('{').map(|o| at + o) {
            Some(open) => (open, closing(b, open).unwrap_or(b.len())),
            None => (0, b.len()),
        },
        None => (0, b.len()),
    };
    let mut out = vec![];
    let mut j = from;
    while j < to {
        match b[j] {
            b'\'' | b'"' => {
                j = string_end(b, j);
                continue;
            }
            _ => {}
        }
        let rest = &code[j..to];
        let facade = ["Schema::", "DB::"].into_iter().find(|f| {
            rest.starts_with(f)
                && (j == 0 || !(b[j - 1].is_ascii_alphanumeric() || b[j - 1] == b'_'))
        });
        let Some(facade) = facade else {
            j += 1;
            continue;
        };
        let line = line_at(j);
        let name_start = j + facade.len();
        let mut k = name_start;
        while k < to && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
            k += 1;
        }
        let method = &code[name_start..k];
        if b.get(k) != Some(&b'(') {
            j = k;
            continue;
        }
        let Some(end) = closing(b, k) else { break };
        let inner = &code[k + 1..end];
        let args = split_args(inner);
        j = end + 1;
        let table = args.first().map(|a| lit(a));
        match (facade, method) {
            ("Schema::", "create" | "table") => {
                let Some(Lit::Str(t)) = table else {
                    note(
                        line,
                        format!("Schema::{method} with a computed table name: not read"),
                    );
                    continue;
                };
                let Some(closure) = args.get(1) else { continue };
                let body_line = line_at(k + 1 + inner.find(closure).unwrap_or(0));
                let mut bp = Blueprint::new(&t, method == "create");
                bp.read(closure, body_line, note);
                out.extend(bp.finish(line));
            }
            ("Schema::", "drop" | "dropIfExists") => match table {
                Some(Lit::Str(t)) => {
                    let exists = if method == "dropIfExists" {
                        "IF EXISTS "
                    } else {
                        ""
                    };
                    out.push((line, format!("DROP TABLE {exists}{} CASCADE", q(&t))));
                }
                _ => note(line, format!("Schema::{method}({inner}): not read")),
            },
            ("Schema::", "rename") => match (table, args.get(1).map(|a| lit(a))) {
                (Some(Lit::Str(a)), Some(Lit::Str(b))) => {
                    out.push((line, format!("ALTER TABLE {} RENAME TO {}", q(&a), q(&b))))
                }
                _ => note(line, format!("Schema::rename({inner}): not read")),
            },
            (
                "Schema::",
                "hasTable"
                | "hasColumn"
                | "hasColumns"
                | "hasIndex"
                | "getColumnType"
                | "getColumnListing"
                | "getConnection"
                | "connection"
                | "disableForeignKeyConstraints"
                | "enableForeignKeyConstraints"
                | "withoutForeignKeyConstraints"
                | "defaultStringLength",
            ) => {
                // Conditions and connection settings: both branches of a condition are read.
                if method == "withoutForeignKeyConstraints" || method == "connection" {
                    j = k + 1;
                }
            }
            ("DB::", "statement" | "unprepared") => match table {
                Some(Lit::Str(sql)) => out.push((line, sql)),
                _ => note(
                    line,
                    format!("DB::{method} with a computed statement: not read"),
                ),
            },
            (
                "DB::",
                "table" | "raw" | "getDriverName" | "getTablePrefix" | "connection" | "transaction"
                | "select" | "update" | "insert" | "delete" | "query",
            ) => {
                if method == "transaction" || method == "connection" {
                    j = k + 1;
                }
            }
            _ => note(line, format!("{facade}{method}(…): not modelled")),
        }
    }
    out
}

#[cfg(test)]
mod test;
