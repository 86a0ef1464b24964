//! Client commands (RFC 5321 section 4.1 and the extensions) and their encoding. Every
//! argument that comes from outside is a validated type ([`Address`], [`ClientName`]) or
//! a number, so a command line is always one line.

use base64::{Engine, engine::general_purpose::STANDARD};
use webimap_proto::Secret;

use crate::address::{Address, ClientName};

/// MAIL FROM parameters (RFC 1870 SIZE, RFC 6152 BODY, RFC 6531 SMTPUTF8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MailParameters {
    /// `SIZE=n`: the message size in bytes, sent whenever the server offers SIZE.
    pub size: Option<u64>,
    /// `BODY=8BITMIME`.
    pub eight_bit_mime: bool,
    /// `SMTPUTF8`.
    pub smtputf8: bool,
}

/// One command line (or, for AUTH, one line of the exchange).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `EHLO name`.
    Ehlo(ClientName),
    /// `HELO name`, for servers that do not know EHLO.
    Helo(ClientName),
    /// `STARTTLS` (RFC 3207).
    StartTls,
    /// `AUTH mechanism [initial-response]` (RFC 4954); the response is sent as base64,
    /// `=` when present but empty.
    Auth {
        /// The mechanism name.
        mechanism: &'static str,
        /// The initial response (SASL-IR), raw.
        initial_response: Option<Secret<Vec<u8>>>,
    },
    /// One response line in an AUTH exchange, raw (sent as base64).
    AuthResponse(Secret<Vec<u8>>),
    /// `*`: cancels an AUTH exchange.
    AuthCancel,
    /// `MAIL FROM:<address> params`.
    Mail {
        /// The reverse path.
        from: Address,
        /// Parameters.
        parameters: MailParameters,
    },
    /// `RCPT TO:<address>`.
    Rcpt(Address),
    /// `DATA`.
    Data,
    /// `BDAT size [LAST]` (RFC 3030); the chunk's bytes follow the line.
    Bdat {
        /// Bytes in the chunk.
        size: usize,
        /// Whether this is the last chunk.
        last: bool,
    },
    /// `RSET`.
    Rset,
    /// `NOOP`.
    Noop,
    /// `QUIT`.
    Quit,
}

impl Command {
    /// Appends the command line, CRLF included, to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Command::Ehlo(name) => push_line(out, &["EHLO ", name.as_str()]),
            Command::Helo(name) => push_line(out, &["HELO ", name.as_str()]),
            Command::StartTls => push_line(out, &["STARTTLS"]),
            Command::Auth {
                mechanism,
                initial_response,
            } => {
                out.extend_from_slice(b"AUTH ");
                out.extend_from_slice(mechanism.as_bytes());
                if let Some(response) = initial_response {
                    out.push(b' ');
                    push_base64(out, response.expose());
                }
                out.extend_from_slice(b"\r\n");
            }
            Command::AuthResponse(response) => {
                // An empty response is an empty line here (RFC 4954 section 4), not `=`.
                out.extend_from_slice(STANDARD.encode(response.expose()).as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            Command::AuthCancel => push_line(out, &["*"]),
            Command::Mail { from, parameters } => {
                out.extend_from_slice(b"MAIL FROM:<");
                out.extend_from_slice(from.as_str().as_bytes());
                out.push(b'>');
                if let Some(size) = parameters.size {
                    out.extend_from_slice(format!(" SIZE={size}").as_bytes());
                }
                if parameters.eight_bit_mime {
                    out.extend_from_slice(b" BODY=8BITMIME");
                }
                if parameters.smtputf8 {
                    out.extend_from_slice(b" SMTPUTF8");
                }
                out.extend_from_slice(b"\r\n");
            }
            Command::Rcpt(to) => push_line(out, &["RCPT TO:<", to.as_str(), ">"]),
            Command::Data => push_line(out, &["DATA"]),
            Command::Bdat { size, last } => {
                let last = if *last { " LAST" } else { "" };
                out.extend_from_slice(format!("BDAT {size}{last}\r\n").as_bytes());
            }
            Command::Rset => push_line(out, &["RSET"]),
            Command::Noop => push_line(out, &["NOOP"]),
            Command::Quit => push_line(out, &["QUIT"]),
        }
    }

