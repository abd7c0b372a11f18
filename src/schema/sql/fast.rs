//! The fast path for the statements a `pg_dump` repeats once per table: `CREATE TABLE`,
//! `ALTER TABLE … ADD CONSTRAINT` / `ALTER COLUMN … SET DEFAULT` / `OWNER TO`, `CREATE INDEX`,
//! `COMMENT ON TABLE|COLUMN`, `CREATE SEQUENCE` and `ALTER SEQUENCE … OWNED BY`.
//!
//! On a 2,000-table dump most of the load time went into `pg_query::parse` turning every
//! statement's parse tree into protobuf and back, although the statements differ only in their
//! names. Here a statement is cut into tokens, its names (the table, the constraint or index,
//! a column, the table a foreign key references, a sequence's string, a comment's text) are
//! replaced by placeholders, and the rest — the *template*, with every type, default, check and
//! index expression verbatim — is parsed by `pg_query` once per distinct text. The parse tree of
//! the statement is the template's tree with the names put back where the placeholders are.
//!
//! Never wrong, when unsure: a statement the lexer does not fully know (dollar quotes, escape
//! strings, block comments, a reserved word used as a name, a name PostgreSQL would truncate),
//! a shape not listed above, or a template whose placeholders do not all land in the fields
//! put back, returns `None` and goes through `pg_query` as before. `super::tests_fast` checks,
//! for every dump fixture and for generated dumps, that each statement this path accepts gives
//! the same tree as `pg_query` (locations aside) and that both paths load equal schemas.

use pg_query::protobuf::{Node, RangeVar};
use pg_query::NodeEnum;
use std::collections::HashMap;

const PH_REL: &str = "migsmith_ph_rel";
const PH_NAME: &str = "migsmith_ph_name";
const PH_COL: &str = "migsmith_ph_col";
const PH_REF: &str = "migsmith_ph_ref";
const PH_STR: &str = "migsmith_ph_str";

/// How many templates are kept before the cache starts over (bounds memory on a long,
/// varied history).
const MAX_TEMPLATES: usize = 20_000;

/// PostgreSQL's keywords other than the unreserved ones (PostgreSQL 18's `kwlist.h`): used
/// unquoted as a name, some are errors and some change the grammar, so such a statement goes
/// through `pg_query`.
const KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "merge_action",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// An unquoted word (keyword or name).
    Word,
    /// A `"quoted"` name.
    Quoted,
    /// A `'string'`.
    Str,
    /// `(`, `)`, `,`, `.`, `;`, `[`, `]`.
    Punct(u8),
    /// A number or an operator.
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

/// The tokens of `s`, or `None` for anything this lexer does not fully know.
fn lex(s: &str) -> Option<Vec<Tok>> {
    let b = s.as_bytes();
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        let c = b[i];
        let start = i;
        let kind = match c {
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => return None,
            b'$' | b'\\' | b'`' | b'?' => return None,
            c if c >= 0x80 => return None,
            b'\'' => {
                // A prefix (E'', U&'', B'', X'', N'') glued to the quote: not handled here.
                if out.last().is_some_and(|t| {
                    t.end == i
                        && (t.kind == Kind::Word || (t.kind == Kind::Other && b[i - 1] == b'&'))
                }) {
                    return None;
                }
                i = close_quote(b, i, b'\'')?;
                Kind::Str
            }
            b'"' => {
                i = close_quote(b, i, b'"')?;
                if i - start == 2 {
                    return None;
                }
                Kind::Quoted
            }
            b'(' | b')' | b',' | b'.' | b';' | b'[' | b']' => {
                i += 1;
                Kind::Punct(c)
            }
            c if c.is_ascii_digit() => {
                while i < b.len() && (word(b[i]) || b[i] == b'.') {
                    i += 1;
                }
                Kind::Other
            }
            c if word(c) => {
                while i < b.len() && (word(b[i]) || b[i] == b'$') {
                    i += 1;
                }
                Kind::Word
            }
            _ => {
                while i < b.len() && b"+-*/<>=~!@#%^&|:".contains(&b[i]) {
                    if b[i..].starts_with(b"--") || b[i..].starts_with(b"/*") {
                        return None;
                    }
                    i += 1;
                }
                if i == start {
                    return None;
                }
                Kind::Other
            }
        };
        out.push(Tok {
            kind,
            start,
            end: i,
        });
    }
    Some(out)
}

