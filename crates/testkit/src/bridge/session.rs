//! One relayed connection: each SMTP command from Dovecot's submission service goes to
//! LMTP, and LMTP's answer comes back, one at a time.

use std::{
    io::{self, Read, Write},
    net::TcpStream,
    os::unix::net::UnixStream,
    path::Path,
    time::Duration,
};

use super::{
    lines::{DataEnd, LineError, LineReader},
    reply::{Reply, ReplyError},
};

/// The longest command line accepted (RFC 5321 allows 512 bytes; parameters can add).
const MAX_COMMAND_LINE: usize = 4096;
/// How long submission may stay silent: longer than Dovecot's submission keeps an idle
/// client (10 minutes), so that an idle session is always ended by Dovecot, not here.
const SMTP_IDLE: Duration = Duration::from_secs(15 * 60);
/// How long LMTP may take to answer one command, and either side to take bytes.
const LMTP_ANSWER: Duration = Duration::from_secs(60);

/// Why a relayed connection ended early.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SessionError {
    #[error("connecting to LMTP at {path}: {source}")]
    Connect { path: String, source: io::Error },
    #[error("from submission: {0}")]
    Smtp(LineError),
    #[error("from LMTP: {0}")]
    Lmtp(#[from] ReplyError),
    #[error("sending to LMTP during DATA: {0}")]
    LmtpData(LineError),
    #[error("writing: {0}")]
    Write(#[from] io::Error),
}

/// Relays one SMTP connection to a fresh LMTP connection until QUIT or either side
/// closes. Every problem is answered on the SMTP side (421 or 500) before returning it.
/// `opened` sees the LMTP connection first (so that it can be shut down from outside).
pub(crate) fn relay(
    smtp: TcpStream,
    lmtp_socket: &Path,
    opened: impl FnOnce(&UnixStream),
) -> Result<(), SessionError> {
    smtp.set_read_timeout(Some(SMTP_IDLE))?;
    smtp.set_write_timeout(Some(LMTP_ANSWER))?;
    let mut smtp = LineReader::new(smtp);
    let lmtp = match UnixStream::connect(lmtp_socket) {
        Ok(stream) => stream,
        Err(source) => {
            let answer = Reply::new(421, "4.3.0 the LMTP server cannot be reached");
            let _ = smtp.get_mut().write_all(&answer.to_bytes());
            return Err(SessionError::Connect {
                path: lmtp_socket.display().to_string(),
                source,
            });
        }
    };
    opened(&lmtp);
    lmtp.set_read_timeout(Some(LMTP_ANSWER))?;
    lmtp.set_write_timeout(Some(LMTP_ANSWER))?;
    serve(&mut smtp, lmtp)
}

/// Relays until QUIT or a close; a failure is also told to submission (as a 500 for an
/// overlong line, a 421 when LMTP broke off).
fn serve<S: Read + Write, L: Read + Write>(
    smtp: &mut LineReader<S>,
    lmtp: L,
) -> Result<(), SessionError> {
    let result = Relay {
        smtp: &mut *smtp,
        lmtp: LineReader::new(lmtp),
        accepted: 0,
    }
    .run();
    let answer = match &result {
        Err(SessionError::Smtp(LineError::TooLong(max))) => Some(Reply::new(
            500,
            &format!("5.5.2 command lines are limited to {max} bytes"),
        )),
        Err(SessionError::Lmtp(_) | SessionError::LmtpData(_)) => {
            Some(Reply::new(421, "4.4.0 lost the LMTP server"))
        }
        _ => None,
    };
    if let Some(answer) = answer {
        let _ = smtp.get_mut().write_all(&answer.to_bytes());
    }
    result
}

/// Both ends of one relayed connection.
struct Relay<'a, S, L> {
    smtp: &'a mut LineReader<S>,
    lmtp: LineReader<L>,
    /// Recipients LMTP accepted in this transaction: it answers DATA once per each.
    accepted: usize,
}

/// What to do after a command.
enum Next {
    Continue,
    Quit,
}

