//! Splitting a MySQL script into statements the way the `mysql` client does: `DELIMITER`
//! lines change the terminator, `--`/`#` and `/* */` comments are dropped, executable comments
//! (`/*!40101 … */`, MariaDB's `/*M!100616 … */`) are unwrapped, and quotes (`'…'`, `"…"`,
//! `` `…` ``, with backslash escapes and doubled quotes) are kept whole.
//!
//! Linear in the input; never fails (an unterminated quote or comment ends the text).

/// One statement and the 1-based line it starts on.
pub struct Statement {
    pub line: usize,
    pub text: String,
}

/// MariaDB's "sandbox mode" marker `/*M!999999\- … */` names a version no server has: it is
/// never executed.
const NEVER: u64 = 999_999;

pub fn split(input: &str) -> Vec<Statement> {
    let bytes = input.as_bytes();
    let mut out = Vec::new();
    let mut delimiter: Vec<u8> = b";".to_vec();
    let mut current: Vec<u8> = Vec::new();
    let mut start_line = 1usize;
    let mut line = 1usize;
    let mut in_exec_comment = false;
    let mut at_line_start = true;
    let mut i = 0usize;
    // Whether `current` holds more than blanks, checked incrementally (`scanned` bytes so far).
    let (mut has_content, mut scanned) = (false, 0usize);
    let flush = |current: &mut Vec<u8>, out: &mut Vec<Statement>, start: usize| {
        let text = String::from_utf8_lossy(current).trim().to_string();
        if !text.is_empty() {
            out.push(Statement { line: start, text });
        }
        current.clear();
    };
    while i < bytes.len() {
        let b = bytes[i];
        if current.len() < scanned {
            (has_content, scanned) = (false, 0);
        }
        while !has_content && scanned < current.len() {
            has_content = !current[scanned].is_ascii_whitespace();
            scanned += 1;
        }
        if !has_content {
            start_line = line;
        }
        // `DELIMITER xx` at the start of a line (outside any statement).
        if at_line_start && !in_exec_comment && !has_content {
            let rest = &bytes[i..];
            if rest.len() > 10 && rest[..10].eq_ignore_ascii_case(b"delimiter ") {
                let end = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
                let word = String::from_utf8_lossy(&rest[10..end]).trim().to_string();
                if !word.is_empty() {
                    delimiter = word.into_bytes();
                }
                current.clear();
                (has_content, scanned) = (false, 0);
                i += end;
                continue;
            }
        }
        at_line_start = false;
        match b {
            b'\n' => {
                line += 1;
                at_line_start = true;
                current.push(b);
                i += 1;
            }
            b'\'' | b'"' | b'`' => {
                let quote = b;
                current.push(b);
                i += 1;
                while i < bytes.len() {
                    let c = bytes[i];
                    current.push(c);
                    i += 1;
                    if c == b'\n' {
                        line += 1;
                    }
                    if c == b'\\' && quote != b'`' && i < bytes.len() {
                        if bytes[i] == b'\n' {
                            line += 1;
                        }
                        current.push(bytes[i]);
                        i += 1;
                    } else if c == quote {
                        if i < bytes.len() && bytes[i] == quote {
                            current.push(quote);
                            i += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            b'-' if bytes.get(i + 1) == Some(&b'-')
                && bytes.get(i + 2).is_none_or(|c| c.is_ascii_whitespace()) =>
            {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let exec = match bytes.get(i + 2) {
                    Some(b'!') => Some(i + 3),
                    Some(b'M') if bytes.get(i + 3) == Some(&b'!') => Some(i + 4),
                    _ => None,
                };
                match exec {
                    Some(mut j) if !in_exec_comment => {
                        let digits_start = j;
                        while j < bytes.len() && bytes[j].is_ascii_digit() {
                            j += 1;
                        }
                        let version: u64 = std::str::from_utf8(&bytes[digits_start..j])
                            .ok()
                            .and_then(|d| d.parse().ok())
                            .unwrap_or(0);
                        if version >= NEVER {
                            i = skip_comment(bytes, i + 2, &mut line);
                        } else {
                            in_exec_comment = true;
                            current.push(b' ');
                            i = j;
                        }
                    }
                    _ => {
                        i = skip_comment(bytes, i + 2, &mut line);
                        current.push(b' ');
                    }
                }
            }
            b'*' if in_exec_comment && bytes.get(i + 1) == Some(&b'/') => {
                in_exec_comment = false;
                current.push(b' ');
                i += 2;
            }
            _ if !in_exec_comment && bytes[i..].starts_with(&delimiter) => {
                flush(&mut current, &mut out, start_line);
                (has_content, scanned) = (false, 0);
                i += delimiter.len();
            }
            _ => {
                current.push(b);
                i += 1;
            }
        }
    }
    flush(&mut current, &mut out, start_line);
    out
}

/// The index just past the `*/` closing a comment whose body starts at `from`.
fn skip_comment(bytes: &[u8], from: usize, line: &mut usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            *line += 1;
        }
        if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
            return i + 2;
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod test {
    use super::split;

    fn texts(sql: &str) -> Vec<String> {
        split(sql).into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn unwraps_executable_comments_and_follows_delimiter() {
        let sql = "/*M!999999\\- enable the sandbox mode */ \n-- c\n/*!40101 SET NAMES utf8mb4 */;\n\
                   CREATE TABLE `a;b` (x varchar(3) DEFAULT ';');\nDELIMITER ;;\n\
                   /*!50003 CREATE*/ /*!50003 TRIGGER t BEFORE UPDATE ON a FOR EACH ROW BEGIN SET NEW.x = 1; END */;;\n\
                   DELIMITER ;\n# done\nSELECT 1";
        let got = texts(sql);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], "SET NAMES utf8mb4");
        assert_eq!(got[1], "CREATE TABLE `a;b` (x varchar(3) DEFAULT ';')");
        assert!(got[2].starts_with("CREATE") && got[2].contains("SET NEW.x = 1; END"));
        assert_eq!(got[3], "SELECT 1");
    }

    #[test]
    fn lines_are_counted() {
        let s = split("SELECT 1;\n\nSELECT\n2;");
        assert_eq!(s[1].line, 3);
    }

    #[test]
    fn unterminated_input_ends() {
        assert_eq!(texts("SELECT 'abc").len(), 1);
        assert_eq!(texts("/* open").len(), 0);
        assert_eq!(texts("/*!4000 x").len(), 1);
    }
}
