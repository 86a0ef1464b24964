//! A scripted IMAP server on an in-memory byte stream, for unit tests of the paths a real
//! server cannot be made to take on demand (a server that never answers DONE, a
//! connection closed mid-literal, data arriving during another command).

use std::{
    collections::VecDeque,
    io,
    pin::Pin,
    sync::{Arc, Mutex},
    task::{Context, Poll, Waker},
};

use futures_channel::oneshot;
use futures_util::io::{AsyncRead, AsyncWrite};

/// One step of the server's part.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send these bytes (`{tag}` is replaced by the last command's tag).
    Send(&'static str),
    /// Wait for a line from the client containing the text; then go on.
    Expect(&'static str),
    /// Tell the test that the script got here.
    Signal(oneshot::Sender<()>),
    /// Close the connection (after what was sent is read).
    Close,
}

#[derive(Debug, Default)]
struct State {
    steps: VecDeque<Step>,
    to_client: VecDeque<u8>,
    line: Vec<u8>,
    /// Every line the client sent.
    received: Vec<String>,
    last_tag: String,
    closed: bool,
    reader: Option<Waker>,
}

impl State {
    /// Runs the steps that need no input.
    fn advance(&mut self) {
        while let Some(step) = self.steps.front() {
            match step {
                Step::Expect(_) => return,
                Step::Send(text) => {
                    let text = text.replace("{tag}", &self.last_tag);
                    self.to_client.extend(text.as_bytes());
                }
                Step::Close => self.closed = true,
                Step::Signal(_) => {}
            }
            if let Some(Step::Signal(tx)) = self.steps.pop_front() {
                let _ = tx.send(());
            }
        }
    }

    fn line_received(&mut self, line: String) {
        if let Some(tag) = line.split(' ').next()
            && line != "DONE"
            && !line.starts_with('+')
        {
            self.last_tag = tag.to_string();
        }
        if let Some(Step::Expect(text)) = self.steps.front()
            && line.contains(text)
        {
            self.steps.pop_front();
            self.advance();
        }
        self.received.push(line);
    }
}

/// The client's end of the stream; the test keeps a [`Script`] handle to look in.
#[derive(Debug, Clone)]
pub(crate) struct Scripted {
    state: Arc<Mutex<State>>,
}

impl Scripted {
    /// A server that plays `steps`.
    pub(crate) fn new(steps: Vec<Step>) -> Self {
        let mut state = State {
            steps: steps.into(),
            ..State::default()
        };
        state.advance();
        Self {
            state: Arc::new(Mutex::new(state)),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("test state")
    }

    /// The lines the client sent so far.
    pub(crate) fn received(&self) -> Vec<String> {
        self.state().received.clone()
    }

    /// Whether every step was played.
    pub(crate) fn finished(&self) -> bool {
        self.state().steps.is_empty()
    }
}

impl AsyncRead for Scripted {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut state = self.state();
        if state.to_client.is_empty() {
            if state.closed {
                return Poll::Ready(Ok(0));
            }
            state.reader = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let n = buf.len().min(state.to_client.len());
        for (slot, byte) in buf.iter_mut().zip(state.to_client.drain(..n)) {
            *slot = byte;
        }
        Poll::Ready(Ok(n))
    }
}

impl AsyncWrite for Scripted {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut state = self.state();
        if state.closed {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        for &byte in buf {
            state.line.push(byte);
            if state.line.ends_with(b"\r\n") {
                let line = String::from_utf8_lossy(&state.line[..state.line.len() - 2]).into();
                state.line.clear();
                state.line_received(line);
            }
        }
        if let Some(reader) = state.reader.take() {
            reader.wake();
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
