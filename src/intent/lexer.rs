//! Tokens of a description, and its split into clauses.
//!
//! A description is cut into words, double-quoted names, single-quoted strings, numbers and
//! punctuation. Every token keeps its byte span, so SQL fragments (defaults, checks, backfill
//! values) are handed on exactly as the user wrote them. Clauses are split at top-level `;`,
//! and at top-level `,`, `and` or `then` when a verb follows; a `,` or `and` inside parentheses,
//! or followed by anything other than a verb, belongs to the clause (value lists, check
//! expressions, backfill conditions). SQL comments (`--`, `/*`) are refused outright, so nothing
//! can hide the rest of a generated statement.

use std::ops::Range;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// An unquoted word: `add`, `users`, `email_verified`.
    Word,
    /// A double-quoted (or backquoted) name; `text` is the name with doubled quotes undone.
    Quoted,
    /// A single-quoted string; `text` is the literal as written, quotes included.
    Str,
    /// A number as written.
    Num,
    /// Punctuation or an operator: `(`, `,`, `.`, `:`, `::`, `>=`, …
    Punct,
}

/// One token and where it sits in the description.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub kind: Kind,
    pub text: String,
    pub span: Range<usize>,
}

impl Token {
    /// An unquoted word equal to `kw`, ignoring case.
    pub fn is_kw(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    /// Punctuation exactly equal to `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }

    fn is_open(&self) -> bool {
        self.is_punct("(") || self.is_punct("[")
    }

    fn is_close(&self) -> bool {
        self.is_punct(")") || self.is_punct("]")
    }
}

/// A description that cannot even be cut into tokens (an unterminated quote, a comment).
#[derive(Debug)]
pub(super) struct LexError {
    pub span: Range<usize>,
    pub message: String,
}

/// Verbs that start a clause; a `,`, `and` or `then` followed by one of them ends a clause.
pub(super) const VERBS: &[&str] = &[
    "add", "remove", "drop", "delete", "rename", "change", "alter", "modify", "make", "set",
    "allow", "disallow", "create", "backfill", "update",
];

/// Words ignored between clauses and at the start of one (`…, and then drop x`, `please add`).
const LEADERS: &[&str] = &["and", "then", "also", "please"];

const OPERATOR_CHARS: &str = "+-*/<>=~!@#%^&|?";

/// Cut a description into tokens.
pub(super) fn lex(src: &str) -> Result<Vec<Token>, LexError> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(c) = src[i..].chars().next() {
        let start = i;
        let mut text = None;
        let kind = if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        } else if c.is_alphabetic() || c == '_' {
            i = scan(src, i, |ch| ch.is_alphanumeric() || ch == '_' || ch == '$');
            Kind::Word
        } else if c.is_ascii_digit() {
            i = scan(src, i, |ch| ch.is_ascii_digit());
            if src[i..].starts_with('.') && src[i + 1..].starts_with(|d: char| d.is_ascii_digit()) {
                i = scan(src, i + 1, |ch| ch.is_ascii_digit());
            }
            Kind::Num
        } else if c == '\'' {
            i = quoted(src, i, c)?.1;
            Kind::Str
        } else if c == '"' || c == '`' {
            let (name, end) = quoted(src, i, c)?;
            if name.is_empty() {
                return Err(LexError {
                    span: start..end,
                    message: "a quoted name cannot be empty".into(),
                });
            }
            i = end;
            text = Some(name);
            Kind::Quoted
        } else if c == ':' {
            i += if src[i + 1..].starts_with(':') { 2 } else { 1 };
            Kind::Punct
        } else if OPERATOR_CHARS.contains(c) {
            i = scan(src, i, |ch| OPERATOR_CHARS.contains(ch));
            if src[start..i].contains("--") || src[start..i].contains("/*") {
                return Err(LexError {
                    span: start..src.len(),
                    message: "SQL comments (`--`, `/*`) are not allowed in a description".into(),
                });
            }
            Kind::Punct
        } else {
            // `(`, `)`, `,`, `;`, `.`, `[`, `]` and anything unexpected, one character each.
            i += c.len_utf8();
            Kind::Punct
        };
        out.push(Token {
            kind,
            text: text.unwrap_or_else(|| src[start..i].to_string()),
            span: start..i,
        });
    }
    Ok(out)
}

/// The byte index of the first character at or after `i` that does not satisfy `keep`.
fn scan(src: &str, i: usize, keep: impl Fn(char) -> bool) -> usize {
    src[i..]
        .char_indices()
        .find(|&(_, ch)| !keep(ch))
        .map_or(src.len(), |(k, _)| i + k)
}

