//! The `migsmith` binary: parse arguments, call the library, print, set the exit code.

mod agent;
mod cli;
mod mcp;

/// mimalloc instead of the system allocator: loading a 2,000-table schema makes about a million
/// small allocations (names, parse-tree nodes), and glibc's malloc/free/consolidate were 35% of
/// the time (BENCHMARKS.md, "Scale").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::guarded_run());
}
