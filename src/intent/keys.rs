//! Indexes, foreign keys, references, unique and check constraints, and enum types — the
//! `add`/`create`/`drop` forms that are not about a plain column or table.
//!
//! Choices for ambiguous spellings:
//! - `drop index <name>` names an index; `drop index t.c`, `drop index t(a, b)` and
//!   `drop index on …` name its columns. A table after a name (`drop index i on t`) is accepted
//!   and ignored (index names are unique per schema).
//! - `drop foreign key <name> on <table>` names a constraint; `t.c`, `t(a, b)` or `on t(a)`
//!   name its columns.
//! - In `add check <name> (expr) on t`, a word followed by a space and a parenthesised
//!   expression that runs up to `on` is the constraint's name (`lower(email)` is a call).
//!   One pair of parentheses around the whole expression is dropped.
//! - Foreign key targets: `users` (its primary key), `users.id`, `users(id)`,
//!   `audit.users(id)`; `a.b` is table `a`, column `b`.

use super::cursor::{Cursor, PResult};
use super::lexer::Kind;
use super::{index_forms, ConstraintTarget, FkActionSpec, IndexTarget, Intent};
pub(super) use index_forms::{index_verb, trailing_index};

/// Index methods accepted in `add gin index …` / `using gin`.
pub(super) const METHODS: &[&str] = &["btree", "hash", "gist", "spgist", "gin", "brin"];

/// Whether the cursor stands on `[unique] [method] index`.
pub(super) fn index_ahead(c: &Cursor) -> bool {
    let mut n = usize::from(c.kw(0, "unique"));
    n += usize::from(c.kw_in(n, METHODS));
    c.kw_in(n, &["index", "indexes"])
}

fn fk_ahead(c: &Cursor) -> bool {
    (c.kw(0, "foreign") && c.kw(1, "key")) || c.kw(0, "fk")
}

/// The `add`/`create` forms for indexes and constraints, when the cursor stands on one.
pub(super) fn keyed(c: &mut Cursor) -> Option<PResult<Intent>> {
    Some(if index_ahead(c) {
        add_index(c)
    } else if c.kw(0, "unique") && c.kw_in(1, &["constraint", "key", "on", "for"]) {
        add_unique(c, None)
    } else if fk_ahead(c) {
        add_foreign_key(c)
    } else if c.kw_in(0, &["reference", "references"]) {
        add_reference(c)
    } else if c.kw(0, "check") {
        add_check(c, None)
    } else if c.kw(0, "constraint") && c.is_name_at(1) {
        named_constraint(c)
    } else {
        return None;
    })
}

pub(super) fn set_method(c: &mut Cursor, method: &mut Option<String>) -> PResult<()> {
    let m = c.bare_name("an index method")?;
    if !METHODS.contains(&m.as_str()) {
        return Err(c.fail(format!(
            "`{m}` is not an index method (btree, hash, gist, spgist, gin, brin)"
        )));
    }
    if method.as_ref().is_some_and(|old| *old != m) {
        return Err(c.fail("two index methods are given"));
    }
    *method = Some(m);
    Ok(())
}

pub(super) fn set_name(c: &mut Cursor, name: &mut Option<String>, what: &str) -> PResult<()> {
    if name.is_some() {
        return Err(c.fail(format!("the {what} is named twice")));
    }
    *name = Some(c.bare_name(&format!("a {what} name"))?);
    Ok(())
}

/// `[unique] [method] index [name] on|to|for <target> [using method] [named name]`.
fn add_index(c: &mut Cursor) -> PResult<Intent> {
    c.topic = "add index";
    let unique = c.eat("unique");
    let mut method = None;
    if c.kw_in(0, METHODS) {
        set_method(c, &mut method)?;
    }
    c.eat_in(&["index", "indexes"]);
    let mut name = None;
    if !c.kw_in(0, &["on", "to", "for"]) {
        name = Some(c.name("an index name or `on`")?);
    }
    c.expect_in(&["on", "to", "for"], "`on table(columns)`")?;
    let parts = c.dotted("a table or `table.column`")?;
    if c.eat("using") {
        set_method(c, &mut method)?;
    }
    let (table, columns) = if parts.len() == 1 && c.kw(0, "to") && c.is_name_at(1) {
        // `add index on state to tasks`
        c.pos += 1;
        (c.table()?, parts)
    } else {
        match index_forms::plain_columns(c, &parts) {
            Some(columns) => (parts.join("."), columns?),
            None => c.target_rest(parts)?,
        }
    };
    index_forms::index_tail(c, &mut name, &mut method)?;
    Ok(Intent::AddIndex {
        table,
        columns,
        unique,
        name,
        method,
    })
}