impl<S: Read + Write, L: Read + Write> Relay<'_, S, L> {
    fn run(mut self) -> Result<(), SessionError> {
        let greeting = Reply::read(&mut self.lmtp)?;
        self.answer(&greeting)?;
        if greeting.code != 220 {
            return Ok(());
        }
        loop {
            let line = match self.smtp.read_line(MAX_COMMAND_LINE) {
                Ok(line) => line,
                Err(LineError::Closed) => return Ok(()),
                Err(error) => return Err(SessionError::Smtp(error)),
            };
            if let Next::Quit = self.command(&line)? {
                return Ok(());
            }
        }
    }

    fn command(&mut self, line: &[u8]) -> Result<Next, SessionError> {
        if line.iter().any(|&b| b == b'\r' || b == 0) {
            self.answer(&Reply::new(500, "5.5.2 bare CR or NUL in a command line"))?;
            return Ok(Next::Continue);
        }
        let text = String::from_utf8_lossy(line);
        let (verb, argument) = text.split_once(' ').unwrap_or((&text, ""));
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" => {
                let reply = self.forward(format!("LHLO {argument}").as_bytes())?;
                self.accepted = 0;
                let answer = match (reply.is_positive(), verb.eq_ignore_ascii_case("EHLO")) {
                    (true, true) => reply.as_ehlo_answer(),
                    (true, false) => Reply {
                        code: reply.code,
                        lines: reply.lines.into_iter().take(1).collect(),
                    },
                    (false, _) => reply,
                };
                self.answer(&answer)?;
            }
            "MAIL" | "RSET" => {
                let reply = self.forward(line)?;
                if reply.is_positive() {
                    self.accepted = 0;
                }
                self.answer(&reply)?;
            }
            "RCPT" => {
                let reply = self.forward(line)?;
                if reply.is_positive() {
                    self.accepted += 1;
                }
                self.answer(&reply)?;
            }
            "DATA" => {
                let reply = self.forward(line)?;
                self.answer(&reply)?;
                if reply.code == 354 {
                    self.upload()?;
                }
            }
            "NOOP" | "VRFY" => {
                let reply = self.forward(line)?;
                self.answer(&reply)?;
            }
            "QUIT" => {
                let reply = self.forward(line)?;
                self.answer(&reply)?;
                return Ok(Next::Quit);
            }
            _ => {
                let verb: String = verb.chars().take(16).collect();
                let text = format!("5.5.1 {verb} is not relayed by the testkit's SMTP-LMTP bridge");
                self.answer(&Reply::new(502, &text))?;
            }
        }
        Ok(Next::Continue)
    }

    /// Copies the message to LMTP up to and including the final `.` line, unchanged
    /// (both protocols dot-stuff the same way), then answers with LMTP's verdict.
    fn upload(&mut self) -> Result<(), SessionError> {
        let mut end = DataEnd::LineStart;
        loop {
            let chunk = self.smtp.read_chunk().map_err(SessionError::Smtp)?;
            let used = end.feed(&chunk);
            let upload = &chunk[..used.unwrap_or(chunk.len())];
            self.lmtp
                .get_mut()
                .write_all(upload)
                .map_err(|error| SessionError::LmtpData(LineError::Io(error)))?;
            if let Some(used) = used {
                self.smtp.unread(&chunk[used..]);
                break;
            }
        }
        let mut replies = Vec::new();
        for _ in 0..self.accepted.max(1) {
            replies.push(Reply::read(&mut self.lmtp)?);
        }
        self.accepted = 0;
        let verdict = Reply::combine(replies)
            .unwrap_or_else(|| Reply::new(451, "4.3.0 LMTP gave no answer to the message"));
        self.answer(&verdict)
    }

    /// Sends one command line to LMTP and reads its reply.
    fn forward(&mut self, line: &[u8]) -> Result<Reply, SessionError> {
        let stream = self.lmtp.get_mut();
        stream.write_all(line)?;
        stream.write_all(b"\r\n")?;
        Ok(Reply::read(&mut self.lmtp)?)
    }

    fn answer(&mut self, reply: &Reply) -> Result<(), SessionError> {
        self.smtp.get_mut().write_all(&reply.to_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    /// A scripted peer: reads come from `input`, writes are recorded.
    struct Peer {
        input: Cursor<Vec<u8>>,
        written: Vec<u8>,
    }

    impl Peer {
        fn new(input: &[u8]) -> Self {
            Self {
                input: Cursor::new(input.to_vec()),
                written: Vec::new(),
            }
        }
    }

    impl Read for Peer {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Peer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Runs the relay between a scripted submission and a scripted LMTP server; returns
    /// what each was sent.
    fn run(smtp: &[u8], lmtp: &[u8]) -> (Result<(), SessionError>, String, String) {
        let mut smtp_peer = Peer::new(smtp);
        let mut lmtp_peer = Peer::new(lmtp);
        let result = serve(&mut LineReader::new(&mut smtp_peer), &mut lmtp_peer);
        let to_smtp = String::from_utf8_lossy(&smtp_peer.written).into_owned();
        let to_lmtp = String::from_utf8_lossy(&lmtp_peer.written).into_owned();
        (result, to_smtp, to_lmtp)
    }

    #[test]
    fn a_transaction_is_relayed_with_one_data_answer_per_recipient_combined() {
        let smtp = b"EHLO submit.test\r\nMAIL FROM:<a@x> SIZE=40\r\nRCPT TO:<a@x>\r\n\
            RCPT TO:<nobody@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nSubject: s\r\n\r\n..dot\r\n.\r\n\
            QUIT\r\n";
        let lmtp = b"220 lmtp ready\r\n250-lmtp\r\n250-PIPELINING\r\n250-8BITMIME\r\n\
            250 SIZE 500\r\n250 2.1.0 OK\r\n250 2.1.5 OK\r\n\
            550 5.1.1 <nobody@x> User doesn't exist: nobody@x\r\n250 2.1.5 OK\r\n\
            354 OK\r\n250 2.0.0 <a@x> Saved\r\n250 2.0.0 <b@x> Saved\r\n221 2.0.0 Bye\r\n";
        let (result, to_smtp, to_lmtp) = run(smtp, lmtp);
        result.expect("relayed");
        assert_eq!(
            to_lmtp,
            "LHLO submit.test\r\nMAIL FROM:<a@x> SIZE=40\r\nRCPT TO:<a@x>\r\n\
             RCPT TO:<nobody@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nSubject: s\r\n\r\n..dot\r\n.\r\n\
             QUIT\r\n"
        );
        assert_eq!(
            to_smtp,
            "220 lmtp ready\r\n250-lmtp\r\n250-8BITMIME\r\n250 SIZE 500\r\n250 2.1.0 OK\r\n\
             250 2.1.5 OK\r\n550 5.1.1 <nobody@x> User doesn't exist: nobody@x\r\n\
             250 2.1.5 OK\r\n354 OK\r\n250 2.0.0 <a@x> Saved\r\n221 2.0.0 Bye\r\n"
        );
    }

    #[test]
    fn a_failed_delivery_at_data_time_is_the_answer() {
        let smtp = b"EHLO s\r\nMAIL FROM:<a@x>\r\nRCPT TO:<a@x>\r\nDATA\r\nbody\r\n.\r\n";
        let lmtp = b"220 ok\r\n250 lmtp\r\n250 ok\r\n250 ok\r\n354 go\r\n\
            552 5.2.2 <a@x> Quota exceeded\r\n";
        let (result, to_smtp, _) = run(smtp, lmtp);
        result.expect("relayed");
        assert!(
            to_smtp.ends_with("354 go\r\n552 5.2.2 <a@x> Quota exceeded\r\n"),
            "{to_smtp}"
        );
    }

    #[test]
    fn unrelayed_commands_and_bad_lines_are_refused_here() {
        let smtp = b"HELO s\r\nSTARTTLS\r\nBDAT 10 LAST\r\nNOOP\rX\r\nQUIT\r\n";
        let lmtp = b"220 ok\r\n250-lmtp\r\n250 8BITMIME\r\n221 bye\r\n";
        let (result, to_smtp, to_lmtp) = run(smtp, lmtp);
        result.expect("relayed");
        assert_eq!(to_lmtp, "LHLO s\r\nQUIT\r\n");
        assert_eq!(
            to_smtp,
            "220 ok\r\n250 lmtp\r\n\
             502 5.5.1 STARTTLS is not relayed by the testkit's SMTP-LMTP bridge\r\n\
             502 5.5.1 BDAT is not relayed by the testkit's SMTP-LMTP bridge\r\n\
             500 5.5.2 bare CR or NUL in a command line\r\n221 bye\r\n"
        );
    }

    #[test]
    fn an_lmtp_server_that_breaks_off_is_an_error_not_a_hang() {
        let (result, to_smtp, _) = run(b"EHLO s\r\n", b"220 ok\r\n250-lmtp\r\n");
        assert!(matches!(result, Err(SessionError::Lmtp(_))), "{result:?}");
        assert_eq!(to_smtp, "220 ok\r\n421 4.4.0 lost the LMTP server\r\n");
        let (result, _, _) = run(b"EHLO s\r\n", b"220 ok\r\nnonsense\r\n");
        assert!(matches!(
            result,
            Err(SessionError::Lmtp(ReplyError::Malformed(_)))
        ));
        let (result, to_smtp, _) = run(&[b'A'; 10_000], b"220 ok\r\n");
        assert!(matches!(
            result,
            Err(SessionError::Smtp(LineError::TooLong(_)))
        ));
        assert!(to_smtp.ends_with("500 5.5.2 command lines are limited to 4096 bytes\r\n"));
    }
}
