//! The Python a Django migration file is made of, read as literals: calls with positional and
//! keyword arguments, lists, tuples, dicts, strings (with prefixes, implicit concatenation and
//! triple quotes), numbers, `True`/`False`/`None` and dotted names (`models.CharField`,
//! `settings.AUTH_USER_MODEL`). Not a Python parser: anything else (lambdas, operators,
//! comprehensions) becomes [`Value::Other`] with its source text, and reading carries on at
//! the next comma or closing bracket.

/// A Python value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    /// A dotted name: `models.CASCADE`, `settings.AUTH_USER_MODEL`.
    Name(String),
    Call(Call),
    List(Vec<Value>),
    Tuple(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    /// An expression this reader does not model (`Q(a=1) | Q(b=2)`, `lambda: 0`), as written.
    Other(String),
}

/// `func(args…, key=value…)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The dotted name called (`migrations.AddField`).
    pub func: String,
    pub args: Vec<Value>,
    pub kwargs: Vec<(String, Value)>,
}

impl Call {
    /// The keyword argument `key`.
    pub fn kw(&self, key: &str) -> Option<&Value> {
        self.kwargs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Keyword argument `key`, else positional argument `pos`.
    pub fn arg(&self, key: &str, pos: usize) -> Option<&Value> {
        self.kw(key).or_else(|| self.args.get(pos))
    }

    /// The last component of the called name (`AddField` for `migrations.AddField`).
    pub fn name(&self) -> &str {
        self.func.rsplit('.').next().unwrap_or(&self.func)
    }

    pub fn str(&self, key: &str, pos: usize) -> Option<&str> {
        self.arg(key, pos).and_then(Value::as_str)
    }

    /// A boolean keyword argument (`null=True`), `default` when absent or not a literal.
    pub fn flag(&self, key: &str, default: bool) -> bool {
        match self.kw(key) {
            Some(Value::Bool(b)) => *b,
            _ => default,
        }
    }
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_call(&self) -> Option<&Call> {
        match self {
            Value::Call(c) => Some(c),
            _ => None,
        }
    }

    /// The items of a list or tuple (an empty slice otherwise).
    pub fn items(&self) -> &[Value] {
        match self {
            Value::List(v) | Value::Tuple(v) => v,
            _ => &[],
        }
    }

    /// The value under string key `key` of a dict.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Dict(pairs) => pairs
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Str(String),
    Num(String),
    /// Punctuation and operators, one or more characters.
    Op(String),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

/// Split Python source into tokens; comments and line breaks are dropped (brackets, not lines,
/// structure everything this reader needs).
fn tokenize(src: &str) -> Vec<Token> {
    let b = src.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() || c == b'\\' {
            i += 1;
        } else if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80) {
                i += 1;
            }
            let word = &src[start..i];
            let is_prefix = word.len() <= 2
                && word
                    .chars()
                    .all(|c| matches!(c.to_ascii_lowercase(), 'r' | 'b' | 'u' | 'f'));
            if is_prefix && i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let raw = word.to_ascii_lowercase().contains('r');
                let (s, end) = string(src, i, raw);
                out.push(Token {
                    tok: Tok::Str(s),
                    start,
                    end,
                });
                i = end;
            } else {
                out.push(Token {
                    tok: Tok::Name(word.to_string()),
                    start,
                    end: i,
                });
            }
        } else if c == b'"' || c == b'\'' {
            let (s, end) = string(src, i, false);
            out.push(Token {
                tok: Tok::Str(s),
                start: i,
                end,
            });
            i = end;
        } else if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric()
                    || b[i] == b'.'
                    || b[i] == b'_'
                    || ((b[i] == b'-' || b[i] == b'+') && matches!(b[i - 1], b'e' | b'E')))
            {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Num(src[start..i].replace('_', "")),
                start,
                end: i,
            });
        } else {
            let start = i;
            let two = src.get(i..i + 2).unwrap_or("");
            let len = if ["**", "//", "==", "!=", "<=", ">=", "->", ":=", "<<", ">>"].contains(&two)
            {
                2
            } else {
                src[i..].chars().next().map_or(1, char::len_utf8)
            };
            i += len;
            out.push(Token {
                tok: Tok::Op(src[start..i].to_string()),
                start,
                end: i,
            });
        }
    }
    out
}

