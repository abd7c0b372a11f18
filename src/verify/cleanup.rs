//! Guaranteed cleanup of scratch resources (throwaway databases, ephemeral clusters): every
//! resource registers an undo action here; the action runs exactly once, when its guard is
//! dropped (success, error, panic unwinding) or when the process is interrupted (Ctrl-C, via
//! [`install_interrupt_handler`]). It never touches anything it did not create.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

type Action = Box<dyn FnOnce() + Send>;

static PENDING: Mutex<Vec<(u64, Action)>> = Mutex::new(Vec::new());
/// Held while the interrupt handler runs actions, so a guard whose action the handler took
/// waits for it to finish instead of letting the process exit half-way.
static RUNNING: Mutex<()> = Mutex::new(());
static NEXT: AtomicU64 = AtomicU64::new(1);
/// Set when the interrupt handler starts: from then on it owns the process's exit.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Runs its action when dropped, unless the interrupt handler already ran it.
#[must_use = "the cleanup runs when the guard is dropped"]
pub struct CleanupGuard(u64);

/// Register `action` to undo a resource just created.
pub fn register(action: impl FnOnce() + Send + 'static) -> CleanupGuard {
    let id = NEXT.fetch_add(1, Ordering::SeqCst);
    lock_pending().push((id, Box::new(action)));
    CleanupGuard(id)
}

fn lock_pending() -> std::sync::MutexGuard<'static, Vec<(u64, Action)>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        let action = {
            let mut pending = lock_pending();
            pending
                .iter()
                .position(|(id, _)| *id == self.0)
                .map(|i| pending.remove(i).1)
        };
        match action {
            Some(action) => action(),
            // The interrupt handler took it: wait until it is done.
            None => drop(RUNNING.lock().unwrap_or_else(|p| p.into_inner())),
        }
        // The work this guard protected was cut off by the interrupt (its connection killed
        // by the cleanup, say): its error is not the outcome. The handler says what happened
        // and exits with 130; this thread must not race it to print an error and exit first.
        wait_if_interrupted();
    }
}

/// When an interrupt is being handled, block forever: the handler exits the process.
pub fn wait_if_interrupted() {
    if INTERRUPTED.load(Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

/// Run every pending action, newest first (a database before the cluster that holds it).
pub fn run_all() {
    let _running = RUNNING.lock().unwrap_or_else(|p| p.into_inner());
    let actions: Vec<Action> = {
        let mut pending = lock_pending();
        pending.drain(..).rev().map(|(_, a)| a).collect()
    };
    for action in actions {
        action();
    }
}

/// On SIGINT/SIGTERM: remove every scratch resource, say so, and exit with status 130.
/// Safe to call more than once.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        eprintln!("\ninterrupted: removing scratch resources…");
        run_all();
        eprintln!("interrupted: scratch resources removed");
        std::process::exit(130);
    });
}

#[cfg(test)]
mod test {
    use super::*;
    use std::sync::atomic::AtomicU32;
    use std::sync::Arc;

    #[test]
    fn an_action_runs_once_on_drop_and_never_again() {
        let count = Arc::new(AtomicU32::new(0));
        let c = count.clone();
        let guard = register(move || {
            c.fetch_add(1, Ordering::SeqCst);
        });
        drop(guard);
        run_all();
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }
}
