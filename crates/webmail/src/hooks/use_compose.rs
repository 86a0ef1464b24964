//! [`use_compose`]: writing mail — opening composes (new, reply, reply all, forward, a
//! draft reopened, a local copy recovered), autosaving drafts (a few seconds after typing
//! stops, at least every minute while changed, one draft per compose, a local copy until
//! the server has it), attaching files with the size check, sending after the undo delay,
//! and the IMAP work after a send.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    rc::Rc,
    time::Duration,
};

use futures::{
    FutureExt,
    future::{LocalBoxFuture, Shared},
};
use wasm_bindgen_futures::spawn_local;
use webimap_client::compose::{
    Draft, ForwardMode, ReplyMode, build, estimated_size, forward, parse_draft, reply,
};
use yew::prelude::*;

use super::use_mailbox::MailboxHandle;
use crate::{
    services::{
        self, Connection,
        compose_store::{self, UnloadGuard},
        outgoing::special_folders,
    },
    state::{
        address_book::{AddressBook, parse_recipients},
        compose::{
            Answering, AttachedFile, Compose, ComposeAction, Composes, Edit, Field, Stage,
            due_for_save,
        },
        identity::{self, Identity, default_identity},
        overlay::{OverlayAction, Toast},
        request::{Ticket, Tickets},
        send_error::too_big,
        session::Account,
    },
};

/// How long typing must pause before a draft is saved.
const QUIET: Duration = Duration::from_secs(3);
/// How long a toast about sending stays.
const TOAST_TIME: Duration = Duration::from_secs(6);

/// What a compose asks for when it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Open {
    /// A new message.
    New,
    /// A reply to the open message (to its sender, or to all).
    Reply(ReplyMode),
    /// A forward of the open message.
    Forward,
    /// The open message is a draft: edit it.
    Draft,
}

/// The composes and what can be done with them.
#[derive(Clone, PartialEq)]
pub(crate) struct ComposeHandle {
    /// The composes.
    pub(crate) state: UseReducerHandle<Composes>,
    /// Addresses seen in the loaded summaries.
    pub(crate) book: Rc<AddressBook>,
    /// The user's identities (the first is the default).
    pub(crate) identities: Rc<Vec<Identity>>,
    /// Opens a compose.
    pub(crate) open: Callback<Open>,
    /// Changes a field.
    pub(crate) edit: Callback<(u32, Edit)>,
    /// Sends, with what is still typed in the recipient fields.
    pub(crate) send: Callback<(u32, Vec<(Field, String)>)>,
    /// Takes a send back while it waits.
    pub(crate) undo: Callback<u32>,
    /// Minimises or restores.
    pub(crate) minimise: Callback<(u32, bool)>,
    /// Closes (an unsaved draft is saved first).
    pub(crate) close: Callback<u32>,
    /// Attaches files picked or dropped.
    pub(crate) attach: Callback<(u32, Vec<web_sys::File>)>,
    /// Replaces the identities.
    pub(crate) set_identities: Callback<Vec<Identity>>,
}

impl std::fmt::Debug for ComposeHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComposeHandle")
            .field("state", &*self.state)
            .finish_non_exhaustive()
    }
}

/// The outgoing server's size limit, learned once per session.
type SizeLimit = Shared<LocalBoxFuture<'static, Option<u64>>>;

/// What the background work of writing mail shares.
#[derive(Clone)]
struct Work {
    conn: Connection,
    account: Account,
    dispatcher: UseReducerDispatcher<Composes>,
    /// The composes as last rendered (timers read them).
    latest: Rc<RefCell<Rc<Composes>>>,
    /// The mailbox view (for its dialogs and the open message).
    mailbox: MailboxHandle,
    /// The folders as last rendered (timers read them).
    folders: Rc<RefCell<Vec<webimap_client::model::Folder>>>,
    /// Composes with a draft save under way.
    saving: Rc<RefCell<HashSet<u32>>>,
    /// Composes sent (a save finishing after its send removes its draft).
    sent: Rc<RefCell<HashSet<u32>>>,
    /// Sends waiting out the undo delay: compose id to the timer's ticket.
    waiting: Rc<RefCell<HashMap<u32, Ticket>>>,
    tickets: Tickets,
    size_limit: Rc<RefCell<Option<SizeLimit>>>,
    undo_seconds: u32,
}

