//! What kind of trouble an error is, so the binary can say it with an exit code (and tools
//! with a JSON `kind`) without matching on messages.
//!
//! Every library error type that can end a command has a `class()` method returning an
//! [`ErrorClass`]; the CLI maps classes to exit codes in one place (`src/cli/exit.rs`). Findings
//! of `check` and failed checks of `verify` are results, not errors, and have no class here.

/// Why a command could not do what it was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Something the user gave or controls is wrong or missing: a flag combination, a
    /// description migsmith cannot read, a table that does not exist, a broken schema file, a
    /// bad `migsmith.toml`, a file that is in the way. Fix the input and run again.
    Input,
    /// The database could not be reached or used: connection refused or timed out,
    /// authentication failed, the server went away, or `verify`'s scratch server could not be
    /// had (no PostgreSQL binaries, the ephemeral cluster would not start).
    Database,
}

impl ErrorClass {
    /// The JSON `kind` for errors of this class that have no more specific kind.
    pub fn kind(self) -> &'static str {
        match self {
            ErrorClass::Input => "error",
            ErrorClass::Database => "database_unreachable",
        }
    }
}
