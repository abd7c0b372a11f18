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

/// Blank out PHP comments (keeping newlines and strings) so scanning sees only code.
fn strip_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' {
            let end = string_end(b, i);
            out.push_str(&src[i..end]);
            i = end;
        } else if b[i..].starts_with(b"//") || (c == b'#' && b.get(i + 1) != Some(&b'[')) {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = src[i + 2..]
                .find("*/")
                .map(|e| i + 4 + e)
                .unwrap_or(b.len());
            out.extend(
                src[i..end]
                    .chars()
                    .map(|c| if c == '\n' { '\n' } else { ' ' }),
            );
            i = end;
        } else {
            let ch = src[i..].chars().next().expect("char");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Blank (keeping newlines) the branches a PostgreSQL connection does not take:
/// `if (DB::getDriverName() === 'mysql') {…}` and the `else {…}` of a `=== 'pgsql'` test.
fn other_drivers_blanked(code: &str) -> String {
    let mut out = code.to_string();
    let b = code.as_bytes();
    let blank = |out: &mut String, from: usize, to: usize| {
        let piece: String = code[from..to]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(from..to, &piece);
    };
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'\'' || b[j] == b'"' {
            j = string_end(b, j);
            continue;
        }
        let word_start = j == 0 || !(b[j - 1].is_ascii_alphanumeric() || b[j - 1] == b'_');
        if !(word_start
            && code[j..].starts_with("if")
            && code[j + 2..].trim_start().starts_with('('))
        {
            j += 1;
            continue;
        }
        let open = j + 2 + (code[j + 2..].len() - code[j + 2..].trim_start().len());
        let Some(close) = closing(b, open) else { break };
        let cond = &code[open + 1..close];
        let taken = driver_test(cond);
        let after = &code[close + 1..];
        let block = close + 1 + (after.len() - after.trim_start().len());
        j = close + 1;
        let (Some(taken), Some(b'{')) = (taken, b.get(block)) else {
            continue;
        };
        let Some(end) = closing(b, block) else { break };
        if !taken {
            blank(&mut out, block + 1, end);
        }
        let rest = &code[end + 1..];
        let trimmed = rest.trim_start();
        if let Some(e) = trimmed.strip_prefix("else") {
            let eopen =
                end + 1 + (rest.len() - trimmed.len()) + 4 + (e.len() - e.trim_start().len());
            if b.get(eopen) == Some(&b'{') {
                if let Some(eend) = closing(b, eopen) {
                    if taken {
                        blank(&mut out, eopen + 1, eend);
                    }
                }
            }
        }
        j = block + 1;
    }
    out
}

/// Whether a condition that compares `DB::getDriverName()` (or `->getDriverName()`) with a
/// literal holds on PostgreSQL; `None` for any other condition.
fn driver_test(cond: &str) -> Option<bool> {
    if !cond.contains("getDriverName()") || cond.contains("&&") || cond.contains("||") {
        return None;
    }
    let (negated, rest) = ["!==", "!=", "===", "=="]
        .iter()
        .find_map(|op| cond.split_once(op).map(|(_, r)| (op.starts_with('!'), r)))?;
    let driver = match lit(rest) {
        Lit::Str(d) => d,
        _ => lit(cond.split(['!', '=']).next().unwrap_or(""))
            .str()?
            .to_string(),
    };
    Some((driver == "pgsql") != negated)
}

