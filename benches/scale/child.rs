//! One run of a child process: its wall time and its peak resident set size, read from the
//! kernel's accounting of that one child (`wait4`), so nothing else on the machine counts.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of a command cost.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub wall: Duration,
    /// Peak resident set size in KiB (`ru_maxrss`).
    pub max_rss_kib: u64,
}

/// Run `cmd` with stdout and stderr sent to files in `scratch`; panic with its stderr when it
/// fails, since a benchmark of a failing command measures nothing.
pub fn run(cmd: &mut Command, scratch: &Path) -> Cost {
    let out_path = scratch.join("child.stdout");
    let err_path = scratch.join("child.stderr");
    cmd.stdin(Stdio::null())
        .stdout(File::create(&out_path).expect("create stdout file"))
        .stderr(File::create(&err_path).expect("create stderr file"));
    let start = Instant::now();
    // Reaped below by wait4, which std does not know about.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we spawned and have not reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(reaped, pid, "wait4 on {cmd:?}");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    if !ok {
        let err = std::fs::read_to_string(&err_path).unwrap_or_default();
        panic!("{cmd:?} failed (status {status}):\n{err}");
    }
    Cost {
        wall,
        max_rss_kib: usage.ru_maxrss as u64,
    }
}

/// The median wall time and the highest peak RSS of `runs` runs.
pub fn measure(runs: usize, scratch: &Path, mut make: impl FnMut() -> Command) -> Cost {
    let mut costs: Vec<Cost> = (0..runs).map(|_| run(&mut make(), scratch)).collect();
    costs.sort_by_key(|c| c.wall);
    Cost {
        wall: costs[costs.len() / 2].wall,
        max_rss_kib: costs.iter().map(|c| c.max_rss_kib).max().unwrap_or(0),
    }
}
