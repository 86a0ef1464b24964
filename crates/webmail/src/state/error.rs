//! [`UiError`]: failures as a user reads them.

use std::fmt;

/// Why something failed, in words a user understands. Built by `services` from client
/// errors; `Clone + PartialEq` so it can be state and props.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UiError {
    /// The form is incomplete or wrong (the text says what to fix).
    Invalid(String),
    /// The server rejected the user name or password.
    WrongCredentials,
    /// The WebSocket to the relay could not be opened, the relay refused the server, or the
    /// server did not answer.
    Unreachable {
        /// `host:port` that was asked for.
        target: String,
    },
    /// The secure connection failed: the reason names the check (expired, unknown
    /// authority, name mismatch).
    Certificate(String),
    /// The app refused to do something unsafe (send a password unencrypted).
    Insecure(String),
    /// The connection broke after sign-in.
    ConnectionLost,
    /// The server said no (its own words).
    Refused(String),
    /// Anything else (technical text).
    Other(String),
}

impl UiError {
    /// Whether the session is gone and the user must sign in again.
    pub(crate) fn is_connection_lost(&self) -> bool {
        matches!(self, UiError::ConnectionLost)
    }
}

impl fmt::Display for UiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UiError::Invalid(text) => f.write_str(text),
            UiError::WrongCredentials => {
                f.write_str("Wrong user name or password. Check them and try again.")
            }
            UiError::Unreachable { target } => write!(
                f,
                "Could not connect to {target}. The relay may not allow this server, or the \
                 server is not answering. Check the server name and port."
            ),
            UiError::Certificate(reason) => {
                write!(f, "The secure connection failed: {reason}.")
            }
            UiError::Insecure(reason) => write!(
                f,
                "Not sent: {reason}. Choose TLS or STARTTLS for this server."
            ),
            UiError::ConnectionLost => {
                f.write_str("The connection to the server was lost. Please sign in again.")
            }
            UiError::Refused(text) => write!(f, "The server refused: {text}"),
            UiError::Other(text) => write!(f, "Something went wrong: {text}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_problem() {
        assert!(
            UiError::WrongCredentials
                .to_string()
                .contains("Wrong user name or password")
        );
        let text = UiError::Unreachable {
            target: "mail.example.com:143".into(),
        }
        .to_string();
        assert!(text.contains("mail.example.com:143"));
        assert!(text.contains("relay"));
        assert!(UiError::ConnectionLost.to_string().contains("connection"));
        assert!(UiError::ConnectionLost.is_connection_lost());
        assert!(!UiError::WrongCredentials.is_connection_lost());
    }
}
