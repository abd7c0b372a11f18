//! Exit codes, in one place, and how an error is printed (text on stderr, or the JSON error
//! document on stdout). The same code whichever the output format.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | `check` found an error-level finding; `verify` (or `generate --verify`) had a failing check |
//! | 2 | usage or input error: bad flags, unknown phrase, missing table, broken schema file, bad `migsmith.toml`, a file in the way |
//! | 3 | database unreachable: connection refused or timed out, authentication failed, or verify's scratch server could not be had |
//! | 130 | interrupted (Ctrl-C), after scratch resources were removed |
//! | 141 | stdout was closed early (`migsmith … \| head`) |

use super::term::Term;
use migsmith::config::ConfigError;
use migsmith::error::ErrorClass;
use migsmith::generate::GenerateError;
use migsmith::report::json;
use migsmith::schema::live::LiveError;
use migsmith::verify::VerifyError;

pub const OK: i32 = 0;
/// Findings or a failed verification: the command ran, and the answer is "no".
pub const FINDINGS: i32 = 1;
pub const INPUT: i32 = 2;
pub const DATABASE: i32 = 3;

/// Exit code when stdout was closed under us (`migsmith … | head`): 128 + SIGPIPE, what a
/// shell shows for a process the signal ended.
pub const BROKEN_PIPE: i32 = 141;

/// Run `f` (the CLI); a closed stdout ends it quietly with [`BROKEN_PIPE`] instead of a panic
/// message. The panic still unwinds, so scratch databases are dropped on the way out.
pub fn guard_broken_pipe(f: impl FnOnce() -> i32 + std::panic::UnwindSafe) -> i32 {
    fn is_broken_pipe(message: &str) -> bool {
        message.contains("failed printing to std") && message.contains("Broken pipe")
    }
    fn message(payload: &(dyn std::any::Any + Send)) -> &str {
        payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("")
    }
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_broken_pipe(message(info.payload())) {
            default_hook(info);
        }
    }));
    match std::panic::catch_unwind(f) {
        Ok(code) => code,
        Err(payload) if is_broken_pipe(message(payload.as_ref())) => BROKEN_PIPE,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// A flag combination that cannot work (clap's own usage errors exit 2 too).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

/// The exit code of an error class.
pub fn code(class: ErrorClass) -> i32 {
    match class {
        ErrorClass::Input => INPUT,
        ErrorClass::Database => DATABASE,
    }
}

/// The class of the first error in the chain that knows its class; otherwise input.
pub fn class_of(e: &anyhow::Error) -> ErrorClass {
    for cause in e.chain() {
        if let Some(g) = cause.downcast_ref::<GenerateError>() {
            return g.class();
        }
        if let Some(l) = cause.downcast_ref::<LiveError>() {
            return l.class();
        }
        if let Some(v) = cause.downcast_ref::<VerifyError>() {
            return v.class();
        }
        if let Some(c) = cause.downcast_ref::<ConfigError>() {
            return c.class();
        }
    }
    ErrorClass::Input
}

/// The JSON `kind` and suggestions of an error.
fn kind_of(e: &anyhow::Error) -> (&'static str, Vec<String>) {
    if let Some(g) = e.downcast_ref::<GenerateError>() {
        return (g.kind(), g.suggestions());
    }
    if let Some(c) = e.downcast_ref::<ConfigError>() {
        return (c.kind(), vec![]);
    }
    if e.downcast_ref::<Usage>().is_some() {
        return ("usage", vec![]);
    }
    (class_of(e).kind(), vec![])
}

/// Print `e` (as JSON on stdout with `as_json`, else on stderr) and return its exit code.
pub fn report(term: &Term, e: &anyhow::Error, as_json: bool) -> i32 {
    // An interrupt being handled owns the outcome (exit 130 once scratch resources are gone).
    migsmith::verify::cleanup::wait_if_interrupted();
    let closed = e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if closed {
        return BROKEN_PIPE;
    }
    if let Some(failed) = e.downcast_ref::<super::verify::Failed>() {
        term.error(&failed.to_string());
        return FINDINGS;
    }
    let (kind, suggestions) = kind_of(e);
    let message = format!("{e:#}");
    if as_json {
        println!("{}", json::error(kind, &message, &suggestions));
    } else {
        term.error(&message);
        if let Some(GenerateError::Parse(_)) = e.downcast_ref::<GenerateError>() {
            if !suggestions.is_empty() {
                eprintln!("\nSupported forms that come close:");
                for s in &suggestions {
                    eprintln!("  migsmith generate \"{s}\"");
                }
            }
        }
    }
    code(class_of(e))
}

/// A clap error: help and version go out as clap prints them (exit 0); usage errors exit 2,
/// as a JSON error document when the command line asked for `--format json`.
pub fn clap_error(e: clap::Error, args: &[std::ffi::OsString]) -> i32 {
    use clap::error::ErrorKind;
    let wants_json = args
        .windows(2)
        .any(|w| w[0] == "--format" && w[1] == "json")
        || args.iter().any(|a| a == "--format=json");
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                INPUT
            } else {
                OK
            }
        }
        _ if wants_json => {
            let rendered = e.render().to_string();
            let message = rendered
                .lines()
                .next()
                .unwrap_or_default()
                .trim_start_matches("error: ")
                .to_string();
            println!("{}", json::error("usage", &message, &[]));
            INPUT
        }
        _ => {
            let _ = e.print();
            INPUT
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;
    use migsmith::schema::live::LiveError;

    #[test]
    fn classes_come_from_the_error_types_anywhere_in_the_chain() {
        let unreachable = anyhow::Error::new(GenerateError::Live(LiveError::Connect {
            url: "postgres://x@127.0.0.1:1/d".into(),
            reason: "refused".into(),
        }));
        assert_eq!(code(class_of(&unreachable)), DATABASE);
        let wrapped = anyhow::Error::new(VerifyError::NoServerBinaries("none".into()))
            .context("while verifying");
        assert_eq!(code(class_of(&wrapped)), DATABASE);
        let bad_url = anyhow::Error::new(VerifyError::BadUrl {
            url: "x".into(),
            message: "invalid".into(),
        });
        assert_eq!(code(class_of(&bad_url)), INPUT);
        assert_eq!(code(class_of(&anyhow::anyhow!("anything else"))), INPUT);
        assert_eq!(kind_of(&Usage("x".into()).into()).0, "usage");
        assert_eq!(kind_of(&unreachable).0, "database_unreachable");
    }
}
