//! The `migsmith` binary: parse arguments, call the library, print, set the exit code.

mod agent;
mod cli;
mod mcp;

fn main() {
    std::process::exit(cli::guarded_run());
}