/// `add <name> reference[s] [to|on|in] <table> [referencing|pointing to|pointing at <ref>]`:
/// column `<name>_id` (+ index and foreign key), referencing `<ref>` or the table `<name>`
/// names. `None` when the clause is not of that shape.
pub(super) fn named_reference(c: &mut Cursor) -> Option<PResult<Intent>> {
    let shape = c.is_name_at(0)
        && c.kw_in(1, &["reference", "references", "ref"])
        && c.kw_in(2, &["to", "on", "in", "for"]);
    if !shape {
        return None;
    }
    c.topic = "add reference";
    let name = c.bare_name("a reference name").ok()?;
    c.pos += 2;
    Some((|| {
        let table = c.table()?;
        let ref_table = if c.eat_in(&["referencing", "references"])
            || c.eat_seq(&["pointing", "to"])
            || c.eat_seq(&["pointing", "at"])
        {
            Some(c.table()?)
        } else {
            None
        };
        let (_, on_delete) = fk_actions(c)?;
        let column = match name.strip_suffix("_id") {
            Some(_) => name.clone(),
            None => format!("{name}_id"),
        };
        let base = column.trim_end_matches("_id").to_string();
        Ok(Intent::AddReference {
            table,
            ref_table: ref_table.unwrap_or(base),
            column: Some(column),
            on_delete,
        })
    })())
}

/// `drop index <name> [on <table>]`, `drop index on <target>`, `drop index t.c`.
pub(super) fn drop_index(c: &mut Cursor) -> PResult<Intent> {
    c.topic = "drop index";
    c.eat("unique");
    c.eat_in(METHODS);
    c.eat_in(&["index", "indexes"]);
    if c.eat_in(&["on", "for", "from", "of"]) {
        let (table, columns) = c.target()?;
        return Ok(Intent::DropIndex(IndexTarget::Columns { table, columns }));
    }
    let mut parts = c.dotted("an index name or `on table(columns)`")?;
    if parts.len() > 1 || c.punct(0, "(") {
        let (table, columns) = c.target_rest(parts)?;
        return Ok(Intent::DropIndex(IndexTarget::Columns { table, columns }));
    }
    if c.eat_in(&["on", "from", "of"]) {
        c.table()?;
    }
    Ok(Intent::DropIndex(IndexTarget::Name(parts.remove(0))))
}

/// `unique [constraint|key] [name] on <target> [named name]`.
fn add_unique(c: &mut Cursor, mut name: Option<String>) -> PResult<Intent> {
    c.topic = "add unique";
    c.eat("unique");
    c.eat_in(&["constraint", "key"]);
    if name.is_none() && !c.kw_in(0, &["on", "to", "for"]) {
        name = Some(c.name("a constraint name or `on`")?);
    }
    c.expect_in(&["on", "to", "for"], "`on table(columns)`")?;
    let (table, columns) = c.target()?;
    if c.eat_in(&["named", "called", "as"]) {
        set_name(c, &mut name, "constraint")?;
    }
    Ok(Intent::AddUniqueConstraint {
        table,
        columns,
        name,
    })
}

/// `constraint <name> unique …` / `constraint <name> check …`.
fn named_constraint(c: &mut Cursor) -> PResult<Intent> {
    c.eat("constraint");
    let name = c.bare_name("a constraint name")?;
    if c.kw(0, "unique") {
        add_unique(c, Some(name))
    } else if c.kw(0, "check") {
        add_check(c, Some(name))
    } else {
        c.topic = "add unique";
        Err(c.expected("`unique on …` or `check …` after the constraint name"))
    }
}

