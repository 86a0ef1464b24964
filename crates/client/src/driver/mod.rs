//! The one loop that moves bytes between a [`Session`] and a byte stream.

use std::{collections::VecDeque, sync::Arc};

use base64::{Engine, engine::general_purpose::STANDARD};
use futures_util::{
    FutureExt,
    future::Either,
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
};
use rustls::ClientConfig;
use webimap_proto::{
    sasl::{SaslClient, SaslError},
    session::{
        CommandError, CommandHandle, Event, Interrupt, Io, MalformedError, Options, Session,
    },
    types::{
        command::Command,
        response::{ContinueRequest, Data, StatusResponse},
    },
};

use crate::{
    compress::Deflate,
    error::{ClientError, TlsError},
    stream::MaybeTls,
    tls,
};

const READ_CHUNK: usize = 16 * 1024;

/// What a completed command returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandResponse {
    /// Untagged data that arrived while it ran.
    pub data: Vec<Data>,
    /// Untagged OK/NO/BAD that arrived while it ran (alerts, codes).
    pub statuses: Vec<StatusResponse>,
    /// The tagged OK.
    pub completion: StatusResponse,
}

/// A session bound to a byte stream (`AsyncRead + AsyncWrite`, e.g. a WebSocket or TCP).
#[derive(Debug)]
pub struct Connection<S> {
    stream: MaybeTls<S>,
    session: Session,
    read_buf: Vec<u8>,
    /// Events that concern no running command (new mail, alerts), oldest first.
    unsolicited: VecDeque<Event>,
    /// COMPRESS=DEFLATE state, once active.
    deflate: Option<Deflate>,
    /// Bytes written and read on the stream (after compression, before TLS).
    bytes_sent: u64,
    bytes_received: u64,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    /// Reads the server's greeting on a plain connection.
    pub async fn open(stream: S, options: Options) -> Result<(Self, StatusResponse), ClientError> {
        Self::greet(MaybeTls::Plain(stream), options).await
    }

    /// Runs the TLS handshake for `host` (implicit TLS, port 993), then reads the greeting.
    pub async fn open_tls(
        stream: S,
        host: &str,
        config: Arc<ClientConfig>,
        options: Options,
    ) -> Result<(Self, StatusResponse), ClientError> {
        let tls = tls::handshake(stream, host, config).await?;
        Self::greet(MaybeTls::Tls(Box::new(tls)), options).await
    }

    async fn greet(
        stream: MaybeTls<S>,
        options: Options,
    ) -> Result<(Self, StatusResponse), ClientError> {
        let mut conn = Self {
            stream,
            session: Session::new(options),
            read_buf: vec![0; READ_CHUNK],
            unsolicited: VecDeque::new(),
            deflate: None,
            bytes_sent: 0,
            bytes_received: 0,
        };
        loop {
            match conn.session.next() {
                Ok(Event::Greeting(greeting)) => return Ok((conn, greeting)),
                Ok(other) => conn.unsolicited.push_back(other),
                Err(interrupt) => conn.do_io(interrupt).await?,
            }
        }
    }

    /// Upgrades a plain connection with STARTTLS. Anything the server sent after its OK
    /// and before the handshake is discarded by the session (it could be injected).
    pub async fn starttls(
        &mut self,
        host: &str,
        config: Arc<ClientConfig>,
    ) -> Result<(), ClientError> {
        if self.is_encrypted() {
            return Err(TlsError::AlreadyEncrypted.into());
        }
        self.execute(Command::StartTls).await?;
        self.unsolicited
            .retain(|e| !matches!(e, Event::StartTls { .. }));
        let MaybeTls::Plain(plain) = std::mem::replace(&mut self.stream, MaybeTls::Upgrading)
        else {
            return Err(TlsError::AlreadyEncrypted.into());
        };
        match tls::handshake(plain, host, config).await {
            Ok(tls) => {
                self.stream = MaybeTls::Tls(Box::new(tls));
                Ok(())
            }
            Err(e) => {
                self.session.connection_closed();
                Err(e)
            }
        }
    }

    /// Turns on COMPRESS=DEFLATE (RFC 4978) if the server offers it; returns whether it
    /// is on.
    pub async fn compress(&mut self) -> Result<bool, ClientError> {
        if self.deflate.is_some() {
            return Ok(true);
        }
        if !self.session.capabilities().has("COMPRESS=DEFLATE") {
            return Ok(false);
        }
        self.execute(Command::CompressDeflate).await?;
        self.unsolicited
            .retain(|e| !matches!(e, Event::CompressionStarted { .. }));
        self.deflate = Some(Deflate::new());
        Ok(true)
    }

    /// Whether COMPRESS=DEFLATE is on.
    pub fn is_compressed(&self) -> bool {
        self.deflate.is_some()
    }