impl Work {
    fn toast(&self, text: String, error: bool) {
        let ticket = self.tickets.next();
        self.mailbox.overlay.emit(OverlayAction::ToastShown(Toast {
            ticket,
            text,
            undo: None,
            error,
        }));
        let overlay = self.mailbox.overlay.clone();
        spawn_local(async move {
            yew::platform::time::sleep(TOAST_TIME).await;
            overlay.emit(OverlayAction::ToastExpired(ticket));
        });
    }

    fn compose(&self, id: u32) -> Option<Compose> {
        self.latest.borrow().get(id).cloned()
    }

    /// The largest message that can be both sent and kept: the outgoing server's SIZE
    /// (learned on first use) and the IMAP server's APPENDLIMIT (the copy in Sent and
    /// Drafts), the smaller of those named; `None` if neither is.
    async fn size_limit(&self) -> Option<u64> {
        let append_limit = self.conn.append_limit();
        let smtp_limit = self.smtp_size_limit().await;
        [smtp_limit, append_limit]
            .into_iter()
            .flatten()
            .filter(|&limit| limit > 0)
            .min()
    }

    /// The outgoing server's SIZE (learned on first use; `None` if unknown).
    async fn smtp_size_limit(&self) -> Option<u64> {
        let shared = self
            .size_limit
            .borrow_mut()
            .get_or_insert_with(|| {
                let (out, password) = (
                    self.account.outgoing.clone(),
                    self.account.smtp_password.clone(),
                );
                async move {
                    services::send::size_limit(&out, &password)
                        .await
                        .ok()
                        .flatten()
                }
                .boxed_local()
                .shared()
            })
            .clone();
        shared.await
    }

    /// Saves `compose` (as it is now) as its draft, unless a save is under way.
    fn save(&self, compose: Compose) {
        let id = compose.id;
        if !self.saving.borrow_mut().insert(id) {
            return;
        }
        let work = self.clone();
        spawn_local(async move {
            work.save_now(&compose).await;
            work.saving.borrow_mut().remove(&id);
            // Typed on while this save ran: save again (that typing's timers found this
            // one under way).
            if let Some(now) = work.compose(id)
                && now.revision > compose.revision
                && due_for_save(&now, true, compose_store::now_ms())
            {
                work.save(now);
            }
        });
    }

    async fn save_now(&self, compose: &Compose) {
        let Ok(built) = build(&compose.draft(), &compose_store::build_inputs()) else {
            // Not buildable as it is (an address being typed): the next change saves.
            return;
        };
        let account = self.account.key();
        compose_store::keep_local_copy(&account, &compose.key, &built.for_keeping);
        let Some(drafts) = special_folders(&self.folders.borrow()).drafts else {
            return;
        };
        let saved = services::outgoing::save_draft(
            &self.conn,
            &drafts,
            built.for_keeping,
            &built.message_id,
            compose.draft.as_ref(),
        )
        .await;
        // On failure the local copy stays; the next change (or sign-in) saves again.
        let Ok(draft) = saved else { return };
        if self.sent.borrow().contains(&compose.id) {
            // Sent meanwhile: this copy is not wanted.
            let _ = services::outgoing::discard_draft(&self.conn, &draft).await;
            return;
        }
        compose_store::drop_local_copy(&compose.key);
        self.dispatcher.dispatch(ComposeAction::DraftSaved {
            id: compose.id,
            revision: compose.revision,
            draft,
        });
    }

