//! What the session reports (events), how it fails (errors), and where it stands (stages).
//! Errors keep their structure — reply code, enhanced code, address — so the UI can put
//! them in its own words; their `Display` is a plain sentence for logs and fallbacks.

use thiserror::Error;
use webimap_proto::sasl::SaslError;

use crate::{
    address::Address,
    capabilities::{CapabilitiesError, Mechanism},
    reply::{Reply, ReplyError},
};

/// Where the session is, in the words an error or a timeout needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Waiting for the server's greeting.
    Greeting,
    /// EHLO or HELO.
    Hello,
    /// STARTTLS, waiting for the server's go-ahead.
    StartTls,
    /// The caller runs the TLS handshake.
    TlsHandshake,
    /// AUTH exchange.
    Auth,
    /// Logged in, nothing in progress.
    Idle,
    /// MAIL FROM.
    MailFrom,
    /// RCPT TO.
    RcptTo,
    /// The caller decides about refused recipients.
    Decision,
    /// The DATA command, waiting for 354.
    Data,
    /// The message body is being sent.
    Body,
    /// The end of the body was sent; waiting for the server to take the message.
    EndOfData,
    /// RSET.
    Reset,
    /// QUIT.
    Quit,
    /// The session is over.
    Closed,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Greeting => "waiting for the server's greeting",
            Stage::Hello => "introducing the client (EHLO)",
            Stage::StartTls => "starting TLS",
            Stage::TlsHandshake => "in the TLS handshake",
            Stage::Auth => "signing in",
            Stage::Idle => "idle",
            Stage::MailFrom => "giving the sender",
            Stage::RcptTo => "giving the recipients",
            Stage::Decision => "waiting for a decision about refused recipients",
            Stage::Data => "starting the message upload",
            Stage::Body => "uploading the message",
            Stage::EndOfData => "waiting for the server to accept the message",
            Stage::Reset => "resetting the transaction",
            Stage::Quit => "closing the session",
            Stage::Closed => "closed",
        })
    }
}

/// A recipient the server refused, with its reply (often `550 5.1.1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedRecipient {
    /// The address as given in RCPT TO.
    pub address: Address,
    /// The server's reply.
    pub reply: Reply,
}

/// The server's answer to every RCPT TO of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientReport {
    /// Recipients the server accepted (never empty in an [`Event::Recipients`]).
    pub accepted: Vec<Address>,
    /// Recipients the server refused, in the order given. When this is not empty the
    /// session waits: `continue_with_accepted` or `abort_transaction`.
    pub refused: Vec<RefusedRecipient>,
}

/// Something that happened on the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// STARTTLS was accepted: run the TLS handshake on the connection now, then call
    /// `tls_established`. Bytes the server sent after its go-ahead and before the
    /// handshake were discarded (the STARTTLS command-injection attack, RFC 3207 §6).
    StartTls {
        /// How many bytes were discarded.
        discarded: usize,
    },
    /// Signed in with this mechanism.
    Authenticated {
        /// The mechanism used.
        mechanism: Mechanism,
    },
    /// The session can take a message (`send`): after sign-in, and again after every
    /// transaction, sent or not.
    Ready,
    /// Every recipient was answered; some may have been refused.
    Recipients(RecipientReport),
    /// The server takes the message body now (`write_body`, then `finish_body`). With
    /// BDAT and no PIPELINING this comes again after each chunk is acknowledged.
    BodyWanted,
    /// The server accepted the message for delivery.
    Sent {
        /// Its reply (often with a queue ID in the text).
        reply: Reply,
    },
    /// The transaction failed; the session stays usable ([`Event::Ready`] follows).
    TransactionFailed(TransactionError),
    /// The session ended in order (QUIT answered, or the connection closed after it).
    Closed,
    /// The session cannot go on. If it was still possible, QUIT was sent and
    /// [`Event::Closed`] may follow.
    Failed(SessionError),
}

/// Why one message was not sent. The connection is fine; another message may be sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransactionError {
    /// MAIL FROM was refused.
    #[error("the server refused the sender {address}: {reply}")]
    SenderRefused {
        /// The sender.
        address: Address,
        /// The server's reply.
        reply: Reply,
    },
    /// Every RCPT TO was refused.
    #[error("the server refused every recipient: {}", refused_in_words(.refused))]
    AllRecipientsRefused {
        /// Each recipient with its reply.
        refused: Vec<RefusedRecipient>,
    },
    /// DATA was refused.
    #[error("the server refused to take the message: {reply}")]
    DataRefused {
        /// The server's reply.
        reply: Reply,
    },
    /// The server refused the message after (part of) its body (too big: 552 5.3.4,
    /// content rejected: 554, …).
    #[error("the server refused the message: {reply}")]
    MessageRefused {
        /// The server's reply.
        reply: Reply,
    },
}

impl TransactionError {
    /// The reply that decided it (the first refusal for [`Self::AllRecipientsRefused`]);
    /// [`crate::Problem::of`] reads what it means.
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            TransactionError::SenderRefused { reply, .. }
            | TransactionError::DataRefused { reply }
            | TransactionError::MessageRefused { reply } => Some(reply),
            TransactionError::AllRecipientsRefused { refused } => refused.first().map(|r| &r.reply),
        }
    }

    /// Whether trying again later may work (a `4xx` reply).
    pub fn is_transient(&self) -> bool {
        self.reply().is_some_and(Reply::is_transient)
    }
}

