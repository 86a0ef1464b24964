//! [`Account`]: one signed-in connection shared by every task of a front end (the npm API,
//! the web app). It owns the scheduling both need, once:
//!
//! - commands run one at a time on the connection ([`Account::run`], [`Account::run_in`]);
//! - a watcher ([`Account::watch_once`], [`Account::watch`]) keeps the watched folder's
//!   [`MailboxModel`] current by IDLE — or NOOP polling where the server has no IDLE —
//!   and yields to commands at once: a command queued while it idles ends the IDLE (DONE),
//!   woken by a notification, never by polling a flag;
//! - an IDLE is renewed before servers drop it (25 minutes), and a server that never
//!   answers DONE is given up on after a bound, through [`crate::with_deadline`];
//! - after commands ran, the watcher resynchronises (SELECT with QRESYNC, else CONDSTORE,
//!   else a full comparison) before it idles again, as their untagged answers may have
//!   carried other clients' changes the model did not see.
//!
//! The selected folder is the protocol session's own (`Session::selected`); this type
//! keeps no copy of it.

mod gate;

use std::{
    cell::{Cell, RefCell},
    sync::Arc,
    time::Duration,
};

use futures_util::{
    FutureExt,
    future::select,
    io::{AsyncRead, AsyncWrite},
    lock::{Mutex, MutexGuard},
};
use webimap_proto::types::{mailbox::MailboxName, sequence::SequenceSet};

use self::gate::Gate;
use crate::{
    client::Client,
    error::ClientError,
    model::{MailboxInfo, MessageSummary},
    sync::{MailboxEvent, MailboxModel},
    time, with_deadline,
};

/// How the watcher paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WatchOptions {
    /// How long one IDLE lasts before it is renewed (servers end it at about 30 minutes;
    /// RFC 9051 §6.3.13 asks clients to renew within 29).
    pub idle_renewal: Duration,
    /// How often a server without IDLE is asked for changes (NOOP).
    pub poll_interval: Duration,
    /// How long the server may take to end an IDLE after DONE (or to answer a resync)
    /// before the connection counts as dead.
    pub answer_timeout: Duration,
    /// Whether new messages' summaries are fetched and reported ([`Change::Added`]), or
    /// only their UIDs ([`MailboxEvent::NewMessages`]).
    pub summaries_of_new: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            idle_renewal: Duration::from_secs(25 * 60),
            poll_interval: Duration::from_secs(30),
            answer_timeout: Duration::from_secs(60),
            summaries_of_new: false,
        }
    }
}

/// A change the watcher saw in the watched folder.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A change to the folder's model (flags, expunges, new UIDs, a reset).
    Mailbox(MailboxEvent),
    /// Summaries of new messages (with [`WatchOptions::summaries_of_new`]).
    Added(Vec<MessageSummary>),
}

/// How one round of watching ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watched {
    /// Go on: the watch yielded to a command, renewed its IDLE, or brought new mail.
    Again,
    /// The folder was replaced (UIDVALIDITY changed): its messages must be loaded again.
    Reset,
    /// Another folder is watched now, or the session ended: stop watching.
    Over,
}

/// A folder just opened for watching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// Tells this opening apart from later ones: a watch or a load for an older one ends.
    pub generation: u64,
    /// Counts and UIDVALIDITY as the server reported them on opening.
    pub info: MailboxInfo,
}

/// A folder's model just loaded (resynchronised from what was known of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    /// Every UID of the folder, in order.
    pub uids: Vec<u32>,
    /// What changed since the model known before (empty without one).
    pub events: Vec<MailboxEvent>,
}

/// The engine's state behind the connection lock.
struct Engine<S> {
    client: Client<S>,
    /// The watched folder: its name, and its model once loaded.
    watched: Option<Watch>,
    /// The last model of a folder no longer watched, kept for a quick resync when it is
    /// opened again.
    last_model: Option<MailboxModel>,
    /// Commands other than the watcher's ran since the model was last synchronised.
    stale: bool,
    /// Counts folder openings ([`Opened::generation`]).
    generation: u64,
    /// The session ended (signed out).
    ended: bool,
}

struct Watch {
    folder: MailboxName,
    model: Option<MailboxModel>,
}

impl<S> Engine<S> {
    /// Starts watching `folder` as a new generation; the old model is kept aside.
    fn watch_new(&mut self, folder: &MailboxName) -> u64 {
        if let Some(model) = self.watched.take().and_then(|w| w.model) {
            self.last_model = Some(model);
        }
        self.generation += 1;
        self.watched = Some(Watch {
            folder: folder.clone(),
            model: None,
        });
        self.generation
    }

