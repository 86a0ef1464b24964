//! The submission session: a state machine between a byte stream and typed events.
//!
//! Methods come in four kinds (the shape of quinn-proto's `Connection`):
//! - inputs: [`SubmissionSession::handle_input`] (bytes from the server),
//!   [`SubmissionSession::tls_established`], [`SubmissionSession::connection_closed`],
//!   [`SubmissionSession::handle_timeout`];
//! - commands: [`SubmissionSession::send`], [`SubmissionSession::continue_with_accepted`],
//!   [`SubmissionSession::abort_transaction`], [`SubmissionSession::write_body`],
//!   [`SubmissionSession::finish_body`], [`SubmissionSession::quit`];
//! - outputs, `#[must_use]`: [`SubmissionSession::poll_output`] (bytes to write, in order)
//!   and [`SubmissionSession::poll_event`];
//! - getters: [`SubmissionSession::current_timeout`], [`SubmissionSession::stage`],
//!   [`SubmissionSession::capabilities`].
//!
//! After every input or command, drain `poll_output` (write everything to the connection)
//! and `poll_event`, then re-arm a timer with `current_timeout`. A reply counts as the
//! answer to a command only once that command's bytes were taken from `poll_output`: a
//! reply that comes earlier answers something the server never saw, and ends the session
//! ([`SessionError::UnexpectedReply`]).
//!
//! The session runs by itself from the greeting to [`Event::Ready`]: EHLO (HELO when the
//! server knows no EHLO and nothing needs extensions), STARTTLS when asked for, AUTH with
//! the strongest mechanism both sides have. A message then goes: [`Envelope`] to
//! [`SubmissionSession::send`] → [`Event::Recipients`] (decide if some were refused) →
//! [`Event::BodyWanted`] → `write_body` chunks → `finish_body` → [`Event::Sent`] or
//! [`Event::TransactionFailed`], then [`Event::Ready`] again.
//!
//! Backpressure: `write_body` encodes the chunk into the output queue at once and keeps
//! nothing else, so a caller that writes out `poll_output` before the next chunk holds at
//! most one chunk twice, whatever the message size. With BDAT and no PIPELINING, the next
//! chunk waits for the server's reply ([`Event::BodyWanted`] again).

mod auth;
mod event;
mod options;
pub mod timeout;
mod transaction;

use std::{collections::VecDeque, time::Duration};

pub use auth::Credentials;
pub use event::{
    CallError, Event, RecipientReport, RefusedRecipient, SessionError, Stage, TransactionError,
    refused_in_words,
};
pub use options::{Options, Security};
pub use transaction::Envelope;

use self::{
    auth::{AuthExchange, AuthStep},
    transaction::{EnvelopeOutcome, Step, Transaction},
};
use crate::{
    capabilities::Capabilities,
    command::Command,
    reply::{Reply, ReplyReader},
};

/// What a reply is expected to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Awaiting {
    Greeting,
    Ehlo,
    Helo,
    StartTls,
    Auth,
    Mail,
    Rcpt(usize),
    Data,
    EndOfData,
    Bdat { last: bool },
    Rset,
    Quit,
}

impl Awaiting {
    fn stage(self) -> Stage {
        match self {
            Awaiting::Greeting => Stage::Greeting,
            Awaiting::Ehlo | Awaiting::Helo => Stage::Hello,
            Awaiting::StartTls => Stage::StartTls,
            Awaiting::Auth => Stage::Auth,
            Awaiting::Mail => Stage::MailFrom,
            Awaiting::Rcpt(_) => Stage::RcptTo,
            Awaiting::Data => Stage::Data,
            Awaiting::EndOfData | Awaiting::Bdat { last: true } => Stage::EndOfData,
            Awaiting::Bdat { last: false } => Stage::Body,
            Awaiting::Rset => Stage::Reset,
            Awaiting::Quit => Stage::Quit,
        }
    }
}

/// A reply the session waits for.
#[derive(Debug)]
struct Pending {
    awaiting: Awaiting,
    /// The command is in the output chunk with this number (1-based); a reply before the
    /// caller took that chunk answers a command the server has not seen.
    sent_in: u64,
}