/// The string literal starting at the quote at `at`: its value and the index after it.
fn string(src: &str, at: usize, raw: bool) -> (String, usize) {
    let b = src.as_bytes();
    let q = b[at];
    let triple = b.get(at + 1) == Some(&q) && b.get(at + 2) == Some(&q);
    let mut i = if triple { at + 3 } else { at + 1 };
    let mut out = String::new();
    while i < b.len() {
        if b[i] == q && (!triple || (b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q))) {
            return (out, if triple { i + 3 } else { i + 1 });
        }
        if !triple && b[i] == b'\n' {
            return (out, i);
        }
        let ch = src[i..].chars().next().unwrap_or('\0');
        if ch == '\\' && i + 1 < b.len() {
            let next = src[i + 1..].chars().next().unwrap_or('\0');
            if raw {
                out.push('\\');
                out.push(next);
            } else {
                match next {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '0' => out.push('\0'),
                    '\n' => {}
                    '\\' | '\'' | '"' => out.push(next),
                    _ => {
                        out.push('\\');
                        out.push(next);
                    }
                }
            }
            i += 1 + next.len_utf8();
            continue;
        }
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    (out, i)
}

/// A reader over the tokens of one file.
pub struct Source<'s> {
    src: &'s str,
    toks: Vec<Token>,
}

impl<'s> Source<'s> {
    pub fn new(src: &'s str) -> Source<'s> {
        Source {
            src,
            toks: tokenize(src),
        }
    }

    /// The value assigned to `name` (`name = …`) at bracket depth zero, the first time after
    /// the token `after` (`Migration`), when there is one.
    pub fn assignment(&self, after: &str, name: &str) -> Option<Value> {
        let start = self
            .toks
            .iter()
            .position(|t| t.tok == Tok::Name(after.into()))?;
        self.assignment_from(start, name)
    }

    /// The value of the first `name = …` at bracket depth zero anywhere in the file (a module
    /// constant or class attribute an operation refers to by name).
    pub fn global(&self, name: &str) -> Option<Value> {
        self.assignment_from(0, name)
    }

    /// `value` with bare names (`state_operations`, `SQL`) replaced by what the file assigns
    /// to them, a few levels deep.
    pub fn resolve(&self, value: &mut Value, depth: usize) {
        if depth > 4 {
            return;
        }
        match value {
            Value::Name(n) if !n.contains('.') => {
                if let Some(mut v) = self.global(n) {
                    if v != Value::Name(n.clone()) {
                        self.resolve(&mut v, depth + 1);
                        *value = v;
                    }
                }
            }
            Value::Call(c) => {
                for a in &mut c.args {
                    self.resolve(a, depth);
                }
                for (_, v) in &mut c.kwargs {
                    self.resolve(v, depth);
                }
                if c.func == "__add__" {
                    if let Some(sum) = add(&c.args) {
                        *value = sum;
                    }
                }
            }
            Value::List(items) | Value::Tuple(items) => {
                for i in items {
                    self.resolve(i, depth);
                }
            }
            Value::Dict(pairs) => {
                for (_, v) in pairs {
                    self.resolve(v, depth);
                }
            }
            _ => {}
        }
    }

    fn assignment_from(&self, start: usize, name: &str) -> Option<Value> {
        let mut depth = 0i32;
        let mut i = start;
        while i + 1 < self.toks.len() {
            match &self.toks[i].tok {
                Tok::Op(o) if matches!(o.as_str(), "(" | "[" | "{") => depth += 1,
                Tok::Op(o) if matches!(o.as_str(), ")" | "]" | "}") => depth -= 1,
                Tok::Name(n) if depth == 0 && n == name => {
                    let next = &self.toks[i + 1].tok;
                    if *next == Tok::Op("=".into()) {
                        let mut p = Parser {
                            src: self.src,
                            toks: &self.toks,
                            pos: i + 2,
                        };
                        return Some(p.expr());
                    }
                }
                _ => {}
            }
            i += 1;
        }
        None
    }
}

/// `a + b` of two lists (or tuples) or two strings.
fn add(args: &[Value]) -> Option<Value> {
    match args {
        [Value::Str(a), Value::Str(b)] => Some(Value::Str(format!("{a}{b}"))),
        [a @ (Value::List(_) | Value::Tuple(_)), b @ (Value::List(_) | Value::Tuple(_))] => {
            Some(Value::List([a.items(), b.items()].concat()))
        }
        _ => None,
    }
}

/// Parse one expression (for tests and single values).
pub fn parse_expr(src: &str) -> Value {
    let toks = tokenize(src);
    Parser {
        src,
        toks: &toks,
        pos: 0,
    }
    .expr()
}

struct Parser<'a> {
    src: &'a str,
    toks: &'a [Token],
    pos: usize,
}