/// The offset after the `q`-quoted run at `i` (doubled quotes stay inside).
fn close_quote(b: &[u8], i: usize, q: u8) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return Some(j + 1);
        }
        j += 1;
    }
    None
}

/// A statement's tokens and text.
struct Stmt<'a> {
    s: &'a str,
    t: Vec<Tok>,
}

impl Stmt<'_> {
    fn text(&self, i: usize) -> &str {
        &self.s[self.t[i].start..self.t[i].end]
    }

    fn is_kw(&self, i: usize, kw: &str) -> bool {
        i < self.t.len() && self.t[i].kind == Kind::Word && self.text(i).eq_ignore_ascii_case(kw)
    }

    fn is_punct(&self, i: usize, p: u8) -> bool {
        i < self.t.len() && self.t[i].kind == Kind::Punct(p)
    }

    /// The name token `i` stands for, as PostgreSQL's lexer reads it; `None` for a keyword
    /// that is not unreserved or a name PostgreSQL would truncate.
    fn ident(&self, i: usize) -> Option<String> {
        let tok = *self.t.get(i)?;
        let raw = self.text(i);
        let name = match tok.kind {
            Kind::Word => {
                let lower = raw.to_ascii_lowercase();
                if lower.as_bytes()[0].is_ascii_digit()
                    || KEYWORDS.binary_search(&lower.as_str()).is_ok()
                {
                    return None;
                }
                lower
            }
            Kind::Quoted => raw[1..raw.len() - 1].replace("\"\"", "\""),
            _ => return None,
        };
        (name.len() < 64).then_some(name)
    }

    /// A dotted name at `i` (one to three parts) and the index after it.
    fn qname(&self, i: usize) -> Option<(Vec<String>, usize)> {
        let mut parts = vec![self.ident(i)?];
        let mut j = i + 1;
        while self.is_punct(j, b'.') {
            parts.push(self.ident(j + 1)?);
            j += 2;
        }
        (parts.len() <= 3).then_some((parts, j))
    }

    /// The text of tokens `from..to` (empty when `from >= to`).
    fn span(&self, from: usize, to: usize) -> &str {
        if from >= to {
            ""
        } else {
            &self.s[self.t[from].start..self.t[to - 1].end]
        }
    }

    /// The index just after the parenthesis matching the one at `i`.
    fn close_paren(&self, i: usize) -> Option<usize> {
        let mut depth = 0usize;
        for j in i..self.t.len() {
            match self.t[j].kind {
                Kind::Punct(b'(') | Kind::Punct(b'[') => depth += 1,
                Kind::Punct(b')') | Kind::Punct(b']') => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(j + 1);
                    }
                }
                Kind::Punct(b';') => return None,
                _ => {}
            }
        }
        None
    }

    /// The end of the statement: the index of its `;` (which must be the last token), or
    /// the token count.
    fn end(&self) -> Option<usize> {
        let n = self.t.len();
        match self.t.iter().position(|t| t.kind == Kind::Punct(b';')) {
            Some(p) if p + 1 == n => Some(p),
            Some(_) => None,
            None => Some(n),
        }
    }
}

/// The string a `'…'` token stands for.
fn string_value(raw: &str) -> String {
    raw[1..raw.len() - 1].replace("''", "'")
}

/// A dotted name as the placeholders of a template: `PH_REL`, `schema.PH_REL`… keep the part
/// count so the template's tree has the same shape.
fn rel_placeholder(parts: usize) -> String {
    match parts {
        1 => PH_REL.to_string(),
        2 => format!("{PH_NAME}_s.{PH_REL}"),
        _ => format!("{PH_NAME}_c.{PH_NAME}_s.{PH_REL}"),
    }
}