/// `(foreign key|fk) [from|on] <target> to|references <table>[(cols)] [on delete|update …]`.
fn add_foreign_key(c: &mut Cursor) -> PResult<Intent> {
    c.topic = "add foreign key";
    if !c.eat("fk") {
        c.eat_seq(&["foreign", "key"]);
    }
    c.eat_in(&["from", "on", "for"]);
    // `add a foreign key from tasks to members`: no column named, the schema decides.
    let bare_table = c.is_name_at(0) && c.kw_in(1, &["to", "references", "referencing"]);
    let (table, columns) = if bare_table {
        (c.table()?, Vec::new())
    } else {
        c.target()?
    };
    c.expect_in(
        &["to", "references", "referencing"],
        "`to <table>` or `references <table>`",
    )?;
    let mut parts = c.dotted("the referenced table")?;
    let (ref_table, ref_columns) = if c.punct(0, "(") {
        if parts.len() > 2 {
            return Err(c.fail(format!("`{}` is not a table name", parts.join("."))));
        }
        (parts.join("."), c.paren_names()?)
    } else if parts.len() == 1 {
        (parts.remove(0), Vec::new())
    } else {
        let (t, col) = c.target_rest(parts)?;
        (t, col)
    };
    if !ref_columns.is_empty() && !columns.is_empty() && ref_columns.len() != columns.len() {
        return Err(c.fail(format!(
            "{} column(s) cannot reference {} column(s)",
            columns.len(),
            ref_columns.len()
        )));
    }
    let (on_delete, on_update) = fk_actions(c)?;
    Ok(Intent::AddForeignKey {
        table,
        columns,
        ref_table,
        ref_columns,
        on_delete,
        on_update,
    })
}

fn on_delete_ahead(c: &Cursor) -> bool {
    c.kw(0, "on") && c.kw_in(1, &["delete", "update"])
}

/// `on delete …` and `on update …`, in either order.
fn fk_actions(c: &mut Cursor) -> PResult<(Option<FkActionSpec>, Option<FkActionSpec>)> {
    let (mut on_delete, mut on_update) = (None, None);
    while on_delete_ahead(c) {
        let delete = c.kw(1, "delete");
        c.pos += 2;
        let action = fk_action(c)?;
        let slot = if delete {
            &mut on_delete
        } else {
            &mut on_update
        };
        if slot.replace(action).is_some() {
            return Err(c.fail("the same `on …` action is given twice"));
        }
    }
    Ok((on_delete, on_update))
}

fn fk_action(c: &mut Cursor) -> PResult<FkActionSpec> {
    Ok(if c.eat("cascade") {
        FkActionSpec::Cascade
    } else if c.eat_seq(&["set", "null"]) || c.eat("nullify") {
        FkActionSpec::SetNull
    } else if c.eat_seq(&["set", "default"]) {
        FkActionSpec::SetDefault
    } else if c.eat("restrict") {
        FkActionSpec::Restrict
    } else if c.eat_seq(&["no", "action"]) {
        FkActionSpec::NoAction
    } else {
        return Err(c.expected("cascade, set null, set default, restrict or no action"));
    })
}

/// `reference[s] [to] <ref> on|to <table> [as <column>] [on delete …]`, or
/// `reference from <table> to <ref> …`.
fn add_reference(c: &mut Cursor) -> PResult<Intent> {
    c.topic = "add reference";
    c.eat_in(&["reference", "references"]);
    let mut table = None;
    let ref_table = if c.kw_in(0, &["from", "on", "in", "for"]) && c.is_name_at(1) {
        c.pos += 1;
        table = Some(c.table()?);
        c.expect("to", "`to <referenced table>`")?;
        c.table()?
    } else {
        c.eat("to");
        c.table()?
    };
    let (mut column, mut on_delete) = (None, None);
    loop {
        if c.kw(0, "on") && c.kw(1, "delete") {
            c.pos += 2;
            if on_delete.replace(fk_action(c)?).is_some() {
                return Err(c.fail("`on delete` is given twice"));
            }
        } else if table.is_none() && c.kw_in(0, &["on", "to", "in", "for", "from"]) {
            c.pos += 1;
            table = Some(c.table()?);
        } else if c.eat_in(&["as", "named", "called"]) {
            set_name(c, &mut column, "column")?;
        } else {
            break;
        }
    }
    let table = table.ok_or_else(|| c.expected("`on <table>`"))?;
    Ok(Intent::AddReference {
        table,
        ref_table,
        column,
        on_delete,
    })
}

