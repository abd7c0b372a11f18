//! Reading `CREATE TABLE` / `CREATE INDEX` text: what SQLite's pragmas do not report (CHECK
//! constraints, constraint names, collations, `AUTOINCREMENT`, generation expressions).

use super::canonical;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    Word(String),
    /// A quoted identifier (`"x"`, `` `x` ``, `[x]`), unquoted.
    Quoted(String),
    Str(String),
    Punct(char),
}

/// Tokens with their byte spans.
pub(super) fn tokens_spanned(sql: &str) -> Vec<(Tok, usize, usize)> {
    let b: Vec<char> = sql.chars().collect();
    let mut byte = Vec::with_capacity(b.len() + 1);
    let mut acc = 0;
    for c in &b {
        byte.push(acc);
        acc += c.len_utf8();
    }
    byte.push(acc);
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && b.get(i + 1) == Some(&'-') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
            i += 2;
            while i < b.len() && !(b[i] == '*' && b.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if matches!(c, '"' | '`' | '\'' | '[') {
            let close = if c == '[' { ']' } else { c };
            let start = i;
            let mut s = String::new();
            i += 1;
            while i < b.len() {
                if b[i] == close {
                    if close != ']' && b.get(i + 1) == Some(&close) {
                        s.push(close);
                        i += 2;
                        continue;
                    }
                    break;
                }
                s.push(b[i]);
                i += 1;
            }
            i += 1;
            let t = if c == '\'' {
                Tok::Str(s)
            } else {
                Tok::Quoted(s)
            };
            out.push((t, byte[start], byte[i.min(b.len())]));
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_' || b[i] == '$') {
                i += 1;
            }
            out.push((
                Tok::Word(b[start..i].iter().collect()),
                byte[start],
                byte[i],
            ));
        } else {
            out.push((Tok::Punct(c), byte[i], byte[i + 1]));
            i += 1;
        }
    }
    out
}

pub(super) fn tokens(sql: &str) -> Vec<Tok> {
    tokens_spanned(sql).into_iter().map(|t| t.0).collect()
}

pub(super) fn is_kw(t: &Tok, kw: &str) -> bool {
    matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
}

pub(super) fn ident_of(t: &Tok) -> Option<String> {
    match t {
        Tok::Word(w) | Tok::Quoted(w) | Tok::Str(w) => Some(w.clone()),
        _ => None,
    }
}

#[derive(Debug, Default)]
pub(super) struct ParsedColumn {
    pub(super) name: String,
    pub(super) collation: Option<String>,
    pub(super) autoincrement: bool,
    pub(super) generated: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct ParsedFk {
    pub(super) name: Option<String>,
    pub(super) columns: Vec<String>,
    pub(super) ref_table: String,
    pub(super) deferrable: bool,
    pub(super) initially_deferred: bool,
}

#[derive(Debug, Default)]
pub(super) struct ParsedTable {
    pub(super) columns: Vec<ParsedColumn>,
    pub(super) pk_name: Option<String>,
    pub(super) uniques: Vec<(Option<String>, Vec<String>)>,
    /// (name, expression, column for a column constraint).
    pub(super) checks: Vec<(Option<String>, String, Option<String>)>,
    pub(super) foreign_keys: Vec<ParsedFk>,
    pub(super) without_rowid: bool,
    pub(super) strict: bool,
}

/// Split the tokens between the first `(` and its match at top-level commas; also returns the
/// tokens after the closing parenthesis.
pub(super) type Spanned = (Tok, usize, usize);
pub(super) fn split_body(toks: &[Spanned]) -> (Vec<&[Spanned]>, &[Spanned]) {
    let Some(open) = toks.iter().position(|t| t.0 == Tok::Punct('(')) else {
        return (vec![], &[]);
    };
    let mut depth = 0;
    let mut parts = vec![];
    let mut start = open + 1;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.0 {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    parts.push(&toks[start..i]);
                    return (parts, &toks[i + 1..]);
                }
            }
            Tok::Punct(',') if depth == 1 => {
                parts.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    (parts, &[])
}

/// The text of the parenthesized group starting at `toks[at]` (which is `(`), without the
/// parentheses, and the index after it.
pub(super) fn paren_text(sql: &str, toks: &[Spanned], at: usize) -> (String, usize) {
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(at) {
        match t.0 {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    let text = sql[toks[at].2..t.1].trim();
                    return (canonical(text), i + 1);
                }
            }
            _ => {}
        }
    }
    (String::new(), toks.len())
}

pub(super) fn ident_list(toks: &[Spanned], at: usize) -> (Vec<String>, usize) {
    let mut out = vec![];
    let mut i = at + 1;
    let mut depth = 1;
    let mut first = true;
    while i < toks.len() {
        match &toks[i].0 {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    return (out, i + 1);
                }
            }
            Tok::Punct(',') if depth == 1 => first = true,
            t if first && depth == 1 => {
                if let Some(n) = ident_of(t) {
                    out.push(n);
                }
                first = false;
            }
            _ => {}
        }
        i += 1;
    }
    (out, i)
}

/// Run the `CREATE TABLE` and `CREATE INDEX` text parsers on any text, for the fuzz target
/// (tests/fuzz.rs); not an API.
#[doc(hidden)]
pub fn fuzz_parse_text(sql: &str) -> usize {
    let t = parse_create_table(sql);
    let (elements, predicate) = parse_create_index(sql);
    format!("{t:?}").len() + elements.len() + predicate.map_or(0, |p| p.len())
}