/// Put `parts` into a template's `RangeVar` that holds the placeholders of
/// [`rel_placeholder`]; `false` when it does not.
fn put_range_var(rv: &mut RangeVar, parts: &[String]) -> bool {
    let expect = match parts.len() {
        1 => ("", ""),
        2 => ("", "migsmith_ph_name_s"),
        _ => ("migsmith_ph_name_c", "migsmith_ph_name_s"),
    };
    if rv.relname != PH_REL || rv.schemaname != expect.1 || rv.catalogname != expect.0 {
        return false;
    }
    let n = parts.len();
    rv.relname = parts[n - 1].clone();
    if n >= 2 {
        rv.schemaname = parts[n - 2].clone();
    }
    if n == 3 {
        rv.catalogname = parts[0].clone();
    }
    true
}

/// The template cache (kept by the interpreter from one file to the next).
#[derive(Default)]
pub(crate) struct Fast {
    templates: HashMap<String, Option<NodeEnum>>,
}

impl Fast {
    /// The parse tree of `key` (one statement), parsed once.
    fn template(&mut self, key: String) -> Option<NodeEnum> {
        if let Some(t) = self.templates.get(&key) {
            return t.clone();
        }
        let parsed = pg_query::parse(&key, 0).ok().and_then(|p| {
            let mut stmts = p.protobuf.stmts;
            if stmts.len() != 1 {
                return None;
            }
            stmts.pop()?.stmt?.node
        });
        if self.templates.len() >= MAX_TEMPLATES {
            self.templates.clear();
        }
        self.templates.insert(key, parsed.clone());
        parsed
    }

    /// The parse tree of one statement (with its leading comments) when it is one of the
    /// shapes this path knows, else `None`.
    pub(crate) fn statement(&mut self, text: &str) -> Option<NodeEnum> {
        let st = Stmt {
            s: text,
            t: lex(text)?,
        };
        let end = st.end()?;
        if end == 0 {
            return None;
        }
        if st.is_kw(0, "create") && st.is_kw(1, "table") {
            self.create_table(&st, end)
        } else if st.is_kw(0, "alter") && st.is_kw(1, "table") {
            self.alter_table(&st, end)
        } else if st.is_kw(0, "create") && (st.is_kw(1, "index") || st.is_kw(1, "unique")) {
            self.create_index(&st, end)
        } else if st.is_kw(0, "comment") && st.is_kw(1, "on") {
            self.comment(&st, end)
        } else if st.is_kw(0, "create") && st.is_kw(1, "sequence") {
            self.create_sequence(&st, end)
        } else if st.is_kw(0, "alter") && st.is_kw(1, "sequence") {
            self.alter_sequence(&st, end)
        } else {
            None
        }
    }

    /// `CREATE TABLE name ( element, … );`: the skeleton and each element are templates, a
    /// column's without its name, a named constraint's without its name.
    fn create_table(&mut self, st: &Stmt, end: usize) -> Option<NodeEnum> {
        let (parts, open) = st.qname(2)?;
        if !st.is_punct(open, b'(') {
            return None;
        }
        let close = st.close_paren(open)?;
        let tail = st.span(close, end);
        let mut node = self.template(format!(
            "CREATE TABLE {} () {tail}",
            rel_placeholder(parts.len())
        ))?;
        let NodeEnum::CreateStmt(cs) = &mut node else {
            return None;
        };
        if !cs.table_elts.is_empty() || !put_range_var(cs.relation.as_mut()?, &parts) {
            return None;
        }
        // The elements, cut at the commas inside the parentheses.
        let mut depth = 0usize;
        let mut from = open + 1;
        for j in open + 1..close {
            match st.t[j].kind {
                Kind::Punct(b'(') | Kind::Punct(b'[') => depth += 1,
                Kind::Punct(b')') | Kind::Punct(b']') if depth > 0 => depth -= 1,
                Kind::Punct(b',') | Kind::Punct(b')') if depth == 0 => {
                    if j == from {
                        // `()` (no elements) or an empty element.
                        if j == close - 1 && from == open + 1 {
                            break;
                        }
                        return None;
                    }
                    cs.table_elts.push(self.element(st, from, j)?);
                    from = j + 1;
                }
                _ => {}
            }
        }
        Some(node)
    }

