//! The vocabulary layer: free English, Rails/Django words and migration names, read as the
//! canonical phrasings of `grammar` — before the grammar sees them, and said back to the user.
//!
//! `interpret` rewrites each clause that is not in a canonical form into one that is (and
//! records "read … as …" in its notes, which the report lists under "Decided on your behalf"),
//! then parses the result with [`super::parse`]. So every free form becomes exactly the
//! operations of its canonical phrasing. Forms read here:
//! - migration names, CamelCase or snake_case: `AddDueOnToProjects`, `add_x_and_y_to_t`,
//!   `RemoveXFromY`, `AddIndexToTasksState`, `AddXIndexToY`, `CreateJoinTableUsersProjects`,
//!   `CreateWidgets`, `DropWidgets`, `RenameXToYInT`, optionally followed by Rails' generator
//!   arguments (`AddDueOnToProjects due_on:date`);
//! - verb synonyms: `get rid of`, `eliminate`, `ditch`, `discard` (drop); `introduce`, `put`,
//!   `include` (add); `store … on <table>` (add, with the type word found among the words);
//! - sentences about a table or column: `<t> need(s)/should have/gets [a column called] <c>
//!   [, <type>]`, `<t.c> should default to <v>`, `<t.c> should have no default`,
//!   `<t.c> is required/optional/nullable/unique` (and `not required`, `no longer optional`,
//!   `can be null`, `cannot be null`, `must not be null`), `<t> belongs to <u>`,
//!   `<t> has many <u>`;
//! - enums in one go: `add kind enum to tasks with values bug, feature`;
//! - join tables: `create a join table between users and projects`.
//!
//! Pure: the only knowledge of the schema is an optional list of table names, used solely to
//! cut a migration name's words into table and columns (`AddIndexToUserProfilesEmail`).

use super::lexer::{self, Kind, Token};
use super::{suggest, Intent, ParseError};
use crate::plan::resolve::names::{plural, singular};

/// The intents a description stands for, and how free forms were read.
#[derive(Debug, Clone, PartialEq)]
pub struct Interpretation {
    pub intents: Vec<Intent>,
    /// "read … as …", one per rewritten clause, in order.
    pub notes: Vec<String>,
}

/// Read `description` (free English, framework words or a migration name) into intents.
/// `tables` are the schema's table names (may be empty).
pub fn interpret(description: &str, tables: &[String]) -> Result<Interpretation, ParseError> {
    let toks = lexer::lex(description).map_err(|e| ParseError {
        fragment: description[e.span].trim().to_string(),
        hint: Some(e.message),
        suggestions: suggest::for_topic("general"),
    })?;
    let mut notes = Vec::new();
    if let Some(canonical) = super::migration_names::canonical(description, &toks, tables) {
        notes.push(format!(
            "read the migration name `{}` as \"{canonical}\"",
            description.trim()
        ));
        let intents = super::parse(&canonical)?;
        return Ok(Interpretation { intents, notes });
    }
    let mut intents = Vec::new();
    let mut toks = toks;
    if toks.last().is_some_and(|t| t.is_punct(".")) {
        toks.pop();
    }
    let clauses = lexer::split_clauses(&toks);
    if clauses.is_empty() {
        return super::parse(description).map(|intents| Interpretation { intents, notes });
    }
    for range in clauses {
        let clause = Clause {
            src: description,
            toks: &toks[range],
        };
        let text = clause.text(0, clause.toks.len());
        match rewrite(&clause, tables) {
            Some(canonical) => {
                notes.push(format!("read \"{text}\" as \"{canonical}\""));
                // An error quotes what the user wrote, and says how it was read.
                let read = super::parse(&canonical).map_err(|e| ParseError {
                    fragment: text.clone(),
                    hint: Some(format!(
                        "read as \"{canonical}\", which fails: {}",
                        e.hint.as_deref().unwrap_or("not understood")
                    )),
                    suggestions: e.suggestions,
                })?;
                intents.extend(read);
            }
            None => intents.extend(super::parse(&text)?),
        }
    }
    Ok(Interpretation { intents, notes })
}

