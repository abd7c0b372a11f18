//! Reading PHP without running it: comments stripped, other drivers' branches blanked,
//! literal variables filled in, strings, brackets, arguments, literals and call chains.

use super::blueprint::sql_str;

/// Blank out PHP comments (keeping newlines and strings) so scanning sees only code.
pub(super) fn strip_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' {
            let end = string_end(b, i);
            out.push_str(&src[i..end]);
            i = end;
        } else if b[i..].starts_with(b"//") || (c == b'#' && b.get(i + 1) != Some(&b'[')) {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = src[i + 2..]
                .find("*/")
                .map(|e| i + 4 + e)
                .unwrap_or(b.len());
            out.extend(
                src[i..end]
                    .chars()
                    .map(|c| if c == '\n' { '\n' } else { ' ' }),
            );
            i = end;
        } else {
            let ch = src[i..].chars().next().expect("char");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Blank (keeping newlines) the branches a PostgreSQL connection does not take:
/// `if (DB::getDriverName() === 'mysql') {…}` and the `else {…}` of a `=== 'pgsql'` test.
pub(super) fn other_drivers_blanked(code: &str) -> String {
    let mut out = code.to_string();
    let b = code.as_bytes();
    let blank = |out: &mut String, from: usize, to: usize| {
        let piece: String = code[from..to]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        out.replace_range(from..to, &piece);
    };
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'\'' || b[j] == b'"' {
            j = string_end(b, j);
            continue;
        }
        let word_start = j == 0 || !(b[j - 1].is_ascii_alphanumeric() || b[j - 1] == b'_');
        if !(word_start
            && code[j..].starts_with("if")
            && code[j + 2..].trim_start().starts_with('('))
        {
            j += 1;
            continue;
        }
        let open = j + 2 + (code[j + 2..].len() - code[j + 2..].trim_start().len());
        let Some(close) = closing(b, open) else { break };
        let cond = &code[open + 1..close];
        let taken = driver_test(cond);
        let after = &code[close + 1..];
        let block = close + 1 + (after.len() - after.trim_start().len());
        j = close + 1;
        let (Some(taken), Some(b'{')) = (taken, b.get(block)) else {
            continue;
        };
        let Some(end) = closing(b, block) else { break };
        if !taken {
            blank(&mut out, block + 1, end);
        }
        let rest = &code[end + 1..];
        let trimmed = rest.trim_start();
        if let Some(e) = trimmed.strip_prefix("else") {
            let eopen =
                end + 1 + (rest.len() - trimmed.len()) + 4 + (e.len() - e.trim_start().len());
            if b.get(eopen) == Some(&b'{') {
                if let Some(eend) = closing(b, eopen) {
                    if taken {
                        blank(&mut out, eopen + 1, eend);
                    }
                }
            }
        }
        j = block + 1;
    }
    out
}

/// Whether a condition that compares `DB::getDriverName()` (or `->getDriverName()`) with a
/// literal holds on PostgreSQL; `None` for any other condition.
pub(super) fn driver_test(cond: &str) -> Option<bool> {
    if !cond.contains("getDriverName()") || cond.contains("&&") || cond.contains("||") {
        return None;
    }
    let (negated, rest) = ["!==", "!=", "===", "=="]
        .iter()
        .find_map(|op| cond.split_once(op).map(|(_, r)| (op.starts_with('!'), r)))?;
    let driver = match lit(rest) {
        Lit::Str(d) => d,
        _ => lit(cond.split(['!', '=']).next().unwrap_or(""))
            .str()?
            .to_string(),
    };
    Some((driver == "pgsql") != negated)
}

