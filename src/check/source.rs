//! One migration file → its statements, each with its parse tree, line number and the
//! `-- migsmith:ignore RULE…` comments in front of it. A file that does not parse yields the
//! line of the first statement PostgreSQL's parser refuses.

use crate::dialect::postgres::error_text;
use pg_query::NodeEnum;

/// One statement of a file.
pub struct Statement {
    pub node: NodeEnum,
    /// 1-based line of the statement's first token.
    pub line: usize,
    /// Rule ids silenced for this statement (`*` for all).
    pub ignores: Vec<String>,
}

/// A parsed file.
pub struct Parsed {
    pub statements: Vec<Statement>,
    /// Rule ids silenced for the whole file (ignore comments before the first statement).
    pub file_ignores: Vec<String>,
}

/// Why a file does not parse, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub line: usize,
    pub message: String,
}

/// Split and parse a file.
pub fn parse(sql: &str) -> Result<Parsed, SyntaxError> {
    let parsed = pg_query::parse(sql, 0).map_err(|e| locate_error(sql, &error_text(&e)))?;
    let mut statements = vec![];
    let mut file_ignores = vec![];
    let mut region_start = 0usize;
    for (i, raw) in parsed.protobuf.stmts.iter().enumerate() {
        let Some(node) = raw.stmt.as_ref().and_then(|s| s.node.clone()) else {
            continue;
        };
        let loc = (raw.stmt_location.max(0) as usize).min(sql.len());
        let region_start_here = region_start.min(loc);
        let start = skip_comments(sql, loc);
        let ignores = ignore_directives(&sql[region_start_here..start]);
        if i == 0 {
            file_ignores = ignores.clone();
        }
        statements.push(Statement {
            node,
            line: line_of(sql, start),
            ignores,
        });
        region_start = if raw.stmt_len > 0 {
            loc + raw.stmt_len as usize
        } else {
            sql.len()
        };
    }
    Ok(Parsed {
        statements,
        file_ignores,
    })
}

/// 1-based line number of a byte offset.
pub fn line_of(sql: &str, offset: usize) -> usize {
    sql.as_bytes()[..offset.min(sql.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The offset of the first token at or after `pos` (past whitespace and comments).
fn skip_comments(sql: &str, mut pos: usize) -> usize {
    let bytes = sql.as_bytes();
    loop {
        while pos < bytes.len() && (bytes[pos].is_ascii_whitespace() || bytes[pos] == b';') {
            pos += 1;
        }
        if sql[pos..].starts_with("--") {
            pos = sql[pos..].find('\n').map_or(sql.len(), |n| pos + n);
        } else if sql[pos..].starts_with("/*") {
            pos = sql[pos + 2..]
                .find("*/")
                .map_or(sql.len(), |n| pos + 2 + n + 2);
        } else {
            return pos;
        }
    }
}

/// Rule ids named by `migsmith:ignore` comments in a stretch of text; a bare
/// `migsmith:ignore` silences every rule (`*`).
fn ignore_directives(text: &str) -> Vec<String> {
    let mut out = vec![];
    for line in text.lines() {
        let Some((_, rest)) = line.split_once("migsmith:ignore") else {
            continue;
        };
        let rest = rest.trim_end_matches("*/");
        let ids: Vec<String> = rest
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if ids.is_empty() {
            out.push("*".to_string());
        }
        out.extend(ids);
    }
    out
}

/// Find the statement the parser refuses: split with the scanner and parse each piece alone.
fn locate_error(sql: &str, message: &str) -> SyntaxError {
    let base = sql.as_ptr() as usize;
    if let Ok(pieces) = pg_query::split_with_scanner(sql) {
        for piece in pieces {
            if let Err(e) = pg_query::parse(piece, 0) {
                let offset = (piece.as_ptr() as usize).saturating_sub(base);
                let start = skip_comments(sql, offset.min(sql.len()));
                return SyntaxError {
                    line: line_of(sql, start),
                    message: error_text(&e),
                };
            }
        }
    }
    SyntaxError {
        line: 1,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn lines_and_ignores() {
        let sql = "-- migsmith:ignore drop-table\n\nCREATE TABLE a (id int);\n\n/* c */\n-- migsmith:ignore rename-column, drop-column\nALTER TABLE a DROP COLUMN id;\nSELECT 1;";
        let p = parse(sql).unwrap();
        assert_eq!(p.file_ignores, vec!["drop-table"]);
        let lines: Vec<usize> = p.statements.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![3, 7, 8]);
        assert_eq!(
            p.statements[1].ignores,
            vec!["rename-column", "drop-column"]
        );
        assert!(p.statements[2].ignores.is_empty());
    }

    #[test]
    fn syntax_error_has_its_line() {
        let Err(err) = parse("SELECT 1;\n\nALTER TABLE users ADD COLUMN;\nSELECT 2;") else {
            panic!("parsed");
        };
        assert_eq!(err.line, 3);
        assert!(err.message.contains("syntax error"), "{}", err.message);
    }
}
