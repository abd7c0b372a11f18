//! Columns: `add <column> [type] [modifiers] to <table>`, Rails `name:type` pieces, and
//! `create table` with a column list (`with title:string body:text`, `(title text not null, …)`).
//!
//! Modifiers come in any order after the name: a type (possibly several words, `timestamp with
//! time zone`), `null`/`nullable`/`optional`, `not null`/`required`, `default <expr>`, `unique`,
//! `primary key`, `references <table>`. A type or default runs until the next modifier keyword
//! (or `to <table>` while the table is still unknown). `name:references` / a bare `references`
//! type makes a reference column: `user` → `user_id` referencing `users`.

use super::cursor::{Cursor, PResult};
use super::infer::is_reference_word;
use super::{keys, ColumnSpec, Intent};

/// Words that introduce the table in `add <column> … to <table>`.
const TABLE_INTRO: &[&str] = &["to", "into", "in", "on"];

/// Whether the cursor stands on a column modifier keyword (which ends a type or a default).
/// `null` after `is`/`is not` belongs to an expression.
pub(super) fn at_modifier(c: &Cursor) -> bool {
    let after_is = c.prev_kw("is");
    (c.kw(0, "not") && c.kw_in(1, &["null", "nullable"]) && !after_is)
        || (c.kw(0, "null") && !after_is && !c.prev_kw("not"))
        || c.kw_in(
            0,
            &[
                "nullable",
                "optional",
                "required",
                "mandatory",
                "unique",
                "references",
                "referencing",
                "default",
            ],
        )
        || (c.kw(0, "primary") && c.kw(1, "key"))
}

/// `add a, b and c to t` (several columns, each with its own type and modifiers), or one
/// column as [`add_column`] reads it. The list is cut at top-level `,`/`and` before the last
/// top-level `to`/`into`.
pub(super) fn add_columns(c: &mut Cursor) -> PResult<Vec<Intent>> {
    let intros = c.top_level(c.pos, c.end, |t| t.is_kw("to") || t.is_kw("into"));
    if let Some(&k) = intros.last() {
        let seps = c.top_level(c.pos, k, |t| t.is_punct(",") || t.is_kw("and"));
        if !seps.is_empty() && k + 1 < c.end {
            let mut tail = c.sub(k + 1..c.end);
            let table = tail.table()?;
            tail.done()?;
            let mut out = Vec::new();
            let mut from = c.pos;
            for to in seps.into_iter().chain([k]) {
                if to == from {
                    return Err(c.fail("a column is missing between separators"));
                }
                // `… and points integer columns to t`: the plural `columns` ends the list.
                let last = c.sub(to - 1..to);
                let end = if to - 1 > from && last.kw_in(0, &["columns", "fields"]) {
                    to - 1
                } else {
                    to
                };
                let mut item = c.sub(from..end);
                out.push(add_column_in(&mut item, Some(table.clone()))?);
                item.done()?;
                from = to + 1;
            }
            c.pos = c.end;
            return Ok(out);
        }
    }
    add_column(c).map(|i| vec![i])
}

/// `remove a, b and c [columns] from t` / `drop a and b`: when every item is one name, one
/// `DropColumn` each; `None` when the clause is not such a list.
pub(super) fn drop_columns(c: &mut Cursor) -> Option<PResult<Vec<Intent>>> {
    let intro_at = |t: &super::lexer::Token| super::cursor::COLUMN_INTRO.iter().any(|k| t.is_kw(k));
    let intro = c.top_level(c.pos, c.end, intro_at).last().copied();
    let stop = intro.unwrap_or(c.end);
    let seps = c.top_level(c.pos, stop, |t| t.is_punct(",") || t.is_kw("and"));
    if seps.is_empty() {
        return None;
    }
    let mut names = Vec::new();
    let mut from = c.pos;
    for to in seps.into_iter().chain([stop]) {
        let mut item = c.sub(from..to);
        item.skip_filler();
        let mut parts = item.dotted("a column name").ok()?;
        item.eat_column_word();
        if !item.at_end() || parts.len() > 2 || (intro.is_some() && parts.len() > 1) {
            return None;
        }
        let column = parts.pop()?;
        names.push((parts.pop(), column));
        from = to + 1;
    }
    let table = match intro {
        Some(k) => {
            let mut tail = c.sub(k + 1..c.end);
            match tail.table().and_then(|t| tail.done().map(|_| t)) {
                Ok(t) => t,
                Err(e) => return Some(Err(e)),
            }
        }
        None => super::ANY_TABLE.to_string(),
    };
    c.pos = c.end;
    Some(Ok(names
        .into_iter()
        .map(|(own, column)| Intent::DropColumn {
            table: own.unwrap_or_else(|| table.clone()),
            column,
        })
        .collect()))
}

/// `add [nullable|required|unique] <column> [:type] [modifiers] to <table> [modifiers]`, or
/// `add table.column …`.
pub(super) fn add_column(c: &mut Cursor) -> PResult<Intent> {
    add_column_in(c, None)
}