    /// "Send" pressed on `id`, with what is still typed in its recipient fields.
    fn send(&self, id: u32, typed: Vec<(Field, String)>) {
        let Some(mut compose) = self.compose(id) else {
            return;
        };
        if compose.stage != Stage::Editing {
            return;
        }
        for (field, text) in typed {
            match parse_recipients(&text) {
                Ok(found) => {
                    for mailbox in found {
                        self.dispatcher.dispatch(ComposeAction::Edited(
                            id,
                            Edit::Added(field, mailbox.clone()),
                        ));
                        let list = match field {
                            Field::To => &mut compose.to,
                            Field::Cc => &mut compose.cc,
                            Field::Bcc => &mut compose.bcc,
                        };
                        if !list.iter().any(|m| m.same_address(&mailbox.address)) {
                            list.push(mailbox);
                        }
                    }
                }
                Err(why) => {
                    let why = format!("{why} Correct it, then send.");
                    return self.dispatcher.dispatch(ComposeAction::Failed(id, why));
                }
            }
        }
        let ticket = self.tickets.next();
        let seconds = self.undo_seconds;
        if let Some(problem) = compose.problem() {
            return self.dispatcher.dispatch(ComposeAction::Failed(id, problem));
        }
        self.dispatcher.dispatch(ComposeAction::SendAsked {
            id,
            ticket,
            seconds,
        });
        self.waiting.borrow_mut().insert(id, ticket);
        let work = self.clone();
        spawn_local(async move {
            yew::platform::time::sleep(Duration::from_secs(u64::from(seconds))).await;
            if work.waiting.borrow().get(&id) != Some(&ticket) {
                return;
            }
            work.waiting.borrow_mut().remove(&id);
            work.dispatcher
                .dispatch(ComposeAction::SendStarted { id, ticket });
            work.send_now(compose).await;
        });
    }

    async fn send_now(&self, compose: Compose) {
        let id = compose.id;
        let built = match build(&compose.draft(), &compose_store::build_inputs()) {
            Ok(built) => built,
            Err(e) => {
                let why = format!("The message cannot be sent as it is: {e}.");
                return self.dispatcher.dispatch(ComposeAction::Failed(id, why));
            }
        };
        let out = &self.account.outgoing;
        // Each whole percent of the upload shows.
        let mut shown = None;
        let dispatcher = self.dispatcher.clone();
        let mut progress = move |p: webimap_client::submission::Progress| {
            let percent = p.sent.min(p.total) * 100 / p.total.max(1);
            if shown != Some(percent) {
                shown = Some(percent);
                dispatcher.dispatch(ComposeAction::Progressed {
                    id,
                    sent: p.sent,
                    total: p.total,
                });
            }
        };
        let sent = services::send::send(
            out,
            &self.account.smtp_password,
            &compose.from.address,
            &built,
            &mut progress,
        )
        .await;
        if let Err(why) = sent {
            return self.dispatcher.dispatch(ComposeAction::Failed(id, why));
        }
        self.sent.borrow_mut().insert(id);
        self.dispatcher.dispatch(ComposeAction::Sent(id));
        compose_store::drop_local_copy(&compose.key);
        self.toast("Message sent".into(), false);
        let specials = special_folders(&self.folders.borrow());
        let problems = services::outgoing::after_send(
            &self.conn,
            &built,
            specials.sent.as_ref(),
            out.files_sent,
            compose.answering.as_ref(),
            compose.draft.as_ref(),
        )
        .await;
        if !problems.is_empty() {
            self.toast(format!("Message sent, but {}.", problems.join("; ")), true);
        }
    }

    /// Reads `files` and attaches those that fit the outgoing server's size limit.
    fn attach(&self, id: u32, files: Vec<web_sys::File>) {
        let work = self.clone();
        spawn_local(async move {
            let read = compose_store::read_files(files).await;
            let limit = work.size_limit().await;
            for file in read {
                let Some(compose) = work.compose(id) else {
                    return;
                };
                let attached = AttachedFile {
                    name: file.name,
                    mime_type: file.mime_type,
                    data: Rc::new(file.data),
                };
                let mut draft = compose.draft();
                draft.attachments.push(webimap_client::compose::Attachment {
                    name: attached.name.clone(),
                    mime_type: attached.mime_type.clone(),
                    data: (*attached.data).clone(),
                });
                let size = estimated_size(&draft).unwrap_or(u64::MAX);
                if let Some(why) = too_big(size, limit) {
                    let why = format!("“{}” was not attached. {why}", attached.name);
                    work.dispatcher.dispatch(ComposeAction::Failed(id, why));
                    continue;
                }
                work.dispatcher
                    .dispatch(ComposeAction::Edited(id, Edit::Attached(attached)));
            }
        });
    }