/// `check [constraint] [name] <expr> on <table> [named name]`, `check … (expr) on t`,
/// `check on <table> <expr>`.
fn add_check(c: &mut Cursor, mut name: Option<String>) -> PResult<Intent> {
    c.topic = "add check";
    c.eat("check");
    c.eat("constraint");
    if name.is_none() && c.eat_in(&["named", "called"]) {
        name = Some(c.bare_name("a constraint name")?);
    }
    let names_at = |t: &super::lexer::Token| ["named", "called"].iter().any(|k| t.is_kw(k));
    let (table, start, stop) = if c.kw_in(0, &["on", "for"]) && c.is_name_at(1) {
        c.pos += 1;
        let table = c.table()?;
        let stop = c.top_level(c.pos, c.end, names_at).first().copied();
        (table, c.pos, stop.unwrap_or(c.end))
    } else {
        let intro = c.top_level(c.pos, c.end, |t| t.is_kw("on") || t.is_kw("for"));
        let Some(&k) = intro.last().filter(|&&k| k > c.pos) else {
            return Err(c.expected("an expression followed by `on <table>`"));
        };
        let mut start = c.pos;
        // `positive_price (price >= 0) on products`: a name, a space, a parenthesised check.
        let spaced = match (c.at(0), c.at(1)) {
            (Some(word), Some(paren)) => word.span.end < paren.span.start && paren.is_punct("("),
            _ => false,
        };
        if name.is_none() && c.is_name_at(0) && spaced && c.matching(c.pos + 1) == Some(k - 1) {
            name = Some(c.bare_name("a constraint name")?);
            start += 1;
        }
        c.pos = k + 1;
        let table = c.table()?;
        (table, start, k)
    };
    let expression = unwrap_parens(c, start, stop);
    if expression.is_empty() {
        return Err(c.fail("expected the check expression, e.g. `price >= 0`"));
    }
    c.check_expr(&expression)?;
    if stop > c.pos {
        c.pos = stop;
    }
    if c.eat_in(&["named", "called", "as"]) {
        set_name(c, &mut name, "constraint")?;
    }
    Ok(Intent::AddCheckConstraint {
        table,
        expression,
        name,
    })
}

/// The text of tokens `start..end`, without one pair of parentheses around all of it.
fn unwrap_parens(c: &Cursor, start: usize, end: usize) -> String {
    if end > start + 1 && c.sub(start..end).punct(0, "(") && c.matching(start) == Some(end - 1) {
        c.text(start + 1, end - 1)
    } else {
        c.text(start, end)
    }
}

/// `drop [unique|check] constraint <name> on|from <table>`, or `… constraint <table>.<name>`.
pub(super) fn drop_constraint(c: &mut Cursor) -> PResult<Intent> {
    c.topic = "drop constraint";
    c.eat_in(&["unique", "check"]);
    c.eat("constraint");
    let mut parts = c.dotted("a constraint name")?;
    let name = parts.pop().unwrap_or_default();
    let table = if parts.is_empty() {
        c.expect_in(&["on", "from", "of", "in"], "`on <table>`")?;
        c.table()?
    } else {
        parts.join(".")
    };
    Ok(Intent::DropConstraint { table, name })
}

