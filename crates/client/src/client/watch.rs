//! Keeping a mailbox model current: reopening with resynchronisation (QRESYNC, else
//! CONDSTORE, else a full comparison) and watching for changes (IDLE, else NOOP polling).

use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::types::{
    command::{ChangedSince, Command, FetchAttribute, QresyncParams, SelectOptions},
    core::Vec1,
    fetch::FetchItem,
    mailbox::MailboxName,
    response::Data,
    sequence::SequenceSet,
};

use super::Client;
use crate::{
    error::{ClientError, Unexpected},
    sync::{MailboxEvent, MailboxModel, flags_changed},
};

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// Turns on an extension with ENABLE once (QRESYNC, UTF8=ACCEPT); returns whether the
    /// server confirmed it.
    pub async fn enable(&mut self, capability: &str) -> Result<bool, ClientError> {
        if self.conn.session().is_enabled(capability) {
            return Ok(true);
        }
        if !self.supports(capability) || !self.supports("ENABLE") {
            return Ok(false);
        }
        self.conn.execute(Command::enable([capability])?).await?;
        Ok(self.conn.session().is_enabled(capability))
    }

    /// Opens (selects) a mailbox and brings `cached` (what was known of it before, e.g.
    /// from an earlier session) up to date, fetching only what changed when the server
    /// allows: QRESYNC, else CONDSTORE's CHANGEDSINCE, else all flags. A changed
    /// UIDVALIDITY discards the cache ([`MailboxEvent::Reset`]). Returns the current model
    /// and the changes since the cache; new messages' summaries are the caller's to fetch.
    pub async fn open_mailbox(
        &mut self,
        name: &MailboxName,
        cached: Option<MailboxModel>,
    ) -> Result<(MailboxModel, Vec<MailboxEvent>), ClientError> {
        let qresync = self.supports("QRESYNC") && self.enable("QRESYNC").await?;
        let condstore = qresync || self.supports("CONDSTORE");
        let cached = cached.filter(|m| m.name == *name);
        let mut options = SelectOptions {
            condstore,
            qresync: None,
        };
        if qresync
            && let Some(m) = &cached
            && let Some(modseq) = m.highest_modseq
            && let Some(uid_validity) = m.uid_validity
        {
            options.qresync = Some(QresyncParams {
                uid_validity,
                modseq,
                known_uids: None,
            });
        }
        let selected = self
            .conn
            .execute(Command::Select {
                mailbox: name.clone(),
                options,
            })
            .await?;
        let _ = self.conn.take_unsolicited_data();
        let (uid_validity, highest_modseq) = self
            .conn
            .session()
            .selected()
            .map(|m| (m.uid_validity, m.highest_modseq))
            .ok_or(ClientError::Unexpected(Unexpected::NotSelected))?;

        let mut events = Vec::new();
        // A cache is valid only for the same UIDVALIDITY; a server that sends none makes
        // every cache invalid (its UIDs may mean other messages now).
        let (mut model, had_cache) = match cached {
            Some(m) if uid_validity.is_some() && m.uid_validity == uid_validity => (m, true),
            Some(_) => {
                events.push(MailboxEvent::Reset);
                (MailboxModel::new(name.clone(), uid_validity), false)
            }
            None => (MailboxModel::new(name.clone(), uid_validity), false),
        };

        let uids = self.search(Vec::new()).await?;
        let (removed, added) = model.set_uids(uids);
        if had_cache && !removed.is_empty() {
            events.push(MailboxEvent::Removed { uids: removed });
        }

        // Flags: what QRESYNC sent with the SELECT, else a CHANGEDSINCE fetch, else all.
        let since = if had_cache {
            model.highest_modseq.filter(|_| condstore)
        } else {
            None
        };
        let flag_data: Vec<Data> = if since.is_some() && qresync {
            selected.data
        } else if !model.is_empty() {
            let changed_since = since.map(|modseq| ChangedSince {
                modseq,
                vanished: false,
            });
            self.conn
                .execute(Command::Fetch {
                    set: SequenceSet::all(),
                    items: Vec1::new(vec![FetchAttribute::Uid, FetchAttribute::Flags])?,
                    uid: true,
                    changed_since,
                })
                .await?
                .data
        } else {
            Vec::new()
        };
        let added_set: std::collections::BTreeSet<u32> = added.iter().copied().collect();
        for data in flag_data {
            if let Data::Fetch { items, .. } = data {
                let uid = items.iter().find_map(|i| match i {
                    FetchItem::Uid(u) => Some(*u),
                    _ => None,
                });
                let flags = items.into_iter().find_map(|i| match i {
                    FetchItem::Flags(f) => Some(f),
                    _ => None,
                });
                if let (Some(uid), Some(flags)) = (uid, flags)
                    && model.set_flags(uid, flags)
                    && had_cache
                    && !added_set.contains(&uid)
                {
                    events.push(flags_changed(uid, model.flags(uid).unwrap_or_default()));
                }
            }
        }
        if had_cache && !added.is_empty() {
            events.push(MailboxEvent::NewMessages {
                count: u32::try_from(added.len()).unwrap_or(u32::MAX),
                uids: added,
            });
        }
        model.highest_modseq = highest_modseq;
        Ok((model, events))
    }

    /// Waits for changes to the selected mailbox and reports them, keeping `model` right:
    /// IDLE until `stop` completes (give it a timer well under 29 minutes, or a signal that
    /// the connection is needed) or new messages arrive, or, without IDLE, one NOOP and then
    /// `stop` (the poll interval). `answer_deadline` bounds the wait for the end of IDLE
    /// once DONE is sent: a timer started when it is called. New messages' UIDs are looked
    /// up before returning, so a caller loops (as [`crate::account::Account`] does).
    pub async fn watch<F: Future<Output = ()>, D: Future<Output = ()>>(
        &mut self,
        model: &mut MailboxModel,
        stop: F,
        answer_deadline: impl FnOnce() -> D,
        mut on_event: impl FnMut(MailboxEvent),
    ) -> Result<(), ClientError> {
        for data in self.conn.take_unsolicited_data() {
            model.apply(&data).into_iter().for_each(&mut on_event);
        }
        if self.supports("IDLE") {
            self.conn
                .idle(stop, answer_deadline, |data| {
                    model.apply(&data).into_iter().for_each(&mut on_event);
                    // New messages: end IDLE now to learn their UIDs (below).
                    model.unknown_tail() > 0
                })
                .await?;
        } else {
            let noop = self.conn.execute(Command::Noop);
            let response = crate::with_deadline(noop, answer_deadline()).await?;
            let _ = self.conn.take_unsolicited_data();
            for data in &response.data {
                model.apply(data).into_iter().for_each(&mut on_event);
            }
            stop.await;
        }
        self.learn_new_uids(model, &mut on_event).await
    }

    /// Fetches the UIDs (and flags) of messages announced by EXISTS but not yet known.
    async fn learn_new_uids(
        &mut self,
        model: &mut MailboxModel,
        on_event: &mut impl FnMut(MailboxEvent),
    ) -> Result<(), ClientError> {
        if model.unknown_tail() == 0 {
            return Ok(());
        }
        let first = u32::try_from(model.uids().len() + 1).unwrap_or(u32::MAX);
        let response = self
            .conn
            .execute(Command::fetch(
                SequenceSet::from_onwards(first)?,
                vec![FetchAttribute::Uid, FetchAttribute::Flags],
                false,
            )?)
            .await?;
        let _ = self.conn.take_unsolicited_data();
        for data in &response.data {
            model.apply(data).into_iter().for_each(&mut *on_event);
        }
        Ok(())
    }
}
