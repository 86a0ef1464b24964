//! The client session: a state machine between a byte stream and typed events.
//!
//! Methods come in three kinds:
//! - inputs: [`Session::enqueue_input`] (bytes from the server),
//!   [`Session::connection_closed`];
//! - commands: [`Session::enqueue_command`] returns a [`CommandHandle`];
//! - output: [`Session::next`], called in a loop until it returns
//!   `Err(Interrupt::Io(Io::NeedMoreInput))`. It yields events, bytes to send, or an error.
//!
//! Every enqueued command gets exactly one [`Event::Completed`]: OK, NO, BAD, or
//! [`CommandError::ConnectionLost`] when the connection ends first. Commands are pipelined;
//! a synchronising literal holds back all later bytes until the server's `+`.

mod event;
mod mailbox;

use std::collections::VecDeque;

use base64::Engine;

pub use event::{CommandError, CommandHandle, Event, Interrupt, Io, MalformedError, SessionError};
pub use mailbox::SelectedMailbox;

use crate::{
    codec::{
        decode::{DEFAULT_MAX_DEPTH, decode_frame},
        encode::{EncodeOptions, Fragment, encode_command},
    },
    frame::{Frame, FrameLimits, Framer},
    secret::Secret,
    types::{
        command::Command,
        core::{Capabilities, Capability, Tag, Text},
        response::{Code, Data, Response, StatusKind, StatusResponse},
    },
};

/// Session settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Size limits per response.
    pub frame_limits: FrameLimits,
    /// Nesting limit (BODYSTRUCTURE and other lists).
    pub max_depth: usize,
    /// The connection will be upgraded with STARTTLS before authenticating: a PREAUTH
    /// greeting is then an error (it would skip TLS).
    pub starttls_required: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            frame_limits: FrameLimits::default(),
            max_depth: DEFAULT_MAX_DEPTH,
            starttls_required: false,
        }
    }
}

/// Where the connection is in the IMAP state diagram (RFC 3501 section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Waiting for the greeting.
    Greeting,
    /// Connected, not logged in.
    NotAuthenticated,
    /// Logged in, no mailbox selected.
    Authenticated,
    /// A mailbox is selected.
    Selected,
    /// Logged out, or the connection ended.
    Logout,
}

#[derive(Debug)]
struct Outgoing {
    handle: CommandHandle,
    tag: Tag,
    kind: CommandKind,
    fragments: VecDeque<Fragment>,
    started: bool,
}

#[derive(Debug)]
struct InFlight {
    handle: CommandHandle,
    tag: Tag,
    kind: CommandKind,
}

/// What a command's completion changes in the session.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CommandKind {
    Login,
    Authenticate,
    Select(SelectedMailbox),
    CloseMailbox,
    Logout,
    StartTls,
    Compress,
    Idle { done_sent: bool },
    Other,
}

impl CommandKind {
    /// Commands after which nothing may be sent until they complete: the connection
    /// changes (STARTTLS, COMPRESS) or the server owns it (IDLE, AUTHENTICATE exchanges).
    fn is_exclusive(&self) -> bool {
        matches!(
            self,
            CommandKind::StartTls
                | CommandKind::Compress
                | CommandKind::Idle { .. }
                | CommandKind::Authenticate
        )
    }

    /// Commands that take `+` continuation requests themselves.
    fn takes_continuations(&self) -> bool {
        matches!(self, CommandKind::Authenticate | CommandKind::Idle { .. })
    }
}

/// An IMAP client session (sans I/O).
#[derive(Debug)]
pub struct Session {
    options: Options,
    framer: Framer,
    state: State,
    capabilities: Capabilities,
    next_handle: u64,
    next_tag: u64,
    outgoing: VecDeque<Outgoing>,
    /// Sent (at least partly), waiting for completion; oldest first.
    in_flight: Vec<InFlight>,
    /// A command waits for `+` before sending its next literal.
    awaiting_continuation: bool,
    output: Vec<u8>,
    events: VecDeque<Event>,
    selected: Option<SelectedMailbox>,
    /// Capabilities turned on with ENABLE (the server's ENABLED answer).
    enabled: Vec<Capability>,
}

impl Session {
    /// A session on a fresh connection, before the greeting.
    pub fn new(options: Options) -> Self {
        Self {
            framer: Framer::new(options.frame_limits),
            options,
            state: State::Greeting,
            capabilities: Capabilities::default(),
            next_handle: 1,
            next_tag: 1,
            outgoing: VecDeque::new(),
            in_flight: Vec::new(),
            awaiting_continuation: false,
            output: Vec::new(),
            events: VecDeque::new(),
            selected: None,
            enabled: Vec::new(),
        }
    }