    /// The model known for `folder`, taken out (the watched one or the one kept aside).
    fn take_model(&mut self, folder: &MailboxName) -> Option<MailboxModel> {
        let watched = self
            .watched
            .as_mut()
            .and_then(|w| w.model.take())
            .filter(|m| m.name == *folder);
        watched.or_else(|| self.last_model.take().filter(|m| m.name == *folder))
    }
}

/// A signed-in connection shared by the tasks of one front end (cheap to clone: every
/// clone is the same connection).
pub struct Account<S> {
    shared: Arc<Shared<S>>,
}

impl<S> std::fmt::Debug for Account<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("options", &self.shared.options)
            .finish_non_exhaustive()
    }
}

struct Shared<S> {
    engine: Mutex<Engine<S>>,
    gate: Gate,
    options: WatchOptions,
    /// The server's APPENDLIMIT as signed in (read without taking the connection).
    append_limit: Option<u64>,
}

impl<S> Clone for Account<S> {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
        }
    }
}

impl<S> PartialEq for Account<S> {
    /// The same connection, not an equal one.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Account<S> {
    /// Shares a signed-in client, with the default pacing.
    pub fn new(client: Client<S>) -> Self {
        Self::with_options(client, WatchOptions::default())
    }

    /// Shares a signed-in client with the given pacing.
    pub fn with_options(client: Client<S>, options: WatchOptions) -> Self {
        let append_limit = client.append_limit();
        Self {
            shared: Arc::new(Shared {
                append_limit,
                engine: Mutex::new(Engine {
                    client,
                    watched: None,
                    last_model: None,
                    stale: false,
                    generation: 0,
                    ended: false,
                }),
                gate: Gate::default(),
                options,
            }),
        }
    }

