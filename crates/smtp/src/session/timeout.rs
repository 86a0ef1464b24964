//! How long to wait for the server, per RFC 5321 section 4.5.3.2. The crate has no clock:
//! the session says how long the current wait may last, the caller keeps the time.

use std::time::Duration;

use super::event::Stage;

const MINUTE: u64 = 60;

/// Initial 220 message: 5 minutes.
pub const GREETING: Duration = Duration::from_secs(5 * MINUTE);
/// MAIL command: 5 minutes.
pub const MAIL: Duration = Duration::from_secs(5 * MINUTE);
/// RCPT command: 5 minutes.
pub const RCPT: Duration = Duration::from_secs(5 * MINUTE);
/// DATA initiation (waiting for 354): 2 minutes.
pub const DATA_INITIATION: Duration = Duration::from_secs(2 * MINUTE);
/// Data block: 3 minutes for each chunk of the body to go out (and for a BDAT chunk's
/// reply).
pub const DATA_BLOCK: Duration = Duration::from_secs(3 * MINUTE);
/// DATA termination (waiting for 250 after the terminator or BDAT LAST): 10 minutes.
pub const DATA_TERMINATION: Duration = Duration::from_secs(10 * MINUTE);
/// Commands the RFC gives no figure for (EHLO, STARTTLS, AUTH, RSET, QUIT): as MAIL.
pub const OTHER: Duration = Duration::from_secs(5 * MINUTE);

/// The timeout for a wait at `stage`, or `None` if nothing is awaited from the server.
pub(crate) fn for_stage(stage: Stage) -> Option<Duration> {
    Some(match stage {
        Stage::Greeting => GREETING,
        Stage::MailFrom => MAIL,
        Stage::RcptTo => RCPT,
        Stage::Data => DATA_INITIATION,
        Stage::Body => DATA_BLOCK,
        Stage::EndOfData => DATA_TERMINATION,
        Stage::Hello | Stage::StartTls | Stage::Auth | Stage::Reset | Stage::Quit => OTHER,
        Stage::TlsHandshake | Stage::Idle | Stage::Decision | Stage::Closed => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_5321_figures() {
        assert_eq!(for_stage(Stage::Greeting), Some(Duration::from_secs(300)));
        assert_eq!(for_stage(Stage::Data), Some(Duration::from_secs(120)));
        assert_eq!(for_stage(Stage::Body), Some(Duration::from_secs(180)));
        assert_eq!(for_stage(Stage::EndOfData), Some(Duration::from_secs(600)));
        assert_eq!(for_stage(Stage::Idle), None);
        assert_eq!(for_stage(Stage::Decision), None);
    }
}