    /// Whether the server confirmed `ENABLE name` (case-insensitive).
    pub fn is_enabled(&self, name: &str) -> bool {
        self.enabled.iter().any(|c| c.is(name))
    }

    fn utf8_enabled(&self) -> bool {
        self.is_enabled("UTF8=ACCEPT") || self.is_enabled("IMAP4rev2")
    }

    /// Answers a continuation request of a running AUTHENTICATE with SASL data (sent
    /// base64-encoded). Returns false if `handle` is not an AUTHENTICATE in flight.
    pub fn send_continuation(&mut self, handle: CommandHandle, data: &Secret<Vec<u8>>) -> bool {
        if !self
            .in_flight
            .iter()
            .any(|c| c.handle == handle && c.kind == CommandKind::Authenticate)
        {
            return false;
        }
        self.output.extend_from_slice(
            base64::engine::general_purpose::STANDARD
                .encode(data.expose())
                .as_bytes(),
        );
        self.output.extend_from_slice(b"\r\n");
        true
    }

    /// Cancels a running AUTHENTICATE (`*`); the server then answers BAD.
    pub fn cancel_authentication(&mut self, handle: CommandHandle) -> bool {
        if !self
            .in_flight
            .iter()
            .any(|c| c.handle == handle && c.kind == CommandKind::Authenticate)
        {
            return false;
        }
        self.output.extend_from_slice(b"*\r\n");
        true
    }

    /// Ends a running IDLE (`DONE`); its completion follows. Returns false if `handle` is
    /// not an IDLE in flight or DONE was already sent.
    pub fn idle_done(&mut self, handle: CommandHandle) -> bool {
        for c in &mut self.in_flight {
            if c.handle == handle
                && let CommandKind::Idle { done_sent } = &mut c.kind
            {
                if *done_sent {
                    return false;
                }
                *done_sent = true;
                self.output.extend_from_slice(b"DONE\r\n");
                return true;
            }
        }
        false
    }

    /// The connection state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The server's capabilities as last reported.
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// The selected mailbox, if any.
    pub fn selected(&self) -> Option<&SelectedMailbox> {
        self.selected.as_ref()
    }

    /// Commands enqueued or sent but not completed.
    pub fn pending_commands(&self) -> usize {
        self.outgoing.iter().filter(|o| !o.started).count() + self.in_flight.len()
    }

    /// Queues a command; its bytes come out of [`Session::next`].
    pub fn enqueue_command(&mut self, command: Command) -> CommandHandle {
        let handle = CommandHandle(self.next_handle);
        self.next_handle += 1;
        if self.state == State::Logout {
            self.events.push_back(Event::Completed {
                handle,
                result: Err(CommandError::ConnectionLost),
            });
            return handle;
        }
        let tag = Tag::from_parsed(format!("W{}", self.next_tag).as_bytes());
        self.next_tag += 1;
        let kind = match &command {
            Command::Login { .. } => CommandKind::Login,
            Command::Authenticate { .. } => CommandKind::Authenticate,
            Command::Select { mailbox, .. } => {
                CommandKind::Select(SelectedMailbox::new(mailbox.clone(), false))
            }
            Command::Examine { mailbox, .. } => {
                CommandKind::Select(SelectedMailbox::new(mailbox.clone(), true))
            }
            Command::Close | Command::Unselect => CommandKind::CloseMailbox,
            Command::Logout => CommandKind::Logout,
            Command::StartTls => CommandKind::StartTls,
            Command::CompressDeflate => CommandKind::Compress,
            Command::Idle => CommandKind::Idle { done_sent: false },
            _ => CommandKind::Other,
        };
        let options = EncodeOptions::from_capabilities(&self.capabilities, self.utf8_enabled());
        let fragments = encode_command(&tag, &command, &options).into();
        self.outgoing.push_back(Outgoing {
            handle,
            tag,
            kind,
            fragments,
            started: false,
        });
        handle
    }

    /// Adds bytes received from the server.
    pub fn enqueue_input(&mut self, bytes: &[u8]) {
        self.framer.push(bytes);
    }

    /// The connection ended: every command not yet completed fails with
    /// [`CommandError::ConnectionLost`].
    pub fn connection_closed(&mut self) {
        self.state = State::Logout;
        self.selected = None;
        let handles: Vec<CommandHandle> = self
            .in_flight
            .drain(..)
            .map(|c| c.handle)
            .chain(
                self.outgoing
                    .drain(..)
                    .filter(|o| !o.started)
                    .map(|o| o.handle),
            )
            .collect();
        for handle in handles {
            self.events.push_back(Event::Completed {
                handle,
                result: Err(CommandError::ConnectionLost),
            });
        }
        self.awaiting_continuation = false;
    }