fn is_op(t: Option<&Token>, op: &str) -> bool {
    matches!(t, Some(Token { tok: Tok::Op(o), .. }) if o == op)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn eat(&mut self, op: &str) -> bool {
        if is_op(self.peek(), op) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// An expression: a primary; followed by an operator, the whole is [`Value::Other`].
    fn expr(&mut self) -> Value {
        let start = self.pos;
        let mut first = self.primary();
        let mut other = false;
        loop {
            match self.peek().map(|t| &t.tok) {
                // `a + b`: kept as a sum, which `Source::resolve` joins once names are known.
                Some(Tok::Op(o)) if o == "+" && !other => {
                    self.pos += 1;
                    let rhs = self.primary();
                    first = Value::Call(Call {
                        func: "__add__".into(),
                        args: vec![first, rhs],
                        kwargs: vec![],
                    });
                }
                Some(Tok::Op(o))
                    if matches!(
                        o.as_str(),
                        "|" | "&"
                            | "+"
                            | "-"
                            | "*"
                            | "/"
                            | "%"
                            | "//"
                            | "**"
                            | "=="
                            | "!="
                            | "<"
                            | ">"
                            | "<="
                            | ">="
                            | "."
                            | "~"
                    ) =>
                {
                    self.pos += 1;
                    other = true;
                    self.primary();
                }
                // A keyword starting a line is the next statement (`else:`), not more of this.
                Some(Tok::Name(n))
                    if matches!(
                        n.as_str(),
                        "if" | "else" | "and" | "or" | "for" | "in" | "not" | "is"
                    ) && !self.at_line_start() =>
                {
                    self.pos += 1;
                    other = true;
                    self.primary();
                }
                _ => break,
            }
        }
        if other {
            Value::Other(self.text(start))
        } else {
            first
        }
    }

    /// Whether the next token is the first of its line.
    fn at_line_start(&self) -> bool {
        let Some(t) = self.peek() else { return false };
        self.src[..t.start]
            .trim_end_matches([' ', '\t'])
            .ends_with('\n')
    }

    fn text(&self, start: usize) -> String {
        match (
            self.toks.get(start),
            self.toks.get(self.pos.saturating_sub(1)),
        ) {
            (Some(a), Some(b)) if self.pos > start => self.src[a.start..b.end].to_string(),
            _ => String::new(),
        }
    }

    /// Skip to the next `,` or closer at this depth (for what is not understood).
    fn skip(&mut self) {
        let mut depth = 0;
        while let Some(t) = self.peek() {
            if let Tok::Op(o) = &t.tok {
                match o.as_str() {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" if depth == 0 => return,
                    ")" | "]" | "}" => depth -= 1,
                    "," if depth == 0 => return,
                    _ => {}
                }
            }
            self.pos += 1;
        }
    }

    fn primary(&mut self) -> Value {
        let start = self.pos;
        let Some(t) = self.peek().cloned() else {
            return Value::Other(String::new());
        };
        self.pos += 1;
        let mut v = match t.tok {
            Tok::Str(mut s) => {
                while let Some(Token {
                    tok: Tok::Str(more),
                    ..
                }) = self.peek()
                {
                    s.push_str(more);
                    self.pos += 1;
                }
                Value::Str(s)
            }
            Tok::Num(n) => n
                .parse::<i64>()
                .map(Value::Int)
                .or_else(|_| n.parse::<f64>().map(Value::Float))
                .unwrap_or(Value::Other(n)),
            Tok::Name(n) => match n.as_str() {
                "True" => Value::Bool(true),
                "False" => Value::Bool(false),
                "None" => Value::None,
                "lambda" | "not" | "await" | "yield" => {
                    self.skip();
                    return Value::Other(self.text(start));
                }
                _ => {
                    let mut name = n;
                    while is_op(self.peek(), ".") {
                        match self.toks.get(self.pos + 1).map(|t| &t.tok) {
                            Some(Tok::Name(m)) => {
                                name.push('.');
                                name.push_str(m);
                                self.pos += 2;
                            }
                            _ => break,
                        }
                    }
                    Value::Name(name)
                }
            },
            Tok::Op(o) => match o.as_str() {
                "[" => Value::List(self.items("]")),
                "(" => {
                    let (items, trailing_comma) = self.items_with_comma(")");
                    if items.len() == 1 && !trailing_comma {
                        items.into_iter().next().expect("one")
                    } else {
                        Value::Tuple(items)
                    }
                }
                "{" => self.dict(),
                "-" => match self.primary() {
                    Value::Int(i) => Value::Int(-i),
                    Value::Float(f) => Value::Float(-f),
                    _ => Value::Other(self.text(start)),
                },
                "*" | "**" | "~" | "+" => {
                    self.primary();
                    Value::Other(self.text(start))
                }
                _ => {
                    self.pos -= 1;
                    self.skip();
                    return Value::Other(self.text(start));
                }
            },
        };
        // Trailers: calls and subscripts.
        loop {
            if self.eat("(") {
                let func = match &v {
                    Value::Name(n) => n.clone(),
                    _ => String::new(),
                };
                let (args, kwargs) = self.call_args();
                v = Value::Call(Call { func, args, kwargs });
            } else if is_op(self.peek(), "[") {
                self.pos += 1;
                self.items("]");
                v = Value::Other(self.text(start));
            } else if is_op(self.peek(), ".")
                && matches!(
                    self.toks.get(self.pos + 1).map(|t| &t.tok),
                    Some(Tok::Name(_))
                )
            {
                self.pos += 2;
                v = Value::Other(self.text(start));
            } else {
                break;
            }
        }
        v
    }

    fn items(&mut self, close: &str) -> Vec<Value> {
        self.items_with_comma(close).0
    }

    fn items_with_comma(&mut self, close: &str) -> (Vec<Value>, bool) {
        let mut out = vec![];
        let mut comma = false;
        while self.peek().is_some() {
            if self.eat(close) {
                return (out, comma);
            }
            let start = self.pos;
            out.push(self.expr());
            comma = self.eat(",");
            if !comma && !is_op(self.peek(), close) {
                self.skip();
                self.eat(",");
            }
            if self.pos == start {
                // A stray closing bracket of another kind: step over it (else no progress).
                self.pos += 1;
            }
        }
        (out, comma)
    }

    fn dict(&mut self) -> Value {
        let mut pairs = vec![];
        let mut set = vec![];
        while self.peek().is_some() {
            if self.eat("}") {
                break;
            }
            let start = self.pos;
            let k = self.expr();
            if self.eat(":") {
                let v = self.expr();
                pairs.push((k, v));
            } else {
                set.push(k);
            }
            if !self.eat(",") && !is_op(self.peek(), "}") {
                self.skip();
                self.eat(",");
            }
            if self.pos == start {
                self.pos += 1;
            }
        }
        if pairs.is_empty() && !set.is_empty() {
            Value::List(set)
        } else {
            Value::Dict(pairs)
        }
    }

    fn call_args(&mut self) -> (Vec<Value>, Vec<(String, Value)>) {
        let mut args = vec![];
        let mut kwargs = vec![];
        while self.peek().is_some() {
            if self.eat(")") {
                break;
            }
            let start = self.pos;
            let is_kw = matches!(self.peek().map(|t| &t.tok), Some(Tok::Name(_)))
                && is_op(self.toks.get(self.pos + 1), "=");
            if is_kw {
                let Some(Tok::Name(k)) = self.peek().map(|t| t.tok.clone()) else {
                    unreachable!("checked above")
                };
                self.pos += 2;
                kwargs.push((k, self.expr()));
            } else {
                args.push(self.expr());
            }
            if !self.eat(",") && !is_op(self.peek(), ")") {
                self.skip();
                self.eat(",");
            }
            if self.pos == start {
                // A stray `]` or `}` among the arguments: step over it (else no progress, and
                // the same empty argument is pushed until memory runs out).
                self.pos += 1;
            }
        }
        (args, kwargs)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    /// A stray `]` inside a call's arguments (`AlterField(model_name="x", ]name=…)`, from
    /// tests/fuzz_corpus/django_oom2.py) made the argument loop push empty values forever.
    #[test]
    fn a_stray_closer_in_call_arguments_is_stepped_over() {
        let v = parse_expr("f(a=1, ]b=2, }3)");
        let c = v.as_call().expect("a call");
        assert_eq!(c.kw("a"), Some(&Value::Int(1)));
        assert_eq!(c.kw("b"), Some(&Value::Int(2)));
        assert!(c.args.len() <= 3, "{:?}", c.args);
    }

    #[test]
    fn reads_a_field_call() {
        let v = parse_expr(
            "models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, max_length=-3)",
        );
        let c = v.as_call().unwrap();
        assert_eq!(c.func, "models.ForeignKey");
        assert_eq!(c.name(), "ForeignKey");
        assert!(c.flag("null", false));
        assert_eq!(
            c.kw("to"),
            Some(&Value::Name("settings.AUTH_USER_MODEL".into()))
        );
        assert_eq!(c.kw("related_name"), Some(&Value::Str("+".into())));
        assert_eq!(c.kw("max_length"), Some(&Value::Int(-3)));
    }

    #[test]
    fn reads_containers_and_strings() {
        assert_eq!(
            parse_expr("[('a', 1), (\"b\",), {'k': [True, None]}, r'\\d' 'x', \"\"\"t\"q\"\"\"]"),
            Value::List(vec![
                Value::Tuple(vec![Value::Str("a".into()), Value::Int(1)]),
                Value::Tuple(vec![Value::Str("b".into())]),
                Value::Dict(vec![(
                    Value::Str("k".into()),
                    Value::List(vec![Value::Bool(true), Value::None])
                )]),
                Value::Str("\\dx".into()),
                Value::Str("t\"q".into()),
            ])
        );
        assert_eq!(parse_expr("{'a', 'b'}").items().len(), 2);
    }

    #[test]
    fn what_it_does_not_model_is_kept_as_text_and_reading_goes_on() {
        let v = parse_expr("f(check=Q(a__gte=0) | Q(b=None), default=lambda: [1, 2], x=3)");
        let c = v.as_call().unwrap();
        assert_eq!(
            c.kw("check"),
            Some(&Value::Other("Q(a__gte=0) | Q(b=None)".into()))
        );
        assert!(matches!(c.kw("default"), Some(Value::Other(_))));
        assert_eq!(c.kw("x"), Some(&Value::Int(3)));
    }

    #[test]
    fn finds_the_migration_class_attributes() {
        let src = "from django.db import migrations\n\ndef forwards(apps, schema_editor):\n    operations = 'not this'\n\nclass Migration(migrations.Migration):\n    # comment (\n    dependencies = [('shop', '0001_initial'), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]\n    operations = [\n        migrations.RunPython(forwards, migrations.RunPython.noop),\n    ]\n";
        let s = Source::new(src);
        let deps = s.assignment("Migration", "dependencies").unwrap();
        assert_eq!(deps.items().len(), 2);
        let ops = s.assignment("Migration", "operations").unwrap();
        assert_eq!(ops.items()[0].as_call().unwrap().name(), "RunPython");
        assert!(s.assignment("Migration", "replaces").is_none());
    }

    /// Regression: `operations = [...]` under `if connection.vendor == "postgresql":` was read
    /// as a ternary with the `else:` that follows, and lost.
    #[test]
    fn an_else_on_the_next_line_ends_the_value() {
        let src = "class Migration(migrations.Migration):\n    if connection.vendor == 'postgresql':\n        operations = [\n            migrations.RunSQL('SELECT 1'),\n        ]\n    else:\n        operations = []\n";
        let s = Source::new(src);
        let v = s.assignment("Migration", "operations").unwrap();
        assert_eq!(v.items().len(), 1, "{v:?}");
    }

    #[test]
    fn operations_built_from_module_lists_are_resolved() {
        let src = "A = [migrations.RunSQL(SQL)]\nSQL = 'CREATE TABLE t ()'\nB = (migrations.RunPython(f),)\nclass Migration(migrations.Migration):\n    operations = A + B\n";
        let s = Source::new(src);
        let mut ops = s.assignment("Migration", "operations").unwrap();
        s.resolve(&mut ops, 0);
        let items = ops.items();
        assert_eq!(items.len(), 2);
        let sql = items[0].as_call().unwrap();
        assert_eq!(sql.args[0], Value::Str("CREATE TABLE t ()".into()));
        assert_eq!(items[1].as_call().unwrap().name(), "RunPython");
    }
}