    /// One element of a `CREATE TABLE` (tokens `from..to`).
    fn element(&mut self, st: &Stmt, from: usize, to: usize) -> Option<Node> {
        let elements = |node: NodeEnum| match node {
            NodeEnum::CreateStmt(mut cs) if cs.table_elts.len() == 1 => cs.table_elts.pop(),
            _ => None,
        };
        if st.is_kw(from, "constraint") {
            let name = st.ident(from + 1)?;
            let rest = st.span(from + 2, to);
            let mut el =
                elements(self.template(format!("CREATE TABLE t (CONSTRAINT {PH_NAME} {rest})"))?)?;
            match el.node.as_mut()? {
                NodeEnum::Constraint(c) if c.conname == PH_NAME => c.conname = name,
                _ => return None,
            }
            return Some(el);
        }
        const STARTS: &[&str] = &["check", "primary", "unique", "foreign", "exclude", "like"];
        if STARTS.iter().any(|k| st.is_kw(from, k)) {
            return elements(self.template(format!("CREATE TABLE t ({})", st.span(from, to)))?);
        }
        let name = st.ident(from)?;
        let rest = st.span(from + 1, to);
        if rest.is_empty() {
            return None;
        }
        let mut el = elements(self.template(format!("CREATE TABLE t ({PH_COL} {rest})"))?)?;
        match el.node.as_mut()? {
            NodeEnum::ColumnDef(c) if c.colname == PH_COL => c.colname = name,
            _ => return None,
        }
        Some(el)
    }