    /// Takes the connection for a command, ending the IDLE in progress; the watcher goes
    /// on once no command waits (and resynchronises first). The ticket is held until the
    /// guard is dropped.
    async fn command(&self) -> Result<CommandGuard<'_, S>, ClientError> {
        let mut guard = self.take_turn().await?;
        guard.engine.stale = true;
        Ok(guard)
    }

    /// Takes the connection like [`Account::command`], for work that sends nothing.
    async fn take_turn(&self) -> Result<CommandGuard<'_, S>, ClientError> {
        let ticket = self.shared.gate.enter();
        let engine = self.shared.engine.lock().await;
        if engine.ended {
            return Err(ClientError::Closed);
        }
        Ok(CommandGuard {
            engine,
            _ticket: ticket,
        })
    }

    /// The largest message APPEND takes ([`Client::append_limit`], as the server said at
    /// sign-in): known without a command, so asking never interrupts a watch.
    pub fn append_limit(&self) -> Option<u64> {
        self.shared.append_limit
    }

    /// Runs `op` on the connection (after the IDLE in progress ends).
    pub async fn run<T>(
        &self,
        op: impl AsyncFnOnce(&mut Client<S>) -> Result<T, ClientError>,
    ) -> Result<T, ClientError> {
        let mut guard = self.command().await?;
        op(&mut guard.engine.client).await
    }

    /// Runs `op` with `folder` selected (selecting it first unless it is the selected
    /// one).
    pub async fn run_in<T>(
        &self,
        folder: &MailboxName,
        op: impl AsyncFnOnce(&mut Client<S>) -> Result<T, ClientError>,
    ) -> Result<T, ClientError> {
        let mut guard = self.command().await?;
        let client = &mut guard.engine.client;
        if client.selected_name() != Some(folder) {
            client.select(folder).await?;
        }
        op(client).await
    }

    /// Opens `folder` for watching: a plain SELECT, quick even for a big folder; its model
    /// follows with [`Account::track`]. Watches and loads of the folder opened before end.
    pub async fn open(&self, folder: &MailboxName) -> Result<Opened, ClientError> {
        let mut guard = self.command().await?;
        let engine = &mut *guard.engine;
        let generation = engine.watch_new(folder);
        let info = engine.client.select(folder).await?;
        Ok(Opened { generation, info })
    }

    /// Opens `folder` for watching and loads its model at once (SELECT with QRESYNC when a
    /// model of it is known from before): [`Account::open`] and [`Account::track`] in one
    /// round trip fewer.
    pub async fn open_tracked(
        &self,
        folder: &MailboxName,
    ) -> Result<(Opened, Tracked), ClientError> {
        let mut guard = self.command().await?;
        let engine = &mut *guard.engine;
        let cached = engine.take_model(folder);
        let generation = engine.watch_new(folder);
        let tracked = load_model(engine, folder, cached).await?;
        let info = engine.client.selected_info()?;
        Ok((Opened { generation, info }, tracked))
    }

    /// Loads the model of the folder opened as `generation` (UIDs and flags, resynchronised
    /// from what was known of it), which the watcher then keeps current. `None` if another
    /// folder was opened since.
    pub async fn track(&self, generation: u64) -> Result<Option<Tracked>, ClientError> {
        let mut guard = self.command().await?;
        let engine = &mut *guard.engine;
        let Some(folder) = current_folder(engine, generation) else {
            return Ok(None);
        };
        let cached = engine.take_model(&folder);
        load_model(engine, &folder, cached).await.map(Some)
    }

    /// Runs `op` on the folder opened as `generation` (selecting it again if needed);
    /// `None` if another folder was opened since. For work on a watched folder that must
    /// stop when the user leaves it (loading a big folder in batches).
    pub async fn run_watched<T>(
        &self,
        generation: u64,
        op: impl AsyncFnOnce(&mut Client<S>) -> Result<T, ClientError>,
    ) -> Result<Option<T>, ClientError> {
        let mut guard = self.command().await?;
        let engine = &mut *guard.engine;
        let Some(folder) = current_folder(engine, generation) else {
            return Ok(None);
        };
        if engine.client.selected_name() != Some(&folder) {
            engine.client.select(&folder).await?;
        }
        op(&mut engine.client).await.map(Some)
    }

    /// The generation of the folder watched now, if its model is loaded (to watch it:
    /// [`Account::watch`]).
    pub async fn watched_generation(&self) -> Option<u64> {
        let engine = self.shared.engine.lock().await;
        let loaded = engine.watched.as_ref().is_some_and(|w| w.model.is_some());
        (loaded && !engine.ended).then_some(engine.generation)
    }

    /// Ends the watch in progress (its round returns [`Watched::Over`]) and keeps the
    /// folder and its model: a later watch of [`Account::watched_generation`] goes on.
    pub async fn stop_watching(&self) -> Result<(), ClientError> {
        let mut guard = self.take_turn().await?;
        guard.engine.generation += 1;
        Ok(())
    }

    /// Runs `op` after leaving `folder` if it is the selected one (INBOX is selected
    /// instead, and its watch ends): for renaming or deleting a folder, which servers
    /// refuse or confuse while it is selected.
    pub async fn run_leaving<T>(
        &self,
        folder: &MailboxName,
        op: impl AsyncFnOnce(&mut Client<S>) -> Result<T, ClientError>,
    ) -> Result<T, ClientError> {
        let mut guard = self.command().await?;
        let engine = &mut *guard.engine;
        if engine.client.selected_name() == Some(folder) {
            engine.watched = None;
            engine.last_model = None;
            engine.generation += 1;
            engine.client.select(&MailboxName::inbox()).await?;
        }
        op(&mut engine.client).await
    }

    /// Whether `generation` is the folder watched now.
    pub async fn is_current(&self, generation: u64) -> bool {
        let engine = self.shared.engine.lock().await;
        !engine.ended && engine.generation == generation && engine.watched.is_some()
    }

    /// One round of watching the folder opened as `generation`: waits until no command
    /// waits, resynchronises if commands ran, then idles (or polls once) until a command
    /// needs the connection, it is time to renew, or new messages arrived (whose UIDs —
    /// and with [`WatchOptions::summaries_of_new`] summaries — are fetched before it
    /// returns). Changes go to `on_change` as they arrive, so none is reported after a
    /// later command's effect.
    pub async fn watch_once(
        &self,
        generation: u64,
        mut on_change: impl FnMut(Change),
    ) -> Result<Watched, ClientError> {
        let shared = &*self.shared;
        shared.gate.until_quiet().await;
        let mut guard = shared.engine.lock().await;
        let engine = &mut *guard;
        let Some(folder) = current_folder(engine, generation).filter(|_| !engine.ended) else {
            return Ok(Watched::Over);
        };
        if shared.gate.is_busy() {
            // A command came while the lock was taken: it goes first.
            return Ok(Watched::Again);
        }
        let Some(mut model) = engine.watched.as_mut().and_then(|w| w.model.take()) else {
            // Not loaded yet (or the load failed): nothing to keep current.
            return Ok(Watched::Over);
        };
        let reset = Cell::new(false);
        let new_uids = RefCell::new(Vec::new());
        let mut report = |event: MailboxEvent| {
            match &event {
                MailboxEvent::Reset => reset.set(true),
                MailboxEvent::NewMessages { uids, .. } => {
                    new_uids.borrow_mut().extend_from_slice(uids);
                }
                _ => {}
            }
            on_change(Change::Mailbox(event));
        };
        let options = shared.options;
        let result = async {
            if engine.stale || engine.client.selected_name() != Some(&folder) {
                let resync = engine.client.open_mailbox(&folder, Some(model.clone()));
                let (fresh, events) =
                    with_deadline(resync, time::sleep(options.answer_timeout)).await?;
                model = fresh;
                engine.stale = false;
                events.into_iter().for_each(&mut report);
            }
            // What the resync found goes out now, not after the next IDLE.
            if reset.get() || (options.summaries_of_new && !new_uids.borrow().is_empty()) {
                return Ok(());
            }
            // Nothing awaits between this and the IDLE: a command queued later finds the
            // stop signal armed and ends the IDLE.
            let Some(stop_signal) = shared.gate.arm_idle() else {
                return Ok(());
            };
            let pause = if engine.client.supports("IDLE") {
                options.idle_renewal
            } else {
                options.poll_interval
            };
            let stop = select(stop_signal, Box::pin(time::sleep(pause))).map(|_| ());
            let watched = engine
                .client
                .watch(
                    &mut model,
                    stop,
                    || time::sleep(options.answer_timeout),
                    &mut report,
                )
                .await;
            shared.gate.disarm_idle();
            watched
        }
        .await;
        if let Some(watch) = engine.watched.as_mut() {
            watch.model = Some(model);
        }
        if let Err(e) = result {
            if matches!(e, ClientError::Timeout | ClientError::Closed) {
                engine.ended = true;
            }
            return Err(e);
        }
        if reset.get() {
            return Ok(Watched::Reset);
        }
        let new_uids = new_uids.take();
        if options.summaries_of_new
            && let Ok(set) = SequenceSet::from_numbers(new_uids.iter().copied())
        {
            let added = engine.client.fetch_summaries(set).await?;
            // Its answer may carry other changes the model did not see.
            engine.stale = true;
            on_change(Change::Added(added));
        }
        Ok(Watched::Again)
    }

    /// Watches the folder opened as `generation` until another one is opened, the folder
    /// is reset (UIDVALIDITY changed: returns [`Watched::Reset`]), or an error.
    pub async fn watch(
        &self,
        generation: u64,
        mut on_change: impl FnMut(Change),
    ) -> Result<Watched, ClientError> {
        loop {
            match self.watch_once(generation, &mut on_change).await? {
                Watched::Again => {}
                end => return Ok(end),
            }
        }
    }

    /// Logs out, giving up after `timeout` (a dead connection never answers); the watcher
    /// stops and later commands fail with [`ClientError::Closed`].
    pub async fn sign_out(&self, timeout: Duration) {
        let Ok(mut guard) = self.command().await else {
            return;
        };
        let engine = &mut *guard.engine;
        engine.ended = true;
        engine.watched = None;
        engine.generation += 1;
        // Errors do not matter: the session ends either way.
        let _ = with_deadline(engine.client.logout(), time::sleep(timeout)).await;
    }
}

/// The connection held for one command, and its place at the gate.
struct CommandGuard<'a, S> {
    engine: MutexGuard<'a, Engine<S>>,
    _ticket: gate::Ticket<'a>,
}

/// The watched folder if `generation` is current.
fn current_folder<S>(engine: &Engine<S>, generation: u64) -> Option<MailboxName> {
    engine
        .watched
        .as_ref()
        .filter(|_| engine.generation == generation)
        .map(|w| w.folder.clone())
}

/// Opens `folder` with its model resynchronised from `cached`, and stores the model as
/// the watched one.
async fn load_model<S: AsyncRead + AsyncWrite + Unpin>(
    engine: &mut Engine<S>,
    folder: &MailboxName,
    cached: Option<MailboxModel>,
) -> Result<Tracked, ClientError> {
    let (model, events) = engine.client.open_mailbox(folder, cached).await?;
    let uids = model.uids().to_vec();
    engine.stale = false;
    if let Some(watch) = engine.watched.as_mut() {
        watch.model = Some(model);
    }
    Ok(Tracked { uids, events })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