/// The tokens of one clause.
pub(super) struct Clause<'a> {
    pub src: &'a str,
    pub toks: &'a [Token],
}

impl Clause<'_> {
    pub(super) fn len(&self) -> usize {
        self.toks.len()
    }

    /// Word `i`, lower case ("" for anything that is not an unquoted word).
    pub(super) fn w(&self, i: usize) -> String {
        self.toks
            .get(i)
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.text.to_lowercase())
            .unwrap_or_default()
    }

    pub(super) fn is(&self, i: usize, set: &[&str]) -> bool {
        set.contains(&self.w(i).as_str())
    }

    pub(super) fn seq(&self, i: usize, words: &[&str]) -> bool {
        words.iter().enumerate().all(|(n, w)| self.w(i + n) == *w)
    }

    pub(super) fn punct(&self, i: usize, p: &str) -> bool {
        self.toks.get(i).is_some_and(|t| t.is_punct(p))
    }

    pub(super) fn is_name(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
    }

    /// Source text of tokens `i..j`, trimmed.
    pub(super) fn text(&self, i: usize, j: usize) -> String {
        if j <= i || i >= self.len() {
            return String::new();
        }
        let j = j.min(self.len());
        self.src[self.toks[i].span.start..self.toks[j - 1].span.end]
            .trim()
            .to_string()
    }

    /// Length of a table or column reference at `i`: `name`, `a.b`, `a.b.c`.
    pub(super) fn dotted_len(&self, i: usize) -> usize {
        if !self.is_name(i) {
            return 0;
        }
        let mut n = 1;
        while self.punct(i + n, ".") && self.is_name(i + n + 1) {
            n += 2;
        }
        n
    }
}

/// Leading words that are filler in a sentence about a table (`each task belongs to …`).
pub(super) const ARTICLES: &[&str] = &[
    "a", "an", "the", "each", "every", "one", "another", "new", "extra",
];

/// A rewrite: the clause in canonical form, or `None` when it is not this rule's form.
type Rule = fn(&Clause, &[String]) -> Option<String>;

/// One clause in canonical form, when it is written in one of the free forms.
fn rewrite(c: &Clause, tables: &[String]) -> Option<String> {
    use super::sentences::*;
    let rules: &[Rule] = &[
        wants_to,
        synonym_verb,
        drop_table_column,
        make_list,
        should_reference,
        should_be_type,
        store,
        enum_column,
        join_table,
        should_default,
        needs_column,
        nullability_sentence,
        belongs_to,
    ];
    rules.iter().find_map(|rule| rule(c, tables))
}

/// `I want to drop …`, `we need to add …` → `drop …`, `add …`.
fn wants_to(c: &Clause, _: &[String]) -> Option<String> {
    let pronoun = c.is(0, &["i", "we", "you", "they", "let's", "lets"]);
    let mut i = 1;
    if !pronoun {
        return None;
    }
    if c.is(
        i,
        &["want", "need", "would", "'d", "have", "must", "should"],
    ) {
        i += 1;
    }
    if c.is(i, &["like", "to"]) {
        i += 1;
    }
    if c.is(i, &["to"]) {
        i += 1;
    }
    (i > 1 && c.is(i, lexer::VERBS) || c.seq(i, &["get", "rid", "of"])).then(|| c.text(i, c.len()))
}

