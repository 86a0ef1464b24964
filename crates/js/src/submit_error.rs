//! One mapping from sending failures to stable codes and JavaScript `Error`s: `code`, the
//! message in words, and for refused recipients a `refused` list.

use webimap_client::submission::SubmitError;
use webimap_smtp::{CallError, Problem, SessionError, TransactionError};

use crate::smtp_dto::RefusedDto;

/// Where a failure happened: a transport failure while opening is a failure to connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Connecting, TLS, greeting, EHLO, sign-in.
    Opening,
    /// The transaction.
    Sending,
}

/// The stable `code` of a sending failure (JS code can switch on it).
pub fn submit_error_code(e: &SubmitError, step: Step) -> &'static str {
    match e {
        SubmitError::OutcomeUnknown => "OUTCOME_UNKNOWN",
        SubmitError::RecipientsRefused(_) => "RECIPIENTS_REFUSED",
        SubmitError::Transaction(TransactionError::AllRecipientsRefused { refused }) => {
            if refused.iter().all(|r| r.reply.is_transient()) {
                "TRY_AGAIN_LATER"
            } else {
                "RECIPIENTS_REFUSED"
            }
        }
        SubmitError::BadAddress { .. } | SubmitError::Refused(CallError::NeedsSmtpUtf8 { .. }) => {
            "INVALID_ADDRESS"
        }
        SubmitError::Refused(CallError::TooBig { .. }) => "MESSAGE_TOO_BIG",
        SubmitError::Refused(CallError::NeedsEightBitMime | CallError::NeedsSmtpUtf8Headers) => {
            "UNSUPPORTED"
        }
        SubmitError::Refused(_) | SubmitError::NoRandomness => "UNEXPECTED",
        SubmitError::Tls(_)
        | SubmitError::Session(
            SessionError::StartTlsUnavailable | SessionError::StartTlsRefused { .. },
        ) => "TLS",
        SubmitError::Insecure => "INSECURE",
        SubmitError::Io(_) | SubmitError::Closed if step == Step::Opening => "CONNECT",
        SubmitError::Io(_) => "IO",
        SubmitError::Closed => "CLOSED",
        SubmitError::Timeout => "TIMEOUT",
        SubmitError::Protocol => "PROTOCOL",
        SubmitError::Session(session) => session_code(e, session),
        SubmitError::Transaction(transaction) => transaction_code(e, transaction),
        _ => "UNEXPECTED",
    }
}

fn session_code(e: &SubmitError, session: &SessionError) -> &'static str {
    match (e.problem(), session) {
        // A 4xx (454 4.7.0 "try again later" to AUTH among them) is no verdict on the
        // password.
        _ if e.is_transient() => "TRY_AGAIN_LATER",
        (Some(Problem::WrongCredentials), _)
        | (_, SessionError::AuthFailed { .. } | SessionError::Sasl(_)) => "AUTH_FAILED",
        (_, SessionError::AuthUnavailable { .. }) => "UNSUPPORTED",
        (Some(Problem::TryLater), _) => "TRY_AGAIN_LATER",
        (_, SessionError::Reply(_) | SessionError::UnexpectedReply { .. }) => "PROTOCOL",
        (_, SessionError::Capabilities(_)) => "PROTOCOL",
        _ => "SERVER_NO",
    }
}

fn transaction_code(e: &SubmitError, transaction: &TransactionError) -> &'static str {
    match e.problem() {
        Some(Problem::TooBig) => "MESSAGE_TOO_BIG",
        Some(Problem::WrongCredentials | Problem::AuthenticationRequired) => "AUTH_FAILED",
        _ if e.is_transient() => "TRY_AGAIN_LATER",
        _ => match transaction {
            TransactionError::SenderRefused { .. } => "SENDER_REFUSED",
            _ => "MESSAGE_REFUSED",
        },
    }
}

/// The recipients a failure names, with the server's replies.
pub fn refused_recipients(e: &SubmitError) -> Vec<RefusedDto> {
    match e {
        SubmitError::RecipientsRefused(refused) => {
            refused.iter().map(RefusedDto::from_recipient).collect()
        }
        SubmitError::Transaction(TransactionError::AllRecipientsRefused { refused }) => {
            refused.iter().map(RefusedDto::from_recipient).collect()
        }
        _ => Vec::new(),
    }
}

/// The failure in words; a failure to connect names where.
pub fn submit_error_message(e: &SubmitError, step: Step, target: &str) -> String {
    if submit_error_code(e, step) == "CONNECT" {
        return format!("could not reach the submission server {target}: {e}");
    }
    e.to_string()
}

#[cfg(target_arch = "wasm32")]
mod js {
    use wasm_bindgen::JsValue;

    use super::*;
    use crate::{
        address_input::InvalidAddress,
        error::{coded_error, set, to_js},
    };

    /// A JS `Error` with `code`, and `refused` where recipients were refused.
    pub fn submit_to_js_error(e: &SubmitError, step: Step, target: &str) -> JsValue {
        let error = coded_error(
            submit_error_code(e, step),
            &submit_error_message(e, step, target),
        );
        if let SubmitError::BadAddress { address, .. } = e {
            let _ = set(&error, "address", &JsValue::from_str(address));
        }
        let refused = refused_recipients(e);
        if !refused.is_empty()
            && let Ok(list) = to_js(&refused)
        {
            let _ = set(&error, "refused", &list);
        }
        error
    }

    /// A JS `Error` for an address that cannot be used: `code` INVALID_ADDRESS, `address`.
    pub fn invalid_address(e: &InvalidAddress) -> JsValue {
        let error = coded_error("INVALID_ADDRESS", &e.to_string());
        let _ = set(&error, "address", &JsValue::from_str(&e.input));
        error
    }
}

