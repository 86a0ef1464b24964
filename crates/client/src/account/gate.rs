//! Who gets the connection next: commands first, the watcher (IDLE) when none is waiting.
//!
//! A command counts itself in with [`Gate::enter`] for as long as it waits and runs; that
//! ends the IDLE in progress (its stop signal fires). The watcher waits for the count to
//! fall to zero with [`Gate::until_quiet`] — woken by the last command leaving, never by
//! polling — and arms its stop signal with [`Gate::arm_idle`], which refuses while a
//! command is waiting, so none can slip in between the check and the IDLE.

use std::sync::{Mutex, MutexGuard};

use futures_channel::oneshot;

/// The count of waiting commands and the watcher's wake-ups.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Commands waiting for the connection or running on it.
    waiting: u32,
    /// Ends the IDLE in progress.
    stop_idle: Option<oneshot::Sender<()>>,
    /// Watchers waiting for `waiting` to fall to zero.
    quiet: Vec<oneshot::Sender<()>>,
}

/// A command's place at the gate: dropping it lets the watcher go on once no other
/// command waits.
#[derive(Debug)]
pub(crate) struct Ticket<'a> {
    gate: &'a Gate,
}

impl Gate {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the counts half-written (each
        // change is one statement), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts a command in and ends the IDLE in progress.
    pub(crate) fn enter(&self) -> Ticket<'_> {
        let mut state = self.state();
        state.waiting += 1;
        if let Some(stop) = state.stop_idle.take() {
            let _ = stop.send(());
        }
        Ticket { gate: self }
    }

    /// Completes once no command waits.
    pub(crate) async fn until_quiet(&self) {
        let wait = {
            let mut state = self.state();
            if state.waiting == 0 {
                return;
            }
            let (tx, rx) = oneshot::channel();
            state.quiet.push(tx);
            rx
        };
        // A dropped sender (never happens while the gate lives) also means "go on".
        let _ = wait.await;
    }

    /// The stop signal for an IDLE about to start, or `None` if a command is waiting
    /// (then the watcher must not idle).
    pub(crate) fn arm_idle(&self) -> Option<oneshot::Receiver<()>> {
        let mut state = self.state();
        if state.waiting > 0 {
            return None;
        }
        let (tx, rx) = oneshot::channel();
        state.stop_idle = Some(tx);
        Some(rx)
    }

    /// Forgets the stop signal of an IDLE that ended.
    pub(crate) fn disarm_idle(&self) {
        self.state().stop_idle = None;
    }

    /// Whether a command is waiting or running.
    pub(crate) fn is_busy(&self) -> bool {
        self.state().waiting > 0
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut state = self.gate.state();
        state.waiting = state.waiting.saturating_sub(1);
        if state.waiting == 0 {
            for watcher in state.quiet.drain(..) {
                let _ = watcher.send(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use futures::{FutureExt, executor::block_on};

    use super::*;

    #[test]
    fn a_command_ends_the_idle_in_progress() {
        let gate = Gate::default();
        let mut stop = gate.arm_idle().expect("no command waits");
        assert!(stop.try_recv().expect("not cancelled").is_none());
        let ticket = gate.enter();
        assert_eq!(stop.try_recv(), Ok(Some(())));
        drop(ticket);
    }

    #[test]
    fn the_watcher_does_not_idle_while_a_command_waits() {
        let gate = Gate::default();
        let ticket = gate.enter();
        assert!(gate.arm_idle().is_none());
        assert!(gate.is_busy());
        drop(ticket);
        assert!(gate.arm_idle().is_some());
    }

    #[test]
    fn the_watcher_wakes_when_the_last_command_leaves() {
        let gate = Gate::default();
        let first = gate.enter();
        let second = gate.enter();
        let mut quiet = Box::pin(gate.until_quiet());
        assert!(quiet.as_mut().now_or_never().is_none());
        drop(first);
        assert!(quiet.as_mut().now_or_never().is_none(), "one still waits");
        drop(second);
        assert_eq!(quiet.as_mut().now_or_never(), Some(()));
        // Nobody waits: at once.
        assert_eq!(block_on(gate.until_quiet()), ());
    }
}
