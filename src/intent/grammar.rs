//! The description grammar: "add email_verified to users and add index on users.email" →
//! `Vec<Intent>`.
//!
//! Pure: no I/O, no schema, no type inference (a column without a type keeps
//! `data_type: None`). Keywords are case-insensitive; names are folded to lower case unless
//! double-quoted (`"UserName"`, `"a""b"`). A description is cut into clauses (see `lexer`), and
//! each clause is read by its verb: `add`, `create`, `remove`/`drop`/`delete`, `rename`,
//! `change`/`alter`/`modify`, `make`, `allow`/`disallow`, `set`, `backfill`/`update`.
//! SQL fragments (defaults, checks, values, conditions, `using`) are kept as written after
//! checking they are exactly one expression; type words are kept as written after checking
//! them with `infer::sql_type`.
//!
//! Choices for ambiguous spellings:
//! - In a column context `a.b` is `table.column` and `a.b.c` is `schema.table.column`; where
//!   only a table can stand (`to audit.events`, `create table audit.events`) `a.b` is a
//!   schema-qualified table.
//! - `add X to Y` adds a column unless `Y` is marked as an enum (`to enum Y`, `to Y enum`), the
//!   value is a string (`add 'v' to Y`) or the clause says `add value`.
//! - `rename a to b` (no table anywhere, no `column` word) renames table `a`.
//! - `set t.c to <value> [where …]` is a backfill; `set t.c default <expr>` sets the default.
//! - Words with a meaning here (`index`, `check`, `to`, `nullable`, …) must be double-quoted to
//!   be used as names where they would be read as keywords.

use super::cursor::{Cursor, PResult};
use super::lexer::{self, Kind};
use super::{columns, keys, suggest, Intent, ParseError};

/// Parse a description into intents, in the order written.
pub fn parse(description: &str) -> Result<Vec<Intent>, ParseError> {
    let toks = lexer::lex(description).map_err(|e| ParseError {
        fragment: description[e.span].trim().to_string(),
        hint: Some(e.message),
        suggestions: suggest::for_topic("general"),
    })?;
    let mut toks = toks;
    if toks.last().is_some_and(|t| t.is_punct(".")) {
        toks.pop(); // "add email_verified to users."
    }
    let clauses = lexer::split_clauses(&toks);
    if clauses.is_empty() {
        return Err(ParseError {
            fragment: description.trim().to_string(),
            hint: Some("the description is empty: say what should change".into()),
            suggestions: suggest::for_topic("general"),
        });
    }
    let mut out = Vec::new();
    for range in clauses {
        out.extend(clause(&mut Cursor::new(description, &toks, range))?);
    }
    Ok(out)
}

/// One clause, by its verb (most clauses are one change; `add a and b to t` is several).
fn clause(c: &mut Cursor) -> PResult<Vec<Intent>> {
    let first = c.peek().expect("clauses are not empty");
    let verb = match first.kind {
        Kind::Word => first.text.to_lowercase(),
        _ => String::new(),
    };
    c.topic = suggest::topic_of(&verb);
    c.pos += 1;
    let one = |r: PResult<Intent>| r.map(|i| vec![i]);
    let intents = match verb.as_str() {
        "add" => add(c),
        "index" => one(keys::index_verb(c)),
        "create" => one(columns::create(c)),
        "remove" | "drop" | "delete" => drop(c),
        "rename" => one(rename(c)),
        "change" | "alter" | "modify" => one(change(c)),
        "make" => one(make(c)),
        "allow" => one(allow(c, true)),
        "disallow" => one(allow(c, false)),
        "set" => one(set(c)),
        "backfill" => one(backfill(c, false)),
        "update" => one(backfill(c, true)),
        _ => {
            let (close, suggestions) = suggest::unknown_verb(&first.text);
            let mut hint = format!(
                "`{}` is not a known verb; start with add, remove, drop, rename, change, make, \
                 set, create or backfill",
                first.text
            );
            if let Some(v) = close {
                hint.push_str(&format!(" (did you mean `{v}`?)"));
            }
            let mut err = c.fail(hint);
            err.suggestions = suggestions;
            return Err(err);
        }
    }?;
    c.done()?;
    Ok(intents)
}

