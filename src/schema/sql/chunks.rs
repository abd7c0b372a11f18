//! Cutting a long SQL text into chunks of whole statements, so that a large dump is parsed
//! a piece at a time: the parse tree of a whole 3 MB dump takes about 300 MB, and one call
//! per statement pays the parser's start-up cost thousands of times.
//!
//! The cut points are found by a small lexer that knows what can hide a semicolon (quoted
//! strings and identifiers, dollar quotes, comments, parentheses). It does not need to be
//! perfect: a chunk that fails to parse is parsed again together with the rest of the text
//! (see `super::run`), so a cut inside a construct the lexer does not know (`BEGIN ATOMIC …
//! END`) costs time, never correctness.

/// Roughly how much text goes into one chunk.
pub(super) const CHUNK_BYTES: usize = 64 * 1024;

/// Byte offsets where chunks start: `0`, then just after the first top-level `;` once the
/// current chunk holds at least `target` bytes. Text after an unterminated string, quote or
/// comment stays in the last chunk.
pub(super) fn chunk_starts(text: &str, target: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut starts = vec![0];
    let (mut i, mut depth) = (0usize, 0usize);
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    while i < b.len() {
        let c = b[i];
        let prev = if i > 0 { b[i - 1] } else { b' ' };
        let skipped = match c {
            b'\'' => {
                let escapes = (prev == b'E' || prev == b'e') && (i < 2 || !ident(b[i - 2]));
                quoted(b, i, b'\'', escapes)
            }
            b'"' => quoted(b, i, b'"', false),
            b'-' if b.get(i + 1) == Some(&b'-') => Some(
                b[i..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(b.len(), |p| i + p + 1),
            ),
            b'/' if b.get(i + 1) == Some(&b'*') => block_comment(b, i),
            b'$' if !ident(prev) => dollar_quoted(b, i),
            _ => Some(i + 1),
        };
        let Some(next) = skipped else {
            break;
        };
        match c {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b';' if depth == 0 && next - starts[starts.len() - 1] >= target && next < b.len() => {
                starts.push(next)
            }
            _ => {}
        }
        i = next;
    }
    starts
}

/// The offset after a `q`-quoted run starting at `i` (a doubled quote stays inside; with
/// `escapes`, a backslash escapes the next byte), or `None` when it never ends.
fn quoted(b: &[u8], i: usize, q: u8, escapes: bool) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        if escapes && b[j] == b'\\' {
            j += 2;
        } else if b[j] == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
            } else {
                return Some(j + 1);
            }
        } else {
            j += 1;
        }
    }
    None
}

/// The offset after a (nested) `/* … */` comment starting at `i`.
fn block_comment(b: &[u8], i: usize) -> Option<usize> {
    let (mut j, mut depth) = (i, 0usize);
    while j + 1 < b.len() {
        if b[j] == b'/' && b[j + 1] == b'*' {
            depth += 1;
            j += 2;
        } else if b[j] == b'*' && b[j + 1] == b'/' {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return Some(j);
            }
        } else {
            j += 1;
        }
    }
    None
}

/// The offset after a `$tag$ … $tag$` string starting at `i`, or just after the `$` when
/// it does not open one (a parameter such as `$1`).
fn dollar_quoted(b: &[u8], i: usize) -> Option<usize> {
    let tag_len = b[i + 1..]
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80))
        .map_or(b.len() - i - 1, |p| p);
    let close = i + 1 + tag_len;
    if b.get(close) != Some(&b'$') || b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return Some(i + 1);
    }
    let tag = &b[i..=close];
    let body = close + 1;
    b[body..]
        .windows(tag.len())
        .position(|w| w == tag)
        .map(|p| body + p + tag.len())
}

#[cfg(test)]
mod test {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        let starts = chunk_starts(text, 1);
        starts
            .iter()
            .enumerate()
            .map(|(k, &s)| &text[s..starts.get(k + 1).copied().unwrap_or(text.len())])
            .collect()
    }

    #[test]
    fn cuts_after_top_level_semicolons_only() {
        assert_eq!(
            pieces("SELECT 1; SELECT ';'; SELECT \";\"; SELECT (1;2); SELECT 2"),
            [
                "SELECT 1;",
                " SELECT ';';",
                " SELECT \";\";",
                " SELECT (1;2);",
                " SELECT 2"
            ]
        );
    }

    #[test]
    fn comments_and_dollar_quotes_hide_semicolons() {
        let text = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql; -- a;b\nSELECT $1; /* x; /* y; */ z; */ SELECT 3;";
        assert_eq!(
            pieces(text),
            [
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;",
                " -- a;b\nSELECT $1;",
                " /* x; /* y; */ z; */ SELECT 3;"
            ]
        );
    }

    #[test]
    fn escape_strings_and_unterminated_text() {
        assert_eq!(
            pieces(r"SELECT E'a\';'; SELECT 2;"),
            [r"SELECT E'a\';';", " SELECT 2;"]
        );
        assert_eq!(
            pieces("SELECT 1; SELECT 'open; SELECT 2;"),
            ["SELECT 1;", " SELECT 'open; SELECT 2;"]
        );
    }

    #[test]
    fn small_statements_share_a_chunk() {
        let text = "SELECT 1; SELECT 2; SELECT 3;";
        assert_eq!(chunk_starts(text, 1000), [0]);
        assert_eq!(chunk_starts(text, 15), [0, 19]);
    }
}