/// `drop foreign key <name> on <table>`, `drop foreign key t.c`, `… on t(a, b)`.
pub(super) fn drop_foreign_key(c: &mut Cursor) -> PResult<Intent> {
    c.topic = "drop foreign key";
    if !c.eat("fk") {
        c.eat_seq(&["foreign", "key"]);
    }
    c.eat("constraint");
    let columns =
        |(table, columns)| Intent::DropForeignKey(ConstraintTarget::Columns { table, columns });
    // `from tasks to members`: the foreign key of `tasks` that references `members`.
    let to_ahead = |c: &Cursor, n: usize| {
        c.kw_in(n, &["to", "referencing", "references"])
            || (c.kw(n, "pointing") && c.kw_in(n + 1, &["to", "at"]))
    };
    if c.kw_in(0, &["from", "on", "of", "in"]) && c.is_name_at(1) && to_ahead(c, 2) {
        c.pos += 1;
        let table = c.table()?;
        c.eat("pointing");
        c.pos += 1;
        let ref_table = c.table()?;
        return Ok(Intent::DropForeignKey(ConstraintTarget::References {
            table,
            ref_table,
        }));
    }
    if c.eat_in(&["on", "from", "for", "of", "in"]) {
        return Ok(columns(c.target()?));
    }
    let mut parts = c.dotted("a foreign key name or `table.column`")?;
    if parts.len() > 1 || c.punct(0, "(") {
        return Ok(columns(c.target_rest(parts)?));
    }
    c.expect_in(&["on", "from", "of", "in"], "`on <table>`")?;
    let table = c.table()?;
    Ok(Intent::DropForeignKey(ConstraintTarget::Name {
        table,
        name: parts.remove(0),
    }))
}

/// Whether an `add` clause adds an enum value: `add value V to …`, `add 'v' to …`,
/// `add V to enum N`, `add V to N enum`.
pub(super) fn enum_value_ahead(c: &Cursor) -> bool {
    let value_kw = c.kw_in(0, &["value", "label"]);
    let n = usize::from(value_kw);
    let Some(v) = c.at(n) else { return false };
    if !c.kw(n + 1, "to") || !matches!(v.kind, Kind::Word | Kind::Quoted | Kind::Str | Kind::Num) {
        return false;
    }
    v.kind == Kind::Str
        || value_kw
        || c.kw_in(n + 2, &["enum", "type"])
        || c.last().is_some_and(|t| t.is_kw("enum"))
}

/// An enum label: a single-quoted string (case kept), a word (folded), a quoted name, a number.
fn enum_label(c: &mut Cursor) -> PResult<String> {
    let Some(t) = c.peek() else {
        return Err(c.expected("an enum value"));
    };
    let label = match t.kind {
        Kind::Str => t.text[1..t.text.len() - 1].replace("''", "'"),
        Kind::Num => t.text.clone(),
        _ => return c.bare_name("an enum value"),
    };
    c.pos += 1;
    Ok(label)
}

/// `[value] <label> to [enum|type] <name> [enum|type]`.
pub(super) fn add_enum_value(c: &mut Cursor) -> PResult<Intent> {
    c.topic = "enum";
    c.eat_in(&["value", "label"]);
    let value = enum_label(c)?;
    c.expect("to", "`to enum <name>`")?;
    c.skip_filler();
    let before = c.eat_in(&["enum", "type"]);
    let name = c.dotted("an enum type name")?.join(".");
    if !before {
        c.eat_in(&["enum", "type"]);
    }
    Ok(Intent::AddEnumValue { name, value })
}

/// `enum [type] <name> [with|as] [values] a, b and c`, `enum <name> (a, b)`,
/// `type <name> as enum ('a', 'b')`; `name` is given when read already (`create x enum …`).
pub(super) fn create_enum(c: &mut Cursor, name: Option<String>) -> PResult<Intent> {
    c.topic = "enum";
    let name = match name {
        Some(n) => n,
        None if c.eat("type") => {
            let n = c.dotted("an enum type name")?.join(".");
            if !c.eat_seq(&["as", "enum"]) {
                return Err(c.expected("`as enum (…)`"));
            }
            n
        }
        None => {
            c.eat("enum");
            c.eat("type");
            c.dotted("an enum type name")?.join(".")
        }
    };
    c.eat_in(&["with", "as", "of"]);
    c.eat_in(&["values", "labels"]);
    let paren = c.eat_punct("(");
    let mut values: Vec<String> = Vec::new();
    loop {
        while c.eat_punct(",") || c.eat("and") {}
        if c.at_end() || (paren && c.punct(0, ")")) {
            break;
        }
        let v = enum_label(c)?;
        if values.contains(&v) {
            return Err(c.fail(format!("`{v}` is listed twice")));
        }
        values.push(v);
    }
    if paren && !c.eat_punct(")") {
        return Err(c.expected("`)`"));
    }
    if values.is_empty() {
        return Err(c.fail("an enum needs at least one value"));
    }
    Ok(Intent::CreateEnum { name, values })
}