/// [`add_column`], with the table already known when `known` is given (one item of a list).
fn add_column_in(c: &mut Cursor, known: Option<String>) -> PResult<Intent> {
    let mut col = ColumnSpec::default();
    c.skip_filler();
    // Modifiers before the name: `add a nullable last_login_at timestamp to users`.
    while c.is_name_at(1) {
        if c.eat_in(&["nullable", "optional"]) {
            set_nullable(c, &mut col, true)?;
        } else if c.eat_in(&["required", "mandatory"]) {
            set_nullable(c, &mut col, false)?;
        } else if c.eat("unique") {
            col.unique = true;
        } else {
            break;
        }
        c.skip_filler();
    }
    let (mut table, name) = c.col_ref()?;
    if known.is_some() {
        if table.is_some() {
            return Err(c.fail("name the table once, after `to`"));
        }
        table = known;
    }
    col.name = name;
    if c.eat_punct(":") {
        rails_type(c, &mut col)?;
    }
    loop {
        let open = table.is_none();
        column_tail(c, &mut col, &|c| open && c.kw_in(0, TABLE_INTRO))?;
        if c.at_end() {
            break;
        }
        c.pos += 1;
        table = Some(c.table()?);
    }
    let table = table.ok_or_else(|| c.expected("`to <table>` (or write `table.column`)"))?;
    Ok(Intent::AddColumn { table, column: col })
}

fn set_nullable(c: &Cursor, col: &mut ColumnSpec, nullable: bool) -> PResult<()> {
    if col.nullable.is_some_and(|n| n != nullable) {
        return Err(c.fail(format!(
            "`{}` is said to be both nullable and not null",
            col.name
        )));
    }
    col.nullable = Some(nullable);
    Ok(())
}

/// Modifiers after a column name, in any order, until `stop` or the end.
pub(super) fn column_tail(
    c: &mut Cursor,
    col: &mut ColumnSpec,
    stop: &dyn Fn(&Cursor) -> bool,
) -> PResult<()> {
    loop {
        if c.at_end() || stop(c) {
            return Ok(());
        }
        let untyped = col.data_type.is_none() && col.references.is_none();
        let refers = c.eat_seq(&["as", "a", "reference", "to"])
            || c.eat_seq(&["as", "reference", "to"])
            || c.eat_seq(&["pointing", "to"])
            || (c.kw(0, "referencing") && c.is_name_at(1) && c.eat("referencing"));
        if refers {
            if col.references.is_some() {
                return Err(c.fail(format!("`{}` references two tables", col.name)));
            }
            col.references = Some(c.table()?);
            continue;
        }
        if untyped && c.kw(0, "as") && c.is_name_at(1) {
            c.pos += 1; // `add x as integer to t`
        }
        // `add a description text column to t`: the word `column` after the type.
        if c.kw_in(0, &["column", "field"]) && (c.at_end() || stop(&c.sub(c.pos + 1..c.end))) {
            c.pos += 1;
            continue;
        }
        if let Some(nullable) = c.nullability() {
            set_nullable(c, col, nullable)?;
        } else if c.eat("default") {
            if col.default.is_some() {
                return Err(c.fail(format!("`{}` has two defaults", col.name)));
            }
            col.default = Some(c.expr("a default value", &|c| at_modifier(c) || stop(c))?);
        } else if c.eat("unique") {
            col.unique = true;
        } else if c.eat_seq(&["primary", "key"]) {
            col.primary_key = true;
        } else if c.kw(0, "references") && c.is_name_at(1) {
            c.pos += 1;
            if col.references.is_some() {
                return Err(c.fail(format!("`{}` references two tables", col.name)));
            }
            col.references = Some(c.table()?);
        } else if col.data_type.is_none() && col.references.is_none() && c.is_name_at(0) {
            let column_word = |c: &Cursor| {
                c.kw_in(0, &["column", "field"])
                    && (c.at(1).is_none() || stop(&c.sub(c.pos + 1..c.end)))
            };
            let ty = c.ty(&|c| at_modifier(c) || stop(c) || column_word(c))?;
            if is_reference_word(&ty) {
                reference_column(col);
            } else {
                col.data_type = Some(ty);
            }
        } else {
            return Err(c.fail(format!(
                "did not expect {} in the definition of `{}`",
                c.found(),
                col.name
            )));
        }
    }
}

/// After `name:` — one type word with optional `(…)` and `[]`, then `:modifier`s
/// (`not_null`, `required`, `null`, `nullable`, `optional`, `unique`, `primary_key`).
fn rails_type(c: &mut Cursor, col: &mut ColumnSpec) -> PResult<()> {
    let start = c.pos;
    if !c.is_name_at(0) {
        return Err(c.expected("a type after `:`"));
    }
    c.pos += 1;
    if c.punct(0, "(") {
        let close = c
            .matching(c.pos)
            .ok_or_else(|| c.fail("unbalanced parentheses"))?;
        c.pos = close + 1;
    }
    while c.punct(0, "[") && c.punct(1, "]") {
        c.pos += 2;
    }
    let ty = c.text(start, c.pos);
    c.check_type(&ty)?;
    if is_reference_word(&ty) {
        reference_column(col);
    } else {
        col.data_type = Some(ty);
    }
    while c.eat_punct(":") {
        let word = c.bare_name("a modifier after `:`")?;
        match word.as_str() {
            "not_null" | "required" => set_nullable(c, col, false)?,
            "null" | "nullable" | "optional" => set_nullable(c, col, true)?,
            "unique" => col.unique = true,
            "primary_key" => col.primary_key = true,
            other => {
                return Err(c.fail(format!(
                    "`:{other}` is not a column modifier (not_null, null, unique, primary_key)"
                )))
            }
        }
    }
    Ok(())
}