    /// The command line as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

fn push_line(out: &mut Vec<u8>, parts: &[&str]) {
    for part in parts {
        out.extend_from_slice(part.as_bytes());
    }
    out.extend_from_slice(b"\r\n");
}

fn push_base64(out: &mut Vec<u8>, data: &[u8]) {
    if data.is_empty() {
        out.push(b'=');
    } else {
        out.extend_from_slice(STANDARD.encode(data).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(command: Command) -> String {
        String::from_utf8(command.to_bytes()).unwrap()
    }

    #[test]
    fn envelope_commands() {
        let from = Address::parse("alice@example.org").unwrap();
        assert_eq!(
            line(Command::Mail {
                from: from.clone(),
                parameters: MailParameters::default()
            }),
            "MAIL FROM:<alice@example.org>\r\n"
        );
        assert_eq!(
            line(Command::Mail {
                from,
                parameters: MailParameters {
                    size: Some(1234),
                    eight_bit_mime: true,
                    smtputf8: true
                }
            }),
            "MAIL FROM:<alice@example.org> SIZE=1234 BODY=8BITMIME SMTPUTF8\r\n"
        );
        assert_eq!(
            line(Command::Rcpt(Address::parse("bob@example.net").unwrap())),
            "RCPT TO:<bob@example.net>\r\n"
        );
    }

    #[test]
    fn simple_commands() {
        assert_eq!(
            line(Command::Ehlo(ClientName::default())),
            "EHLO [127.0.0.1]\r\n"
        );
        assert_eq!(
            line(Command::Helo(ClientName::new("c.example").unwrap())),
            "HELO c.example\r\n"
        );
        assert_eq!(line(Command::StartTls), "STARTTLS\r\n");
        assert_eq!(line(Command::Data), "DATA\r\n");
        assert_eq!(line(Command::Rset), "RSET\r\n");
        assert_eq!(line(Command::Noop), "NOOP\r\n");
        assert_eq!(line(Command::Quit), "QUIT\r\n");
        assert_eq!(
            line(Command::Bdat {
                size: 86,
                last: false
            }),
            "BDAT 86\r\n"
        );
        assert_eq!(
            line(Command::Bdat {
                size: 0,
                last: true
            }),
            "BDAT 0 LAST\r\n"
        );
    }

    #[test]
    fn auth_lines() {
        // RFC 4954 section 4: "AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=".
        assert_eq!(
            line(Command::Auth {
                mechanism: "PLAIN",
                initial_response: Some(Secret::new(b"test\0test\x001234".to_vec())),
            }),
            "AUTH PLAIN dGVzdAB0ZXN0ADEyMzQ=\r\n"
        );
        assert_eq!(
            line(Command::Auth {
                mechanism: "EXTERNAL",
                initial_response: Some(Secret::new(Vec::new())),
            }),
            "AUTH EXTERNAL =\r\n"
        );
        assert_eq!(
            line(Command::Auth {
                mechanism: "LOGIN",
                initial_response: None
            }),
            "AUTH LOGIN\r\n"
        );
        assert_eq!(
            line(Command::AuthResponse(Secret::new(b"tim".to_vec()))),
            "dGlt\r\n"
        );
        assert_eq!(line(Command::AuthResponse(Secret::new(Vec::new()))), "\r\n");
        assert_eq!(line(Command::AuthCancel), "*\r\n");
    }

    #[test]
    fn debug_hides_credentials() {
        let c = Command::AuthResponse(Secret::new(b"hunter2".to_vec()));
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