    /// Bytes `(sent, received)` on the stream so far (compressed where COMPRESS is on;
    /// TLS adds its own framing below this).
    pub fn bytes_transferred(&self) -> (u64, u64) {
        (self.bytes_sent, self.bytes_received)
    }

    /// Whether the bytes travel inside TLS.
    pub fn is_encrypted(&self) -> bool {
        matches!(self.stream, MaybeTls::Tls(_))
    }

    /// The session (capabilities, state, selected mailbox).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Takes the events that concerned no command.
    pub fn take_unsolicited(&mut self) -> Vec<Event> {
        self.unsolicited.drain(..).collect()
    }

    /// Runs one command to completion.
    pub async fn execute(&mut self, command: Command) -> Result<CommandResponse, ClientError> {
        self.execute_with(command, |_, _, _| Ok(())).await
    }

    /// Runs AUTHENTICATE with a SASL client answering the server's challenges; checks the
    /// mechanism's own verdict (SCRAM: the server's signature) after the OK.
    pub async fn authenticate(
        &mut self,
        command: Command,
        sasl: &mut SaslClient,
    ) -> Result<CommandResponse, ClientError> {
        let response = self
            .execute_with(command, |session, handle, request| {
                let challenge = if request.text.is_empty() || request.text.as_bytes() == b"=" {
                    Vec::new()
                } else {
                    STANDARD
                        .decode(request.text.as_bytes().trim_ascii())
                        .map_err(|_| SaslError::Unexpected("challenge is not base64".into()))?
                };
                match sasl.respond(&challenge) {
                    Ok(response) => {
                        session.send_continuation(handle, &response);
                        Ok(())
                    }
                    Err(e) => {
                        session.cancel_authentication(handle);
                        Err(e)
                    }
                }
            })
            .await?;
        sasl.finish()?;
        Ok(response)
    }

    /// Runs one command; `on_continue` answers the server's `+` requests addressed to it.
    /// An error from `on_continue` is kept and returned once the command completes.
    async fn execute_with(
        &mut self,
        command: Command,
        mut on_continue: impl FnMut(
            &mut Session,
            CommandHandle,
            &ContinueRequest,
        ) -> Result<(), SaslError>,
    ) -> Result<CommandResponse, ClientError> {
        let name = command.name();
        let handle = self.session.enqueue_command(command);
        let mut data = Vec::new();
        let mut statuses = Vec::new();
        let mut continue_error = None;
        let mut limit_error = None;
        loop {
            match self.session.next() {
                Ok(Event::Data {
                    handle: Some(h),
                    data: d,
                }) if h == handle => {
                    // Size changes belong to the mailbox, not to the command they came with:
                    // a mailbox model must see them whatever command was running.
                    if matches!(
                        d,
                        Data::Exists(_) | Data::Expunge(_) | Data::Vanished { earlier: false, .. }
                    ) {
                        self.unsolicited.push_back(Event::Data {
                            handle: None,
                            data: d.clone(),
                        });
                    }
                    data.push(d);
                }
                Ok(Event::Malformed {
                    error: MalformedError::Frame(e),
                    ..
                }) => {
                    // A response over a size limit was dropped; if it was ours, say so.
                    limit_error.get_or_insert(e);
                }
                Ok(Event::Status {
                    handle: Some(h),
                    status,
                }) if h == handle => statuses.push(status),
                Ok(Event::Continue { handle: h, request }) if h == handle => {
                    if let Err(e) = on_continue(&mut self.session, h, &request) {
                        continue_error.get_or_insert(e);
                    }
                }
                Ok(Event::Completed { handle: h, result }) if h == handle => {
                    if let Some(e) = continue_error {
                        return Err(e.into());
                    }
                    if let (Ok(_), Some(e)) = (&result, limit_error) {
                        return Err(ClientError::LimitExceeded(e));
                    }
                    return match result {
                        Ok(completion) => Ok(CommandResponse {
                            data,
                            statuses,
                            completion,
                        }),
                        Err(CommandError::No(status)) => {
                            Err(ClientError::server(name, status, false))
                        }
                        Err(CommandError::Bad(status)) => {
                            Err(ClientError::server(name, status, true))
                        }
                        Err(CommandError::ConnectionLost) => Err(ClientError::Closed),
                    };
                }
                Ok(other) => self.unsolicited.push_back(other),
                Err(interrupt) => self.do_io(interrupt).await?,
            }
        }
    }

    /// Takes the untagged data that concerned no command (and copies of mailbox size
    /// changes), oldest first; other unsolicited events stay queued.
    pub fn take_unsolicited_data(&mut self) -> Vec<Data> {
        let mut data = Vec::new();
        self.unsolicited.retain(|e| match e {
            Event::Data { data: d, .. } => {
                data.push(d.clone());
                false
            }
            _ => true,
        });
        data
    }

