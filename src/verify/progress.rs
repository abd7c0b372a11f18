//! What `verify` and `calibrate` show while they work: a progress bar and one-line notes on
//! stderr. Bars appear only when stderr is a terminal; both are off when the binary says so
//! (`--quiet`). Warnings and errors are not progress and are not silenced here.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turn progress bars and notes on or off for the whole process (`--quiet` turns them off).
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// A bar of `total` steps labelled `label` (`verify`, `calibrate`); hidden unless enabled and
/// stderr is a terminal.
pub fn bar(label: &str, total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if enabled() && std::io::stderr().is_terminal() {
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{spinner}} {label} [{{bar:20}}] {{pos}}/{{len}} {{wide_msg}}"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}

/// A note on stderr (`verify: scratch database … created`), unless turned off.
pub fn note(message: &str) {
    if enabled() {
        eprintln!("{message}");
    }
}