/// `user:references` → column `user_id` referencing `users`; `author_id:references` →
/// `author_id` referencing `authors`. The type is left to inference.
fn reference_column(col: &mut ColumnSpec) {
    let base = match col.name.strip_suffix("_id") {
        Some(b) if !b.is_empty() => b.to_string(),
        _ => {
            let base = col.name.clone();
            col.name = format!("{base}_id");
            base
        }
    };
    col.references = Some(pluralize(&base));
    col.data_type = None;
}

/// English plural, simply: `y` after a consonant → `ies`; after `s`, `x`, `z`, `ch`, `sh` add
/// `es`; otherwise add `s` (`user` → `users`, `category` → `categories`, `box` → `boxes`).
pub(super) fn pluralize(word: &str) -> String {
    let consonant_y = word.strip_suffix('y').filter(|stem| {
        stem.chars()
            .last()
            .is_some_and(|ch| !"aeiou".contains(ch.to_ascii_lowercase()))
    });
    if let Some(stem) = consonant_y {
        format!("{stem}ies")
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| word.ends_with(e))
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// `create [table] <name> [table] [with …|(…)]`, `create <name> enum …`, and the `create`
/// spellings of `add index`/constraints and `create enum`.
pub(super) fn create(c: &mut Cursor) -> PResult<Intent> {
    c.skip_filler();
    if let Some(r) = keys::keyed(c) {
        return r;
    }
    if c.kw(0, "enum") || (c.kw(0, "type") && c.is_name_at(1)) {
        return keys::create_enum(c, None);
    }
    c.topic = "create";
    if c.kw(0, "table") && c.is_name_at(1) {
        c.pos += 1;
    }
    c.eat_seq(&["if", "not", "exists"]);
    let table = c.table()?;
    if c.eat("enum") {
        return keys::create_enum(c, Some(table));
    }
    let columns = if c.at_end() {
        Vec::new()
    } else if c.punct(0, "(") {
        let close = c
            .matching(c.pos)
            .ok_or_else(|| c.fail("unbalanced parentheses"))?;
        let cols = column_list(c, c.pos + 1, close, false)?;
        c.pos = close + 1;
        cols
    } else if c.eat("with") {
        c.eat_in(&["columns", "column", "fields"]);
        let cols = column_list(c, c.pos, c.end, true)?;
        c.pos = c.end;
        cols
    } else {
        return Err(c.expected("`with name:type …`, `(name type, …)` or the end"));
    };
    for (i, col) in columns.iter().enumerate() {
        if columns[..i].iter().any(|o| o.name == col.name) {
            return Err(c.fail(format!("column `{}` is listed twice", col.name)));
        }
    }
    Ok(Intent::CreateTable { table, columns })
}

/// Columns in tokens `start..end`, separated by top-level `,` (and `and` when `and_too`).
fn column_list(c: &Cursor, start: usize, end: usize, and_too: bool) -> PResult<Vec<ColumnSpec>> {
    let seps = c.top_level(start, end, |t| {
        t.is_punct(",") || (and_too && t.is_kw("and"))
    });
    let mut out = Vec::new();
    let mut from = start;
    for to in seps.into_iter().chain([end]) {
        if to == from {
            return Err(c.fail("a column is missing between separators"));
        }
        out.extend(column_item(&mut c.sub(from..to))?);
        from = to + 1;
    }
    Ok(out)
}

/// One list item: `name type modifiers` (SQL style) or one or more `name:type` pieces.
fn column_item(s: &mut Cursor) -> PResult<Vec<ColumnSpec>> {
    let table_constraint = (s.kw(0, "primary") && s.kw(1, "key"))
        || (s.kw(0, "foreign") && s.kw(1, "key"))
        || (s.kw_in(0, &["unique", "check"]) && s.punct(1, "("))
        || (s.kw(0, "constraint") && s.is_name_at(1));
    if table_constraint {
        return Err(s.fail(
            "table constraints are not read inside `create`; add them as separate changes \
             (e.g. `add unique constraint on posts(a, b)`)",
        ));
    }
    let mut out = Vec::new();
    while !s.at_end() {
        let mut col = ColumnSpec {
            name: s.name("a column name")?,
            ..ColumnSpec::default()
        };
        if s.eat_punct(":") {
            rails_type(s, &mut col)?;
        }
        column_tail(s, &mut col, &|c| c.is_name_at(0) && c.punct(1, ":"))?;
        out.push(col);
    }
    Ok(out)
}
