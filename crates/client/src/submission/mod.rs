//! Sending mail: an SMTP submission session (`webimap-smtp`) over the same transports and
//! the same TLS as IMAP — implicit TLS (port 465) or STARTTLS (587) run here, in the
//! client, so the relay carries only ciphertext for submission too. One connection per
//! send is the intended use ([`send_once`]); [`Submission`] can send several.
//!
//! A message whose final "." (or `BDAT LAST`) went out but whose answer never came has an
//! unknown outcome ([`SubmitError::OutcomeUnknown`]): it may have been sent. Nothing here
//! resends by itself.

mod error;

use std::sync::Arc;

use base64::{Engine, engine::general_purpose::STANDARD_NO_PAD};
use futures_util::{
    future::{Either, select},
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
};
use rustls::ClientConfig;
use webimap_smtp::{
    Address, AddressError, Credentials as SmtpCredentials, Envelope, Event, Options,
    Security as SmtpSecurity, SubmissionSession, session::RecipientReport,
    session::RefusedRecipient,
};

pub use self::error::SubmitError;
use crate::{
    client::{Credentials, Security},
    error::TlsError,
    idna,
    stream::MaybeTls,
    time, tls,
};

const READ_CHUNK: usize = 16 * 1024;
/// How much of the message is handed to the session at a time: the connection takes it
/// before the next piece is read, so a large message is never held twice.
const BODY_PIECE: usize = 64 * 1024;
/// How long one write may take: RFC 5321 section 4.5.3.2.5's data block timeout.
const WRITE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(180);

/// Where and how to submit.
#[derive(Clone)]
pub struct SubmitOptions {
    /// The submission server's host name (TLS checks the certificate against it).
    pub host: String,
    /// TLS from the first byte (465), STARTTLS (587), or none (chosen explicitly).
    pub security: Security,
    /// TLS settings (roots and an optional extra CA); `None`: public roots only.
    pub tls: Option<Arc<ClientConfig>>,
    /// Send a password over an unencrypted connection to a server not on this machine.
    pub allow_plaintext_password: bool,
    /// The server's port (OAUTHBEARER names it).
    pub port: u16,
}

impl std::fmt::Debug for SubmitOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubmitOptions")
            .field("host", &self.host)
            .field("security", &self.security)
            .field("extra_tls_config", &self.tls.is_some())
            .field("allow_plaintext_password", &self.allow_plaintext_password)
            .field("port", &self.port)
            .finish()
    }
}

impl SubmitOptions {
    /// Options for `host:port` with the given security and public TLS roots.
    pub fn new(host: impl Into<String>, port: u16, security: Security) -> Self {
        Self {
            host: host.into(),
            security,
            tls: None,
            allow_plaintext_password: false,
            port,
        }
    }
}

/// What the server did with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReport {
    /// Recipients the server accepted.
    pub accepted: Vec<String>,
    /// Recipients the server refused, with its reply (the message went to the others).
    pub refused: Vec<RefusedRecipient>,
    /// The server's final reply (often with a queue ID).
    pub reply: String,
}

/// How far the upload of a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the message that have left.
    pub sent: u64,
    /// The message's size.
    pub total: u64,
}

/// What to do when the server refuses some (not all) recipients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnRefused {
    /// Send nothing; the error names the refused recipients (the user decides).
    Abort,
    /// Send to the accepted ones; the report names the refused.
    SendToAccepted,
}