    /// Opens a compose holding `draft`.
    fn open_draft(
        &self,
        draft: Draft,
        answering: Option<Answering>,
        saved_as: Option<crate::state::compose::MessageRef>,
    ) {
        let mut compose = Compose::from_draft(compose_store::new_key(), draft);
        compose.answering = answering;
        compose.draft = saved_as;
        self.dispatcher
            .dispatch(ComposeAction::Opened(Box::new(compose)));
        // Learn the size limit in the background before the first attachment.
        let work = self.clone();
        spawn_local(async move {
            work.size_limit().await;
        });
    }
}

/// Writing mail for the signed-in `account` over `conn`, in the `mailbox` view.
#[hook]
pub(crate) fn use_compose(
    conn: &Connection,
    account: &Account,
    mailbox: &MailboxHandle,
    undo_seconds: u32,
) -> ComposeHandle {
    let state = use_reducer(Composes::default);
    let latest = use_mut_ref(|| Rc::new(Composes::default()));
    *latest.borrow_mut() = Rc::new((*state).clone());
    let folders = use_mut_ref(Vec::new);
    let folders_listed = !mailbox.state.folders.list().is_empty();
    if folders_listed {
        *folders.borrow_mut() = mailbox.state.folders.list().to_vec();
    }
    let saving = use_mut_ref(HashSet::new);
    let sent = use_mut_ref(HashSet::new);
    let waiting = use_mut_ref(HashMap::new);
    let size_limit = use_mut_ref(|| None);
    let tickets = (*use_memo((), |()| Tickets::default())).clone();
    let identities = {
        let key = account.key();
        let default = default_identity(&account.username, &account.host);
        use_state(move || {
            let stored = compose_store::load_identities(&key);
            Rc::new(if stored.is_empty() {
                vec![default]
            } else {
                stored
            })
        })
    };
    let summaries = mailbox.state.list.messages.ready().cloned();
    let book = use_memo(summaries, |summaries| {
        summaries
            .as_ref()
            .map(|s| AddressBook::from_summaries(s))
            .unwrap_or_default()
    });

    let work = Work {
        conn: conn.clone(),
        account: account.clone(),
        dispatcher: state.dispatcher(),
        latest: latest.clone(),
        mailbox: mailbox.clone(),
        folders,
        saving,
        sent,
        waiting: waiting.clone(),
        tickets,
        size_limit,
        undo_seconds,
    };

    // Local copies the server never got (the tab closed or the connection broke) come
    // back as composes, and are saved to the server.
    {
        let work = work.clone();
        use_effect_with((), move |()| {
            for (key, bytes) in compose_store::local_copies(&work.account.key()) {
                if let Ok(draft) = parse_draft(&bytes) {
                    let mut compose = Compose::from_draft(key, draft);
                    compose.revision = 1;
                    work.dispatcher
                        .dispatch(ComposeAction::Opened(Box::new(compose)));
                }
            }
        });
    }

    // Autosave: each change starts a timer; when it fires with no change since (or the
    // oldest unsaved change is a minute old) the draft is saved.
    {
        // A compose back to editing (a send undone or failed) counts as a change too, and
        // so does the folder list arriving (the Drafts folder is known then).
        let revisions: Vec<(u32, u64, bool)> = state
            .list
            .iter()
            .map(|c| (c.id, c.revision, c.stage == Stage::Editing))
            .collect();
        let work = work.clone();
        use_effect_with((revisions, folders_listed), move |(revisions, _)| {
            for &(id, revision, _) in revisions {
                let Some(compose) = work.compose(id) else {
                    continue;
                };
                if !compose.is_unsaved() {
                    continue;
                }
                work.dispatcher.dispatch(ComposeAction::Touched {
                    id,
                    now: compose_store::now_ms(),
                });
                let work = work.clone();
                spawn_local(async move {
                    yew::platform::time::sleep(QUIET).await;
                    let Some(compose) = work.compose(id) else {
                        return;
                    };
                    let quiet = compose.revision == revision;
                    if due_for_save(&compose, quiet, compose_store::now_ms()) {
                        work.save(compose);
                    }
                });
            }
        });
    }

    // Closing or reloading the tab asks first while something is unsaved.
    use_effect_with(state.has_unsaved(), |unsaved| {
        let guard = unsaved.then(UnloadGuard::new).flatten();
        move || drop(guard)
    });

    let open = {
        let work = work.clone();
        let identities = identities.clone();
        Callback::from(move |what: Open| open(&work, &identities, what))
    };
    let edit = use_callback(state.dispatcher(), |(id, edit), dispatcher| {
        dispatcher.dispatch(ComposeAction::Edited(id, edit));
    });
    let send = {
        let work = work.clone();
        Callback::from(move |(id, typed)| work.send(id, typed))
    };
    let undo = {
        let (waiting, dispatcher) = (waiting, state.dispatcher());
        Callback::from(move |id| {
            waiting.borrow_mut().remove(&id);
            dispatcher.dispatch(ComposeAction::SendUndone(id));
        })
    };
    let minimise = use_callback(state.dispatcher(), |(id, on), dispatcher| {
        dispatcher.dispatch(ComposeAction::Minimised(id, on));
    });
    let close = {
        let work = work.clone();
        Callback::from(move |id| {
            if let Some(compose) = work.compose(id)
                && compose.is_unsaved()
                && !compose.is_blank()
            {
                work.save(compose);
            } else if let Some(compose) = work.compose(id) {
                compose_store::drop_local_copy(&compose.key);
            }
            work.dispatcher.dispatch(ComposeAction::Closed(id));
        })
    };
    let attach = {
        let work = work.clone();
        Callback::from(move |(id, files)| work.attach(id, files))
    };
    let set_identities = {
        let (identities, key) = (identities.clone(), account.key());
        Callback::from(move |list: Vec<Identity>| {
            compose_store::save_identities(&key, &list);
            identities.set(Rc::new(list));
        })
    };

    ComposeHandle {
        state,
        book,
        identities: (*identities).clone(),
        open,
        edit,
        send,
        undo,
        minimise,
        close,
        attach,
        set_identities,
    }
}