    /// Runs IDLE until `stop` completes (then sends DONE) or the server ends it; every
    /// untagged data item received meanwhile goes to `on_data` as it arrives, which
    /// returns true to end IDLE early (e.g. to look up new messages). Once the IDLE is to
    /// end, the server has until the future made by `answer_deadline` completes to end it;
    /// then the connection counts as dead ([`ClientError::Timeout`]).
    pub async fn idle<F: Future<Output = ()>, D: Future<Output = ()>>(
        &mut self,
        stop: F,
        answer_deadline: impl FnOnce() -> D,
        mut on_data: impl FnMut(Data) -> bool,
    ) -> Result<(), ClientError> {
        let handle = self.session.enqueue_command(Command::Idle);
        let stop = stop.fuse();
        futures_util::pin_mut!(stop);
        let mut answer_deadline = Some(answer_deadline);
        let mut deadline = None;
        let mut idling = false;
        let mut stop_requested = false;
        loop {
            match self.session.next() {
                Ok(Event::Data { data, .. }) => {
                    if on_data(data) && !stop_requested {
                        stop_requested = true;
                        if idling {
                            self.session.idle_done(handle);
                        }
                    }
                }
                Ok(Event::Continue { handle: h, .. }) if h == handle => {
                    idling = true;
                    if stop_requested {
                        self.session.idle_done(handle);
                    }
                }
                Ok(Event::Completed { handle: h, result }) if h == handle => {
                    return match result {
                        Ok(_) => Ok(()),
                        Err(CommandError::No(status)) => {
                            Err(ClientError::server("IDLE", status, false))
                        }
                        Err(CommandError::Bad(status)) => {
                            Err(ClientError::server("IDLE", status, true))
                        }
                        Err(CommandError::ConnectionLost) => Err(ClientError::Closed),
                    };
                }
                Ok(other) => self.unsolicited.push_back(other),
                Err(Interrupt::Io(Io::NeedMoreInput)) => {
                    if let Some(d) = &mut self.deflate {
                        let out = d.inflate_next()?;
                        if !out.is_empty() {
                            self.session.enqueue_input(&out);
                            continue;
                        }
                    }
                    // Until the IDLE is to end, reading waits for `stop`; after, for the
                    // deadline of the server's answer.
                    if stop_requested && deadline.is_none() {
                        deadline = answer_deadline.take().map(|make| Box::pin(make()));
                    }
                    let wake = match (&mut deadline, stop_requested) {
                        (Some(timer), true) => Either::Left(timer.as_mut()),
                        // A fused `stop` that completed stays pending.
                        _ => Either::Right(stop.as_mut()),
                    };
                    let outcome = {
                        let read = self.stream.read(&mut self.read_buf);
                        futures_util::future::select(read, wake).await
                    };
                    match outcome {
                        Either::Left((Ok(0), _)) => self.session.connection_closed(),
                        Either::Left((Ok(n), _)) => self.received(n)?,
                        Either::Left((Err(e), _)) => {
                            self.session.connection_closed();
                            return Err(e.into());
                        }
                        Either::Right(((), _)) if stop_requested => {
                            self.session.connection_closed();
                            return Err(ClientError::Timeout);
                        }
                        Either::Right(((), _)) => {
                            stop_requested = true;
                            if idling {
                                self.session.idle_done(handle);
                            }
                        }
                    }
                }
                Err(interrupt) => self.do_io(interrupt).await?,
            }
        }
    }

    /// `n` bytes arrived in the read buffer: inflate (metered) or pass on.
    fn received(&mut self, n: usize) -> Result<(), ClientError> {
        self.bytes_received += n as u64;
        match &mut self.deflate {
            Some(d) => {
                d.push(&self.read_buf[..n]);
                let out = d.inflate_next()?;
                self.session.enqueue_input(&out);
            }
            None => self.session.enqueue_input(&self.read_buf[..n]),
        }
        Ok(())
    }

    async fn do_io(&mut self, interrupt: Interrupt) -> Result<(), ClientError> {
        match interrupt {
            Interrupt::Io(Io::Output(bytes)) => {
                let bytes = match &mut self.deflate {
                    Some(d) => d.deflate(&bytes)?,
                    None => bytes,
                };
                self.bytes_sent += bytes.len() as u64;
                let written = async {
                    self.stream.write_all(&bytes).await?;
                    self.stream.flush().await
                }
                .await;
                if let Err(e) = written {
                    self.session.connection_closed();
                    return Err(e.into());
                }
            }
            Interrupt::Io(Io::NeedMoreInput) => {
                if let Some(d) = &mut self.deflate {
                    let out = d.inflate_next()?;
                    if !out.is_empty() {
                        self.session.enqueue_input(&out);
                        return Ok(());
                    }
                }
                match self.stream.read(&mut self.read_buf).await {
                    Ok(0) => self.session.connection_closed(),
                    Ok(n) => self.received(n)?,
                    Err(e) => {
                        self.session.connection_closed();
                        return Err(e.into());
                    }
                }
            }
            Interrupt::Error(e) => return Err(e.into()),
        }
        Ok(())
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests;