#[derive(Debug)]
enum Phase {
    Greeting,
    /// EHLO, HELO or STARTTLS.
    Hello,
    TlsHandshake,
    Auth(Box<AuthExchange>),
    Ready,
    Transaction(Box<Transaction>),
    Resetting,
    Quitting,
    Closed,
    Failed,
}

/// An SMTP submission client session (RFC 6409), sans I/O.
#[derive(Debug)]
pub struct SubmissionSession {
    options: Options,
    reader: ReplyReader,
    phase: Phase,
    pending: VecDeque<Pending>,
    capabilities: Capabilities,
    tls_active: bool,
    output: VecDeque<Vec<u8>>,
    outputs_queued: u64,
    outputs_taken: u64,
    events: VecDeque<Event>,
    /// STARTTLS was accepted in this input: discard the rest and report.
    starttls_due: bool,
}

impl SubmissionSession {
    /// A session on a fresh connection (TLS already up for [`Security::ImplicitTls`]). It
    /// waits for the server's greeting.
    pub fn new(options: Options) -> Self {
        let tls_active = options.security == Security::ImplicitTls;
        Self {
            options,
            reader: ReplyReader::new(),
            phase: Phase::Greeting,
            pending: VecDeque::from([Pending {
                awaiting: Awaiting::Greeting,
                sent_in: 0,
            }]),
            capabilities: Capabilities::default(),
            tls_active,
            output: VecDeque::new(),
            outputs_queued: 0,
            outputs_taken: 0,
            events: VecDeque::new(),
            starttls_due: false,
        }
    }

    // ----- outputs and getters -----