    /// `ALTER TABLE [ONLY] name` followed by one of `ADD CONSTRAINT name …` (a foreign key's
    /// referenced table a placeholder too), `ALTER [COLUMN] col SET DEFAULT …` (a
    /// `nextval('…'::regclass)` string a placeholder too), or `OWNER TO …`.
    fn alter_table(&mut self, st: &Stmt, end: usize) -> Option<NodeEnum> {
        let only = st.is_kw(2, "only");
        let at = if only { 3 } else { 2 };
        let (parts, i) = st.qname(at)?;
        let head = format!(
            "ALTER TABLE {}{}",
            if only { "ONLY " } else { "" },
            rel_placeholder(parts.len())
        );
        let mut names: Vec<String> = Vec::new();
        let mut refd: Option<Vec<String>> = None;
        let mut string: Option<String> = None;
        let key = if st.is_kw(i, "add") && st.is_kw(i + 1, "constraint") {
            names.push(st.ident(i + 2)?);
            let body = i + 3;
            // `REFERENCES name` at the top level: the name a placeholder.
            let mut depth = 0usize;
            let mut refs = None;
            for j in body..end {
                match st.t[j].kind {
                    Kind::Punct(b'(') => depth += 1,
                    Kind::Punct(b')') => depth = depth.checked_sub(1)?,
                    _ if depth == 0 && st.is_kw(j, "references") => {
                        if refs.is_some() {
                            return None;
                        }
                        let (p, after) = st.qname(j + 1)?;
                        refs = Some((j + 1, after, p));
                    }
                    _ => {}
                }
            }
            let rest = match refs {
                Some((a, b, p)) => {
                    let text = format!(
                        "{} {} {}",
                        st.span(body, a),
                        rel_placeholder(p.len()).replace(PH_REL, PH_REF),
                        st.span(b, end)
                    );
                    refd = Some(p);
                    text
                }
                None => st.span(body, end).to_string(),
            };
            format!("{head} ADD CONSTRAINT {PH_NAME} {rest}")
        } else if st.is_kw(i, "alter") {
            let c = if st.is_kw(i + 1, "column") {
                i + 2
            } else {
                i + 1
            };
            names.push(st.ident(c)?);
            if !(st.is_kw(c + 1, "set") && st.is_kw(c + 2, "default")) {
                return None;
            }
            let e = c + 3;
            // nextval('<string>'::regclass)
            let is_nextval = end == e + 6
                && st.is_kw(e, "nextval")
                && st.is_punct(e + 1, b'(')
                && st.t[e + 2].kind == Kind::Str
                && st.text(e + 3) == "::"
                && st.is_kw(e + 4, "regclass")
                && st.is_punct(e + 5, b')');
            let default = if is_nextval {
                string = Some(string_value(st.text(e + 2)));
                format!("nextval('{PH_STR}'::regclass)")
            } else {
                st.span(e, end).to_string()
            };
            format!("{head} ALTER COLUMN {PH_COL} SET DEFAULT {default}")
        } else if st.is_kw(i, "owner") && st.is_kw(i + 1, "to") {
            format!("{head} {}", st.span(i, end))
        } else {
            return None;
        };
        let mut node = self.template(key)?;
        let NodeEnum::AlterTableStmt(at) = &mut node else {
            return None;
        };
        if at.cmds.len() != 1 || !put_range_var(at.relation.as_mut()?, &parts) {
            return None;
        }
        let Some(NodeEnum::AlterTableCmd(cmd)) = at.cmds[0].node.as_mut() else {
            return None;
        };
        match cmd.def.as_mut().and_then(|d| d.node.as_mut()) {
            _ if st.is_kw(i, "owner") => {}
            Some(NodeEnum::Constraint(c)) if st.is_kw(i, "add") => {
                if c.conname != PH_NAME {
                    return None;
                }
                c.conname = names.pop()?;
                if let Some(p) = refd {
                    let rv = c.pktable.as_mut()?;
                    if rv.relname != PH_REF {
                        return None;
                    }
                    rv.relname = PH_REL.to_string();
                    if !put_range_var(rv, &p) {
                        return None;
                    }
                }
            }
            def if st.is_kw(i, "alter") => {
                if cmd.name != PH_COL {
                    return None;
                }
                cmd.name = names.pop()?;
                if let Some(s) = string {
                    let Some(NodeEnum::FuncCall(f)) = def else {
                        return None;
                    };
                    let Some(NodeEnum::TypeCast(tc)) = f.args.first_mut()?.node.as_mut() else {
                        return None;
                    };
                    let Some(NodeEnum::AConst(a)) = tc.arg.as_mut()?.node.as_mut() else {
                        return None;
                    };
                    match a.val.as_mut()? {
                        pg_query::protobuf::a_const::Val::Sval(v) if v.sval == PH_STR => {
                            v.sval = s;
                        }
                        _ => return None,
                    }
                }
            }
            _ => return None,
        }
        Some(node)
    }

    /// `CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON [ONLY] table …`.
    fn create_index(&mut self, st: &Stmt, end: usize) -> Option<NodeEnum> {
        let mut i = 1;
        let unique = st.is_kw(i, "unique");
        if unique {
            i += 1;
        }
        if !st.is_kw(i, "index") {
            return None;
        }
        i += 1;
        let concurrently = st.is_kw(i, "concurrently");
        if concurrently {
            i += 1;
        }
        let name = st.ident(i)?;
        if !st.is_kw(i + 1, "on") {
            return None;
        }
        let only = st.is_kw(i + 2, "only");
        let (parts, after) = st.qname(i + 2 + usize::from(only))?;
        let key = format!(
            "CREATE {}INDEX {}{PH_NAME} ON {}{} {}",
            if unique { "UNIQUE " } else { "" },
            if concurrently { "CONCURRENTLY " } else { "" },
            if only { "ONLY " } else { "" },
            rel_placeholder(parts.len()),
            st.span(after, end)
        );
        let mut node = self.template(key)?;
        let NodeEnum::IndexStmt(ix) = &mut node else {
            return None;
        };
        if ix.idxname != PH_NAME || !put_range_var(ix.relation.as_mut()?, &parts) {
            return None;
        }
        ix.idxname = name;
        Some(node)
    }