/// `add …`: timestamps, an index, constraint, foreign key, reference, enum value, or
/// (otherwise) one or more columns.
fn add(c: &mut Cursor) -> PResult<Vec<Intent>> {
    c.skip_filler();
    if c.kw(0, "timestamps") && c.kw_in(1, &["to", "on", "in", "into"]) && c.is_name_at(2) {
        c.pos += 2;
        return Ok(vec![Intent::AddTimestamps { table: c.table()? }]);
    }
    if let Some(r) = keys::keyed(c) {
        return r.map(|i| vec![i]);
    }
    if keys::enum_value_ahead(c) {
        return keys::add_enum_value(c).map(|i| vec![i]);
    }
    if let Some(r) = keys::trailing_index(c) {
        return r.map(|i| vec![i]);
    }
    if let Some(r) = keys::named_reference(c) {
        return r.map(|i| vec![i]);
    }
    columns::add_columns(c)
}

/// `remove`/`drop`/`delete`: a table, index, foreign key, constraint, default, `not null`, or
/// (otherwise) one or more columns (`remove a and b from t`).
fn drop(c: &mut Cursor) -> PResult<Vec<Intent>> {
    c.skip_filler();
    if c.kw(0, "timestamps") && c.kw_in(1, &["from", "on", "in", "of"]) && c.is_name_at(2) {
        c.pos += 2;
        let table = c.table()?;
        return Ok(["created_at", "updated_at"]
            .map(|column| Intent::DropColumn {
                table: table.clone(),
                column: column.to_string(),
            })
            .to_vec());
    }
    if let Some(r) = columns::drop_columns(c) {
        return r;
    }
    drop_one(c).map(|i| vec![i])
}

fn drop_one(c: &mut Cursor) -> PResult<Intent> {
    c.skip_filler();
    if c.kw(0, "table") && c.is_name_at(1) {
        c.pos += 1;
        return Ok(Intent::DropTable { table: c.table()? });
    }
    if keys::index_ahead(c) {
        return keys::drop_index(c);
    }
    if (c.kw(0, "foreign") && c.kw(1, "key")) || c.kw(0, "fk") {
        return keys::drop_foreign_key(c);
    }
    if c.kw(0, "constraint") || (c.kw_in(0, &["unique", "check"]) && c.kw(1, "constraint")) {
        return keys::drop_constraint(c);
    }
    if c.eat("default") {
        c.topic = "default";
        c.eat_in(&["from", "of", "on", "for"]);
        let (table, column) = c.col_ref()?;
        let table = c.need_table(table)?;
        return Ok(Intent::DropDefault { table, column });
    }
    if c.eat_seq(&["not", "null"]) {
        c.topic = "make";
        c.eat("constraint");
        c.eat_in(&["from", "of", "on", "for"]);
        let (table, column) = c.col_ref()?;
        let table = c.need_table(table)?;
        return Ok(Intent::DropNotNull { table, column });
    }
    if c.kw_in(0, &["enum", "type", "value"]) && c.is_name_at(1) {
        return Err(c.fail("dropping enum types or values is not supported"));
    }
    if c.kw_in(0, &["reference", "references"]) && !c.is_name_at(1) {
        return Err(c.fail(
            "to drop a reference, drop its foreign key and column: \
             `remove foreign key posts.user_id and remove user_id from posts`",
        ));
    }
    let (table, column) = c.col_ref()?;
    if table.is_none() && c.eat("table") {
        return Ok(Intent::DropTable { table: column });
    }
    let table = c.need_table(table)?;
    Ok(Intent::DropColumn { table, column })
}

/// `rename table a to b`, `rename [column] [t.]a to b [in t]`, `rename a in t to b`.
fn rename(c: &mut Cursor) -> PResult<Intent> {
    let column_said =
        c.kw_in(0, &["column", "field"]) || (c.kw(0, "the") && c.kw_in(1, &["column", "field"]));
    c.skip_filler();
    if c.kw(0, "table") && c.is_name_at(1) {
        c.pos += 1;
        return rename_table(c, None);
    }
    if c.kw_in(0, &["index", "constraint", "enum", "type"]) && c.is_name_at(1) {
        return Err(c.fail(format!("renaming {} is not supported", c.found())));
    }
    let (mut table, from) = c.col_ref()?;
    if table.is_none() && !column_said && c.eat("table") {
        return rename_table(c, Some(from));
    }
    c.expect("to", "`to <new name>`")?;
    let to = match c.dotted("the new name")?.as_slice() {
        [to] => to.clone(),
        [t, to] if table.as_ref() == Some(t) => to.clone(),
        _ => return Err(c.fail("the new name must be a plain name")),
    };
    if table.is_none() && c.kw_in(0, super::cursor::COLUMN_INTRO) && c.is_name_at(1) {
        c.pos += 1;
        table = Some(c.table()?);
    }
    match table {
        Some(table) => Ok(Intent::RenameColumn { table, from, to }),
        None if !column_said => Ok(Intent::RenameTable { from, to }),
        None => Ok(Intent::RenameColumn {
            table: super::ANY_TABLE.to_string(),
            from,
            to,
        }),
    }
}

