//! Terminal manners: colour only where a person is looking (a terminal, `NO_COLOR` unset, or
//! `--color always`), chatter on stderr only without `--quiet`, diagnostics with `--verbose`.
//! stdout never gets an escape code unless it is a terminal or `--color always` was asked for.

use anstyle::{AnsiColor, Style};
use std::io::IsTerminal;

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set (to anything but the empty string) or TERM=dumb.
    Auto,
    /// Always, even into a pipe or with NO_COLOR set (an explicit flag beats the variable).
    Always,
    /// Never.
    Never,
}

impl ColorWhen {
    /// `--color` as written in `args`, before clap has parsed them (so clap's own usage errors
    /// follow it too). The last one wins, as clap's would.
    pub fn prescan(args: &[std::ffi::OsString]) -> ColorWhen {
        let mut when = ColorWhen::Auto;
        let mut iter = args.iter().map(|a| a.to_string_lossy());
        while let Some(arg) = iter.next() {
            if arg == "--" {
                break;
            }
            let value = match arg.strip_prefix("--color") {
                Some(rest) if rest.starts_with('=') => Some(rest[1..].to_string()),
                Some("") => iter.next().map(|v| v.to_string()),
                _ => None,
            };
            when = match value.as_deref() {
                Some("always") => ColorWhen::Always,
                Some("never") => ColorWhen::Never,
                Some("auto") => ColorWhen::Auto,
                _ => when,
            };
        }
        when
    }

    pub fn clap(self) -> clap::ColorChoice {
        match self {
            ColorWhen::Auto => clap::ColorChoice::Auto,
            ColorWhen::Always => clap::ColorChoice::Always,
            ColorWhen::Never => clap::ColorChoice::Never,
        }
    }
}

/// Whether to colour a stream: `when`, whether the stream is a terminal, and the environment.
/// (no-color.org: `NO_COLOR` set to any non-empty value turns colour off; a flag beats it.)
pub fn use_color(
    when: ColorWhen,
    is_terminal: bool,
    no_color: Option<&str>,
    term: Option<&str>,
) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            is_terminal && no_color.is_none_or(str::is_empty) && term != Some("dumb")
        }
    }
}

/// How this run talks to the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Term {
    color_out: bool,
    color_err: bool,
    pub quiet: bool,
    pub verbose: u8,
}

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub const NOTE: Style = AnsiColor::Cyan.on_default().bold();
pub const DIM: Style = Style::new().dimmed();
pub const BOLD: Style = Style::new().bold();

impl Term {
    pub fn new(when: ColorWhen, quiet: bool, verbose: u8) -> Term {
        let no_color = std::env::var("NO_COLOR").ok();
        let term = std::env::var("TERM").ok();
        let decide = |tty: bool| use_color(when, tty, no_color.as_deref(), term.as_deref());
        Term {
            color_out: decide(std::io::stdout().is_terminal()),
            color_err: decide(std::io::stderr().is_terminal()),
            quiet,
            verbose,
        }
    }

    fn paint(on: bool, style: Style, text: &str) -> String {
        if on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// `text` styled for stdout.
    pub fn out(&self, style: Style, text: &str) -> String {
        Self::paint(self.color_out, style, text)
    }

    /// `text` styled for stderr.
    pub fn err(&self, style: Style, text: &str) -> String {
        Self::paint(self.color_err, style, text)
    }

    /// `error: …` on stderr, always.
    pub fn error(&self, message: &str) {
        eprintln!("{} {message}", self.err(ERROR, "error:"));
    }

    /// A progress note on stderr, unless `--quiet`.
    pub fn info(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// A diagnostic on stderr with `-v` (level 1) or `-vv` (level 2).
    pub fn debug(&self, level: u8, message: &str) {
        if self.verbose >= level {
            eprintln!("{} {message}", self.err(DIM, "migsmith:"));
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        use ColorWhen::*;
        assert!(use_color(Auto, true, None, Some("xterm")));
        assert!(!use_color(Auto, false, None, None), "a pipe");
        assert!(!use_color(Auto, true, Some("1"), None), "NO_COLOR=1");
        assert!(
            !use_color(Auto, true, Some("false"), None),
            "any non-empty NO_COLOR"
        );
        assert!(
            use_color(Auto, true, Some(""), None),
            "empty NO_COLOR is unset"
        );
        assert!(!use_color(Auto, true, None, Some("dumb")));
        assert!(!use_color(Never, true, None, None));
        assert!(use_color(Always, false, Some("1"), None));
    }

    #[test]
    fn color_flag_is_found_before_parsing() {
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert_eq!(
            ColorWhen::prescan(&args(&["migsmith", "--color", "never", "check"])),
            ColorWhen::Never
        );
        assert_eq!(
            ColorWhen::prescan(&args(&["migsmith", "check", "--color=always"])),
            ColorWhen::Always
        );
        assert_eq!(
            ColorWhen::prescan(&args(&["migsmith", "generate", "--", "--color=never"])),
            ColorWhen::Auto
        );
    }
}
