//! Printing findings: `text` for people, `json` for tools, `github` for GitHub Actions workflow
//! annotations (`::error file=…,line=…::…`). Pure functions from findings to a string.

use super::Finding;
use crate::analyze::rules::Level;
use serde_json::json;

/// Counts per level.
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |l: Level| findings.iter().filter(|f| f.level == l).count();
    (n(Level::Error), n(Level::Warning), n(Level::Note))
}

/// A piece of the text output a terminal may style.
pub enum Part<'a> {
    /// `file:line:`
    Location(&'a str),
    /// `error[rule-id]`, `warning[…]`, `note[…]`
    Level(Level, &'a str),
    /// `note:` and `help:`
    Label(&'a str),
}

/// Human-readable: one block per finding, then a summary line.
pub fn text(findings: &[Finding], files: usize) -> String {
    text_with(findings, files, &|part| match part {
        Part::Location(t) | Part::Level(_, t) | Part::Label(t) => t.to_string(),
    })
}

/// [`text`] with each styled part passed through `paint` (colour on a terminal).
pub fn text_with(findings: &[Finding], files: usize, paint: &dyn Fn(Part) -> String) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&format!(
            "{} {} {}\n",
            paint(Part::Location(&format!("{}:{}:", f.file, f.line))),
            paint(Part::Level(
                f.level,
                &format!("{}[{}]", f.level.as_str(), f.rule)
            )),
            f.message
        ));
        if let Some(note) = &f.note {
            out.push_str(&format!("  {} {note}\n", paint(Part::Label("note:"))));
        }
        out.push_str(&format!("  {} {}\n", paint(Part::Label("help:")), f.help));
    }
    let (e, w, n) = counts(findings);
    out.push_str(&format!(
        "{files} file(s) checked: {e} error(s), {w} warning(s), {n} note(s)\n"
    ));
    out
}

/// JSON: `{"files_checked", "pg_version", "summary": {"error", "warning", "note"}, "findings": [...]}`.
pub fn json(findings: &[Finding], files: usize, pg_version: u32) -> String {
    let (e, w, n) = counts(findings);
    let value = json!({
        "files_checked": files,
        "pg_version": pg_version,
        "summary": {"error": e, "warning": w, "note": n},
        "findings": findings,
    });
    serde_json::to_string_pretty(&value).expect("findings serialize")
}

/// GitHub Actions workflow commands, one line per finding.
pub fn github(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let command = match f.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let mut message = format!("{} Instead: {}", f.message, f.help);
        if let Some(note) = &f.note {
            message = format!("{message} ({note})");
        }
        out.push_str(&format!(
            "::{command} file={},line={},title={}::{}\n",
            escape_property(&f.file),
            f.line,
            escape_property(f.rule),
            escape_data(&message)
        ));
    }
    out
}

/// Escaping for a workflow command's message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a workflow command's property value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn github_annotations_escape_what_github_requires() {
        let f = Finding {
            rule: "drop-table",
            level: Level::Warning,
            file: "db/a,b.sql".into(),
            line: 7,
            message: "100% gone\nreally".into(),
            help: "keep a backup".into(),
            note: None,
        };
        assert_eq!(
            github(&[f]),
            "::warning file=db/a%2Cb.sql,line=7,title=drop-table::100%25 gone%0Areally Instead: keep a backup\n"
        );
    }
}