    /// `COMMENT ON TABLE|COLUMN name IS '…';`.
    fn comment(&mut self, st: &Stmt, end: usize) -> Option<NodeEnum> {
        let kind = if st.is_kw(2, "table") {
            "TABLE"
        } else if st.is_kw(2, "column") {
            "COLUMN"
        } else {
            return None;
        };
        let (parts, i) = st.qname(3)?;
        if !(st.is_kw(i, "is") && i + 2 == end && st.t[i + 1].kind == Kind::Str) {
            return None;
        }
        let comment = string_value(st.text(i + 1));
        let placeholders: Vec<String> =
            (0..parts.len()).map(|k| format!("{PH_NAME}_{k}")).collect();
        let mut node = self.template(format!(
            "COMMENT ON {kind} {} IS '{PH_STR}'",
            placeholders.join(".")
        ))?;
        let NodeEnum::CommentStmt(cs) = &mut node else {
            return None;
        };
        if cs.comment != PH_STR {
            return None;
        }
        cs.comment = comment;
        let Some(NodeEnum::List(list)) = cs.object.as_mut()?.node.as_mut() else {
            return None;
        };
        if list.items.len() != parts.len() {
            return None;
        }
        for (item, (part, ph)) in list
            .items
            .iter_mut()
            .zip(parts.into_iter().zip(&placeholders))
        {
            match item.node.as_mut()? {
                NodeEnum::String(s) if s.sval == *ph => s.sval = part,
                _ => return None,
            }
        }
        Some(node)
    }

    /// `CREATE SEQUENCE name …` (the options verbatim).
    fn create_sequence(&mut self, st: &Stmt, end: usize) -> Option<NodeEnum> {
        let (parts, i) = st.qname(2)?;
        let mut node = self.template(format!(
            "CREATE SEQUENCE {} {}",
            rel_placeholder(parts.len()),
            st.span(i, end)
        ))?;
        let NodeEnum::CreateSeqStmt(cs) = &mut node else {
            return None;
        };
        put_range_var(cs.sequence.as_mut()?, &parts).then_some(())?;
        Some(node)
    }

    /// `ALTER SEQUENCE name OWNED BY table.column;` (or `OWNER TO …`).
    fn alter_sequence(&mut self, st: &Stmt, end: usize) -> Option<NodeEnum> {
        let (parts, i) = st.qname(2)?;
        let head = format!("ALTER SEQUENCE {}", rel_placeholder(parts.len()));
        if st.is_kw(i, "owner") && st.is_kw(i + 1, "to") {
            let mut node = self.template(format!("{head} {}", st.span(i, end)))?;
            let NodeEnum::AlterTableStmt(at) = &mut node else {
                return None;
            };
            put_range_var(at.relation.as_mut()?, &parts).then_some(())?;
            return Some(node);
        }
        if !(st.is_kw(i, "owned") && st.is_kw(i + 1, "by")) {
            return None;
        }
        let (owner, after) = st.qname(i + 2)?;
        if after != end || owner.len() < 2 {
            return None;
        }
        let placeholders: Vec<String> =
            (0..owner.len()).map(|k| format!("{PH_NAME}_{k}")).collect();
        let mut node = self.template(format!("{head} OWNED BY {}", placeholders.join(".")))?;
        let NodeEnum::AlterSeqStmt(seq) = &mut node else {
            return None;
        };
        if seq.options.len() != 1 || !put_range_var(seq.sequence.as_mut()?, &parts) {
            return None;
        }
        let Some(NodeEnum::DefElem(d)) = seq.options[0].node.as_mut() else {
            return None;
        };
        let Some(NodeEnum::List(list)) = d.arg.as_mut()?.node.as_mut() else {
            return None;
        };
        if list.items.len() != owner.len() {
            return None;
        }
        for (item, (part, ph)) in list
            .items
            .iter_mut()
            .zip(owner.into_iter().zip(&placeholders))
        {
            match item.node.as_mut()? {
                NodeEnum::String(s) if s.sval == *ph => s.sval = part,
                _ => return None,
            }
        }
        Some(node)
    }
}
