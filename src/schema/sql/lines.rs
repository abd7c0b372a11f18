//! Line numbers: psql meta-commands blanked out (keeping lines), the line of each statement
//! (counted once, front to back), and the line of a syntax error, which PostgreSQL's parser
//! reports without a position: found by re-parsing statement by statement and then token
//! prefixes of the failing statement (or line prefixes when the text cannot be split).

use super::LoadError;
use crate::dialect::postgres::error_text;

/// Lines starting with a backslash are psql meta-commands (`\restrict`, `\connect`): blank
/// them out, keeping line numbers.
pub(super) fn strip_meta_commands(sql: &str) -> String {
    sql.split_inclusive('\n')
        .map(|line| {
            if line.trim_start().starts_with('\\') {
                if line.ends_with('\n') {
                    "\n"
                } else {
                    ""
                }
            } else {
                line
            }
        })
        .collect()
}

/// [`line_of`] for increasing offsets, counting each newline once.
#[derive(Default)]
pub(super) struct LineCounter {
    offset: usize,
    newlines: usize,
}

impl LineCounter {
    /// The line of the statement starting at or after `start` (offsets must not go back).
    pub(super) fn line_of(&mut self, text: &str, start: usize) -> usize {
        let first = first_token(text, start);
        if first >= self.offset {
            self.newlines += text.as_bytes()[self.offset..first]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.offset = first;
            self.newlines + 1
        } else {
            line_of(text, start)
        }
    }
}

/// 1-based line of the first token at or after byte `start` (skipping blanks, empty
/// statements and comments).
pub(super) fn line_of(text: &str, start: usize) -> usize {
    let first = first_token(text, start);
    text.as_bytes()[..first]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Byte offset of the first token at or after `start`.
pub(super) fn first_token(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start.min(bytes.len());
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b';') {
            i += 1;
        }
        if bytes[i..].starts_with(b"--") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if bytes[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < bytes.len() {
                if bytes[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if bytes[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else {
            break;
        }
    }
    i
}

/// A syntax error: find the statement (and within it the token) PostgreSQL stumbled on by
/// re-parsing statement by statement, then token prefixes of the failing statement. When the
/// text cannot even be split into statements (an unterminated literal), the first line
/// prefix that fails the same way is taken.
pub(super) fn locate_syntax_error(text: &str, origin: &str, e: &pg_query::Error) -> LoadError {
    let message = error_text(e);
    let line = match pg_query::split_with_scanner(text) {
        Ok(stmts) => {
            let base = text.as_ptr() as usize;
            let mut pieces: Vec<(usize, &str)> = stmts
                .iter()
                .map(|s| (s.as_ptr() as usize - base, *s))
                .collect();
            // The splitter drops a last statement that has no semicolon.
            let end = pieces.last().map_or(0, |(o, s)| o + s.len());
            pieces.push((end, &text[end..]));
            pieces
                .into_iter()
                .find(|(_, stmt)| pg_query::parse(stmt, 0).is_err())
                .map_or(0, |(offset, stmt)| failing_token_line(text, offset, stmt))
        }
        Err(_) => failing_line_prefix(text, &message),
    };
    LoadError {
        origin: origin.to_string(),
        line,
        message: if message.starts_with("syntax error") {
            message
        } else {
            format!("syntax error: {message}")
        },
    }
}

/// The line of the token a failing statement breaks at (its first line when it just ends
/// too early).
pub(super) fn failing_token_line(text: &str, offset: usize, stmt: &str) -> usize {
    let mut line = line_of(text, offset);
    if let Ok(scan) = pg_query::scan(stmt) {
        let ends: Vec<usize> = scan.tokens.iter().map(|t| t.end as usize).collect();
        let fails_at = |k: usize| match pg_query::parse(&stmt[..ends[k]], 0) {
            Ok(_) => false,
            Err(err) => !error_text(&err).contains("at end of input"),
        };
        let (mut lo, mut hi) = (0, ends.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if fails_at(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if let Some(tok) = scan.tokens.get(lo) {
            line = line_of(text, offset + tok.start as usize);
        }
    }
    line
}

/// The first line whose prefix of the text fails with the same kind of error.
pub(super) fn failing_line_prefix(text: &str, message: &str) -> usize {
    let kind = |m: &str| m.split(" at or near ").next().unwrap_or(m).to_string();
    let want = kind(message);
    let ends: Vec<usize> = text
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(text.len()))
        .collect();
    let fails = |k: usize| match pg_query::parse(&text[..ends[k]], 0) {
        Ok(_) => false,
        Err(err) => kind(&error_text(&err)) == want,
    };
    let (mut lo, mut hi) = (0, ends.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if fails(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    if lo < ends.len() {
        lo + 1
    } else {
        0
    }
}