fn rename_table(c: &mut Cursor, from: Option<String>) -> PResult<Intent> {
    let from = match from {
        Some(f) => f,
        None => c.table()?,
    };
    c.expect("to", "`to <new name>`")?;
    let to = c.table()?;
    Ok(Intent::RenameTable { from, to })
}

/// `change [column] [type of] <column> to|type <type> [using <expr>]`, the SQL
/// `alter table t alter [column] c type …`, and `change default of …`.
fn change(c: &mut Cursor) -> PResult<Intent> {
    c.skip_filler();
    if c.kw(0, "table") && c.is_name_at(1) {
        return alter_table(c);
    }
    if c.eat("default") {
        c.topic = "default";
        return set_default(c);
    }
    if c.kw(0, "type") && c.kw_in(1, &["of", "for"]) {
        c.pos += 2;
    } else if c.kw(0, "data") && c.kw(1, "type") && c.kw_in(2, &["of", "for"]) {
        c.pos += 3;
    }
    c.skip_filler();
    let (table, column) = c.col_ref()?;
    change_rest(c, table, column)
}

/// After the column of a `change`: `from <type>` (when the table is known), the new type (or
/// nullability), table, `using`.
fn change_rest(c: &mut Cursor, table: Option<String>, column: String) -> PResult<Intent> {
    let from_type = if table.is_some() && c.eat("from") {
        Some(c.ty(&|c| c.kw(0, "to"))?)
    } else {
        None
    };
    let linked = c.eat_seq(&["set", "data", "type"])
        || c.eat_seq(&["set", "type"])
        || c.eat_seq(&["data", "type"])
        || c.eat("type")
        || c.eat_in(&["to", "into", "as"]);
    if !linked {
        return Err(c.expected("`to <type>` or `type <type>`"));
    }
    c.eat("type");
    let open = table.is_none();
    let mut probe = c.clone();
    if let Some(nullable) = probe.nullability() {
        if probe.at_end() || (open && probe.kw_in(0, super::cursor::COLUMN_INTRO)) {
            *c = probe;
            let table = c.need_table(table)?;
            return Ok(null_intent(table, column, nullable));
        }
    }
    let to_type = c.ty(&|c| c.kw(0, "using") || (open && c.kw_in(0, &["in", "on", "of"])))?;
    let table = c.need_table(table)?;
    let using = if c.eat("using") {
        Some(c.expr("a `using` expression", &|_| false)?)
    } else {
        None
    };
    Ok(Intent::ChangeColumnType {
        table,
        column,
        to_type,
        using,
        from_type,
    })
}

fn null_intent(table: String, column: String, nullable: bool) -> Intent {
    if nullable {
        Intent::DropNotNull { table, column }
    } else {
        Intent::SetNotNull { table, column }
    }
}

/// `alter table t alter|change|modify [column] c …`: a type, `set|drop not null`,
/// `set default …`, `drop default`.
fn alter_table(c: &mut Cursor) -> PResult<Intent> {
    c.pos += 1;
    let table = c.table()?;
    c.expect_in(
        &["alter", "change", "modify"],
        "`alter column <column> …` (other `alter table` forms have their own verbs)",
    )?;
    let column = c.name("a column name")?;
    if c.eat_seq(&["set", "not", "null"]) {
        return Ok(Intent::SetNotNull { table, column });
    }
    if c.eat_seq(&["drop", "not", "null"]) {
        return Ok(Intent::DropNotNull { table, column });
    }
    if c.eat_seq(&["drop", "default"]) {
        return Ok(Intent::DropDefault { table, column });
    }
    if c.eat_seq(&["set", "default"]) {
        let default = c.expr("a default value", &|_| false)?;
        return Ok(Intent::SetDefault {
            table,
            column,
            default,
        });
    }
    change_rest(c, Some(table), column)
}

/// `make <column> not null|required|nullable|optional|unique|default <value>`.
fn make(c: &mut Cursor) -> PResult<Intent> {
    c.skip_filler();
    let (table, column) = c.col_ref()?;
    let table = c.need_table(table)?;
    c.eat("be");
    if let Some(nullable) = c.nullability() {
        return Ok(null_intent(table, column, nullable));
    }
    if c.eat("unique") {
        return Ok(Intent::AddUniqueConstraint {
            table,
            columns: vec![column],
            name: None,
        });
    }
    if c.eat("default") {
        c.topic = "default";
        if !c.eat_in(&["to", "as"]) {
            c.eat_punct("=");
        }
        let default = c.expr("a default value", &|_| false)?;
        return Ok(Intent::SetDefault {
            table,
            column,
            default,
        });
    }
    Err(c.expected("`not null`, `nullable`, `unique` or `default <value>`"))
}