/// `make t.a and t.b required` → `make t.a not null and make t.b not null`.
fn make_list(c: &Clause, _: &[String]) -> Option<String> {
    if !c.is(0, &["make"]) {
        return None;
    }
    let state_at = (1..c.len()).find(|&k| {
        c.is(
            k,
            &["required", "mandatory", "optional", "nullable", "unique"],
        ) || c.seq(k, &["not", "null"])
    })?;
    let mut refs = Vec::new();
    let mut i = 1;
    while i < state_at {
        let n = c.dotted_len(i);
        if n == 0 {
            return None;
        }
        refs.push(c.text(i, i + n));
        i += n;
        if i < state_at && (c.is(i, &["and"]) || c.punct(i, ",")) {
            i += 1;
        } else if i < state_at {
            return None;
        }
    }
    if refs.len() < 2 {
        return None;
    }
    let state = c.text(state_at, c.len());
    Some(
        refs.iter()
            .map(|r| format!("make {r} {state}"))
            .collect::<Vec<_>>()
            .join(" and "),
    )
}

/// `drop the projects archived column` → `drop projects.archived`.
fn drop_table_column(c: &Clause, _: &[String]) -> Option<String> {
    if !c.is(0, &["drop", "remove", "delete"]) {
        return None;
    }
    let i = 1 + usize::from(c.is(1, &["the"]));
    let named = c.is_name(i) && c.is_name(i + 1) && c.is(i + 2, &["column", "field"]);
    (named && i + 3 == c.len() && !c.is(i, &["table", "index", "column", "default"]))
        .then(|| format!("drop {}.{}", c.text(i, i + 1), c.text(i + 1, i + 2)))
}

/// `get rid of …` → `drop …`; `introduce …` → `add …`.
fn synonym_verb(c: &Clause, _: &[String]) -> Option<String> {
    let (n, verb) = if c.seq(0, &["get", "rid", "of"]) || c.seq(0, &["do", "away", "with"]) {
        (3, "drop")
    } else if c.is(0, &["eliminate", "ditch", "discard"]) {
        (1, "drop")
    } else if c.is(0, &["introduce", "put", "include"]) {
        (1, "add")
    } else {
        return None;
    };
    (c.len() > n).then(|| format!("{verb} {}", c.text(n, c.len())))
}

/// `store [a|an] [json] <name> [as json] on|in <table>`: add a column, the type word found
/// among the words (`store a json blob of settings on accounts`).
fn store(c: &Clause, _: &[String]) -> Option<String> {
    if !c.is(0, &["store", "keep", "record", "save"]) {
        return None;
    }
    let k = (1..c.len())
        .rev()
        .find(|&i| c.is(i, &["on", "in", "for"]))?;
    let table = c.text(k + 1, c.len());
    if c.dotted_len(k + 1) != c.len() - k - 1 {
        return None;
    }
    const SKIP: &[&str] = &[
        "a", "an", "the", "some", "column", "field", "blob", "document", "value", "values", "of",
        "as", "called", "named",
    ];
    let words: Vec<usize> = (1..k).filter(|&i| !c.is(i, SKIP)).collect();
    if words.iter().any(|&i| !c.is_name(i)) {
        return None;
    }
    let is_type = |i: usize| TYPE_WORDS.contains(&c.w(i).as_str());
    let (names, types): (Vec<usize>, Vec<usize>) = words.iter().partition(|&&i| !is_type(i));
    match (names.as_slice(), types.as_slice()) {
        ([n], []) => Some(format!("add {} to {table}", c.text(*n, n + 1))),
        ([n], [t]) => Some(format!("add {} {} to {table}", c.text(*n, n + 1), c.w(*t))),
        ([], [n, t]) => Some(format!("add {} {} to {table}", c.text(*t, t + 1), c.w(*n))),
        _ => None,
    }
}

/// Type words recognised among the words of a `store …` sentence.
pub(super) const TYPE_WORDS: &[&str] = &[
    "json",
    "jsonb",
    "text",
    "string",
    "integer",
    "int",
    "bigint",
    "smallint",
    "boolean",
    "bool",
    "date",
    "datetime",
    "timestamp",
    "timestamptz",
    "time",
    "interval",
    "uuid",
    "numeric",
    "decimal",
    "float",
    "real",
    "binary",
    "bytea",
    "inet",
    "citext",
    "xml",
    "varchar",
    "money",
];