/// Why the session cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SessionError {
    /// The server's bytes are not SMTP replies.
    #[error(transparent)]
    Reply(#[from] ReplyError),
    /// A reply that answers nothing: sent before its command, or with no command sent.
    #[error("the server sent a reply to a command the client never sent: {reply}")]
    UnexpectedReply {
        /// The reply.
        reply: Reply,
    },
    /// The server is shutting the connection down (421).
    #[error("the server is closing the connection: {reply}")]
    ServiceClosing {
        /// The reply.
        reply: Reply,
    },
    /// The greeting was not 220 (554: no service for this client).
    #[error("the server refused the connection: {reply}")]
    GreetingRefused {
        /// The reply.
        reply: Reply,
    },
    /// EHLO (and HELO, if tried) failed.
    #[error("the server refused the client's greeting (EHLO): {reply}")]
    HelloRefused {
        /// The reply.
        reply: Reply,
    },
    /// The EHLO reply could not be read.
    #[error(transparent)]
    Capabilities(#[from] CapabilitiesError),
    /// STARTTLS is required and the server does not offer it.
    #[error("the server does not offer STARTTLS, so the connection cannot be secured")]
    StartTlsUnavailable,
    /// The server refused STARTTLS.
    #[error("the server refused to start TLS: {reply}")]
    StartTlsRefused {
        /// The reply.
        reply: Reply,
    },
    /// No mechanism fits both the credentials and the server.
    #[error(
        "the server offers no sign-in method for these credentials (offered: {})",
        names(offered)
    )]
    AuthUnavailable {
        /// The mechanisms the server offered that this crate knows.
        offered: Vec<Mechanism>,
    },
    /// The server refused the credentials (535 5.7.8: wrong user name or password).
    #[error("sign-in failed: {reply}")]
    AuthFailed {
        /// The mechanism tried.
        mechanism: Mechanism,
        /// The reply.
        reply: Reply,
    },
    /// The SASL exchange broke (bad challenge, or SCRAM: the server did not prove it
    /// knows the password).
    #[error("sign-in failed: {0}")]
    Sasl(SaslError),
    /// RSET failed: the server cannot say which transaction state it is in.
    #[error("the server refused to reset the transaction: {reply}")]
    ResetRefused {
        /// The reply.
        reply: Reply,
    },
    /// The server did not answer in time (RFC 5321 section 4.5.3.2).
    #[error("the server did not answer in time ({stage})")]
    Timeout {
        /// What the session was waiting for.
        stage: Stage,
    },
    /// The connection ended while the session was still working.
    #[error("the connection ended unexpectedly ({stage})")]
    ConnectionLost {
        /// What the session was doing.
        stage: Stage,
    },
}

impl SessionError {
    /// The server's reply behind the error, if one was (for [`crate::Problem::of`]).
    pub fn reply(&self) -> Option<&Reply> {
        match self {
            SessionError::UnexpectedReply { reply }
            | SessionError::ServiceClosing { reply }
            | SessionError::GreetingRefused { reply }
            | SessionError::HelloRefused { reply }
            | SessionError::StartTlsRefused { reply }
            | SessionError::ResetRefused { reply }
            | SessionError::AuthFailed { reply, .. } => Some(reply),
            SessionError::Reply(_)
            | SessionError::Capabilities(_)
            | SessionError::StartTlsUnavailable
            | SessionError::AuthUnavailable { .. }
            | SessionError::Sasl(_)
            | SessionError::Timeout { .. }
            | SessionError::ConnectionLost { .. } => None,
        }
    }
}

fn names(mechanisms: &[Mechanism]) -> String {
    if mechanisms.is_empty() {
        return "none".into();
    }
    mechanisms
        .iter()
        .map(|m| m.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A method was called when the session cannot do it, or the message cannot be sent as
/// asked. Nothing was sent; the session is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CallError {
    /// The session is not at a point where this call makes sense.
    #[error("cannot {call} now: the session is {stage}")]
    WrongState {
        /// The call.
        call: &'static str,
        /// Where the session is.
        stage: Stage,
    },
    /// A message needs at least one recipient.
    #[error("the message has no recipients")]
    NoRecipients,
    /// The message is larger than the server's SIZE limit.
    #[error("the message ({size} bytes) is larger than the server accepts ({limit} bytes)")]
    TooBig {
        /// The message size.
        size: u64,
        /// The server's limit.
        limit: u64,
    },
    /// A non-ASCII address and a server without SMTPUTF8.
    #[error("the server cannot handle the non-ASCII address {address} (no SMTPUTF8)")]
    NeedsSmtpUtf8 {
        /// The first such address.
        address: Address,
    },
    /// UTF-8 headers and a server without SMTPUTF8.
    #[error("the server cannot handle UTF-8 message headers (no SMTPUTF8)")]
    NeedsSmtpUtf8Headers,
    /// 8-bit content and a server without 8BITMIME.
    #[error("the server cannot take 8-bit content (no 8BITMIME): encode the message as 7-bit")]
    NeedsEightBitMime,
    /// The server has not acknowledged the previous BDAT chunk yet (no PIPELINING):
    /// wait for [`Event::BodyWanted`].
    #[error("the previous chunk has not been acknowledged yet")]
    BodyNotWritable,
}

/// Refused recipients in words: each address with the server's reply.
pub fn refused_in_words(refused: &[RefusedRecipient]) -> String {
    refused
        .iter()
        .map(|r| format!("{} ({})", r.address, r.reply))
        .collect::<Vec<_>>()
        .join(", ")
}
