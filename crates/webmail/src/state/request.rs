//! One scheme for answers that arrive late. Every request the app makes for the view
//! (opening a folder, a message, a dialog's content, a search, a toast's timer) gets a
//! [`Ticket`]; the action that starts it and every answer to it carry that ticket, and a
//! reducer keeps the ticket of the request it currently shows. An answer whose ticket is
//! not that one is for something the user has left: it is dropped.

use std::{cell::Cell, rc::Rc};

/// Names one request. Tickets from one [`Tickets`] are all different; the default ticket
/// is never handed out (it stands for "no request").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub(crate) struct Ticket(u64);

impl Ticket {
    /// A ticket with a chosen number (tests build the actions of requests by hand).
    #[cfg(test)]
    pub(crate) fn new(n: u64) -> Self {
        Ticket(n)
    }
}

/// Hands out tickets, each newer than all before it; clones share the count.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tickets(Rc<Cell<u64>>);

impl Tickets {
    /// A fresh ticket.
    pub(crate) fn next(&self) -> Ticket {
        let n = self.0.get().saturating_add(1);
        self.0.set(n);
        Ticket(n)
    }
}

/// The latest of a kind of request, for a task that must not go on once a newer one
/// started (a debounced search waiting for typing to pause); clones share it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Latest(Rc<Cell<Ticket>>);

impl Latest {
    /// Takes a fresh ticket from `tickets` and makes it the latest.
    pub(crate) fn start(&self, tickets: &Tickets) -> Ticket {
        let ticket = tickets.next();
        self.0.set(ticket);
        ticket
    }

    /// Whether `ticket` is still the latest.
    pub(crate) fn is(&self, ticket: Ticket) -> bool {
        self.0.get() == ticket
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_are_fresh_and_only_the_latest_counts() {
        let tickets = Tickets::default();
        let (a, b) = (tickets.next(), tickets.clone().next());
        assert!(a != b && a != Ticket::default() && b > a);
        let latest = Latest::default();
        let first = latest.start(&tickets);
        assert!(latest.is(first));
        let second = latest.clone().start(&tickets);
        assert!(!latest.is(first) && latest.is(second));
    }
}
