//! A cursor over one clause's tokens, and the pieces every form shares: names (folded to lower
//! case unless quoted), `table.column` references, column lists, SQL fragments and type words
//! (both validated), and building a [`ParseError`] that quotes the clause.
//!
//! Filler words (`a`, `an`, `the`, `column`, `field`, `new`, `please`) are skipped only where a
//! name is expected *and* another name follows, so `add a nullable x to t` skips `a` while
//! `add a to t` adds a column called `a`. Before a table name `table` is filler too
//! (`to the users table`, `to table users`).

use super::lexer::{Kind, Token};
use super::{suggest, ParseError, ANY_TABLE};
use crate::dialect::postgres::parse_expr;
use crate::intent::infer::sql_type;
use std::ops::Range;

/// Words skipped in front of a name when another name follows.
const FILLER: &[&str] = &["a", "an", "the", "column", "field", "new", "please"];

/// Words never read as a bare (unquoted) name: they introduce the next part of a clause.
const STRUCTURAL: &[&str] = &[
    "to", "from", "into", "in", "on", "of", "with", "where", "using", "and", "as",
];

/// Words that introduce the table after a column: `email in users`, `x from users`.
pub(super) const COLUMN_INTRO: &[&str] = &["in", "of", "on", "from", "for"];

/// Result of a grammar step.
pub(super) type PResult<T> = Result<T, ParseError>;

/// A position in one clause (or in part of one: see [`Cursor::sub`]).
#[derive(Clone)]
pub(super) struct Cursor<'a> {
    src: &'a str,
    toks: &'a [Token],
    /// Absolute index of the current token.
    pub pos: usize,
    /// Absolute index just past the last token this cursor may read.
    pub end: usize,
    clause: &'a str,
    /// Which examples to suggest on failure (see `suggest::for_topic`).
    pub topic: &'static str,
}

impl<'a> Cursor<'a> {
    /// A cursor over `toks[range]`, a clause of `src`.
    pub fn new(src: &'a str, toks: &'a [Token], range: Range<usize>) -> Self {
        let clause = &src[toks[range.start].span.start..toks[range.end - 1].span.end];
        Cursor {
            src,
            toks,
            pos: range.start,
            end: range.end,
            clause,
            topic: "general",
        }
    }