/// A signed-in submission session on one connection.
#[derive(Debug)]
pub struct Submission<S> {
    stream: MaybeTls<S>,
    session: SubmissionSession,
    read_buf: Vec<u8>,
    host: String,
    tls: Arc<ClientConfig>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Submission<S> {
    /// Opens a session over `stream` (connected to `options.host`, directly or through
    /// the relay): TLS first or STARTTLS after the greeting, EHLO, then sign-in by the
    /// strongest means offered. Never signs in before TLS unless `Security::None` was
    /// chosen, and then only to loopback or with `allow_plaintext_password`.
    pub async fn open(
        stream: S,
        options: &SubmitOptions,
        credentials: &Credentials,
    ) -> Result<Self, SubmitError> {
        Self::start(stream, options, Some(credentials)).await
    }

    /// Checks that a submission server answers at `options` — greeting, EHLO, TLS (465)
    /// or STARTTLS (587) with its certificate verified — then says QUIT; no sign-in.
    /// What a settings form runs before the user's first message.
    pub async fn check(stream: S, options: &SubmitOptions) -> Result<(), SubmitError> {
        let submission = Self::start(stream, options, None).await?;
        submission.quit().await;
        Ok(())
    }

    async fn start(
        stream: S,
        options: &SubmitOptions,
        credentials: Option<&Credentials>,
    ) -> Result<Self, SubmitError> {
        if credentials.is_some()
            && options.security == Security::None
            && !options.allow_plaintext_password
            && !crate::client::is_loopback(&options.host)
        {
            return Err(SubmitError::Insecure);
        }
        let tls_config = match &options.tls {
            Some(config) => config.clone(),
            None => tls::client_config(None).map_err(SubmitError::from_client)?,
        };
        let security = match options.security {
            Security::Tls => SmtpSecurity::ImplicitTls,
            Security::StartTls => SmtpSecurity::StartTls,
            Security::None => SmtpSecurity::Unencrypted,
        };
        let mut session_options = Options::new(security);
        match credentials {
            Some(Credentials::Password { username, password }) => {
                session_options = session_options.with_credentials(
                    SmtpCredentials::password(username, password)
                        .with_scram_nonce(&client_nonce()?),
                );
            }
            Some(Credentials::OAuth2 { username, token }) => {
                session_options = session_options.with_credentials(SmtpCredentials::oauth(
                    username,
                    token,
                    &options.host,
                    options.port,
                ));
            }
            None => {}
        }
        let session = SubmissionSession::new(session_options);
        let stream = match options.security {
            Security::Tls => {
                let tls = tls::handshake(stream, &options.host, tls_config.clone())
                    .await
                    .map_err(SubmitError::from_client)?;
                MaybeTls::Tls(Box::new(tls))
            }
            Security::StartTls | Security::None => MaybeTls::Plain(stream),
        };
        let mut submission = Self {
            stream,
            session,
            read_buf: vec![0; READ_CHUNK],
            host: options.host.clone(),
            tls: tls_config,
        };
        submission.until(|e| matches!(e, Event::Ready)).await?;
        Ok(submission)
    }

    /// Whether the bytes travel inside TLS.
    pub fn is_encrypted(&self) -> bool {
        matches!(self.stream, MaybeTls::Tls(_))
    }

    /// The largest message the server takes (SIZE), if it says.
    pub fn max_size(&self) -> Option<u64> {
        self.session.capabilities().size
    }

    /// Sends `message` (a whole RFC 5322 message, without Bcc) from `from` to
    /// `recipients`. Refused recipients are reported by address; with
    /// [`OnRefused::Abort`] nothing is sent then.
    pub async fn send(
        &mut self,
        from: &str,
        recipients: &[String],
        message: &[u8],
        on_refused: OnRefused,
    ) -> Result<SendReport, SubmitError> {
        self.send_with_progress(from, recipients, message, on_refused, &mut |_| {})
            .await
    }

    /// [`Submission::send`], telling `progress` how much of the message has left as the
    /// upload goes on (after each piece the connection took: with the browser transport,
    /// bytes that left the browser's send queue, not bytes merely handed to it).
    pub async fn send_with_progress(
        &mut self,
        from: &str,
        recipients: &[String],
        message: &[u8],
        on_refused: OnRefused,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<SendReport, SubmitError> {
        let from = envelope_address(from)?;
        let recipients = recipients
            .iter()
            .map(|r| envelope_address(r))
            .collect::<Result<Vec<_>, _>>()?;
        let eight_bit = message.iter().any(|b| *b >= 0x80);
        let envelope = Envelope::new(from, recipients, message.len() as u64)
            .map_err(SubmitError::Refused)?
            .with_eight_bit(eight_bit);
        self.session.send(envelope).map_err(SubmitError::Refused)?;
        let report = match self.transaction_event().await? {
            Event::Recipients(report) => report,
            _ => return Err(SubmitError::Protocol),
        };
        if !report.refused.is_empty() {
            match on_refused {
                OnRefused::SendToAccepted => self.session.continue_with_accepted(),
                OnRefused::Abort => {
                    self.session
                        .abort_transaction()
                        .map_err(SubmitError::Refused)?;
                    // The refusal is known; a connection lost during the reset does not
                    // change it.
                    let _ = self.until(|e| matches!(e, Event::Ready)).await;
                    return Err(SubmitError::RecipientsRefused(report.refused));
                }
            }
            .map_err(SubmitError::Refused)?;
        }
        self.upload(message, progress).await?;
        let reply = match self.transaction_event().await {
            Ok(Event::Sent { reply }) => reply,
            Ok(_) => return Err(SubmitError::Protocol),
            // The end of the message went out: it may have arrived.
            Err(SubmitError::Closed | SubmitError::Io(_) | SubmitError::Timeout) => {
                return Err(SubmitError::OutcomeUnknown);
            }
            Err(e) => return Err(e),
        };
        // The message is sent: a connection that fails from here on must not turn that
        // into an error (the user would send it again).
        let _ = self.until(|e| matches!(e, Event::Ready)).await;
        Ok(SendReport {
            accepted: accepted(&report),
            refused: report.refused,
            reply: reply.to_string(),
        })
    }

    /// Ends the session (QUIT), ignoring a server that does not answer properly.
    pub async fn quit(mut self) {
        if self.session.quit().is_ok() {
            let _ = self.until(|e| matches!(e, Event::Closed)).await;
        }
    }

    /// Hands the message to the session piece by piece as the server takes it.
    async fn upload(
        &mut self,
        message: &[u8],
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(), SubmitError> {
        self.until(|e| matches!(e, Event::BodyWanted)).await?;
        let total = message.len() as u64;
        let mut sent = 0u64;
        progress(Progress { sent, total });
        let mut pieces = message.chunks(BODY_PIECE).peekable();
        while let Some(piece) = pieces.next() {
            sent += piece.len() as u64;
            if pieces.peek().is_none() {
                self.session
                    .finish_body_with(piece)
                    .map_err(SubmitError::Refused)?;
                self.flush().await.map_err(after_the_end)?;
                progress(Progress { sent, total });
                return Ok(());
            }
            loop {
                match self.session.write_body(piece) {
                    Ok(()) => break,
                    // BDAT without PIPELINING: the last chunk must be acknowledged first.
                    Err(webimap_smtp::CallError::BodyNotWritable) => {
                        self.until(|e| matches!(e, Event::BodyWanted)).await?;
                    }
                    Err(e) => return Err(SubmitError::Refused(e)),
                }
            }
            self.flush().await?;
            progress(Progress { sent, total });
        }
        self.session.finish_body().map_err(SubmitError::Refused)?;
        self.flush().await.map_err(after_the_end)?;
        progress(Progress { sent, total });
        Ok(())
    }

    /// The next event that ends a step of a transaction.
    async fn transaction_event(&mut self) -> Result<Event, SubmitError> {
        let event = self
            .until(|e| {
                matches!(
                    e,
                    Event::Recipients(_) | Event::Sent { .. } | Event::TransactionFailed(_)
                )
            })
            .await?;
        match event {
            Event::TransactionFailed(e) => {
                // The server's answer is known; a connection that fails while the
                // session resets afterwards does not change it (nor make it unknown).
                let _ = self.until(|e| matches!(e, Event::Ready)).await;
                Err(SubmitError::Transaction(e))
            }
            other => Ok(other),
        }
    }

    /// Moves bytes until an event `wanted` accepts arrives, and returns it. STARTTLS is
    /// carried out on the way; a session failure is an error.
    async fn until(&mut self, wanted: impl Fn(&Event) -> bool) -> Result<Event, SubmitError> {
        loop {
            // Events first: a reply already read (a refusal) counts even if writing
            // what the session wants next (RSET) then fails.
            while let Some(event) = self.session.poll_event() {
                match event {
                    event if wanted(&event) => return Ok(event),
                    Event::StartTls { .. } => self.start_tls().await?,
                    Event::Failed(e) => return Err(SubmitError::from_session(e)),
                    Event::Closed => return Err(SubmitError::Closed),
                    // Progress the caller did not ask about (Authenticated, a Ready on
                    // the way) needs nothing.
                    _ => {}
                }
            }
            self.flush().await?;
            self.read().await?;
        }
    }

    /// Writes what the session has to send, each piece within [`WRITE_TIMEOUT`] (a server
    /// or relay that stops reading must not hold a send for ever).
    async fn flush(&mut self) -> Result<(), SubmitError> {
        while let Some(bytes) = self.session.poll_output() {
            let written = async {
                self.stream.write_all(&bytes).await?;
                self.stream.flush().await
            };
            let outcome =
                match select(Box::pin(written), Box::pin(time::sleep(WRITE_TIMEOUT))).await {
                    Either::Left((result, _)) => result.map_err(SubmitError::Io),
                    Either::Right(((), _)) => Err(SubmitError::Timeout),
                };
            if let Err(e) = outcome {
                self.session.connection_closed();
                return Err(e);
            }
        }
        Ok(())
    }

    /// Reads once, within the session's current timeout (RFC 5321 §4.5.3.2).
    async fn read(&mut self) -> Result<(), SubmitError> {
        let outcome = match self.session.current_timeout() {
            Some(limit) => {
                let read = self.stream.read(&mut self.read_buf);
                match select(read, Box::pin(time::sleep(limit))).await {
                    Either::Left((result, _)) => Some(result),
                    Either::Right(((), _)) => None,
                }
            }
            None => Some(self.stream.read(&mut self.read_buf).await),
        };
        match outcome {
            Some(Ok(0)) => self.session.connection_closed(),
            Some(Ok(n)) => self.session.handle_input(&self.read_buf[..n]),
            Some(Err(e)) => {
                self.session.connection_closed();
                return Err(SubmitError::Io(e));
            }
            None => self.session.handle_timeout(),
        }
        Ok(())
    }

    /// The TLS handshake after the server's STARTTLS go-ahead.
    async fn start_tls(&mut self) -> Result<(), SubmitError> {
        let MaybeTls::Plain(plain) = std::mem::replace(&mut self.stream, MaybeTls::Upgrading)
        else {
            return Err(SubmitError::from_client(TlsError::AlreadyEncrypted.into()));
        };
        match tls::handshake(plain, &self.host, self.tls.clone()).await {
            Ok(tls) => {
                self.stream = MaybeTls::Tls(Box::new(tls));
                self.session.tls_established().map_err(SubmitError::Refused)
            }
            Err(e) => {
                self.session.connection_closed();
                Err(SubmitError::from_client(e))
            }
        }
    }
}

/// A failure while the end of the message was being written: part of it, or all, may have
/// reached the server, so the outcome is unknown (never resent by itself).
fn after_the_end(e: SubmitError) -> SubmitError {
    match e {
        SubmitError::Io(_) | SubmitError::Closed | SubmitError::Timeout => {
            SubmitError::OutcomeUnknown
        }
        other => other,
    }
}

/// Opens a session, sends one message, and closes: what sending from a mail app does.
pub async fn send_once<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    options: &SubmitOptions,
    credentials: &Credentials,
    from: &str,
    recipients: &[String],
    message: &[u8],
    on_refused: OnRefused,
) -> Result<SendReport, SubmitError> {
    let mut submission = Submission::open(stream, options, credentials).await?;
    let report = submission
        .send(from, recipients, message, on_refused)
        .await?;
    submission.quit().await;
    Ok(report)
}

/// An address for MAIL FROM or RCPT TO, its domain converted to ASCII form if need be.
fn envelope_address(text: &str) -> Result<Address, SubmitError> {
    let bad = |reason: String| SubmitError::BadAddress {
        address: text.to_string(),
        reason,
    };
    match Address::parse(text) {
        Err(AddressError::DomainNeedsConversion { local, domain }) => {
            let ascii = idna::to_ascii(&domain).map_err(|e| bad(e.to_string()))?;
            Address::with_domain(&local, &ascii)
        }
        parsed => parsed,
    }
    .map_err(|e| bad(e.to_string()))
}

/// The addresses the server accepted.
fn accepted(report: &RecipientReport) -> Vec<String> {
    report.accepted.iter().map(|a| a.to_string()).collect()
}

/// 24 random bytes, base64: the SCRAM client nonce.
fn client_nonce() -> Result<String, SubmitError> {
    let mut bytes = [0u8; 24];
    getrandom::getrandom(&mut bytes).map_err(|_| SubmitError::NoRandomness)?;
    Ok(STANDARD_NO_PAD.encode(bytes))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