    /// The next event, or what the driver must do first.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Event, Interrupt> {
        loop {
            if let Some(event) = self.events.pop_front() {
                return Ok(event);
            }
            self.move_fragments_to_output();
            if !self.output.is_empty() {
                return Err(Interrupt::Io(Io::Output(std::mem::take(&mut self.output))));
            }
            match self.framer.next_frame() {
                Some(Ok(frame)) => self.handle_frame(frame)?,
                Some(Err(error)) => self.events.push_back(Event::Malformed {
                    error: error.into(),
                    raw: Secret::new(Vec::new()),
                }),
                None => {
                    return Err(
                        if self.state == State::Logout
                            && self.in_flight.is_empty()
                            && self.outgoing.is_empty()
                        {
                            Interrupt::Error(SessionError::Closed)
                        } else {
                            Interrupt::Io(Io::NeedMoreInput)
                        },
                    );
                }
            }
        }
    }

    fn move_fragments_to_output(&mut self) {
        let exclusive_in_flight = self.in_flight.iter().any(|c| c.kind.is_exclusive());
        if self.state == State::Greeting || self.awaiting_continuation || exclusive_in_flight {
            return;
        }
        while let Some(front) = self.outgoing.front_mut() {
            if !front.started {
                front.started = true;
                self.in_flight.push(InFlight {
                    handle: front.handle,
                    tag: front.tag.clone(),
                    kind: front.kind.clone(),
                });
            }
            while let Some(fragment) = front.fragments.pop_front() {
                match fragment {
                    Fragment::Literal { data, .. } => self.output.extend_from_slice(&data),
                    Fragment::Line { data } => {
                        self.output.extend_from_slice(&data);
                        if matches!(
                            front.fragments.front(),
                            Some(Fragment::Literal { sync: true, .. })
                        ) {
                            self.awaiting_continuation = true;
                            return;
                        }
                    }
                }
            }
            self.outgoing.pop_front();
            if self.in_flight.last().is_some_and(|c| c.kind.is_exclusive()) {
                return;
            }
        }
    }

    fn handle_frame(&mut self, mut frame: Frame) -> Result<(), Interrupt> {
        let response = match decode_frame(&mut frame, self.options.max_depth) {
            Ok(r) => r,
            Err(error) => {
                let bytes = frame.into_bytes();
                if let Some(status) = self.salvage_tagged(&bytes) {
                    return self.handle_response(Response::Status(status));
                }
                self.events.push_back(Event::Malformed {
                    error: error.into(),
                    raw: Secret::new(bytes),
                });
                return Ok(());
            }
        };
        self.handle_response(response)
    }

    /// A tagged line that does not parse still completes its command (as BAD, unless it
    /// plainly says OK or NO), so that no command hangs.
    fn salvage_tagged(&self, bytes: &[u8]) -> Option<StatusResponse> {
        let line = bytes.split(|&b| b == b'\n').next()?;
        let (tag, rest) = line.split_at(line.iter().position(|&b| b == b' ')?);
        let command = self
            .in_flight
            .iter()
            .find(|c| c.tag.as_str().as_bytes() == tag)?;
        let rest = rest.trim_ascii();
        let upper = rest.to_ascii_uppercase();
        let kind = if upper.starts_with(b"OK") {
            StatusKind::Ok
        } else if upper.starts_with(b"NO") {
            StatusKind::No
        } else {
            StatusKind::Bad
        };
        Some(StatusResponse {
            tag: Some(command.tag.clone()),
            kind,
            code: None,
            text: Text::new(rest),
        })
    }

    fn oldest_in_flight(&self) -> Option<CommandHandle> {
        self.in_flight.first().map(|c| c.handle)
    }

    fn selecting(&mut self) -> Option<&mut SelectedMailbox> {
        self.in_flight.iter_mut().find_map(|c| match &mut c.kind {
            CommandKind::Select(m) => Some(m),
            _ => None,
        })
    }

    fn apply_code(&mut self, code: &Code) {
        if let Code::Capability(caps) = code {
            self.capabilities = Capabilities::new(caps.clone());
        }
        if let Some(m) = self.selecting() {
            m.apply_code(code);
        } else if let Some(m) = &mut self.selected {
            m.apply_code(code);
        }
    }

    fn handle_response(&mut self, response: Response) -> Result<(), Interrupt> {
        if self.state == State::Greeting {
            return self.handle_greeting(response);
        }
        match response {
            Response::Continue(request) => {
                if self.awaiting_continuation {
                    self.awaiting_continuation = false;
                } else if let Some(c) = self.in_flight.iter().find(|c| c.kind.takes_continuations())
                {
                    self.events.push_back(Event::Continue {
                        handle: c.handle,
                        request,
                    });
                }
                // Otherwise nobody asked: a stray `+` is ignored.
            }
            Response::Data(data) => {
                match &data {
                    Data::Capability(caps) => self.capabilities = Capabilities::new(caps.clone()),
                    Data::Enabled(caps) => self.enabled.extend(caps.iter().cloned()),
                    _ => {
                        if let Some(m) = self.selecting() {
                            m.apply_data(&data);
                        } else if let Some(m) = &mut self.selected {
                            m.apply_data(&data);
                        }
                    }
                }
                let handle = self.oldest_in_flight();
                self.events.push_back(Event::Data { handle, data });
            }
            Response::Status(status) => match &status.tag {
                None => {
                    if let Some(code) = &status.code {
                        self.apply_code(code);
                    }
                    if status.kind == StatusKind::Bye {
                        self.state = State::Logout;
                        self.events.push_back(Event::Bye(status));
                    } else {
                        let handle = self.oldest_in_flight();
                        self.events.push_back(Event::Status { handle, status });
                    }
                }
                Some(tag) => self.complete(tag.clone(), status),
            },
        }
        Ok(())
    }

    fn handle_greeting(&mut self, response: Response) -> Result<(), Interrupt> {
        let Response::Status(status) = response else {
            return Err(Interrupt::Error(SessionError::NoGreeting));
        };
        if status.tag.is_some() {
            return Err(Interrupt::Error(SessionError::NoGreeting));
        }
        if let Some(Code::Capability(caps)) = &status.code {
            self.capabilities = Capabilities::new(caps.clone());
        }
        self.state = match status.kind {
            StatusKind::Ok => State::NotAuthenticated,
            StatusKind::PreAuth if self.options.starttls_required => {
                self.state = State::Logout;
                return Err(Interrupt::Error(SessionError::PreAuthWithoutTls));
            }
            StatusKind::PreAuth => State::Authenticated,
            StatusKind::Bye => State::Logout,
            StatusKind::No | StatusKind::Bad => {
                return Err(Interrupt::Error(SessionError::NoGreeting));
            }
        };
        self.events.push_back(Event::Greeting(status));
        if self.state == State::Logout {
            self.connection_closed();
        }
        Ok(())
    }

    fn complete(&mut self, tag: Tag, status: StatusResponse) {
        let Some(pos) = self.in_flight.iter().position(|c| c.tag == tag) else {
            // A tag we never sent: report it, change nothing.
            self.events.push_back(Event::Status {
                handle: None,
                status,
            });
            return;
        };
        let command = self.in_flight.remove(pos);
        if let Some(Code::Capability(caps)) = &status.code {
            self.capabilities = Capabilities::new(caps.clone());
        }
        // A command still sending (its literal was refused) stops sending.
        if let Some(front) = self.outgoing.front()
            && front.handle == command.handle
        {
            self.outgoing.pop_front();
            self.awaiting_continuation = false;
        }
        let ok = status.kind == StatusKind::Ok;
        match command.kind {
            CommandKind::Login | CommandKind::Authenticate if ok => {
                self.state = State::Authenticated
            }
            CommandKind::CloseMailbox if ok => {
                self.selected = None;
                self.state = State::Authenticated;
            }
            CommandKind::Compress if ok => {
                // Bytes after the OK are compressed; none are expected before the next
                // command (the server answers commands), so any are dropped and counted.
                let discarded = self.framer.clear();
                self.events
                    .push_back(Event::CompressionStarted { discarded });
            }
            CommandKind::Select(mut mailbox) => {
                if ok {
                    if let Some(code) = &status.code {
                        mailbox.apply_code(code);
                    }
                    self.selected = Some(mailbox);
                    self.state = State::Selected;
                } else if matches!(self.state, State::Selected) {
                    // A failed SELECT leaves no mailbox selected (RFC 3501 6.3.1).
                    self.selected = None;
                    self.state = State::Authenticated;
                }
            }
            CommandKind::Logout if ok => self.state = State::Logout,
            CommandKind::StartTls if ok => {
                // Nothing learnt before TLS survives it: a man in the middle could have
                // written any of it (RFC 9051 section 6.2.1).
                let discarded = self.framer.clear();
                self.capabilities = Capabilities::default();
                self.enabled.clear();
                self.selected = None;
                self.events.push_back(Event::StartTls { discarded });
            }
            _ => {
                if ok
                    && let Some(m) = &mut self.selected
                    && let Some(code) = &status.code
                {
                    m.apply_code(code);
                }
            }
        }
        let result = match status.kind {
            StatusKind::Ok => Ok(status),
            StatusKind::No => Err(CommandError::No(status)),
            _ => Err(CommandError::Bad(status)),
        };
        self.events.push_back(Event::Completed {
            handle: command.handle,
            result,
        });
    }
}