#[cfg(target_arch = "wasm32")]
pub use js::{invalid_address, submit_to_js_error};

#[cfg(test)]
mod tests {
    use webimap_client::error::TlsError;
    use webimap_smtp::{EnhancedCode, Reply, session::RefusedRecipient};

    use super::*;

    fn reply(code: u16, enhanced: Option<(u8, u8, u8)>) -> Reply {
        Reply {
            code,
            enhanced: enhanced.map(|(class, subject, detail)| EnhancedCode {
                class,
                subject,
                detail,
            }),
            text: "words".into(),
        }
    }

    fn code(e: SubmitError) -> &'static str {
        submit_error_code(&e, Step::Sending)
    }

    #[test]
    fn sign_in_failures() {
        let wrong = SubmitError::Session(SessionError::AuthFailed {
            mechanism: webimap_smtp::capabilities::Mechanism::Plain,
            reply: reply(535, Some((5, 7, 8))),
        });
        assert_eq!(submit_error_code(&wrong, Step::Opening), "AUTH_FAILED");
        let unavailable = SubmitError::Session(SessionError::AuthUnavailable { offered: vec![] });
        assert_eq!(code(unavailable), "UNSUPPORTED");
        let closing = SubmitError::Session(SessionError::ServiceClosing {
            reply: reply(421, Some((4, 4, 0))),
        });
        assert_eq!(code(closing), "TRY_AGAIN_LATER");
        let greeting = SubmitError::Session(SessionError::GreetingRefused {
            reply: reply(554, None),
        });
        assert_eq!(code(greeting), "SERVER_NO");
        assert_eq!(
            code(SubmitError::Session(SessionError::StartTlsUnavailable)),
            "TLS"
        );
        assert_eq!(code(SubmitError::Tls(TlsError::NotTls)), "TLS");
        assert_eq!(code(SubmitError::Insecure), "INSECURE");
    }

    #[test]
    fn refused_recipients_are_listed() {
        let refused = |address: &str| RefusedRecipient {
            address: webimap_smtp::Address::parse(address).unwrap_or_else(|e| panic!("{e}")),
            reply: reply(550, Some((5, 1, 1))),
        };
        let some = SubmitError::RecipientsRefused(vec![refused("nobody@webimap.test")]);
        assert_eq!(code(some), "RECIPIENTS_REFUSED");
        let some = SubmitError::RecipientsRefused(vec![refused("x@y.example")]);
        let listed = refused_recipients(&some);
        assert_eq!(listed[0].address, "x@y.example");
        assert_eq!(listed[0].enhanced_code.as_deref(), Some("5.1.1"));
        assert!(submit_error_message(&some, Step::Sending, "h:1").contains("x@y.example"));

        let all = |code: u16, enhanced| {
            SubmitError::Transaction(TransactionError::AllRecipientsRefused {
                refused: vec![RefusedRecipient {
                    address: webimap_smtp::Address::parse("nobody@webimap.test")
                        .unwrap_or_else(|e| panic!("{e}")),
                    reply: reply(code, enhanced),
                }],
            })
        };
        let permanent = all(550, Some((5, 1, 1)));
        assert_eq!(code(all(550, Some((5, 1, 1)))), "RECIPIENTS_REFUSED");
        assert_eq!(refused_recipients(&permanent)[0].code, 550);
        assert_eq!(
            refused_recipients(&permanent)[0].address,
            "nobody@webimap.test"
        );
        assert_eq!(code(all(450, Some((4, 2, 1)))), "TRY_AGAIN_LATER");
    }

    #[test]
    fn message_failures() {
        assert_eq!(
            code(SubmitError::Refused(CallError::TooBig {
                size: 10,
                limit: 5
            })),
            "MESSAGE_TOO_BIG"
        );
        let too_big = SubmitError::Transaction(TransactionError::MessageRefused {
            reply: reply(552, Some((5, 3, 4))),
        });
        assert_eq!(code(too_big), "MESSAGE_TOO_BIG");
        let later = SubmitError::Transaction(TransactionError::DataRefused {
            reply: reply(451, Some((4, 3, 0))),
        });
        assert_eq!(code(later), "TRY_AGAIN_LATER");
        let spam = SubmitError::Transaction(TransactionError::MessageRefused {
            reply: reply(554, Some((5, 6, 0))),
        });
        assert_eq!(code(spam), "MESSAGE_REFUSED");
        let sender = SubmitError::Transaction(TransactionError::SenderRefused {
            address: webimap_smtp::Address::parse("ann@example.org")
                .unwrap_or_else(|e| panic!("{e}")),
            reply: reply(553, Some((5, 7, 1))),
        });
        assert_eq!(code(sender), "SENDER_REFUSED");
        assert_eq!(code(SubmitError::OutcomeUnknown), "OUTCOME_UNKNOWN");
        let bad = SubmitError::BadAddress {
            address: "a b".into(),
            reason: "space".into(),
        };
        assert_eq!(code(bad), "INVALID_ADDRESS");
    }

    #[test]
    fn transport_failures_while_opening_are_connect_failures() {
        let closed = SubmitError::Closed;
        assert_eq!(submit_error_code(&closed, Step::Opening), "CONNECT");
        assert_eq!(submit_error_code(&closed, Step::Sending), "CLOSED");
        let message = submit_error_message(&closed, Step::Opening, "smtp.example.org:465");
        assert!(message.contains("smtp.example.org:465"), "{message}");
        assert_eq!(code(SubmitError::Timeout), "TIMEOUT");
    }
}
