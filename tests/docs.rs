//! The documentation cannot drift from the binary: every example command in `README.md` and
//! `docs/**/*.md` written as a ```` ```console ```` block (`$ migsmith …` followed by its
//! output, `...` eliding lines, `[..]` part of a line, `? failed` a non-zero exit) is run by
//! [trycmd] and its output compared; blocks that need PostgreSQL are fenced
//! ```` ```console-postgres ```` and run against the local server (under CI it must be
//! there). Also: every page under `docs/` is in the book's `SUMMARY.md`, every relative link
//! resolves, the README's two quick-start commands are the ones that work, and every
//! subcommand and long flag of `migsmith --help` is documented in the book.
//!
//! Update expected outputs after an intended change with
//! `TRYCMD=overwrite cargo test --test docs` (then re-trim what you want elided).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The fixed clock of every documented example.
const NOW: &str = "2026-11-22T12:00:00Z";
/// The fence of examples executed against the local PostgreSQL server.
const PG_FENCE: &str = "```console-postgres";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `README.md` and every Markdown file under `docs/`, sorted.
fn doc_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md")];
    markdown_under(&root().join("docs"), &mut files);
    files.sort();
    files
}

fn markdown_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            markdown_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().display().to_string()
}

/// The examples run with no user configuration, no database and a fixed clock.
fn cases(config_home: &Path) -> trycmd::TestCases {
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("migsmith", trycmd::cargo::cargo_bin("migsmith"))
        .env("MIGSMITH_NOW", NOW)
        .env("DATABASE_URL", "")
        .env("NO_COLOR", "1")
        .env("HOME", config_home.display().to_string())
        .env("XDG_CONFIG_HOME", config_home.display().to_string())
        .timeout(std::time::Duration::from_secs(120));
    cases
}

#[test]
fn documented_examples_run() {
    let home = tempfile::tempdir().unwrap();
    let cases = cases(home.path());
    for file in doc_files() {
        cases.case(file);
    }
    cases.run();
}

/// The ```` ```console-postgres ```` blocks, each file's copy under `target/` holding only
/// those (as ```` ```console ````, at their own line numbers), run when PostgreSQL is up.
#[test]
fn documented_postgres_examples_run() {
    let mut copies = vec![];
    let dir = root().join("target/docs-postgres-examples");
    for file in doc_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let pg_info = PG_FENCE.trim_start_matches('`');
        if !classify_all(&text).contains(&Line::Open(pg_info)) {
            continue;
        }
        let copy = dir.join(rel(&file));
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::write(&copy, only_postgres_blocks(&text)).unwrap();
        copies.push(copy);
    }
    assert!(!copies.is_empty(), "no {PG_FENCE} block found");
    // A throwaway database proves the server is up (under CI its absence fails the test); the
    // examples make their own throwaway databases on it.
    let Some(_db) = common::TestDb::create("docs") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let cases = cases(home.path());
    for copy in &copies {
        cases.case(copy);
    }
    cases.run();
}

/// `text` with every line outside a ```` ```console-postgres ```` block blanked (so line
/// numbers stay those of the original), and those blocks' fences made ```` ```console ````.
fn only_postgres_blocks(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for (line, kind) in text.lines().zip(classify_all(text)) {
        match kind {
            Line::Open(info) => {
                inside = info == PG_FENCE.trim_start_matches('`');
                if inside {
                    out.push_str(&line.replace(PG_FENCE.trim_start_matches('`'), "console"));
                }
            }
            Line::Code if inside => out.push_str(line),
            _ => inside = false,
        }
        out.push('\n');
    }
    out
}

/// A bare ```` ``` ```` fence would be taken for an example by trycmd: every block names its
/// language (`text`, `sh`, `sql`, `json`, `toml`, …) unless it is an example.
#[test]
fn every_code_block_names_its_language() {
    let mut bare = vec![];
    for file in doc_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, kind) in classify_all(&text).into_iter().enumerate() {
            if kind == Line::Open("") {
                bare.push(format!("{}:{}", rel(&file), n + 1));
            }
        }
    }
    assert!(bare.is_empty(), "code blocks without a language: {bare:?}");
}