/// Opens a compose: new at once; a reply, forward or draft once the open message is
/// fetched.
fn open(work: &Work, identities: &[Identity], what: Open) {
    let mailboxes = identity::mailboxes(identities);
    let default = identities.first().cloned().unwrap_or_default();
    if what == Open::New {
        let draft = Draft {
            from: default.mailbox(),
            body: webimap_client::compose::Body::text(identity::with_signature(
                "",
                &default.signature,
            )),
            ..Draft::default()
        };
        return work.open_draft(draft, None, None);
    }
    let state = &work.mailbox.state;
    let (Some(folder), Some(uid)) = (state.list.folder.clone(), state.reader.open) else {
        return;
    };
    let work = work.clone();
    let identities = identities.to_vec();
    spawn_local(async move {
        if what == Open::Draft {
            match services::outgoing::fetch_draft(&work.conn, &folder, uid).await {
                Ok((draft, at)) => work.open_draft(draft, None, Some(at)),
                Err(e) => work.toast(format!("The draft could not be opened: {e}"), true),
            }
            return;
        }
        let with_attachments = what == Open::Forward;
        let fetched =
            services::outgoing::fetch_original(&work.conn, &folder, uid, with_attachments).await;
        let (original, at) = match fetched {
            Ok(found) => found,
            Err(e) => return work.toast(format!("The message could not be fetched: {e}"), true),
        };
        let (mut draft, answering) = match what {
            Open::Reply(mode) => (reply(&original, mode, &mailboxes), Answering::Reply(at)),
            _ => (
                forward(&original, ForwardMode::Inline, &mailboxes),
                Answering::Forward(at),
            ),
        };
        let signature = identity::by_address(&identities, &draft.from.address)
            .map(|i| i.signature.clone())
            .unwrap_or_default();
        if let webimap_client::compose::Body::Text { text } = &mut draft.body {
            let top = identity::with_signature("", &signature);
            *text = format!("{top}\n\n{text}");
        }
        if draft.from.address.is_empty() {
            draft.from = identities
                .first()
                .map(Identity::mailbox)
                .unwrap_or_default();
        }
        work.open_draft(draft, Some(answering), None);
    });
}
