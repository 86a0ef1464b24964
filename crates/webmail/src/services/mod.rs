//! Plain async functions that talk to the IMAP client and the browser. The only place
//! that touches `webimap_client` I/O; hooks run these and dispatch what they return.

pub(crate) mod browser;
pub(crate) mod error;
pub(crate) mod folders;
pub(crate) mod mailbox;
pub(crate) mod search;
pub(crate) mod session;

use std::{
    cell::{Cell, RefCell},
    fmt,
    rc::Rc,
};

use futures::{
    channel::oneshot,
    lock::{Mutex, MutexGuard},
};
use webimap_client::{Client, proto::types::mailbox::MailboxName, sync::MailboxModel};

/// The byte stream to the server: the relay WebSocket in the browser.
#[cfg(target_arch = "wasm32")]
pub(crate) type Transport = webimap_client::transport::ws::WsTransport;

/// The byte stream to the server. Natively (where only the reducer tests run) there is no
/// WebSocket; [`session::sign_in`] fails before building one.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Transport = futures::io::Cursor<Vec<u8>>;

/// A signed-in IMAP connection, shared by every task of the session. Operations take the
/// async lock, so they run one at a time on the one connection.
/// The watch loop (IDLE) holds the lock only while no one else wants it: a user action
/// counts itself in `waiting` and ends the IDLE in progress through `wake_idle`.
#[derive(Clone)]
pub(crate) struct Connection {
    inner: Rc<Mutex<Inner>>,
    idle: Rc<IdleControl>,
}

#[derive(Default)]
struct IdleControl {
    /// Actions waiting for the connection: the watch loop yields to them.
    waiting: Cell<u32>,
    /// Ends the IDLE in progress (DONE).
    wake: RefCell<Option<oneshot::Sender<()>>>,
}

struct Inner {
    client: Client<Transport>,
    /// The folder the server has selected, so a message is fetched from the right one.
    selected: Option<MailboxName>,
    /// What is known of the folder the app shows (UIDs and flags), kept current by the
    /// watch loop.
    model: Option<MailboxModel>,
    /// Whether commands other than the watch ran since the model was last synchronised:
    /// their untagged answers (other clients' expunges, flags) did not reach the model,
    /// so the watch loop resynchronises (SELECT with QRESYNC) before it idles again.
    stale: bool,
    /// Counts folder openings, so a watch loop for a folder no longer shown stops.
    generation: u64,
}

impl Connection {
    fn new(client: Client<Transport>) -> Self {
        Connection {
            inner: Rc::new(Mutex::new(Inner {
                client,
                selected: None,
                model: None,
                stale: false,
                generation: 0,
            })),
            idle: Rc::default(),
        }
    }

    /// Takes the connection for a user action, ending the IDLE in progress.
    async fn lock(&self) -> MutexGuard<'_, Inner> {
        self.idle.waiting.set(self.idle.waiting.get() + 1);
        if let Some(tx) = self.idle.wake.borrow_mut().take() {
            let _ = tx.send(());
        }
        let mut inner = self.inner.lock().await;
        self.idle
            .waiting
            .set(self.idle.waiting.get().saturating_sub(1));
        inner.stale = true;
        inner
    }
}

impl PartialEq for Connection {
    /// The same connection, not an equal one.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection").finish_non_exhaustive()
    }
}