    /// A cursor over absolute token indices `start..end` of the same clause.
    pub fn sub(&self, range: Range<usize>) -> Cursor<'a> {
        Cursor {
            pos: range.start,
            end: range.end,
            ..self.clone()
        }
    }

    pub fn at(&self, n: usize) -> Option<&'a Token> {
        let i = self.pos + n;
        (i < self.end).then(|| &self.toks[i])
    }

    pub fn peek(&self) -> Option<&'a Token> {
        self.at(0)
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    /// The last token of this cursor's range.
    pub fn last(&self) -> Option<&'a Token> {
        (self.end > self.pos).then(|| &self.toks[self.end - 1])
    }

    pub fn kw(&self, n: usize, kw: &str) -> bool {
        self.at(n).is_some_and(|t| t.is_kw(kw))
    }

    pub fn kw_in(&self, n: usize, set: &[&str]) -> bool {
        self.at(n).is_some_and(|t| set.iter().any(|k| t.is_kw(k)))
    }

    pub fn punct(&self, n: usize, p: &str) -> bool {
        self.at(n).is_some_and(|t| t.is_punct(p))
    }

    /// Whether the token before the current one is the word `kw`.
    pub fn prev_kw(&self, kw: &str) -> bool {
        self.pos > 0 && self.toks[self.pos - 1].is_kw(kw)
    }

    /// Whether token `n` can be read as a name (a quoted name, or a non-structural word).
    pub fn is_name_at(&self, n: usize) -> bool {
        self.at(n).is_some_and(|t| {
            t.kind == Kind::Quoted
                || (t.kind == Kind::Word && !STRUCTURAL.iter().any(|s| t.is_kw(s)))
        })
    }

    pub fn eat(&mut self, kw: &str) -> bool {
        let hit = self.kw(0, kw);
        self.pos += usize::from(hit);
        hit
    }

    pub fn eat_in(&mut self, set: &[&str]) -> bool {
        let hit = self.kw_in(0, set);
        self.pos += usize::from(hit);
        hit
    }

    /// Eat the words `kws` in sequence, or nothing.
    pub fn eat_seq(&mut self, kws: &[&str]) -> bool {
        let hit = kws.iter().enumerate().all(|(n, k)| self.kw(n, k));
        if hit {
            self.pos += kws.len();
        }
        hit
    }

    pub fn eat_punct(&mut self, p: &str) -> bool {
        let hit = self.punct(0, p);
        self.pos += usize::from(hit);
        hit
    }

    pub fn expect(&mut self, kw: &str, what: &str) -> PResult<()> {
        self.expect_in(&[kw], what)
    }

    pub fn expect_in(&mut self, set: &[&str], what: &str) -> PResult<()> {
        if self.eat_in(set) {
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    /// An error for this clause with `hint`, suggesting examples for the current topic.
    pub fn fail(&self, hint: impl Into<String>) -> ParseError {
        ParseError {
            fragment: self.clause.to_string(),
            hint: Some(hint.into()),
            suggestions: suggest::for_topic(self.topic),
        }
    }

    /// The current token as written, for messages.
    pub fn found(&self) -> String {
        match self.peek() {
            Some(t) => format!("`{}`", &self.src[t.span.clone()]),
            None => "the end".into(),
        }
    }

    pub fn expected(&self, what: &str) -> ParseError {
        self.fail(format!("expected {what}, found {}", self.found()))
    }

    /// Succeeds when every token has been read.
    pub fn done(&self) -> PResult<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.fail(format!("did not expect {} here", self.found())))
        }
    }

    /// The description's text from token `start` up to (not including) token `end`, trimmed.
    pub fn text(&self, start: usize, end: usize) -> String {
        if end <= start {
            return String::new();
        }
        self.src[self.toks[start].span.start..self.toks[end - 1].span.end]
            .trim()
            .to_string()
    }

    /// Index of the `)` matching the `(` at absolute index `open`, within this cursor.
    pub fn matching(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for i in open..self.end {
            let t = &self.toks[i];
            if t.is_punct("(") {
                depth += 1;
            } else if t.is_punct(")") {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
        }
        None
    }

    /// Absolute indices in `start..end` of the top-level (outside parentheses) tokens matching
    /// `pred`.
    pub fn top_level(&self, start: usize, end: usize, pred: impl Fn(&Token) -> bool) -> Vec<usize> {
        let mut depth = 0usize;
        let mut out = Vec::new();
        for (i, t) in self.toks.iter().enumerate().take(end).skip(start) {
            if t.is_punct("(") || t.is_punct("[") {
                depth += 1;
            } else if t.is_punct(")") || t.is_punct("]") {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && pred(t) {
                out.push(i);
            }
        }
        out
    }

    /// Read tokens up to the first one (after the first) where `stop` holds — only outside
    /// parentheses when `nested` — and return their text.
    fn take_until(&mut self, nested: bool, stop: &dyn Fn(&Cursor) -> bool) -> Option<String> {
        let start = self.pos;
        let mut depth = 0usize;
        while !self.at_end() {
            if self.pos > start && (depth == 0 || !nested) && stop(self) {
                break;
            }
            let t = &self.toks[self.pos];
            if t.is_punct("(") || t.is_punct("[") {
                depth += 1;
            } else if t.is_punct(")") || t.is_punct("]") {
                depth = depth.saturating_sub(1);
            }
            self.pos += 1;
        }
        (self.pos > start).then(|| self.text(start, self.pos))
    }

    /// A SQL expression running up to `stop` (outside parentheses), validated as exactly one
    /// expression and returned as written.
    pub fn expr(&mut self, what: &str, stop: &dyn Fn(&Cursor) -> bool) -> PResult<String> {
        let Some(text) = self.take_until(true, stop) else {
            return Err(self.expected(what));
        };
        self.check_expr(&text)?;
        Ok(text)
    }

    /// Validate `text` as one SQL expression.
    pub fn check_expr(&self, text: &str) -> PResult<()> {
        parse_expr(text)
            .map(drop)
            .map_err(|e| self.fail(e.to_string()))
    }

    /// A type running up to `stop`, validated by [`sql_type`] and returned as written.
    pub fn ty(&mut self, stop: &dyn Fn(&Cursor) -> bool) -> PResult<String> {
        let Some(text) = self.take_until(false, stop) else {
            return Err(self.expected("a type"));
        };
        self.check_type(&text)?;
        Ok(text)
    }

    /// Validate `text` as a type word.
    pub fn check_type(&self, text: &str) -> PResult<()> {
        sql_type(text)
            .map(drop)
            .map_err(|e| self.fail(e.to_string()))
    }

    /// Skip filler words that stand in front of another name.
    pub fn skip_filler(&mut self) {
        while self.kw_in(0, FILLER) && self.is_name_at(1) {
            self.pos += 1;
        }
    }

    /// A name without skipping filler: a quoted name as is, or a word folded to lower case.
    pub fn bare_name(&mut self, what: &str) -> PResult<String> {
        if !self.is_name_at(0) {
            return Err(self.expected(what));
        }
        let t = &self.toks[self.pos];
        self.pos += 1;
        Ok(match t.kind {
            Kind::Quoted => t.text.clone(),
            _ => t.text.to_lowercase(),
        })
    }

    /// A name, after any filler.
    pub fn name(&mut self, what: &str) -> PResult<String> {
        self.skip_filler();
        self.bare_name(what)
    }

    /// `a`, `a.b`, `a.b.c`: the parts.
    pub fn dotted(&mut self, what: &str) -> PResult<Vec<String>> {
        let mut parts = vec![self.name(what)?];
        while self.punct(0, ".") && self.is_name_at(1) {
            self.pos += 1;
            parts.push(self.bare_name(what)?);
        }
        Ok(parts)
    }

    /// Skip a `column`/`field` word standing after a column name (`the email column from t`).
    pub fn eat_column_word(&mut self) {
        if self.kw_in(0, &["column", "field", "columns", "fields"]) && !self.is_name_at(1) {
            self.pos += 1;
        }
    }

    /// A table name, possibly schema-qualified (`audit.events`); `the`/`table` around it are
    /// filler (`to the users table`).
    pub fn table(&mut self) -> PResult<String> {
        while (self.kw_in(0, FILLER) || self.kw(0, "table")) && self.is_name_at(1) {
            self.pos += 1;
        }
        let parts = self.dotted("a table name")?;
        if parts.len() > 2 {
            return Err(self.fail(format!(
                "`{}` has too many parts for a table name",
                parts.join(".")
            )));
        }
        if self.kw(0, "table") && !self.is_name_at(1) {
            self.pos += 1;
        }
        Ok(parts.join("."))
    }

    /// A column: `t.c`, `s.t.c`, `t(c)`, `c in|of|on|from|for t`, or a bare `c` (table `None`).
    pub fn col_ref(&mut self) -> PResult<(Option<String>, String)> {
        let parts = self.dotted("a column name")?;
        if self.punct(0, "(") {
            let cols = self.paren_names()?;
            return match <[String; 1]>::try_from(cols) {
                Ok([c]) if parts.len() <= 2 => Ok((Some(parts.join(".")), c)),
                _ => Err(self.fail("expected one column: `table(column)`")),
            };
        }
        let (table, column) = self.split_column(parts)?;
        self.eat_column_word();
        match table {
            Some(t) => Ok((Some(t), column)),
            None if self.kw_in(0, COLUMN_INTRO) && self.is_name_at(1) => {
                self.pos += 1;
                Ok((Some(self.table()?), column))
            }
            None => Ok((None, column)),
        }
    }

    /// `[c]` → (None, c); `[t, c]` → (t, c); `[s, t, c]` → (s.t, c).
    fn split_column(&self, mut parts: Vec<String>) -> PResult<(Option<String>, String)> {
        if parts.len() > 3 {
            return Err(self.fail(format!(
                "`{}` has too many parts for `table.column`",
                parts.join(".")
            )));
        }
        let column = parts.pop().unwrap_or_default();
        Ok(((!parts.is_empty()).then(|| parts.join(".")), column))
    }

    /// The table when `col_ref` gave none: `… in <table>`, else [`ANY_TABLE`] (the schema
    /// decides, see `plan::resolve`).
    pub fn need_table(&mut self, table: Option<String>) -> PResult<String> {
        match table {
            Some(t) => Ok(t),
            None if self.kw_in(0, COLUMN_INTRO) && self.is_name_at(1) => {
                self.pos += 1;
                self.table()
            }
            None => Ok(ANY_TABLE.to_string()),
        }
    }

    /// `(a, b, …)`: names.
    pub fn paren_names(&mut self) -> PResult<Vec<String>> {
        if !self.eat_punct("(") {
            return Err(self.expected("`(`"));
        }
        let mut out = Vec::new();
        loop {
            out.push(self.bare_name("a column name")?);
            if self.punct(0, "(") || self.punct(0, ".") {
                return Err(
                    self.fail("only plain column names can be listed here, not expressions")
                );
            }
            if self.eat_punct(")") {
                return Ok(out);
            }
            if !self.eat_punct(",") {
                return Err(self.expected("`,` or `)`"));
            }
        }
    }

    /// Columns of one table: `t(a, b)`, `t.c`, `s.t.c`, `c in t`.
    pub fn target(&mut self) -> PResult<(String, Vec<String>)> {
        let parts = self.dotted("a table or `table.column`")?;
        self.target_rest(parts)
    }

    /// [`Cursor::target`] after its first dotted name was read.
    pub fn target_rest(&mut self, parts: Vec<String>) -> PResult<(String, Vec<String>)> {
        if self.punct(0, "(") {
            if parts.len() > 2 {
                return Err(self.fail(format!("`{}` is not a table name", parts.join("."))));
            }
            return Ok((parts.join("."), self.paren_names()?));
        }
        match self.split_column(parts)? {
            (Some(table), column) => Ok((table, vec![column])),
            (None, column) => {
                self.eat_column_word();
                if !(self.kw_in(0, COLUMN_INTRO) && self.is_name_at(1)) {
                    return Err(self
                        .expected("columns: `table(a, b)`, `table.column` or `column in table`"));
                }
                let table = self.need_table(None)?;
                Ok((table, vec![column]))
            }
        }
    }

    /// `not null`/`required` → `Some(false)`; `null`/`nullable`/`optional` → `Some(true)`.
    pub fn nullability(&mut self) -> Option<bool> {
        if self.eat_seq(&["not", "null"])
            || self.eat_seq(&["not", "nullable"])
            || self.eat_in(&["required", "mandatory"])
        {
            Some(false)
        } else if self.eat_in(&["null", "nullable", "optional"]) {
            Some(true)
        } else {
            None
        }
    }
}