/// `add <c> enum [type] to|on <t> with [the] values a, b` (also `add [an] enum [column] <c> …`
/// and the values before the table) → `create enum <singular t>_<c> with a, b and add <c>
/// <that enum> to <t>`.
fn enum_column(c: &Clause, _: &[String]) -> Option<String> {
    if !c.is(0, &["add"]) {
        return None;
    }
    let mut i = 1;
    while c.is(i, &["a", "an", "the", "new"]) {
        i += 1;
    }
    let name_at = if c.is_name(i) && c.is(i + 1, &["enum"]) && !c.is(i, &["enum"]) {
        i
    } else if c.is(i, &["enum"]) && c.is(i + 1, &["column", "field"]) && c.is_name(i + 2) {
        i + 2
    } else if c.is(i, &["enum"]) && c.is_name(i + 1) && c.is(i + 2, &["to", "on", "in"]) {
        i + 1
    } else {
        return None;
    };
    let column = c.w(name_at);
    if column.is_empty() {
        return None;
    }
    let to = (name_at + 1..c.len()).find(|&k| c.is(k, &["to", "on", "in"]))?;
    let table_len = c.dotted_len(to + 1);
    if table_len == 0 {
        return None;
    }
    let table = c.text(to + 1, to + 1 + table_len);
    let values_at =
        (name_at + 1..c.len()).find(|&k| c.is(k, &["with", "of", "values"]) && k != to)?;
    let mut v = values_at + 1;
    if c.is(values_at, &["with", "of"]) {
        while c.is(v, &["the", "values", "labels", "value"]) {
            v += 1;
        }
    }
    let values_end = if values_at < to { to } else { c.len() };
    if values_at < to && to + 1 + table_len != c.len() {
        return None;
    }
    if values_at > to && values_at != to + 1 + table_len {
        return None;
    }
    let values = c.text(v, values_end);
    if values.is_empty() {
        return None;
    }
    let bare = table.rsplit('.').next().unwrap_or(&table);
    let enum_name = format!("{}_{column}", singular(bare));
    Some(format!(
        "create enum {enum_name} with {values} and add {column} {enum_name} to {table}"
    ))
}

/// `create [a] join table [for|between|of] <a> and <b>`.
fn join_table(c: &Clause, tables: &[String]) -> Option<String> {
    if !c.is(0, &["create"]) {
        return None;
    }
    let mut i = 1;
    while c.is(i, &["a", "an", "the", "new"]) {
        i += 1;
    }
    if !c.seq(i, &["join", "table"]) {
        return None;
    }
    i += 2;
    if c.is(i, &["for", "between", "of", "linking"]) {
        i += 1;
    }
    let (a, b) = if c.is(i + 1, &["and"]) || c.punct(i + 1, ",") {
        (c.w(i), c.w(i + 2))
    } else {
        (c.w(i), c.w(i + 1))
    };
    if a.is_empty() || b.is_empty() || i + 3 < c.len() && !c.is(i + 1, &["and"]) {
        return None;
    }
    Some(join_table_text(&a, &b, tables))
}

/// The canonical `create table` of a join table between tables `a` and `b`: named as Rails'
/// `create_join_table` names it (both names in lexical order), one reference per table, and
/// the pair as its primary key.
pub(super) fn join_table_text(a: &str, b: &str, tables: &[String]) -> String {
    let known = |t: &str| {
        if tables.iter().any(|k| k == t) || tables.is_empty() {
            t.to_string()
        } else if tables.iter().any(|k| *k == plural(t)) {
            plural(t)
        } else {
            t.to_string()
        }
    };
    let (mut a, mut b) = (known(a), known(b));
    if b < a {
        std::mem::swap(&mut a, &mut b);
    }
    format!(
        "create table {a}_{b} ({sa}_id bigint not null primary key references {a}, \
         {sb}_id bigint not null primary key references {b})",
        sa = singular(&a),
        sb = singular(&b)
    )
}