/// What a line of Markdown is, as far as fenced code blocks go.
#[derive(Debug, PartialEq)]
enum Line<'t> {
    /// Prose (outside any block).
    Prose,
    /// A fence opening a block, with its info string.
    Open(&'t str),
    /// Inside a block, or its closing fence.
    Code,
}

/// Every line of `text` classified: a block opened by N backticks is closed only by a line of
/// at least N backticks and nothing else, so a ```` ````console ```` example can show output
/// holding ```` ``` ```` fences of its own.
fn classify_all(text: &str) -> Vec<Line<'_>> {
    let mut out = vec![];
    let mut open: Option<usize> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let ticks = trimmed.chars().take_while(|c| *c == '`').count();
        match open {
            None if ticks >= 3 => {
                open = Some(ticks);
                out.push(Line::Open(trimmed[ticks..].trim()));
            }
            None => out.push(Line::Prose),
            Some(n) => {
                if ticks >= n && trimmed[ticks..].trim().is_empty() {
                    open = None;
                }
                out.push(Line::Code);
            }
        }
    }
    out
}

#[test]
fn every_docs_page_is_in_the_summary() {
    let summary = std::fs::read_to_string(root().join("docs/SUMMARY.md")).unwrap();
    let listed: BTreeSet<String> = links(&summary)
        .into_iter()
        .map(|l| l.trim_start_matches("./").to_string())
        .collect();
    let mut missing = vec![];
    for file in doc_files() {
        let name = rel(&file);
        let Some(page) = name.strip_prefix("docs/") else {
            continue;
        };
        if page != "SUMMARY.md" && !listed.contains(page) {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "pages the book does not reach (add them to docs/SUMMARY.md): {missing:?}"
    );
    for page in &listed {
        assert!(
            root().join("docs").join(page).is_file(),
            "docs/SUMMARY.md lists {page}, which does not exist"
        );
    }
}

#[test]
fn relative_links_resolve() {
    let mut broken = vec![];
    let mut files = doc_files();
    files.push(root().join("BENCHMARKS.md"));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") || link.starts_with('#') {
                continue;
            }
            let path = link.split('#').next().unwrap();
            if !file.parent().unwrap().join(path).exists() {
                broken.push(format!("{}: {link}", rel(&file)));
            }
        }
    }
    assert!(broken.is_empty(), "links to nothing: {broken:?}");
}

/// The targets of the Markdown links in `text` (inline `[x](target)` and reference
/// `[x]: target`), outside code blocks and code spans.
fn links(text: &str) -> Vec<String> {
    let mut out = vec![];
    for (line, kind) in text.lines().zip(classify_all(text)) {
        if kind != Line::Prose {
            continue;
        }
        let prose = without_code_spans(line);
        if let Some(rest) = prose.trim_start().strip_prefix('[') {
            if let Some((_, target)) = rest.split_once("]: ") {
                out.push(target.trim().to_string());
                continue;
            }
        }
        let mut rest = prose.as_str();
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            let end = rest.find(')').unwrap_or(rest.len());
            out.push(rest[..end].trim().to_string());
        }
    }
    out
}

fn without_code_spans(line: &str) -> String {
    line.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join("")
}

