//! Opening folders and reading messages: summaries, decoded text and HTML, parts.

use futures_util::io::{AsyncRead, AsyncWrite};
use webimap_proto::{
    ValidationError,
    types::{
        command::{Command, FetchAttribute, Partial, Section, SectionKind},
        core::{Flag, Vec1},
        fetch::{BodyStructure, FetchItem},
        mailbox::MailboxName,
        response::Data,
        sequence::SequenceSet,
    },
};

use super::Client;
use crate::{
    driver::CommandResponse,
    error::{ClientError, Unexpected},
    mime,
    model::{DecodedPart, MailboxInfo, MessageContent, MessageSummary},
};

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// Opens a folder read-write.
    pub async fn select(&mut self, name: &MailboxName) -> Result<MailboxInfo, ClientError> {
        self.conn.execute(Command::select(name.clone())).await?;
        self.selected_info()
    }

    /// Opens a folder read-only.
    pub async fn examine(&mut self, name: &MailboxName) -> Result<MailboxInfo, ClientError> {
        self.conn.execute(Command::examine(name.clone())).await?;
        self.selected_info()
    }

    /// The selected folder's name (the session's own record of it).
    pub fn selected_name(&self) -> Option<&MailboxName> {
        self.conn.session().selected().map(|m| &m.name)
    }

    /// The flags the selected folder keeps for good (PERMANENTFLAGS; `\*` in it means new
    /// keywords may be made). Empty if the server sent none, or nothing is selected.
    pub fn permanent_flags(&self) -> &[Flag] {
        self.conn
            .session()
            .selected()
            .map_or(&[], |m| m.permanent_flags.as_slice())
    }

    /// What is known of the selected folder (counts, UIDVALIDITY, read-only).
    pub fn selected_info(&self) -> Result<MailboxInfo, ClientError> {
        let m = self
            .conn
            .session()
            .selected()
            .ok_or(ClientError::Unexpected(Unexpected::NotSelected))?;
        Ok(MailboxInfo {
            exists: m.exists,
            uid_validity: m.uid_validity,
            uid_next: m.uid_next,
            read_only: m.read_only,
        })
    }

    /// Summaries (UID, flags, dates, size, envelope, structure) of the messages with the
    /// given UIDs, in the server's order.
    pub async fn fetch_summaries(
        &mut self,
        uids: SequenceSet,
    ) -> Result<Vec<MessageSummary>, ClientError> {
        self.fetch_summary_items(uids, summary_attributes(), true)
            .await
    }

    /// Summaries of the last `count` messages of the selected mailbox (by position, so
    /// before any UID is known: a sequence-number FETCH), given it holds `exists`: what a
    /// list shows first while the rest of a big folder loads.
    ///
    /// Without sizes (`size` is `None`; [`Client::fetch_sizes`] brings them): the first
    /// RFC822.SIZE of a session makes Dovecot sum up the whole folder's size first, about
    /// 0.35 s on 100,000 messages, which would hold up the first rows.
    pub async fn fetch_newest_summaries(
        &mut self,
        exists: u32,
        count: u32,
    ) -> Result<Vec<MessageSummary>, ClientError> {
        if exists == 0 || count == 0 {
            return Ok(Vec::new());
        }
        let first = exists.saturating_sub(count - 1).max(1);
        let mut items = summary_attributes();
        items.retain(|a| *a != FetchAttribute::Rfc822Size);
        self.fetch_summary_items(SequenceSet::range(first, exists)?, items, false)
            .await
    }

    /// The sizes (RFC822.SIZE) of the messages with the given UIDs, as `(uid, size)`.
    pub async fn fetch_sizes(&mut self, uids: SequenceSet) -> Result<Vec<(u32, u64)>, ClientError> {
        let items = vec![FetchAttribute::Uid, FetchAttribute::Rfc822Size];
        Ok(self
            .fetch_summary_items(uids, items, true)
            .await?
            .into_iter()
            .filter_map(|m| Some((m.uid, m.size?)))
            .collect())
    }

    /// Just the headers a list needs (UID, flags, envelope): the lightest way to sync a big
    /// folder (no sizes, dates of arrival or attachment markers).
    pub async fn fetch_headers(
        &mut self,
        uids: SequenceSet,
    ) -> Result<Vec<MessageSummary>, ClientError> {
        self.fetch_summary_items(
            uids,
            vec![
                FetchAttribute::Uid,
                FetchAttribute::Flags,
                FetchAttribute::Envelope,
            ],
            true,
        )
        .await
    }

    /// Summaries from a FETCH of `set` (UIDs, or sequence numbers if not `uid`).
    async fn fetch_summary_items(
        &mut self,
        set: SequenceSet,
        items: Vec<FetchAttribute>,
        uid: bool,
    ) -> Result<Vec<MessageSummary>, ClientError> {
        let response = self.conn.execute(Command::fetch(set, items, uid)?).await?;
        Ok(response
            .data
            .into_iter()
            .filter_map(|d| match d {
                Data::Fetch { seq, items } => summary_from_items(seq, items).map(|(s, _)| s),
                _ => None,
            })
            .collect())
    }

    /// One part's raw (still transfer-encoded) content, optionally a byte range of it.
    /// Does not set `\Seen`.
    pub async fn fetch_part(
        &mut self,
        uid: u32,
        section: Section,
        partial: Option<(u32, u32)>,
    ) -> Result<Vec<u8>, ClientError> {
        let response = self
            .conn
            .execute(Command::fetch(
                SequenceSet::range(uid, uid)?,
                vec![FetchAttribute::BodySection {
                    section: section.clone(),
                    partial: partial.map(|(o, l)| Partial::new(o, l)).transpose()?,
                    peek: true,
                }],
                true,
            )?)
            .await?;
        find_section(&response, uid, &section).ok_or_else(|| {
            ClientError::Unexpected(Unexpected::NoSection {
                uid,
                section: section.to_wire(),
            })
        })
    }

    /// Opens a message for reading: its headers, its text decoded for display, and its
    /// attachments. Downloads only the text part, not the attachments. Does not set `\Seen`.
    pub async fn fetch_message(&mut self, uid: u32) -> Result<MessageContent, ClientError> {
        self.fetch_message_and_fields(uid, None)
            .await
            .map(|(content, _)| content)
    }

    /// Opens a message as [`Client::fetch_message`] does, with some of its header fields
    /// in the same round trip (`BODY.PEEK[HEADER.FIELDS (…)]`: the raw `Name: value`
    /// lines, ending in a blank line): for what the envelope leaves out (References,
    /// Mail-Followup-To, Delivered-To). Does not set `\Seen`.
    pub async fn fetch_message_with_fields(
        &mut self,
        uid: u32,
        fields: Vec1<String>,
    ) -> Result<(MessageContent, Vec<u8>), ClientError> {
        let section = Section::with_kind(Vec::new(), SectionKind::HeaderFields(fields))?;
        let (content, fields) = self.fetch_message_and_fields(uid, Some(section)).await?;
        Ok((content, fields.unwrap_or_default()))
    }

    async fn fetch_message_and_fields(
        &mut self,
        uid: u32,
        fields: Option<Section>,
    ) -> Result<(MessageContent, Option<Vec<u8>>), ClientError> {
        let mut attributes = summary_attributes();
        if let Some(section) = &fields {
            attributes.push(FetchAttribute::BodySection {
                section: section.clone(),
                partial: None,
                peek: true,
            });
        }
        let summaries = self
            .conn
            .execute(Command::fetch(
                SequenceSet::range(uid, uid)?,
                attributes,
                true,
            )?)
            .await?;
        let header_fields = fields
            .as_ref()
            .and_then(|section| find_section(&summaries, uid, section));
        let (summary, structure) = summaries
            .data
            .into_iter()
            .find_map(|d| match d {
                Data::Fetch { seq, items } => {
                    summary_from_items(seq, items).filter(|(s, _)| s.uid == uid)
                }
                _ => None,
            })
            .ok_or(ClientError::Unexpected(Unexpected::NoSuchMessage { uid }))?;
        let Some(structure) = structure else {
            return Err(ClientError::Unexpected(Unexpected::NoStructure { uid }));
        };
        let text_section = mime::choose_text_part(&structure);
        let html_section = mime::choose_html_part(&structure);
        let wanted: Vec<Vec<u32>> = text_section
            .iter()
            .chain(html_section.iter())
            .cloned()
            .collect();
        let mut fetched = self
            .fetch_part_pairs(uid, &structure, &wanted)
            .await?
            .into_iter();
        let text_pair = text_section.as_ref().and_then(|_| fetched.next());
        let html_pair = if text_section.is_some() && text_section == html_section {
            text_pair.clone()
        } else {
            html_section.as_ref().and_then(|_| fetched.next())
        };
        let text = text_pair.and_then(|(h, b)| mime::decode_text_part(&h, &b));
        let html = html_pair.and_then(|(h, b)| mime::decode_html_part(&h, &b));
        let content = MessageContent {
            summary,
            text,
            text_section,
            html,
            html_section,
            inline_parts: mime::inline_parts(&structure),
            attachments: mime::attachments(&structure),
        };
        Ok((content, header_fields))
    }

    /// Fetches the structure of a message (BODYSTRUCTURE).
    async fn fetch_structure(&mut self, uid: u32) -> Result<BodyStructure, ClientError> {
        let response = self
            .conn
            .execute(Command::fetch(
                SequenceSet::range(uid, uid)?,
                vec![FetchAttribute::Uid, FetchAttribute::BodyStructure],
                true,
            )?)
            .await?;
        response
            .data
            .into_iter()
            .find_map(|d| match d {
                Data::Fetch { seq, items } => summary_from_items(seq, items)
                    .filter(|(s, _)| s.uid == uid)
                    .and_then(|(_, b)| b),
                _ => None,
            })
            .ok_or(ClientError::Unexpected(Unexpected::NoStructure { uid }))
    }

    /// One part (attachment, inline image), decoded from its transfer encoding. Does not
    /// set `\Seen`.
    pub async fn fetch_decoded_part(
        &mut self,
        uid: u32,
        section: &[u32],
    ) -> Result<DecodedPart, ClientError> {
        let structure = self.fetch_structure(uid).await?;
        let part = structure
            .parts()
            .into_iter()
            .find(|(path, _)| path == section)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| {
                ClientError::Unexpected(Unexpected::NoSuchPart {
                    uid,
                    part: section.to_vec(),
                })
            })?;
        let mut pairs = self
            .fetch_part_pairs(uid, &structure, &[section.to_vec()])
            .await?;
        let (header, body) = pairs.pop().unwrap_or_default();
        let data = mime::decode_part_bytes(&header, &body).unwrap_or(body);
        let filename = mime::attachments(&structure)
            .into_iter()
            .find(|a| a.section == section)
            .and_then(|a| a.filename);
        Ok(DecodedPart {
            data,
            mime_type: format!("{}/{}", part.media_type(), part.subtype()),
            filename,
        })
    }

    /// The whole message as the server stores it (for "view source"). Does not set `\Seen`.
    pub async fn fetch_raw_message(&mut self, uid: u32) -> Result<Vec<u8>, ClientError> {
        self.fetch_part(uid, Section::full(), None).await
    }

    /// For each part path: its MIME header and its encoded content, in one command.
    async fn fetch_part_pairs(
        &mut self,
        uid: u32,
        structure: &BodyStructure,
        paths: &[Vec<u32>],
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, ClientError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let sections = paths
            .iter()
            .map(|path| {
                // A single-part message: its MIME header is the message header.
                Ok(
                    if matches!(structure, BodyStructure::Single { .. }) && path.as_slice() == [1] {
                        (
                            Section::with_kind(Vec::new(), SectionKind::Header)?,
                            Section::with_kind(Vec::new(), SectionKind::Text)?,
                        )
                    } else {
                        (
                            Section::with_kind(path.clone(), SectionKind::Mime)?,
                            Section::part(path.clone())?,
                        )
                    },
                )
            })
            .collect::<Result<Vec<(Section, Section)>, ValidationError>>()?;
        let items = sections
            .iter()
            .flat_map(|(h, b)| [h, b])
            .map(|section| FetchAttribute::BodySection {
                section: section.clone(),
                partial: None,
                peek: true,
            })
            .collect();
        let response = self
            .conn
            .execute(Command::fetch(SequenceSet::range(uid, uid)?, items, true)?)
            .await?;
        Ok(sections
            .iter()
            .map(|(h, b)| {
                (
                    find_section(&response, uid, h).unwrap_or_default(),
                    find_section(&response, uid, b).unwrap_or_default(),
                )
            })
            .collect())
    }
}