    /// The next bytes to write to the connection.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<Vec<u8>> {
        let bytes = self.output.pop_front()?;
        self.outputs_taken += 1;
        Some(bytes)
    }

    /// The next event.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// How long the server may take from now (RFC 5321 section 4.5.3.2), or `None` when
    /// nothing is awaited. Re-arm after every input and every write; when it runs out,
    /// call [`SubmissionSession::handle_timeout`].
    #[must_use]
    pub fn current_timeout(&self) -> Option<Duration> {
        if matches!(self.phase, Phase::Closed | Phase::Failed) {
            return None;
        }
        timeout::for_stage(self.stage())
    }

    /// What the session is doing or waiting for.
    #[must_use]
    pub fn stage(&self) -> Stage {
        if let Some(pending) = self.pending.front() {
            return pending.awaiting.stage();
        }
        match &self.phase {
            Phase::Greeting => Stage::Greeting,
            Phase::Hello => Stage::Hello,
            Phase::TlsHandshake => Stage::TlsHandshake,
            Phase::Auth(_) => Stage::Auth,
            Phase::Ready => Stage::Idle,
            Phase::Transaction(t) => match t.step {
                Step::Envelope => Stage::MailFrom,
                Step::Decision => Stage::Decision,
                Step::DataCommand => Stage::Data,
                Step::Body => Stage::Body,
                Step::Ending => Stage::EndOfData,
                Step::Draining => Stage::Reset,
            },
            Phase::Resetting => Stage::Reset,
            Phase::Quitting => Stage::Quit,
            Phase::Closed | Phase::Failed => Stage::Closed,
        }
    }

    /// What the server offered in its last EHLO (empty before it, and after HELO).
    #[must_use]
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// Whether the connection is known to be TLS-protected.
    #[must_use]
    pub fn is_tls(&self) -> bool {
        self.tls_active
    }

    // ----- inputs -----

    /// Bytes from the server, in any pieces.
    pub fn handle_input(&mut self, bytes: &[u8]) {
        let mut input = bytes;
        loop {
            match self.phase {
                Phase::Failed | Phase::Closed => return,
                // Plaintext after STARTTLS's go-ahead is never read.
                Phase::TlsHandshake => return,
                _ => {}
            }
            match self.reader.read(&mut input) {
                Ok(Some(reply)) => {
                    self.on_reply(reply);
                    if self.starttls_due {
                        self.starttls_due = false;
                        self.events.push_back(Event::StartTls {
                            discarded: input.len(),
                        });
                        return;
                    }
                }
                Ok(None) => return,
                Err(error) => return self.fail(error.into()),
            }
        }
    }

    /// The caller finished the TLS handshake after [`Event::StartTls`]: EHLO again.
    pub fn tls_established(&mut self) -> Result<(), CallError> {
        if !matches!(self.phase, Phase::TlsHandshake) {
            return Err(self.wrong_state("finish a TLS handshake"));
        }
        self.tls_active = true;
        self.reader.reset();
        self.capabilities = Capabilities::default();
        self.phase = Phase::Hello;
        self.send_command(
            Command::Ehlo(self.options.client_name.clone()),
            Awaiting::Ehlo,
        );
        Ok(())
    }

    /// The connection ended (EOF or error).
    pub fn connection_closed(&mut self) {
        match self.phase {
            Phase::Closed | Phase::Failed => {}
            Phase::Quitting => self.close(),
            _ => {
                let stage = self.stage();
                self.fail(SessionError::ConnectionLost { stage });
            }
        }
    }

    /// The time given by [`SubmissionSession::current_timeout`] ran out.
    pub fn handle_timeout(&mut self) {
        if self.current_timeout().is_some() {
            let stage = self.stage();
            self.fail(SessionError::Timeout { stage });
        }
    }

    // ----- commands -----

    /// Starts a transaction for `envelope`. Needs [`Event::Ready`]; checks the message
    /// against the server's SIZE, 8BITMIME and SMTPUTF8 before anything is sent.
    pub fn send(&mut self, envelope: Envelope) -> Result<(), CallError> {
        if !matches!(self.phase, Phase::Ready) {
            return Err(self.wrong_state("send a message"));
        }
        let parameters = envelope.parameters(&self.capabilities)?;
        let use_bdat = self.capabilities.chunking && self.options.use_chunking;
        let mut transaction = Transaction::new(envelope, parameters, use_bdat);
        let mut bytes = transaction.mail_command().to_bytes();
        let mut awaited = vec![Awaiting::Mail];
        // RFC 2920: MAIL and every RCPT in one group; DATA waits for the recipients'
        // replies, so the caller can decide about refused ones before any body is sent.
        if self.capabilities.pipelining {
            while let Some((index, command)) = transaction.next_rcpt() {
                command.encode(&mut bytes);
                awaited.push(Awaiting::Rcpt(index));
            }
        }
        self.phase = Phase::Transaction(Box::new(transaction));
        self.push_output(bytes);
        for awaiting in awaited {
            self.expect(awaiting);
        }
        Ok(())
    }

    /// Some recipients were refused ([`Event::Recipients`]): send to the others.
    pub fn continue_with_accepted(&mut self) -> Result<(), CallError> {
        match &self.phase {
            Phase::Transaction(t) if t.step == Step::Decision => {
                self.start_body();
                Ok(())
            }
            _ => Err(self.wrong_state("continue with the accepted recipients")),
        }
    }

    /// Gives up the transaction: at the recipients decision, or between BDAT chunks.
    /// (Inside DATA there is no way back but closing the connection.)
    pub fn abort_transaction(&mut self) -> Result<(), CallError> {
        match &mut self.phase {
            Phase::Transaction(t) if t.step == Step::Decision => {
                self.reset();
                Ok(())
            }
            Phase::Transaction(t) if t.step == Step::Body && t.use_bdat => {
                t.step = Step::Draining;
                if t.bdat_in_flight == 0 {
                    self.reset();
                }
                Ok(())
            }
            _ => Err(self.wrong_state("abort the transaction")),
        }
    }

    /// The next piece of the message (any size, split anywhere). Line endings are made
    /// CRLF; for DATA, dots are doubled. Write out `poll_output` before the next piece.
    pub fn write_body(&mut self, chunk: &[u8]) -> Result<(), CallError> {
        let t = self.body_transaction("write the message")?;
        let mut data = Vec::new();
        t.encoder.push(chunk, &mut data);
        if !t.use_bdat {
            self.push_output(data);
        } else if !data.is_empty() {
            self.send_chunk(data, false);
        } else if !self.capabilities.pipelining {
            // Nothing to send yet (a lone CR is held): the next piece is welcome at once.
            self.events.push_back(Event::BodyWanted);
        }
        Ok(())
    }

    /// Ends the message: the DATA terminator, or `BDAT 0 LAST`.
    pub fn finish_body(&mut self) -> Result<(), CallError> {
        self.finish_body_with(&[])
    }

    /// Ends the message with its last piece: `last` then the DATA terminator, or
    /// `BDAT n LAST` carrying `last` (some servers mishandle an empty `BDAT 0 LAST`).
    pub fn finish_body_with(&mut self, last: &[u8]) -> Result<(), CallError> {
        let t = self.body_transaction("finish the message")?;
        t.step = Step::Ending;
        let mut data = Vec::new();
        t.encoder.push(last, &mut data);
        t.encoder.finish(&mut data);
        if t.use_bdat {
            self.send_chunk(data, true);
        } else {
            self.push_output(data);
            self.expect(Awaiting::EndOfData);
        }
        Ok(())
    }

    /// The transaction, if it takes body bytes now.
    fn body_transaction(&mut self, call: &'static str) -> Result<&mut Transaction, CallError> {
        let stage = self.stage();
        let lock_step = !self.capabilities.pipelining;
        match &mut self.phase {
            Phase::Transaction(t) if t.step == Step::Body => {
                if t.use_bdat && lock_step && t.bdat_in_flight > 0 {
                    Err(CallError::BodyNotWritable)
                } else {
                    Ok(t)
                }
            }
            _ => Err(CallError::WrongState { call, stage }),
        }
    }

    /// `BDAT size [LAST]` and the chunk, as two writes (the chunk is not copied again).
    fn send_chunk(&mut self, data: Vec<u8>, last: bool) {
        if let Some(t) = self.transaction() {
            t.bdat_in_flight += 1;
        }
        let header = Command::Bdat {
            size: data.len(),
            last,
        };
        self.push_output(header.to_bytes());
        self.push_output(data);
        self.expect(Awaiting::Bdat { last });
    }

    /// Ends the session politely: QUIT, then [`Event::Closed`].
    pub fn quit(&mut self) -> Result<(), CallError> {
        match &self.phase {
            Phase::Ready => {}
            Phase::Transaction(t) if t.step == Step::Decision => {}
            _ => return Err(self.wrong_state("close the session")),
        }
        self.phase = Phase::Quitting;
        self.send_command(Command::Quit, Awaiting::Quit);
        Ok(())
    }

    // ----- replies -----

    fn on_reply(&mut self, reply: Reply) {
        let answers_a_sent_command = self
            .pending
            .front()
            .is_some_and(|p| p.sent_in <= self.outputs_taken);
        let Some(Pending { awaiting, .. }) =
            self.pending.pop_front().filter(|_| answers_a_sent_command)
        else {
            return self.unsolicited(reply);
        };
        if reply.code == 421 && awaiting != Awaiting::Quit {
            return self.fail(SessionError::ServiceClosing { reply });
        }
        if matches!(self.phase, Phase::Quitting) && awaiting != Awaiting::Quit {
            return;
        }
        match awaiting {
            Awaiting::Greeting if reply.code == 220 => {
                self.phase = Phase::Hello;
                self.send_command(
                    Command::Ehlo(self.options.client_name.clone()),
                    Awaiting::Ehlo,
                );
            }
            Awaiting::Greeting if reply.is_transient() || reply.is_permanent() => {
                self.fail_politely(SessionError::GreetingRefused { reply });
            }
            // A 250 or 354 before anything was asked: not a greeting at all.
            Awaiting::Greeting => self.fail(SessionError::UnexpectedReply { reply }),
            Awaiting::Ehlo => self.on_ehlo(reply),
            Awaiting::Helo if reply.is_positive() => {
                let capabilities = Capabilities {
                    server_name: reply.text.split(' ').next().unwrap_or("").into(),
                    ..Capabilities::default()
                };
                self.after_hello(capabilities);
            }
            Awaiting::Helo => self.fail_politely(SessionError::HelloRefused { reply }),
            Awaiting::StartTls if reply.code == 220 => {
                self.phase = Phase::TlsHandshake;
                self.starttls_due = true;
            }
            Awaiting::StartTls => self.fail_politely(SessionError::StartTlsRefused { reply }),
            Awaiting::Auth => self.on_auth(reply),
            Awaiting::Mail => self.on_mail(reply),
            Awaiting::Rcpt(index) => self.on_rcpt(index, reply),
            Awaiting::Data => self.on_data(reply),
            Awaiting::EndOfData => self.on_end_of_data(reply),
            Awaiting::Bdat { last } => self.on_bdat(last, reply),
            Awaiting::Rset if reply.is_positive() => self.ready(),
            Awaiting::Rset => self.fail_politely(SessionError::ResetRefused { reply }),
            Awaiting::Quit => self.close(),
        }
    }

    fn unsolicited(&mut self, reply: Reply) {
        if reply.code == 421 {
            self.fail(SessionError::ServiceClosing { reply });
        } else {
            self.fail(SessionError::UnexpectedReply { reply });
        }
    }

    fn on_ehlo(&mut self, reply: Reply) {
        if reply.is_positive() {
            match Capabilities::from_ehlo(self.reader.raw()) {
                Ok(capabilities) => self.after_hello(capabilities),
                Err(error) => self.fail_politely(error.into()),
            }
        } else if reply.is_permanent()
            && self.options.security != Security::StartTls
            && self.options.credentials.is_none()
        {
            // RFC 5321 section 3.2: an old server; nothing here needs an extension.
            self.send_command(
                Command::Helo(self.options.client_name.clone()),
                Awaiting::Helo,
            );
        } else {
            self.fail_politely(SessionError::HelloRefused { reply });
        }
    }

    fn after_hello(&mut self, capabilities: Capabilities) {
        self.capabilities = capabilities;
        if self.options.security == Security::StartTls && !self.tls_active {
            if self.capabilities.starttls {
                self.send_command(Command::StartTls, Awaiting::StartTls);
            } else {
                self.fail_politely(SessionError::StartTlsUnavailable);
            }
            return;
        }
        let Some(credentials) = &self.options.credentials else {
            return self.ready();
        };
        // Never AUTH in the clear unless the user chose no security.
        if !self.tls_active && self.options.security != Security::Unencrypted {
            return self.fail_politely(SessionError::StartTlsUnavailable);
        }
        match AuthExchange::start(credentials, &self.capabilities) {
            Ok((exchange, command)) => {
                self.phase = Phase::Auth(Box::new(exchange));
                self.send_command(command, Awaiting::Auth);
            }
            Err(error) => self.fail_politely(error),
        }
    }

    fn on_auth(&mut self, reply: Reply) {
        let Phase::Auth(exchange) = &mut self.phase else {
            return self.fail(SessionError::UnexpectedReply { reply });
        };
        match exchange.on_reply(reply) {
            AuthStep::Send(command) => self.send_command(command, Awaiting::Auth),
            AuthStep::Done(mechanism) => {
                self.events.push_back(Event::Authenticated { mechanism });
                self.ready();
            }
            AuthStep::Failed(error) => self.fail_politely(error),
        }
    }

    fn transaction(&mut self) -> Option<&mut Transaction> {
        match &mut self.phase {
            Phase::Transaction(t) => Some(t),
            _ => None,
        }
    }

    fn on_mail(&mut self, reply: Reply) {
        let lock_step = !self.capabilities.pipelining;
        let Some(t) = self.transaction() else {
            return self.fail(SessionError::UnexpectedReply { reply });
        };
        t.record_mail(reply);
        let next = if lock_step && t.mail_accepted() {
            t.next_rcpt()
        } else {
            None
        };
        self.after_envelope_reply(next);
    }

    fn on_rcpt(&mut self, index: usize, reply: Reply) {
        let lock_step = !self.capabilities.pipelining;
        let Some(t) = self.transaction() else {
            return self.fail(SessionError::UnexpectedReply { reply });
        };
        t.record_rcpt(index, reply);
        let next = if lock_step { t.next_rcpt() } else { None };
        self.after_envelope_reply(next);
    }

    fn after_envelope_reply(&mut self, next: Option<(usize, Command)>) {
        if let Some((index, command)) = next {
            return self.send_command(command, Awaiting::Rcpt(index));
        }
        let Some(t) = self.transaction() else {
            return;
        };
        match t.envelope_outcome() {
            EnvelopeOutcome::Pending => {}
            EnvelopeOutcome::Failed(error) => {
                self.events.push_back(Event::TransactionFailed(error));
                self.reset();
            }
            EnvelopeOutcome::Accepted(report) if report.refused.is_empty() => {
                self.events.push_back(Event::Recipients(report));
                self.start_body();
            }
            EnvelopeOutcome::Accepted(report) => {
                t.step = Step::Decision;
                self.events.push_back(Event::Recipients(report));
            }
        }
    }

    fn start_body(&mut self) {
        let Some(t) = self.transaction() else {
            return;
        };
        if t.use_bdat {
            t.step = Step::Body;
            self.events.push_back(Event::BodyWanted);
        } else {
            t.step = Step::DataCommand;
            self.send_command(Command::Data, Awaiting::Data);
        }
    }

    fn on_data(&mut self, reply: Reply) {
        let Some(t) = self.transaction() else {
            return self.fail(SessionError::UnexpectedReply { reply });
        };
        if reply.code == 354 {
            t.step = Step::Body;
            self.events.push_back(Event::BodyWanted);
        } else {
            self.events
                .push_back(Event::TransactionFailed(TransactionError::DataRefused {
                    reply,
                }));
            self.reset();
        }
    }

    fn on_end_of_data(&mut self, reply: Reply) {
        if reply.is_positive() {
            self.events.push_back(Event::Sent { reply });
            self.ready();
        } else {
            self.events
                .push_back(Event::TransactionFailed(TransactionError::MessageRefused {
                    reply,
                }));
            self.reset();
        }
    }

    fn on_bdat(&mut self, last: bool, reply: Reply) {
        let lock_step = !self.capabilities.pipelining;
        let Some(t) = self.transaction() else {
            return self.fail(SessionError::UnexpectedReply { reply });
        };
        t.bdat_in_flight = t.bdat_in_flight.saturating_sub(1);
        if t.step == Step::Draining {
            if t.bdat_in_flight == 0 {
                self.reset();
            }
            return;
        }
        if !reply.is_positive() {
            // RFC 3030 section 2: the transaction is over; later chunks are answered too.
            t.step = Step::Draining;
            let drained = t.bdat_in_flight == 0;
            self.events
                .push_back(Event::TransactionFailed(TransactionError::MessageRefused {
                    reply,
                }));
            if drained {
                self.reset();
            }
        } else if last {
            self.events.push_back(Event::Sent { reply });
            self.ready();
        } else if lock_step && t.step == Step::Body {
            self.events.push_back(Event::BodyWanted);
        }
    }

    // ----- helpers -----

    fn ready(&mut self) {
        self.phase = Phase::Ready;
        self.events.push_back(Event::Ready);
    }

    fn reset(&mut self) {
        self.phase = Phase::Resetting;
        self.send_command(Command::Rset, Awaiting::Rset);
    }

    fn close(&mut self) {
        self.phase = Phase::Closed;
        self.pending.clear();
        self.events.push_back(Event::Closed);
    }

    /// Fatal, and the connection is not fit for more commands.
    fn fail(&mut self, error: SessionError) {
        self.phase = Phase::Failed;
        self.pending.clear();
        self.output.clear();
        self.events.push_back(Event::Failed(error));
    }

    /// Fatal, but the connection still works: QUIT.
    fn fail_politely(&mut self, error: SessionError) {
        self.pending.clear();
        self.events.push_back(Event::Failed(error));
        self.phase = Phase::Quitting;
        self.send_command(Command::Quit, Awaiting::Quit);
    }

    fn wrong_state(&self, call: &'static str) -> CallError {
        CallError::WrongState {
            call,
            stage: self.stage(),
        }
    }

    fn send_command(&mut self, command: Command, awaiting: Awaiting) {
        self.push_output(command.to_bytes());
        self.expect(awaiting);
    }

    fn expect(&mut self, awaiting: Awaiting) {
        self.pending.push_back(Pending {
            awaiting,
            sent_in: self.outputs_queued,
        });
    }

    fn push_output(&mut self, bytes: Vec<u8>) {
        if !bytes.is_empty() {
            self.output.push_back(bytes);
            self.outputs_queued += 1;
        }
    }
}
