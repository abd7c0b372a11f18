//! The index forms beside `add index on t(c)`: plain column lists after the table
//! (`add index to tasks state`, `index tasks by state`), `<words> index` (`add state index to
//! tasks`, `add task assignee index`) and `index` as a verb.

use super::cursor::{Cursor, PResult};
use super::keys::{set_method, set_name, METHODS};
use super::Intent;

/// After a table in an index form: `<col> [, <col>] [and <col>]` or `on|by <cols>` — plain
/// column names with no parentheses (`add index to tasks state`, `index tasks by state`).
/// `None` when what follows is not such a list.
pub(super) fn plain_columns(c: &mut Cursor, parts: &[String]) -> Option<PResult<Vec<String>>> {
    if parts.len() > 2 || c.punct(0, "(") || c.punct(0, ".") {
        return None;
    }
    let by = c.kw_in(0, &["on", "by", "over", "for"]) && c.is_name_at(1);
    let bare = c.is_name_at(0) && !c.kw_in(0, &["using", "named", "called", "as"]);
    if !by && !bare {
        return None;
    }
    if by {
        c.pos += 1;
    }
    Some(name_list(c))
}

/// `a, b and c` or `a b` (after optional `the`), up to `using`/`named`/`index`/the end.
fn name_list(c: &mut Cursor) -> PResult<Vec<String>> {
    const STOP: &[&str] = &[
        "using", "named", "called", "index", "indexes", "unique", "by", "for",
    ];
    let mut out = vec![c.name("a column name")?];
    c.eat_column_word();
    loop {
        let n = usize::from(c.punct(0, ",") || c.kw(0, "and"));
        if !c.is_name_at(n) || c.kw_in(n, STOP) {
            return Ok(out);
        }
        c.pos += n;
        out.push(c.name("a column name")?);
        c.eat_column_word();
    }
}

/// `using <method>` and `named <name>`, in any order, after an index's columns.
pub(super) fn index_tail(
    c: &mut Cursor,
    name: &mut Option<String>,
    method: &mut Option<String>,
) -> PResult<()> {
    loop {
        if c.eat("using") {
            set_method(c, method)?;
        } else if c.eat_in(&["named", "called", "as"]) {
            set_name(c, name, "index")?;
        } else {
            return Ok(());
        }
    }
}

/// `add [unique] [method] <words> index [on|to|for <table>] [named …]`: with a table after
/// `index` the words are its columns (`add assignee index to tasks`), else the first word is the
/// table and the rest its columns (`add task assignee index`). `None` when no such `index`.
pub(super) fn trailing_index(c: &mut Cursor) -> Option<PResult<Intent>> {
    let start = c.pos;
    let unique = c.kw(0, "unique");
    let k = (start..c.end)
        .find(|&i| c.sub(i..c.end).kw_in(0, &["index", "indexes"]))
        .filter(|&k| k > start + usize::from(unique))?;
    let mut probe = c.clone();
    probe.eat("unique");
    let mut method = None;
    if probe.kw_in(0, METHODS) {
        probe.pos += 1;
        method = Some(c.sub(probe.pos - 1..probe.pos).bare_name("").ok()?);
    }
    let mut words = probe.sub(probe.pos..k);
    let names = name_list(&mut words).ok()?;
    if !words.at_end() {
        return None;
    }
    c.pos = k + 1;
    c.topic = "add index";
    Some((|| {
        let (table, columns) = if c.eat_in(&["on", "to", "for"]) {
            (c.table()?, names)
        } else if names.len() > 1 {
            (names[0].clone(), names[1..].to_vec())
        } else {
            return Err(c.expected("`on <table>` after the index's columns"));
        };
        let mut name = None;
        index_tail(c, &mut name, &mut method)?;
        Ok(Intent::AddIndex {
            table,
            columns,
            unique,
            name,
            method,
        })
    })())
}

/// `index <table> by|on <columns>`, `index <table>.<column>`: `add index` without `add`.
pub(super) fn index_verb(c: &mut Cursor) -> PResult<Intent> {
    c.topic = "add index";
    c.skip_filler();
    let parts = c.dotted("a table or `table.column`")?;
    let (table, columns) = match plain_columns(c, &parts) {
        Some(columns) => (parts.join("."), columns?),
        None => c.target_rest(parts)?,
    };
    let (mut name, mut method) = (None, None);
    index_tail(c, &mut name, &mut method)?;
    Ok(Intent::AddIndex {
        table,
        columns,
        unique: false,
        name,
        method,
    })
}