fn find_section(response: &CommandResponse, uid: u32, wanted: &Section) -> Option<Vec<u8>> {
    response.data.iter().find_map(|d| {
        let Data::Fetch { items, .. } = d else {
            return None;
        };
        let has_uid = items.contains(&FetchItem::Uid(uid));
        if !has_uid {
            return None;
        }
        items.iter().find_map(|i| match i {
            FetchItem::BodySection { section, data, .. } if section_matches(section, wanted) => {
                Some(data.clone().unwrap_or_default())
            }
            _ => None,
        })
    })
}

/// Servers echo HEADER.FIELDS lists in their own case and spacing: compare loosely.
fn section_matches(got: &Section, wanted: &Section) -> bool {
    got.to_wire().eq_ignore_ascii_case(&wanted.to_wire())
}

fn summary_from_items(
    seq: u32,
    items: Vec<FetchItem>,
) -> Option<(MessageSummary, Option<BodyStructure>)> {
    let mut summary = MessageSummary {
        uid: 0,
        seq,
        seen: false,
        flagged: false,
        answered: false,
        received: None,
        size: None,
        subject: String::new(),
        from: Vec::new(),
        to: Vec::new(),
        cc: Vec::new(),
        date: None,
        message_id: None,
        has_attachments: false,
    };
    let mut structure = None;
    for item in items {
        match item {
            FetchItem::Uid(uid) => summary.uid = uid,
            FetchItem::Flags(flags) => {
                summary.seen = flags.contains(&Flag::Seen);
                summary.flagged = flags.contains(&Flag::Flagged);
                summary.answered = flags.contains(&Flag::Answered);
            }
            FetchItem::InternalDate(d) => summary.received = Some(d.unix_timestamp()),
            FetchItem::Rfc822Size(n) => summary.size = Some(n),
            FetchItem::Envelope(env) => {
                summary.subject = env
                    .subject
                    .as_ref()
                    .map(|s| mime::decode_header_text(s.as_bytes()))
                    .unwrap_or_default();
                summary.from = mime::addresses(&env.from);
                summary.to = mime::addresses(&env.to);
                summary.cc = mime::addresses(&env.cc);
                summary.date = env.date.as_ref().map(|d| d.to_lossy().into_owned());
                summary.message_id = env.message_id.as_ref().map(|m| m.to_lossy().into_owned());
            }
            FetchItem::BodyStructure(b) | FetchItem::Body(b) => {
                summary.has_attachments = mime::has_attachments(&b);
                structure = Some(*b);
            }
            _ => {}
        }
    }
    (summary.uid != 0).then_some((summary, structure))
}

/// What a [`MessageSummary`] is made of.
fn summary_attributes() -> Vec<FetchAttribute> {
    vec![
        FetchAttribute::Uid,
        FetchAttribute::Flags,
        FetchAttribute::InternalDate,
        FetchAttribute::Rfc822Size,
        FetchAttribute::Envelope,
        FetchAttribute::BodyStructure,
    ]
}