/// Local variables holding a literal (`$t = 'pages';`, `$prefix = DB::getTablePrefix();`)
/// put in place where a table name or an interpolation uses them.
fn substitute_variables(code: &str) -> String {
    let mut vars: Vec<(String, String)> = vec![];
    for stmt in code.split(';') {
        let t = stmt.rsplit(['{', '}']).next().unwrap_or("").trim();
        let Some((lhs, rhs)) = t.split_once('=') else {
            continue;
        };
        let lhs = lhs.trim();
        if !lhs.starts_with('$')
            || !lhs[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        let rhs = rhs.trim();
        let value = if rhs == "DB::getTablePrefix()" {
            String::new()
        } else if let Lit::Str(v) = lit(rhs) {
            if rhs.starts_with('"') && v.contains('$') {
                continue;
            }
            v
        } else {
            continue;
        };
        vars.retain(|(n, _)| n != lhs);
        vars.push((lhs.to_string(), value));
    }
    let mut out = code.replace("DB::getTablePrefix()", "''");
    for (name, value) in &vars {
        out = out.replace(&format!("{{{name}}}"), value);
        for call in [
            "create(",
            "table(",
            "drop(",
            "dropIfExists(",
            "rename(",
            "hasTable(",
        ] {
            out = out.replace(
                &format!("Schema::{call}{name},"),
                &format!("Schema::{call}{},", sql_str(value)),
            );
            out = out.replace(
                &format!("Schema::{call}{name})"),
                &format!("Schema::{call}{})", sql_str(value)),
            );
        }
    }
    out
}

/// The index just past the string literal starting at `i`.
fn string_end(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == q {
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// The index of the bracket closing the one at `open`.
fn closing(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut j = open;
    while j < b.len() {
        match b[j] {
            b'\'' | b'"' => {
                j = string_end(b, j);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Split at top-level commas.
fn split_args(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let (mut out, mut start, mut depth, mut j) = (vec![], 0, 0i32, 0);
    while j < b.len() {
        match b[j] {
            b'\'' | b'"' => {
                j = string_end(b, j);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                out.push(s[start..j].trim());
                start = j + 1;
            }
            _ => {}
        }
        j += 1;
    }
    if !s[start..].trim().is_empty() {
        out.push(s[start..].trim());
    }
    out
}

/// A PHP literal argument.
#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    List(Vec<Lit>),
    /// `DB::raw('expr')` / `new Expression('expr')`.
    Raw(String),
    /// Anything else (a variable, a constant, a call), as written.
    Code(String),
}

impl Lit {
    fn str(&self) -> Option<&str> {
        match self {
            Lit::Str(s) => Some(s),
            _ => None,
        }
    }
    fn num(&self) -> Option<u32> {
        match self {
            Lit::Num(n) => n.parse().ok(),
            _ => None,
        }
    }
    /// A column list: `'a'` or `['a', 'b']`.
    fn names(&self) -> Vec<String> {
        match self {
            Lit::Str(s) => vec![s.clone()],
            Lit::List(l) => l
                .iter()
                .filter_map(|x| x.str().map(str::to_string))
                .collect(),
            _ => vec![],
        }
    }
}

fn unescape(s: &str, q: char) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n) if n == q || n == '\\' => out.push(n),
                Some('n') if q == '"' => out.push('\n'),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn lit(s: &str) -> Lit {
    let s = s.trim();
    // Named arguments (`length: 20`) keep only the value.
    let s = match s.split_once(':') {
        Some((k, v))
            if !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !v.starts_with(':') =>
        {
            v.trim()
        }
        _ => s,
    };
    let b = s.as_bytes();
    if b.is_empty() {
        return Lit::Code(String::new());
    }
    if (b[0] == b'\'' || b[0] == b'"') && string_end(b, 0) == b.len() && b.len() >= 2 {
        return Lit::Str(unescape(&s[1..s.len() - 1], b[0] as char));
    }
    if b[0] == b'[' && closing(b, 0) == Some(b.len() - 1) {
        return Lit::List(
            split_args(&s[1..s.len() - 1])
                .into_iter()
                .map(lit)
                .collect(),
        );
    }
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "true" => return Lit::Bool(true),
        "false" => return Lit::Bool(false),
        "null" => return Lit::Null,
        _ => {}
    }
    if s.parse::<f64>().is_ok() {
        return Lit::Num(s.to_string());
    }
    for prefix in [
        "DB::raw(",
        "new Expression(",
        "new \\Illuminate\\Database\\Query\\Expression(",
    ] {
        if let Some(inner) = s.strip_prefix(prefix).and_then(|r| r.strip_suffix(')')) {
            if let Lit::Str(x) = lit(inner) {
                return Lit::Raw(x);
            }
        }
    }
    Lit::Code(s.to_string())
}

/// One `->name(args)` of a chain.
#[derive(Debug)]
struct Call {
    name: String,
    args: Vec<Lit>,
}

/// `->a(x)->b()…` from the start of `s` (after the receiver).
fn chain(s: &str) -> Vec<Call> {
    let b = s.as_bytes();
    let mut out = vec![];
    let mut j = 0;
    loop {
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if !s[j..].starts_with("->") {
            break;
        }
        j += 2;
        let start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        let name = s[start..j].to_string();
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let args = if b.get(j) == Some(&b'(') {
            let Some(end) = closing(b, j) else { break };
            let a = split_args(&s[j + 1..end]).into_iter().map(lit).collect();
            j = end + 1;
            a
        } else {
            // A property (`$table->engine = 'InnoDB'`): not a call.
            out.push(Call {
                name: format!("{name}="),
                args: vec![],
            });
            break;
        };
        out.push(Call { name, args });
    }
    out
}

fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Laravel's default index name: `<table>_<cols>_<type>`, lower case, `-`/`.` → `_`.
fn index_name(table: &str, cols: &[String], kind: &str) -> String {
    format!("{table}_{}_{kind}", cols.join("_"))
        .to_lowercase()
        .replace(['-', '.'], "_")
}

/// `Str::plural` for the common English cases (`user` → `users`, `category` → `categories`).
fn plural(word: &str) -> String {
    if word.ends_with('y')
        && !word.ends_with("ay")
        && !word.ends_with("ey")
        && !word.ends_with("oy")
        && !word.ends_with("uy")
    {
        format!("{}ies", &word[..word.len() - 1])
    } else if word.ends_with('s')
        || word.ends_with('x')
        || word.ends_with("ch")
        || word.ends_with("sh")
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

fn snake(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
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

/// What a `Schema::create` / `Schema::table` closure does.
struct Blueprint {
    table: String,
    create: bool,
    columns: Vec<String>,
    alters: Vec<(usize, String)>,
    commands: Vec<(usize, String)>,
}

/// A column definition being read from a chain.
struct Col {
    name: String,
    ty: String,
    nullable: bool,
    default: Option<String>,
    primary: bool,
    serial: bool,
    check: Option<String>,
    change: bool,
    comment: Option<String>,
}

impl Blueprint {
    fn new(table: &str, create: bool) -> Blueprint {
        Blueprint {
            table: table.to_string(),
            create,
            columns: vec![],
            alters: vec![],
            commands: vec![],
        }
    }

    fn qt(&self) -> String {
        q(&self.table)
    }

    /// Read the closure's `$table->…;` statements (wherever they are, `if`s included).
    fn read(&mut self, closure: &str, first_line: usize, note: &mut dyn FnMut(usize, String)) {
        let var = closure
            .find('$')
            .map(|at| {
                closure[at..]
                    .chars()
                    .take_while(|c| *c == '$' || c.is_ascii_alphanumeric() || *c == '_')
                    .collect::<String>()
            })
            .unwrap_or_else(|| "$table".into());
        let Some(open) = closure.find('{').or_else(|| closure.find("=>")) else {
            return;
        };
        let b = closure.as_bytes();
        let body_end = if b[open] == b'{' {
            closing(b, open).unwrap_or(b.len())
        } else {
            b.len()
        };
        let mut j = open;
        let pat = format!("{var}->");
        while j < body_end {
            if b[j] == b'\'' || b[j] == b'"' {
                j = string_end(b, j);
                continue;
            }
            if !closure[j..].starts_with(&pat) {
                j += 1;
                continue;
            }
            let line = first_line + closure[..j].matches('\n').count();
            let calls = chain(&closure[j + var.len()..body_end]);
            // Skip to the end of the statement.
            let mut k = j + var.len();
            let mut depth = 0i32;
            while k < body_end {
                match b[k] {
                    b'\'' | b'"' => {
                        k = string_end(b, k);
                        continue;
                    }
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth -= 1,
                    b';' if depth <= 0 => break,
                    _ => {}
                }
                k += 1;
            }
            j = k.max(j + 1);
            if !calls.is_empty() {
                self.statement(line, calls, note);
            }
        }
    }

    fn column_sql(&self, c: &Col) -> String {
        let mut s = format!("{} {}", q(&c.name), c.ty);
        if let Some(d) = &c.default {
            s.push_str(&format!(" DEFAULT {d}"));
        }
        if !c.nullable {
            s.push_str(" NOT NULL");
        }
        if c.primary && !self.create {
            s.push_str(" PRIMARY KEY");
        }
        if let Some(ch) = &c.check {
            s.push_str(&format!(" CHECK ({ch})"));
        }
        s
    }

    fn add_column(&mut self, line: usize, c: Col) {
        let t = self.qt();
        if c.change {
            let col = q(&c.name);
            let mut parts = vec![format!("ALTER COLUMN {col} TYPE {}", c.ty)];
            parts.push(format!(
                "ALTER COLUMN {col} {} NOT NULL",
                if c.nullable { "DROP" } else { "SET" }
            ));
            parts.push(match &c.default {
                Some(d) => format!("ALTER COLUMN {col} SET DEFAULT {d}"),
                None => format!("ALTER COLUMN {col} DROP DEFAULT"),
            });
            self.alters
                .push((line, format!("ALTER TABLE {t} {}", parts.join(", "))));
        } else if self.create {
            let mut s = self.column_sql(&c);
            if c.primary {
                s.push_str(" PRIMARY KEY");
            }
            self.columns.push(s);
        } else {
            let s = self.column_sql(&c);
            self.alters
                .push((line, format!("ALTER TABLE {t} ADD COLUMN {s}")));
        }
        if let Some(text) = &c.comment {
            self.commands.push((
                line,
                format!("COMMENT ON COLUMN {t}.{} IS {}", q(&c.name), sql_str(text)),
            ));
        }
    }

    fn fk(&mut self, line: usize, cols: &[String], calls: &[Call], default_on: Option<String>) {
        let mut on = default_on;
        let mut refs = vec!["id".to_string()];
        let mut name = None;
        let (mut del, mut upd) = (None, None);
        for c in calls {
            let a0 = c.args.first();
            match c.name.as_str() {
                "references" => refs = a0.map(Lit::names).unwrap_or_default(),
                "on" | "inTable" => on = a0.and_then(Lit::str).map(str::to_string),
                "constrained" => {
                    if let Some(t) = a0.and_then(Lit::str) {
                        on = Some(t.to_string());
                    }
                    if let Some(col) = c.args.get(1).and_then(Lit::str) {
                        refs = vec![col.to_string()];
                    }
                    if let Some(n) = c.args.get(2).and_then(Lit::str) {
                        name = Some(n.to_string());
                    }
                }
                "onDelete" => del = a0.and_then(Lit::str).map(str::to_uppercase),
                "onUpdate" => upd = a0.and_then(Lit::str).map(str::to_uppercase),
                "cascadeOnDelete" => del = Some("CASCADE".into()),
                "restrictOnDelete" => del = Some("RESTRICT".into()),
                "nullOnDelete" => del = Some("SET NULL".into()),
                "noActionOnDelete" => del = Some("NO ACTION".into()),
                "cascadeOnUpdate" => upd = Some("CASCADE".into()),
                "restrictOnUpdate" => upd = Some("RESTRICT".into()),
                "nullOnUpdate" => upd = Some("SET NULL".into()),
                "noActionOnUpdate" => upd = Some("NO ACTION".into()),
                _ => {}
            }
        }
        let Some(on) = on else { return };
        let name = name.unwrap_or_else(|| index_name(&self.table, cols, "foreign"));
        let list = |v: &[String]| v.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
        let mut sql = format!(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
            self.qt(),
            q(&name),
            list(cols),
            q(&on),
            list(&refs)
        );
        if let Some(d) = del {
            sql.push_str(&format!(" ON DELETE {d}"));
        }
        if let Some(u) = upd {
            sql.push_str(&format!(" ON UPDATE {u}"));
        }
        self.commands.push((line, sql));
    }

    fn index(&mut self, line: usize, kind: &str, cols: &[String], name: Option<&str>) {
        let t = self.qt();
        let name = name
            .map(str::to_string)
            .unwrap_or_else(|| index_name(&self.table, cols, kind));
        let list = cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
        let sql = match kind {
            "unique" => format!(
                "ALTER TABLE {t} ADD CONSTRAINT {} UNIQUE ({list})",
                q(&name)
            ),
            "primary" => format!("ALTER TABLE {t} ADD PRIMARY KEY ({list})"),
            _ => format!("CREATE INDEX {} ON {t} ({list})", q(&name)),
        };
        self.commands.push((line, sql));
    }

    fn drop_index(&mut self, line: usize, kind: &str, arg: Option<&Lit>) {
        let t = self.qt();
        let name = match arg {
            Some(Lit::Str(n)) => n.clone(),
            Some(Lit::List(_)) => index_name(&self.table, &arg.expect("arg").names(), kind),
            None if kind == "primary" => format!("{}_pkey", self.table),
            _ => return,
        };
        let sql = match kind {
            "index" | "fulltext" => format!("DROP INDEX {}", q(&name)),
            "primary" => format!(
                "ALTER TABLE {t} DROP CONSTRAINT {}",
                q(&format!("{}_pkey", self.table))
            ),
            _ => format!("ALTER TABLE {t} DROP CONSTRAINT {}", q(&name)),
        };
        self.commands.push((line, sql));
    }

    fn drop_columns(&mut self, line: usize, cols: &[String]) {
        let t = self.qt();
        let parts: Vec<String> = cols
            .iter()
            .map(|c| format!("DROP COLUMN {}", q(c)))
            .collect();
        if !parts.is_empty() {
            self.commands
                .push((line, format!("ALTER TABLE {t} {}", parts.join(", "))));
        }
    }

    /// One `$table->…` statement.
    fn statement(&mut self, line: usize, calls: Vec<Call>, note: &mut dyn FnMut(usize, String)) {
        let first = &calls[0];
        let a = &first.args;
        let s0 = a.first().and_then(Lit::str).map(str::to_string);
        let names0 = a.first().map(Lit::names).unwrap_or_default();
        let name1 = a.get(1).and_then(Lit::str);
        let m = first.name.as_str();
        let mods = &calls[1..];
        let ts = |n: usize| -> String {
            let p = a.get(n).and_then(Lit::num).unwrap_or(0);
            format!("timestamp({p}) without time zone")
        };
        let tstz = |n: usize| -> String {
            let p = a.get(n).and_then(Lit::num).unwrap_or(0);
            format!("timestamp({p}) with time zone")
        };
        // Types by column method (the pgsql grammar's).
        let ty: Option<String> = match m {
            "id" | "bigIncrements" => Some("bigserial".into()),
            "increments" | "integerIncrements" | "mediumIncrements" => Some("serial".into()),
            "smallIncrements" | "tinyIncrements" => Some("smallserial".into()),
            "string" => Some(format!(
                "varchar({})",
                a.get(1).and_then(Lit::num).unwrap_or(255)
            )),
            "char" => Some(format!(
                "char({})",
                a.get(1).and_then(Lit::num).unwrap_or(255)
            )),
            "text" | "mediumText" | "longText" => Some("text".into()),
            "tinyText" => Some("varchar(255)".into()),
            "integer" | "unsignedInteger" | "mediumInteger" | "unsignedMediumInteger" => Some(
                if a.get(1) == Some(&Lit::Bool(true)) {
                    "serial"
                } else {
                    "integer"
                }
                .into(),
            ),
            "bigInteger" | "unsignedBigInteger" | "foreignId" => Some(
                if a.get(1) == Some(&Lit::Bool(true)) {
                    "bigserial"
                } else {
                    "bigint"
                }
                .into(),
            ),
            "smallInteger" | "unsignedSmallInteger" | "tinyInteger" | "unsignedTinyInteger" => {
                Some("smallint".into())
            }
            "boolean" => Some("boolean".into()),
            "timestamp" | "dateTime" => Some(ts(1)),
            "timestampTz" | "dateTimeTz" => Some(tstz(1)),
            "time" => Some(format!(
                "time({}) without time zone",
                a.get(1).and_then(Lit::num).unwrap_or(0)
            )),
            "timeTz" => Some(format!(
                "time({}) with time zone",
                a.get(1).and_then(Lit::num).unwrap_or(0)
            )),
            "date" => Some("date".into()),
            "year" => Some("integer".into()),
            "decimal" | "unsignedDecimal" => Some(format!(
                "numeric({}, {})",
                a.get(1).and_then(Lit::num).unwrap_or(8),
                a.get(2).and_then(Lit::num).unwrap_or(2)
            )),
            "float" => Some(match a.get(1).and_then(Lit::num) {
                Some(p) if p != 53 => format!("float({p})"),
                _ => "double precision".into(),
            }),
            "double" => Some("double precision".into()),
            "json" => Some("json".into()),
            "jsonb" => Some("jsonb".into()),
            "uuid" | "foreignUuid" => Some("uuid".into()),
            "ulid" | "foreignUlid" => Some("char(26)".into()),
            "binary" => Some("bytea".into()),
            "ipAddress" => Some("inet".into()),
            "macAddress" => Some("macaddr".into()),
            "enum" => Some("varchar(255)".into()),
            _ => None,
        };
        if let (Some(ty), Some(name)) = (
            ty.clone(),
            s0.clone().or_else(|| (m == "id").then(|| "id".into())),
        ) {
            let serial = ty.ends_with("serial");
            let mut c = Col {
                name: name.clone(),
                ty,
                nullable: false,
                default: None,
                primary: serial,
                serial,
                check: None,
                change: false,
                comment: None,
            };
            if m == "enum" {
                let values: Vec<String> = a
                    .get(1)
                    .map(Lit::names)
                    .unwrap_or_default()
                    .iter()
                    .map(|v| sql_str(v))
                    .collect();
                c.check = Some(format!("{} IN ({})", q(&name), values.join(", ")));
            }
            let is_bool = c.ty == "boolean";
            let mut index = vec![];
            let mut fk_calls = vec![];
            for md in mods {
                let x = md.args.first();
                match md.name.as_str() {
                    "nullable" => c.nullable = x != Some(&Lit::Bool(false)),
                    "default" => c.default = x.and_then(|v| default_sql(v, is_bool)),
                    "useCurrent" => c.default = Some("CURRENT_TIMESTAMP".into()),
                    "primary" => c.primary = true,
                    "autoIncrement" => {
                        c.ty = if c.ty == "bigint" {
                            "bigserial"
                        } else {
                            "serial"
                        }
                        .into();
                        c.primary = true;
                    }
                    "change" => c.change = true,
                    "comment" => c.comment = x.and_then(Lit::str).map(str::to_string),
                    "unique" | "index" => {
                        index.push((md.name.clone(), x.and_then(Lit::str).map(str::to_string)))
                    }
                    "constrained" | "references" | "on" | "onDelete" | "onUpdate"
                    | "cascadeOnDelete" | "restrictOnDelete" | "nullOnDelete"
                    | "noActionOnDelete" | "cascadeOnUpdate" | "restrictOnUpdate"
                    | "nullOnUpdate" | "noActionOnUpdate" => fk_calls.push(Call {
                        name: md.name.clone(),
                        args: md.args.clone(),
                    }),
                    "unsigned" | "after" | "first" | "charset" | "collation"
                    | "useCurrentOnUpdate" | "invisible" | "from" | "startingValue" => {}
                    other => note(
                        line,
                        format!("->{other}() on {}.{name}: not modelled", self.table),
                    ),
                }
            }
            if c.serial && c.change {
                c.ty = if c.ty == "bigserial" {
                    "bigint"
                } else {
                    "integer"
                }
                .into();
            }
            if c.change {
                c.primary = false;
            }
            self.add_column(line, c);
            for (kind, n) in index {
                self.index(line, &kind, std::slice::from_ref(&name), n.as_deref());
            }
            let has_fk = fk_calls
                .iter()
                .any(|c| c.name == "constrained" || c.name == "references");
            if has_fk {
                let default_on = name.strip_suffix("_id").map(plural);
                self.fk(line, std::slice::from_ref(&name), &fk_calls, default_on);
            }
            return;
        }
        let t = self.table.clone();
        let ts_col = |n: &str, ty: &str| Col {
            name: n.into(),
            ty: ty.into(),
            nullable: true,
            default: None,
            primary: false,
            serial: false,
            check: None,
            change: false,
            comment: None,
        };
        match m {
            "timestamps" | "nullableTimestamps" | "timestampsTz" => {
                let ty = if m == "timestampsTz" { tstz(0) } else { ts(0) };
                self.add_column(line, ts_col("created_at", &ty));
                self.add_column(line, ts_col("updated_at", &ty));
            }
            "softDeletes" | "softDeletesTz" => {
                let ty = if m == "softDeletesTz" { tstz(1) } else { ts(1) };
                let n = s0.unwrap_or_else(|| "deleted_at".into());
                self.add_column(line, ts_col(&n, &ty));
            }
            "rememberToken" => self.add_column(line, ts_col("remember_token", "varchar(100)")),
            "morphs" | "nullableMorphs" | "uuidMorphs" | "nullableUuidMorphs" | "ulidMorphs"
            | "nullableUlidMorphs" => {
                let Some(n) = s0 else { return };
                let nullable = m.starts_with("nullable");
                let id_ty = if m.contains("Uuid") {
                    "uuid"
                } else if m.contains("Ulid") {
                    "char(26)"
                } else {
                    "bigint"
                };
                let mut ty_col = ts_col(&format!("{n}_type"), "varchar(255)");
                ty_col.nullable = nullable;
                let mut id_col = ts_col(&format!("{n}_id"), id_ty);
                id_col.nullable = nullable;
                self.add_column(line, ty_col);
                self.add_column(line, id_col);
                let cols = [format!("{n}_type"), format!("{n}_id")];
                self.index(line, "index", &cols, name1);
            }
            "foreign" => {
                self.fk(line, &names0, mods, None);
                if let Some(n) = name1 {
                    // foreign($cols, $name)
                    if let Some((_, sql)) = self.commands.last_mut() {
                        let default = q(&index_name(&t, &names0, "foreign"));
                        *sql = sql.replacen(&default, &q(n), 1);
                    }
                }
            }
            "index" | "unique" | "primary" => self.index(line, m, &names0, name1),
            "fullText" => {
                // The pgsql grammar: a GIN index on the columns' `to_tsvector` (`english`
                // unless `->language(…)` says otherwise).
                let language = mods
                    .iter()
                    .find(|c| c.name == "language")
                    .and_then(|c| c.args.first())
                    .and_then(Lit::str)
                    .unwrap_or("english")
                    .to_string();
                let name = name1
                    .map(str::to_string)
                    .unwrap_or_else(|| index_name(&t, &names0, "fulltext"));
                let vectors: Vec<String> = names0
                    .iter()
                    .map(|c| format!("to_tsvector({}, {})", sql_str(&language), q(c)))
                    .collect();
                self.commands.push((
                    line,
                    format!(
                        "CREATE INDEX {} ON {} USING gin (({}))",
                        q(&name),
                        self.qt(),
                        vectors.join(" || ")
                    ),
                ));
            }
            "spatialIndex" | "rawIndex" => {
                note(line, format!("$table->{m}() on {t}: not modelled"))
            }
            "dropColumn" | "dropColumns" | "removeColumn" => {
                let cols: Vec<String> = a.iter().flat_map(Lit::names).collect();
                self.drop_columns(line, &cols);
            }
            "dropTimestamps" | "dropTimestampsTz" => {
                self.drop_columns(line, &["created_at".into(), "updated_at".into()])
            }
            "dropSoftDeletes" | "dropSoftDeletesTz" => {
                self.drop_columns(line, &[s0.unwrap_or_else(|| "deleted_at".into())])
            }
            "dropRememberToken" => self.drop_columns(line, &["remember_token".into()]),
            "dropMorphs" => {
                if let Some(n) = s0 {
                    self.drop_columns(line, &[format!("{n}_type"), format!("{n}_id")]);
                }
            }
            "renameColumn" => {
                if let (Some(from), Some(to)) = (s0, name1) {
                    self.commands.push((
                        line,
                        format!(
                            "ALTER TABLE {} RENAME COLUMN {} TO {}",
                            self.qt(),
                            q(&from),
                            q(to)
                        ),
                    ));
                }
            }
            "rename" => {
                if let Some(to) = s0 {
                    self.commands.push((
                        line,
                        format!("ALTER TABLE {} RENAME TO {}", self.qt(), q(&to)),
                    ));
                }
            }
            "renameIndex" => {
                if let (Some(from), Some(to)) = (s0, name1) {
                    self.commands.push((
                        line,
                        format!("ALTER INDEX {} RENAME TO {}", q(&from), q(to)),
                    ));
                }
            }
            "dropForeign" => self.drop_index(line, "foreign", a.first()),
            "dropUnique" => self.drop_index(line, "unique", a.first()),
            "dropIndex" => self.drop_index(line, "index", a.first()),
            "dropPrimary" => self.drop_index(line, "primary", a.first()),
            "dropConstrainedForeignId" => {
                if let Some(n) = s0 {
                    self.drop_index(line, "foreign", Some(&Lit::List(vec![Lit::Str(n.clone())])));
                    self.drop_columns(line, &[n]);
                }
            }
            "dropFullText" => self.drop_index(line, "fulltext", a.first()),
            "dropSpatialIndex" => {}
            "foreignIdFor" => {
                let model = match a.first() {
                    Some(Lit::Code(c)) => c
                        .trim_end_matches("::class")
                        .rsplit('\\')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    _ => String::new(),
                };
                if model.is_empty() {
                    note(line, format!("$table->foreignIdFor(…) on {t}: not read"));
                    return;
                }
                let col = name1
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{}_id", snake(&model)));
                let mut calls = vec![Call {
                    name: "bigInteger".into(),
                    args: vec![Lit::Str(col.clone())],
                }];
                calls.extend(mods.iter().map(|c| Call {
                    name: c.name.clone(),
                    args: c.args.clone(),
                }));
                // `constrained()` on foreignIdFor targets the model's table.
                for c in calls.iter_mut() {
                    if c.name == "constrained" && c.args.is_empty() {
                        c.args = vec![Lit::Str(plural(&snake(&model)))];
                    }
                }
                self.statement(line, calls, note);
            }
            "temporary" | "engine" | "charset" | "collation" | "comment" => {}
            // A property (`$table->engine = 'InnoDB'`), not a call.
            p if p.ends_with('=') => {}
            other => note(line, format!("$table->{other}() on {t}: not modelled")),
        }
    }

    /// The statements, in the order Laravel runs them.
    fn finish(self, line: usize) -> Vec<(usize, String)> {
        let mut out = vec![];
        if self.create {
            out.push((
                line,
                format!(
                    "CREATE TABLE {} (\n  {}\n)",
                    self.qt(),
                    self.columns.join(",\n  ")
                ),
            ));
        }
        out.extend(self.alters);
        out.extend(self.commands);
        out
    }
}

fn default_sql(v: &Lit, is_bool: bool) -> Option<String> {
    Some(match v {
        Lit::Str(s) if is_bool && (s == "1" || s == "0") => (s == "1").to_string(),
        Lit::Str(s) => sql_str(s),
        Lit::Num(n) if is_bool => (n != "0").to_string(),
        Lit::Num(n) => n.clone(),
        Lit::Bool(b) if is_bool => b.to_string(),
        Lit::Bool(b) => sql_str(if *b { "1" } else { "0" }),
        Lit::Raw(r) => r.clone(),
        Lit::Null => return None,
        _ => return None,
    })
}

#[cfg(test)]
mod test;