/// Local variables holding a literal (`$t = 'pages';`, `$prefix = DB::getTablePrefix();`)
/// put in place where a table name or an interpolation uses them.
pub(super) fn substitute_variables(code: &str) -> String {
    let mut vars: Vec<(String, String)> = vec![];
    for stmt in code.split(';') {
        let t = stmt.rsplit(['{', '}']).next().unwrap_or("").trim();
        let Some((lhs, rhs)) = t.split_once('=') else {
            continue;
        };
        let lhs = lhs.trim();
        if !lhs.starts_with('$')
            || !lhs[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        let rhs = rhs.trim();
        let value = if rhs == "DB::getTablePrefix()" {
            String::new()
        } else if let Lit::Str(v) = lit(rhs) {
            if rhs.starts_with('"') && v.contains('$') {
                continue;
            }
            v
        } else {
            continue;
        };
        vars.retain(|(n, _)| n != lhs);
        vars.push((lhs.to_string(), value));
    }
    let mut out = code.replace("DB::getTablePrefix()", "''");
    for (name, value) in &vars {
        out = out.replace(&format!("{{{name}}}"), value);
        for call in [
            "create(",
            "table(",
            "drop(",
            "dropIfExists(",
            "rename(",
            "hasTable(",
        ] {
            out = out.replace(
                &format!("Schema::{call}{name},"),
                &format!("Schema::{call}{},", sql_str(value)),
            );
            out = out.replace(
                &format!("Schema::{call}{name})"),
                &format!("Schema::{call}{})", sql_str(value)),
            );
        }
    }
    out
}

/// The index just past the string literal starting at `i`.
pub(super) fn string_end(b: &[u8], i: usize) -> usize {
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == q {
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// The index of the bracket closing the one at `open`.
pub(super) fn closing(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut j = open;
    while j < b.len() {
        match b[j] {
            b'\'' | b'"' => {
                j = string_end(b, j);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Split at top-level commas.
pub(super) fn split_args(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let (mut out, mut start, mut depth, mut j) = (vec![], 0, 0i32, 0);
    while j < b.len() {
        match b[j] {
            b'\'' | b'"' => {
                j = string_end(b, j);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                out.push(s[start..j].trim());
                start = j + 1;
            }
            _ => {}
        }
        j += 1;
    }
    if !s[start..].trim().is_empty() {
        out.push(s[start..].trim());
    }
    out
}

/// A PHP literal argument.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Lit {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    List(Vec<Lit>),
    /// `DB::raw('expr')` / `new Expression('expr')`.
    Raw(String),
    /// Anything else (a variable, a constant, a call), as written.
    Code(String),
}

impl Lit {
    pub(super) fn str(&self) -> Option<&str> {
        match self {
            Lit::Str(s) => Some(s),
            _ => None,
        }
    }
    pub(super) fn num(&self) -> Option<u32> {
        match self {
            Lit::Num(n) => n.parse().ok(),
            _ => None,
        }
    }
    /// A column list: `'a'` or `['a', 'b']`.
    pub(super) fn names(&self) -> Vec<String> {
        match self {
            Lit::Str(s) => vec![s.clone()],
            Lit::List(l) => l
                .iter()
                .filter_map(|x| x.str().map(str::to_string))
                .collect(),
            _ => vec![],
        }
    }
}

pub(super) fn unescape(s: &str, q: char) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n) if n == q || n == '\\' => out.push(n),
                Some('n') if q == '"' => out.push('\n'),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub(super) fn lit(s: &str) -> Lit {
    let s = s.trim();
    // Named arguments (`length: 20`) keep only the value.
    let s = match s.split_once(':') {
        Some((k, v))
            if !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !v.starts_with(':') =>
        {
            v.trim()
        }
        _ => s,
    };
    let b = s.as_bytes();
    if b.is_empty() {
        return Lit::Code(String::new());
    }
    if (b[0] == b'\'' || b[0] == b'"') && string_end(b, 0) == b.len() && b.len() >= 2 {
        return Lit::Str(unescape(&s[1..s.len() - 1], b[0] as char));
    }
    if b[0] == b'[' && closing(b, 0) == Some(b.len() - 1) {
        return Lit::List(
            split_args(&s[1..s.len() - 1])
                .into_iter()
                .map(lit)
                .collect(),
        );
    }
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "true" => return Lit::Bool(true),
        "false" => return Lit::Bool(false),
        "null" => return Lit::Null,
        _ => {}
    }
    if s.parse::<f64>().is_ok() {
        return Lit::Num(s.to_string());
    }
    for prefix in [
        "DB::raw(",
        "new Expression(",
        "new \\Illuminate\\Database\\Query\\Expression(",
    ] {
        if let Some(inner) = s.strip_prefix(prefix).and_then(|r| r.strip_suffix(')')) {
            if let Lit::Str(x) = lit(inner) {
                return Lit::Raw(x);
            }
        }
    }
    Lit::Code(s.to_string())
}

/// One `->name(args)` of a chain.
#[derive(Debug)]
pub(super) struct Call {
    pub(super) name: String,
    pub(super) args: Vec<Lit>,
}

/// `->a(x)->b()…` from the start of `s` (after the receiver).
pub(super) fn chain(s: &str) -> Vec<Call> {
    let b = s.as_bytes();
    let mut out = vec![];
    let mut j = 0;
    loop {
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if !s[j..].starts_with("->") {
            break;
        }
        j += 2;
        let start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        let name = s[start..j].to_string();
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let args = if b.get(j) == Some(&b'(') {
            let Some(end) = closing(b, j) else { break };
            let a = split_args(&s[j + 1..end]).into_iter().map(lit).collect();
            j = end + 1;
            a
        } else {
            // A property (`$table->engine = 'InnoDB'`): not a call.
            out.push(Call {
                name: format!("{name}="),
                args: vec![],
            });
            break;
        };
        out.push(Call { name, args });
    }
    out
}