/// Read a `q`-quoted run starting at `start` (a doubled `q` stands for one): its content and
/// the byte index just after the closing quote.
fn quoted(src: &str, start: usize, q: char) -> Result<(String, usize), LexError> {
    let mut text = String::new();
    let mut i = start + 1;
    loop {
        let Some(k) = src[i..].find(q) else {
            return Err(LexError {
                span: start..src.len(),
                message: format!("the quote {q} is never closed"),
            });
        };
        text.push_str(&src[i..i + k]);
        i += k + 1;
        if src[i..].starts_with(q) {
            text.push(q);
            i += 1;
        } else {
            return Ok((text, i));
        }
    }
}

/// Whether a clause starts at token `i` (after optional leaders such as `and then`).
fn starts_clause(toks: &[Token], mut i: usize) -> bool {
    while toks
        .get(i)
        .is_some_and(|t| LEADERS.iter().any(|l| t.is_kw(l)))
    {
        i += 1;
    }
    toks.get(i)
        .is_some_and(|t| VERBS.iter().any(|v| t.is_kw(v)))
        || sentence_starts(toks, i)
}

/// Whether a free-English clause (see `vocabulary`) starts at `i`: `get rid of …`, or
/// `<name>[.<name>] should|must|needs|belongs|defaults …`, `<name> is required|optional|…`.
fn sentence_starts(toks: &[Token], mut i: usize) -> bool {
    let kw = |i: usize, set: &[&str]| toks.get(i).is_some_and(|t| set.iter().any(|k| t.is_kw(k)));
    if kw(i, &["get"]) && kw(i + 1, &["rid"]) {
        return true;
    }
    let name = |i: usize| {
        toks.get(i)
            .is_some_and(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
    };
    if !name(i) || kw(i, VERBS) {
        return false;
    }
    i += 1;
    while toks.get(i).is_some_and(|t| t.is_punct(".")) && name(i + 1) {
        i += 2;
    }
    kw(
        i,
        &[
            "should", "must", "needs", "need", "belongs", "belong", "defaults",
        ],
    ) || (kw(i, &["is"])
        && kw(
            i + 1,
            &["required", "optional", "nullable", "unique", "mandatory"],
        ))
}

/// Token ranges of the clauses, leaders stripped, empty clauses dropped.
pub(super) fn split_clauses(toks: &[Token]) -> Vec<Range<usize>> {
    let mut cuts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.is_open() {
            depth += 1;
        } else if t.is_close() {
            depth = depth.saturating_sub(1);
        } else if depth == 0
            && (t.is_punct(";")
                || ((t.is_punct(",") || t.is_kw("and") || t.is_kw("then"))
                    && starts_clause(toks, i + 1)))
        {
            cuts.push(start..i);
            start = i + 1;
        }
    }
    cuts.push(start..toks.len());
    cuts.into_iter()
        .map(|r| {
            let mut s = r.start;
            while s < r.end && LEADERS.iter().any(|l| toks[s].is_kw(l)) {
                s += 1;
            }
            s..r.end
        })
        .filter(|r| !r.is_empty())
        .collect()
}

#[cfg(test)]
mod test {
    use super::*;

    fn texts(src: &str) -> Vec<String> {
        lex(src).unwrap().into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn lexes_words_quotes_and_operators() {
        assert_eq!(
            texts(r#"add "a""b" to users.x:text default 'it''s' >= 1.5 age::bigint"#),
            [
                "add", "a\"b", "to", "users", ".", "x", ":", "text", "default", "'it''s'", ">=",
                "1.5", "age", "::", "bigint"
            ]
        );
        assert!(lex("add 'x").is_err());
        assert!(lex("add \"\" to t").is_err());
        assert!(lex("add x default 1 -- to users").is_err());
    }

    #[test]
    fn splits_only_before_verbs_at_top_level() {
        let src = "add a to t, add b to t; drop c from t and create enum s with x, y and z";
        let toks = lex(src).unwrap();
        let clauses: Vec<_> = split_clauses(&toks)
            .into_iter()
            .map(|r| src[toks[r.start].span.start..toks[r.end - 1].span.end].to_string())
            .collect();
        assert_eq!(
            clauses,
            [
                "add a to t",
                "add b to t",
                "drop c from t",
                "create enum s with x, y and z"
            ]
        );
    }
}
