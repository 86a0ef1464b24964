//! Why a message was not sent, in words, from the engine's [`SubmitError`] (its structure:
//! the server's enhanced status codes read as a [`Problem`], the refused recipients, the
//! TLS failure), and the size check made before anything is uploaded.

use webimap_client::submission::SubmitError;
use webimap_smtp::{Problem, TransactionError};

use crate::format::size as size_text;

/// What went wrong sending through `server` (`host:port`), for the compose's alert. The
/// compose stays open whatever it says.
pub(crate) fn describe(error: &SubmitError, server: &str) -> String {
    match error {
        SubmitError::RecipientsRefused(refused)
        | SubmitError::Transaction(TransactionError::AllRecipientsRefused { refused }) => {
            let names: Vec<&str> = refused.iter().map(|r| r.address.as_str()).collect();
            refused_text(&names)
        }
        SubmitError::Tls(reason) => format!(
            "The secure connection to the outgoing server {server} failed: {reason}. Nothing was sent."
        ),
        SubmitError::Insecure => "Not sent: your password would cross the network unencrypted. \
             Choose TLS or STARTTLS for the outgoing server."
            .to_string(),
        SubmitError::BadAddress { address, .. } => {
            format!("“{address}” is not an address the outgoing server can take. Nothing was sent.")
        }
        SubmitError::OutcomeUnknown => "The connection was lost just as the message was handed \
             over: it may or may not have been sent. Check your Sent folder or the recipient \
             before sending again."
            .to_string(),
        SubmitError::Io(_) | SubmitError::Closed | SubmitError::Timeout => format!(
            "The outgoing server {server} could not be reached or stopped answering. Nothing was \
             sent; try again later."
        ),
        other => match other.problem() {
            Some(problem) => problem_text(problem, server),
            None if other.is_transient() => {
                "The outgoing server asks to try again later. Nothing was sent.".to_string()
            }
            None => format!("The outgoing server refused the message: {other}."),
        },
    }
}

/// The words for recipients the server refused, named.
fn refused_text(names: &[&str]) -> String {
    format!(
        "The outgoing server refused {}. Check the address; nothing was sent.",
        names.join(", ")
    )
}

/// The words for a problem the server's reply names.
fn problem_text(problem: Problem, server: &str) -> String {
    match problem {
        Problem::WrongCredentials => format!(
            "The outgoing server {server} refused the user name or password. Check the outgoing \
             password (sign in again to change it). Nothing was sent."
        ),
        Problem::AuthenticationRequired => format!(
            "The outgoing server {server} wants you signed in and did not accept the sign-in. \
             Nothing was sent."
        ),
        Problem::UnknownRecipient => {
            "The outgoing server does not know a recipient. Check the addresses; nothing was sent."
                .to_string()
        }
        Problem::BadSender => "The outgoing server does not let you send from this address. \
             Choose another identity. Nothing was sent."
            .to_string(),
        Problem::MailboxFull => "A recipient's mailbox is full. Nothing was sent.".to_string(),
        Problem::TooBig => "The message is too big for the outgoing server. Remove or shrink \
             attachments. Nothing was sent."
            .to_string(),
        Problem::NotAllowed => "The outgoing server refused the message by its policy (relaying, \
             sender or spam rules). Nothing was sent."
            .to_string(),
        Problem::ContentRejected => {
            "The outgoing server refused the message's content. Nothing was sent.".to_string()
        }
        Problem::TryLater => {
            "The outgoing server is busy: try again later. Nothing was sent.".to_string()
        }
        _ => "The outgoing server refused the message. Nothing was sent.".to_string(),
    }
}

/// Why a message of `size` bytes (as built, base64 included) cannot go to a server that
/// takes at most `limit`; `None` if it fits.
pub(crate) fn too_big(size: u64, limit: Option<u64>) -> Option<String> {
    let limit = limit.filter(|&l| l > 0)?;
    (size > limit).then(|| {
        format!(
            "Too big to send: the message would be {} once encoded, and your mail servers take \
             at most {}. Remove or shrink attachments.",
            size_text(size),
            size_text(limit)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_in_words() {
        let server = "smtp.example.com:587";
        let refused =
            SubmitError::RecipientsRefused(vec![webimap_smtp::session::RefusedRecipient {
                address: webimap_smtp::Address::parse("nobody@example.com").unwrap(),
                reply: webimap_smtp::Reply {
                    code: 550,
                    enhanced: None,
                    text: "unknown".into(),
                },
            }]);
        let text = describe(&refused, server);
        assert!(text.contains("nobody@example.com"), "{text}");
        // Every recipient refused: a transaction error, and still named.
        let all = SubmitError::Transaction(TransactionError::AllRecipientsRefused {
            refused: vec![webimap_smtp::session::RefusedRecipient {
                address: webimap_smtp::Address::parse("ghost@example.com").unwrap(),
                reply: webimap_smtp::Reply {
                    code: 550,
                    enhanced: Some(webimap_smtp::EnhancedCode {
                        class: 5,
                        subject: 1,
                        detail: 1,
                    }),
                    text: "unknown".into(),
                },
            }],
        });
        assert!(describe(&all, server).contains("ghost@example.com"));
        assert!(describe(&SubmitError::Closed, server).contains(server));
        assert!(describe(&SubmitError::OutcomeUnknown, server).contains("may or may not"));
        assert!(describe(&SubmitError::Insecure, server).contains("TLS"));
        assert!(problem_text(Problem::WrongCredentials, server).contains("password"));
        assert!(problem_text(Problem::TooBig, server).contains("too big"));
        assert!(problem_text(Problem::TryLater, server).contains("later"));
        for text in [
            describe(&refused, server),
            describe(&SubmitError::Timeout, server),
        ] {
            assert!(
                !text.contains("SubmitError") && !text.contains('{'),
                "{text}"
            );
        }
    }

    #[test]
    fn the_size_is_checked_against_the_servers_limit() {
        assert_eq!(too_big(10, None), None);
        assert_eq!(too_big(10, Some(0)), None, "SIZE 0: no limit");
        assert_eq!(too_big(10, Some(10)), None);
        let text = too_big(41 * 1024 * 1024, Some(40 * 1024 * 1024)).unwrap();
        assert!(text.contains("Too big") && text.contains("40"), "{text}");
    }
}
