//! Drives a session through C:/S: transcripts, the way the RFCs write their examples.
#![allow(dead_code, unreachable_pub)]

use webimap_smtp::{Event, SubmissionSession, session::Options};

/// A session with a scripted server.
#[derive(Debug)]
pub struct Transcript {
    pub session: SubmissionSession,
    events: Vec<Event>,
}

impl Transcript {
    pub fn new(options: Options) -> Self {
        Self {
            session: SubmissionSession::new(options),
            events: Vec::new(),
        }
    }

    /// Runs `script`: `S:` lines are server bytes (CRLF added), fed as one piece per run of
    /// `S:` lines; `C:` lines are what the client must have written since the last check,
    /// exactly. Blank lines and lines starting with `#` are skipped.
    pub fn script(&mut self, script: &str) {
        let mut server = String::new();
        let mut client = String::new();
        for line in script.lines().map(str::trim_start) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(text) = line.strip_prefix("S:") {
                self.check_client(&mut client);
                server.push_str(text.strip_prefix(' ').unwrap_or(text));
                server.push_str("\r\n");
            } else if let Some(text) = line.strip_prefix("C:") {
                self.feed(&mut server);
                client.push_str(text.strip_prefix(' ').unwrap_or(text));
                client.push_str("\r\n");
            } else {
                panic!("transcript line without S: or C: : {line:?}");
            }
        }
        self.check_client(&mut client);
        self.feed(&mut server);
    }

    fn feed(&mut self, server: &mut String) {
        if !server.is_empty() {
            self.server_bytes(server.as_bytes());
            server.clear();
        }
    }

    fn check_client(&mut self, expected: &mut String) {
        if !expected.is_empty() {
            let written = self.written();
            assert_eq!(
                String::from_utf8_lossy(&written),
                expected.as_str(),
                "client output"
            );
            expected.clear();
        }
    }

    /// Feeds raw server bytes and collects the events.
    pub fn server_bytes(&mut self, bytes: &[u8]) {
        self.session.handle_input(bytes);
        self.collect();
    }

    /// Everything the client has to write now.
    pub fn written(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(bytes) = self.session.poll_output() {
            out.extend_from_slice(&bytes);
        }
        self.collect();
        out
    }

    fn collect(&mut self) {
        while let Some(event) = self.session.poll_event() {
            self.events.push(event);
        }
    }

    /// The events since the last call.
    pub fn events(&mut self) -> Vec<Event> {
        self.collect();
        std::mem::take(&mut self.events)
    }

    /// Asserts that no bytes are waiting to be written.
    pub fn assert_quiet(&mut self) {
        let written = self.written();
        assert!(
            written.is_empty(),
            "unexpected output: {:?}",
            String::from_utf8_lossy(&written)
        );
    }
}
