//! What a failure reply means for the user, read from its codes (RFC 3463 enhanced status
//! codes first, the basic code when there is none). The UI turns a [`Problem`] into its
//! own words; the server's text stays detail.

use crate::reply::Reply;

/// The kind of trouble a reply reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Problem {
    /// Wrong user name or password (535, `x.7.8`).
    WrongCredentials,
    /// The server wants the user signed in first (530).
    AuthenticationRequired,
    /// The recipient's mailbox or domain does not exist (`x.1.1`, `x.1.2`, `x.1.3`,
    /// `x.1.6`, `x.1.10`).
    UnknownRecipient,
    /// The sender address is refused (`x.1.7`, `x.1.8`).
    BadSender,
    /// The recipient's mailbox is full (`x.2.2`).
    MailboxFull,
    /// The message is too big (`x.2.3`, `x.3.4`; 552 without an enhanced code).
    TooBig,
    /// Refused by policy: relaying, sending as someone else, spam (`x.7.1`, other `x.7.*`).
    NotAllowed,
    /// The content was refused (`x.6.*`).
    ContentRejected,
    /// A temporary problem: try again later (any other `4xx`).
    TryLater,
    /// Anything else.
    Other,
}

impl Problem {
    /// Reads `reply`'s codes. A positive or intermediate reply is [`Problem::Other`].
    pub fn of(reply: &Reply) -> Self {
        if reply.is_positive() || reply.is_intermediate() {
            return Problem::Other;
        }
        if let Some(code) = reply.enhanced {
            let known = match (code.subject, code.detail) {
                (7, 8) => Some(Problem::WrongCredentials),
                (1, 1 | 2 | 3 | 6 | 10) => Some(Problem::UnknownRecipient),
                (1, 7 | 8) => Some(Problem::BadSender),
                (2, 2) => Some(Problem::MailboxFull),
                (2, 3) | (3, 4) => Some(Problem::TooBig),
                (7, _) if reply.code == 530 => Some(Problem::AuthenticationRequired),
                (7, _) => Some(Problem::NotAllowed),
                (6, _) => Some(Problem::ContentRejected),
                _ => None,
            };
            if let Some(problem) = known {
                return problem;
            }
        }
        match reply.code {
            535 => Problem::WrongCredentials,
            530 => Problem::AuthenticationRequired,
            552 => Problem::TooBig,
            400..=499 => Problem::TryLater,
            _ => Problem::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reply::EnhancedCode;

    fn reply(code: u16, enhanced: Option<(u8, u8, u8)>) -> Reply {
        Reply {
            code,
            enhanced: enhanced.map(|(class, subject, detail)| EnhancedCode {
                class,
                subject,
                detail,
            }),
            text: String::new(),
        }
    }

    #[test]
    fn the_usual_failures() {
        let cases = [
            (535, Some((5, 7, 8)), Problem::WrongCredentials),
            (535, None, Problem::WrongCredentials),
            (530, Some((5, 7, 0)), Problem::AuthenticationRequired),
            (550, Some((5, 1, 1)), Problem::UnknownRecipient),
            (550, Some((5, 1, 2)), Problem::UnknownRecipient),
            (553, Some((5, 1, 8)), Problem::BadSender),
            (552, Some((5, 2, 2)), Problem::MailboxFull),
            (452, Some((4, 2, 2)), Problem::MailboxFull),
            (552, Some((5, 2, 3)), Problem::TooBig),
            (552, Some((5, 3, 4)), Problem::TooBig),
            (552, None, Problem::TooBig),
            (550, Some((5, 7, 1)), Problem::NotAllowed),
            (554, Some((5, 6, 0)), Problem::ContentRejected),
            (451, Some((4, 3, 0)), Problem::TryLater),
            (421, None, Problem::TryLater),
            (450, Some((4, 4, 1)), Problem::TryLater),
            (501, Some((5, 5, 4)), Problem::Other),
            (250, Some((2, 0, 0)), Problem::Other),
        ];
        for (code, enhanced, problem) in cases {
            assert_eq!(
                Problem::of(&reply(code, enhanced)),
                problem,
                "{code} {enhanced:?}"
            );
        }
    }
}