pub(super) fn parse_create_table(sql: &str) -> ParsedTable {
    let toks = tokens_spanned(sql);
    let (parts, tail) = split_body(&toks);
    let mut out = ParsedTable::default();
    for t in tail {
        if is_kw(&t.0, "ROWID") {
            out.without_rowid = true;
        }
        if is_kw(&t.0, "STRICT") {
            out.strict = true;
        }
    }
    const TABLE_KW: [&str; 5] = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];
    for part in parts {
        if part.is_empty() {
            continue;
        }
        let table_level = matches!(&part[0].0, Tok::Word(w) if TABLE_KW.iter().any(|k| w.eq_ignore_ascii_case(k)));
        let column = if table_level {
            None
        } else {
            ident_of(&part[0].0)
        };
        let mut col = ParsedColumn {
            name: column.clone().unwrap_or_default(),
            ..ParsedColumn::default()
        };
        let mut name: Option<String> = None;
        let mut i = if table_level { 0 } else { 1 };
        while i < part.len() {
            let t = &part[i].0;
            if is_kw(t, "CONSTRAINT") {
                name = part.get(i + 1).and_then(|t| ident_of(&t.0));
                i += 2;
                continue;
            }
            if is_kw(t, "PRIMARY") {
                if name.is_some() {
                    out.pk_name = name.take();
                }
                i += 1;
            } else if is_kw(t, "UNIQUE") {
                let cols = if part.get(i + 1).is_some_and(|t| t.0 == Tok::Punct('(')) {
                    let (c, next) = ident_list(part, i + 1);
                    i = next;
                    c
                } else {
                    i += 1;
                    column.iter().cloned().collect()
                };
                out.uniques.push((name.take(), cols));
            } else if is_kw(t, "CHECK") && part.get(i + 1).is_some_and(|t| t.0 == Tok::Punct('(')) {
                let (expr, next) = paren_text(sql, part, i + 1);
                out.checks.push((name.take(), expr, column.clone()));
                i = next;
            } else if is_kw(t, "FOREIGN") || is_kw(t, "REFERENCES") {
                let mut fk = ParsedFk {
                    name: name.take(),
                    ..ParsedFk::default()
                };
                if is_kw(t, "FOREIGN") {
                    let at = part[i..]
                        .iter()
                        .position(|t| t.0 == Tok::Punct('('))
                        .map(|p| p + i)
                        .unwrap_or(part.len());
                    let (c, next) = ident_list(part, at);
                    fk.columns = c;
                    i = next;
                    while i < part.len() && !is_kw(&part[i].0, "REFERENCES") {
                        i += 1;
                    }
                } else {
                    fk.columns = column.iter().cloned().collect();
                }
                fk.ref_table = part
                    .get(i + 1)
                    .and_then(|t| ident_of(&t.0))
                    .unwrap_or_default();
                i += 2;
                // Clauses up to the next constraint.
                while i < part.len() && !is_kw(&part[i].0, "CONSTRAINT") {
                    let t = &part[i].0;
                    if is_kw(t, "DEFERRABLE")
                        && !part[..i].last().is_some_and(|p| is_kw(&p.0, "NOT"))
                    {
                        fk.deferrable = true;
                    }
                    if is_kw(t, "DEFERRED") {
                        fk.initially_deferred = true;
                    }
                    if [
                        "CHECK",
                        "UNIQUE",
                        "PRIMARY",
                        "COLLATE",
                        "GENERATED",
                        "DEFAULT",
                    ]
                    .iter()
                    .any(|k| is_kw(t, k))
                        || (is_kw(t, "NOT") && part.get(i + 1).is_some_and(|n| is_kw(&n.0, "NULL")))
                    {
                        break;
                    }
                    i += 1;
                }
                out.foreign_keys.push(fk);
            } else if is_kw(t, "COLLATE") {
                col.collation = part.get(i + 1).and_then(|t| ident_of(&t.0));
                i += 2;
            } else if is_kw(t, "AUTOINCREMENT") {
                col.autoincrement = true;
                i += 1;
            } else if is_kw(t, "AS") && part.get(i + 1).is_some_and(|t| t.0 == Tok::Punct('(')) {
                let (expr, next) = paren_text(sql, part, i + 1);
                col.generated = Some(expr);
                i = next;
            } else if is_kw(t, "DEFAULT") && part.get(i + 1).is_some_and(|t| t.0 == Tok::Punct('('))
            {
                let (_, next) = paren_text(sql, part, i + 1);
                i = next;
            } else if t == &Tok::Punct('(') {
                let (_, next) = paren_text(sql, part, i);
                i = next;
            } else {
                i += 1;
            }
        }
        if !table_level {
            out.columns.push(col);
        }
    }
    out
}

/// The key elements of a `CREATE INDEX` as written, and its `WHERE` predicate.
pub(super) fn parse_create_index(sql: &str) -> (Vec<String>, Option<String>) {
    let toks = tokens_spanned(sql);
    let Some(on) = toks.iter().position(|t| is_kw(&t.0, "ON")) else {
        return (vec![], None);
    };
    let Some(open) = toks[on..]
        .iter()
        .position(|t| t.0 == Tok::Punct('('))
        .map(|p| p + on)
    else {
        return (vec![], None);
    };
    let mut depth = 0;
    let mut elements = vec![];
    let mut start = toks[open].2;
    let mut end_tok = toks.len();
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.0 {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    elements.push(canonical(&sql[start..t.1]));
                    end_tok = i + 1;
                    break;
                }
            }
            Tok::Punct(',') if depth == 1 => {
                elements.push(canonical(&sql[start..t.1]));
                start = t.2;
            }
            _ => {}
        }
    }
    let predicate = toks[end_tok.min(toks.len())..]
        .iter()
        .position(|t| is_kw(&t.0, "WHERE"))
        .map(|p| canonical(sql[toks[end_tok + p].2..].trim().trim_end_matches(';')));
    (elements, predicate)
}