/// The README's two quick-start commands are exactly the ones that work: the bundled example
/// (run here without `scripts/setup.sh && cargo run --`, which only build the same binary) and
/// the whole suite's script.
#[test]
fn readme_quick_start_commands_work() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let prefix = "scripts/setup.sh && cargo run -- ";
    let example = readme
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("README.md lacks the quick-start line `{prefix}…`"));
    let args = split_args(example);
    assert!(
        args.iter().any(|a| a == "examples/saas.sql") && args.iter().any(|a| a == "--dry-run"),
        "the quick start runs the bundled example without writing: {args:?}"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(&args)
        .current_dir(root())
        .env("DATABASE_URL", "")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "README quick start `{example}` failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# Migration: "));
    assert!(
        readme.lines().any(|l| l.trim() == "scripts/test.sh"),
        "README.md lacks the `scripts/test.sh` line of the quick start"
    );
    for script in ["scripts/setup.sh", "scripts/test.sh"] {
        let mode = std::fs::metadata(root().join(script)).unwrap();
        assert!(
            std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o111 != 0,
            "{script} is not executable"
        );
    }
}

/// Shell words of a simple command line: whitespace-separated, `"…"` and `'…'` quoted.
fn split_args(line: &str) -> Vec<String> {
    let mut args = vec![];
    let mut word = String::new();
    let mut quote = None;
    let mut started = false;
    for c in line.trim().chars() {
        match (quote, c) {
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if started {
                    args.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            (_, c) => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        args.push(word);
    }
    args
}

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_migsmith"))
        .args(args)
        .arg("--help")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "migsmith {args:?} --help failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The subcommands a `--help` lists under `Commands:` (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim_end() != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// The long flags a `--help` lists (`--help` and `--version` left out).
fn long_flags(help: &str) -> Vec<String> {
    help.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = match l.strip_prefix('-') {
                Some(short) if !short.starts_with('-') => short.split_once(", ")?.1,
                _ => l,
            };
            let flag: String = l
                .strip_prefix("--")?
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            (flag != "help" && flag != "version").then(|| format!("--{flag}"))
        })
        .collect()
}

/// Whether `text` has `needle` not followed by a character that would make it a longer name.
fn mentions(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(i, _)| {
        !text[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

/// The book covers every command and flag: each subcommand (as `migsmith NAME`, nested ones as
/// `migsmith NAME SUB`) and each of its long flags appears somewhere under `docs/`.
#[test]
fn every_command_and_long_flag_is_documented() {
    let mut book = String::new();
    for file in doc_files() {
        if rel(&file).starts_with("docs/") {
            book.push_str(&std::fs::read_to_string(&file).unwrap());
        }
    }
    let mut missing = vec![];
    let mut pending: Vec<Vec<String>> = subcommands(&help(&[]))
        .into_iter()
        .map(|c| vec![c])
        .collect();
    assert!(pending.len() >= 6, "too few subcommands found: {pending:?}");
    while let Some(path) = pending.pop() {
        let words: Vec<&str> = path.iter().map(String::as_str).collect();
        let text = help(&words);
        let command = format!("migsmith {}", words.join(" "));
        if !mentions(&book, &command) {
            missing.push(command.clone());
        }
        for flag in long_flags(&text) {
            if !mentions(&book, &flag) {
                missing.push(format!("{command} {flag}"));
            }
        }
        for sub in subcommands(&text) {
            let mut deeper = path.clone();
            deeper.push(sub);
            pending.push(deeper);
        }
    }
    assert!(
        missing.is_empty(),
        "commands and flags the book (docs/) does not mention: {missing:?}"
    );
}

#[test]
fn help_parsing_finds_flags_and_commands() {
    let generate = help(&["generate"]);
    let flags = long_flags(&generate);
    assert!(flags.contains(&"--dry-run".to_string()), "{flags:?}");
    assert!(flags.len() >= 20, "generate has more flags than {flags:?}");
    assert!(!flags.contains(&"--help".to_string()));
    assert!(subcommands(&help(&[])).contains(&"check".to_string()));
    assert!(mentions("use --rows N", "--rows"));
    assert!(!mentions("use --verify-url", "--verify"));
    assert_eq!(
        split_args(r#"generate "add x to y" --schema a.sql"#),
        ["generate", "add x to y", "--schema", "a.sql"]
    );
}
