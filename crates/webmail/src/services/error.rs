//! From client errors to [`UiError`]: what went wrong, in the user's words.

use webimap_client::ClientError;

use crate::state::error::UiError;

/// What was being done when the error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Opening the WebSocket and reading the greeting.
    Connect,
    /// LOGIN.
    Login,
    /// Anything after sign-in.
    Session,
}

/// Describes `err`, which happened at `stage` while talking to `target` (`host:port`).
pub(crate) fn describe(err: &ClientError, stage: Stage, target: &str) -> UiError {
    if err.is_authentication_failure() {
        return UiError::WrongCredentials;
    }
    match (stage, err) {
        (_, ClientError::Tls(reason)) => UiError::Certificate(reason.to_string()),
        (_, ClientError::Insecure(reason)) => UiError::Insecure(reason.clone()),
        (Stage::Connect | Stage::Login, ClientError::Timeout) | (Stage::Connect, _) => {
            UiError::Unreachable {
                target: target.to_string(),
            }
        }
        (_, ClientError::Closed | ClientError::Io(_) | ClientError::Connect { .. }) => {
            UiError::ConnectionLost
        }
        (_, ClientError::Server { text, .. }) => UiError::Refused(text.clone()),
        (_, other) => UiError::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::*;

    #[test]
    fn errors_by_stage() {
        let target = "localhost:143";
        assert_eq!(
            describe(&ClientError::Closed, Stage::Connect, target),
            UiError::Unreachable {
                target: target.into()
            }
        );
        assert_eq!(
            describe(
                &ClientError::Connect {
                    target: target.into(),
                    failure: webimap_client::error::ConnectFailure::Refused,
                },
                Stage::Connect,
                target
            ),
            UiError::Unreachable {
                target: target.into()
            }
        );
        assert_eq!(
            describe(&ClientError::Closed, Stage::Login, target),
            UiError::ConnectionLost
        );
        // Sign-in that takes too long: the server is as good as unreachable.
        assert_eq!(
            describe(&ClientError::Timeout, Stage::Login, target),
            UiError::Unreachable {
                target: target.into()
            }
        );
        let reset = ClientError::Io(io::Error::from(io::ErrorKind::ConnectionReset));
        assert_eq!(
            describe(&reset, Stage::Session, target),
            UiError::ConnectionLost
        );
        let bad = ClientError::Unexpected(webimap_client::error::Unexpected::NotSelected);
        assert!(matches!(
            describe(&bad, Stage::Session, target),
            UiError::Other(_)
        ));
    }
}
