//! Plain async functions that talk to the IMAP client and the browser. The only place
//! that touches `webimap_client` I/O; hooks run these and dispatch what they return.

pub(crate) mod browser;
pub(crate) mod error;
pub(crate) mod mailbox;
pub(crate) mod session;

use std::{fmt, rc::Rc};

use futures::lock::Mutex;
use webimap_client::{Client, proto::types::mailbox::MailboxName};

/// The byte stream to the server: the relay WebSocket in the browser.
#[cfg(target_arch = "wasm32")]
pub(crate) type Transport = webimap_client::transport::ws::WsTransport;

/// The byte stream to the server. Natively (where only the reducer tests run) there is no
/// WebSocket; [`session::sign_in`] fails before building one.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Transport = futures::io::Cursor<Vec<u8>>;

/// A signed-in IMAP connection, shared by every task of the session. Operations take the
/// async lock, so they run one at a time on the one connection.
#[derive(Clone)]
pub(crate) struct Connection {
    inner: Rc<Mutex<Inner>>,
}

struct Inner {
    client: Client<Transport>,
    /// The folder the server has selected, so a message is fetched from the right one.
    selected: Option<MailboxName>,
}

impl Connection {
    fn new(client: Client<Transport>) -> Self {
        Connection {
            inner: Rc::new(Mutex::new(Inner {
                client,
                selected: None,
            })),
        }
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