/// `allow null[s] in <column>`, `allow <column> to be null`; `disallow …` sets `not null`.
fn allow(c: &mut Cursor, allow: bool) -> PResult<Intent> {
    c.topic = "allow";
    c.skip_filler();
    let (table, column) = if c.eat_in(&["null", "nulls"]) {
        c.eat("values");
        c.expect_in(&["in", "on", "for", "of", "into"], "`in table.column`")?;
        c.col_ref()?
    } else {
        let col = c.col_ref()?;
        c.eat_seq(&["to", "be"]);
        if !c.eat_in(&["null", "nulls", "nullable"]) {
            return Err(c.expected("`null`"));
        }
        col
    };
    let table = c.need_table(table)?;
    Ok(null_intent(table, column, allow))
}

/// `set default …`, `set <column> default …`, `set not null on …`, `set <column> not null`,
/// `set <column> to <value> [where …]` (a backfill).
fn set(c: &mut Cursor) -> PResult<Intent> {
    c.skip_filler();
    if c.eat("default") {
        c.topic = "default";
        return set_default(c);
    }
    if c.eat_seq(&["not", "null"]) {
        c.expect_in(&["on", "for", "of", "in"], "`on table.column`")?;
        let (table, column) = c.col_ref()?;
        let table = c.need_table(table)?;
        return Ok(Intent::SetNotNull { table, column });
    }
    let (table, column) = c.col_ref()?;
    let table = c.need_table(table)?;
    if c.eat("default") {
        c.topic = "default";
        if !c.eat_in(&["to", "as"]) {
            c.eat_punct("=");
        }
        let default = c.expr("a default value", &|_| false)?;
        return Ok(Intent::SetDefault {
            table,
            column,
            default,
        });
    }
    if let Some(nullable) = c.nullability() {
        return Ok(null_intent(table, column, nullable));
    }
    if c.eat("to") || c.eat_punct("=") {
        c.topic = "backfill";
        return value_and_condition(c, table, column);
    }
    Err(c.expected("`default <value>`, `not null` or `to <value>`"))
}

/// After `set default` / `change default`: `of <column> to <expr>` or `<expr> on <column>`.
fn set_default(c: &mut Cursor) -> PResult<Intent> {
    if c.kw_in(0, &["of", "for", "on"]) && c.is_name_at(1) {
        c.pos += 1;
        let (table, column) = c.col_ref()?;
        let table = c.need_table(table)?;
        if !(c.eat_in(&["to", "as"]) || c.eat_punct("=")) {
            return Err(c.expected("`to <default>`"));
        }
        let default = c.expr("a default value", &|_| false)?;
        return Ok(Intent::SetDefault {
            table,
            column,
            default,
        });
    }
    c.eat("to");
    let intro = c.top_level(c.pos, c.end, |t| {
        ["on", "for", "of"].iter().any(|k| t.is_kw(k))
    });
    let Some(&k) = intro.last().filter(|&&k| k > c.pos) else {
        return Err(c.expected("`of table.column to <default>` or `<default> on table.column`"));
    };
    let default = c.text(c.pos, k);
    c.check_expr(&default)?;
    c.pos = k + 1;
    let (table, column) = c.col_ref()?;
    let table = c.need_table(table)?;
    Ok(Intent::SetDefault {
        table,
        column,
        default,
    })
}

/// `backfill <column> with|=|to <value> [where <condition>]`; `update t set c = v [where …]`.
fn backfill(c: &mut Cursor, update: bool) -> PResult<Intent> {
    c.topic = "backfill";
    if update {
        let mut probe = c.clone();
        if let Ok(table) = probe.table() {
            if probe.eat("set") {
                *c = probe;
                let column = c.name("a column name")?;
                if !(c.eat("to") || c.eat_punct("=")) {
                    return Err(c.expected("`= <value>`"));
                }
                return value_and_condition(c, table, column);
            }
        }
    }
    c.skip_filler();
    let (table, column) = c.col_ref()?;
    let table = c.need_table(table)?;
    if !(c.eat_in(&["with", "to", "as"]) || c.eat_punct("=")) {
        return Err(c.expected("`with <value>`"));
    }
    value_and_condition(c, table, column)
}

fn value_and_condition(c: &mut Cursor, table: String, column: String) -> PResult<Intent> {
    let value = c.expr("a value", &|c| c.kw(0, "where"))?;
    let condition = if c.eat("where") {
        Some(c.expr("a condition", &|_| false)?)
    } else {
        None
    };
    Ok(Intent::Backfill {
        table,
        column,
        value,
        condition,
    })
}
