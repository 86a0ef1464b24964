//! One mail transaction (RFC 5321 section 3.3): the envelope the caller gives, the MAIL
//! parameters it needs from the server, and the replies collected for it. Pure data; the
//! session moves it along.

use super::event::{CallError, RecipientReport, RefusedRecipient, TransactionError};
use crate::{
    address::Address,
    body::BodyEncoder,
    capabilities::Capabilities,
    command::{Command, MailParameters},
    reply::Reply,
};

/// Sender, recipients and what the message needs from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    from: Address,
    recipients: Vec<Address>,
    size: u64,
    eight_bit: bool,
    utf8_headers: bool,
}

impl Envelope {
    /// A message from `from` to `recipients` (at least one; Bcc recipients belong here and
    /// not in the headers), of about `size` bytes (sent as `SIZE=` when offered).
    pub fn new(from: Address, recipients: Vec<Address>, size: u64) -> Result<Self, CallError> {
        if recipients.is_empty() {
            return Err(CallError::NoRecipients);
        }
        Ok(Self {
            from,
            recipients,
            size,
            eight_bit: false,
            utf8_headers: false,
        })
    }

    /// The body has 8-bit content (`Content-Transfer-Encoding: 8bit`): BODY=8BITMIME.
    #[must_use]
    pub fn with_eight_bit(mut self, eight_bit: bool) -> Self {
        self.eight_bit = eight_bit;
        self
    }

    /// The headers have raw UTF-8 (RFC 6532): SMTPUTF8.
    #[must_use]
    pub fn with_utf8_headers(mut self, utf8_headers: bool) -> Self {
        self.utf8_headers = utf8_headers;
        self
    }

    /// The sender.
    pub fn from(&self) -> &Address {
        &self.from
    }

    /// The recipients.
    pub fn recipients(&self) -> &[Address] {
        &self.recipients
    }

    /// The MAIL FROM parameters for this server, or why it cannot take the message.
    pub fn parameters(&self, capabilities: &Capabilities) -> Result<MailParameters, CallError> {
        if let Some(limit) = capabilities.size_limit()
            && self.size > limit
        {
            return Err(CallError::TooBig {
                size: self.size,
                limit,
            });
        }
        let utf8_address = std::iter::once(&self.from)
            .chain(&self.recipients)
            .find(|a| a.needs_smtputf8());
        let smtputf8 = utf8_address.is_some() || self.utf8_headers;
        if smtputf8 && !capabilities.smtputf8 {
            return Err(match utf8_address {
                Some(address) => CallError::NeedsSmtpUtf8 {
                    address: address.clone(),
                },
                None => CallError::NeedsSmtpUtf8Headers,
            });
        }
        if self.eight_bit && !capabilities.eight_bit_mime {
            return Err(CallError::NeedsEightBitMime);
        }
        Ok(MailParameters {
            size: capabilities.size.map(|_| self.size),
            eight_bit_mime: (self.eight_bit || smtputf8) && capabilities.eight_bit_mime,
            smtputf8,
        })
    }
}

/// Where a transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// MAIL FROM and RCPT TO replies outstanding.
    Envelope,
    /// Some recipients were refused: the caller decides.
    Decision,
    /// DATA sent, waiting for 354.
    DataCommand,
    /// The caller writes the body.
    Body,
    /// The end of the body was sent.
    Ending,
    /// Failed or aborted: waiting for outstanding BDAT replies, then RSET.
    Draining,
}

/// What the envelope replies add up to.
#[derive(Debug)]
pub(crate) enum EnvelopeOutcome {
    /// Not all replies are in.
    Pending,
    /// MAIL FROM or every RCPT TO was refused.
    Failed(TransactionError),
    /// At least one recipient was accepted.
    Accepted(RecipientReport),
}

/// A transaction in progress.
#[derive(Debug)]
pub(crate) struct Transaction {
    envelope: Envelope,
    parameters: MailParameters,
    mail_reply: Option<Reply>,
    rcpt_replies: Vec<Option<Reply>>,
    rcpt_sent: usize,
    pub(crate) step: Step,
    pub(crate) use_bdat: bool,
    pub(crate) encoder: BodyEncoder,
    /// BDAT chunks sent and not yet answered.
    pub(crate) bdat_in_flight: usize,
}

impl Transaction {
    pub(crate) fn new(envelope: Envelope, parameters: MailParameters, use_bdat: bool) -> Self {
        let recipients = envelope.recipients.len();
        Self {
            envelope,
            parameters,
            mail_reply: None,
            rcpt_replies: vec![None; recipients],
            rcpt_sent: 0,
            step: Step::Envelope,
            use_bdat,
            encoder: if use_bdat {
                BodyEncoder::bdat()
            } else {
                BodyEncoder::data()
            },
            bdat_in_flight: 0,
        }
    }

    pub(crate) fn mail_command(&self) -> Command {
        Command::Mail {
            from: self.envelope.from.clone(),
            parameters: self.parameters,
        }
    }

    /// The next RCPT TO to send, with its index.
    pub(crate) fn next_rcpt(&mut self) -> Option<(usize, Command)> {
        let index = self.rcpt_sent;
        let address = self.envelope.recipients.get(index)?;
        self.rcpt_sent += 1;
        Some((index, Command::Rcpt(address.clone())))
    }

    pub(crate) fn record_mail(&mut self, reply: Reply) {
        self.mail_reply = Some(reply);
    }

    pub(crate) fn mail_accepted(&self) -> bool {
        self.mail_reply.as_ref().is_some_and(Reply::is_positive)
    }

    pub(crate) fn record_rcpt(&mut self, index: usize, reply: Reply) {
        if let Some(slot) = self.rcpt_replies.get_mut(index) {
            *slot = Some(reply);
        }
    }

    /// Adds up the envelope replies once every command sent has its answer.
    pub(crate) fn envelope_outcome(&self) -> EnvelopeOutcome {
        let Some(mail) = &self.mail_reply else {
            return EnvelopeOutcome::Pending;
        };
        let answered = self.rcpt_replies.iter().filter(|r| r.is_some()).count();
        if answered < self.rcpt_sent {
            return EnvelopeOutcome::Pending;
        }
        if !mail.is_positive() {
            return EnvelopeOutcome::Failed(TransactionError::SenderRefused {
                address: self.envelope.from.clone(),
                reply: mail.clone(),
            });
        }
        if self.rcpt_sent < self.envelope.recipients.len() {
            return EnvelopeOutcome::Pending;
        }
        let mut report = RecipientReport {
            accepted: Vec::new(),
            refused: Vec::new(),
        };
        for (address, reply) in self.envelope.recipients.iter().zip(&self.rcpt_replies) {
            match reply {
                Some(reply) if reply.is_positive() => report.accepted.push(address.clone()),
                Some(reply) => report.refused.push(RefusedRecipient {
                    address: address.clone(),
                    reply: reply.clone(),
                }),
                None => return EnvelopeOutcome::Pending,
            }
        }
        if report.accepted.is_empty() {
            EnvelopeOutcome::Failed(TransactionError::AllRecipientsRefused {
                refused: report.refused,
            })
        } else {
            EnvelopeOutcome::Accepted(report)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> Address {
        Address::parse(s).unwrap()
    }

    fn caps() -> Capabilities {
        Capabilities {
            size: Some(1000),
            eight_bit_mime: true,
            ..Capabilities::default()
        }
    }

    fn reply(code: u16) -> Reply {
        Reply {
            code,
            enhanced: None,
            text: String::new(),
        }
    }

    #[test]
    fn parameters_follow_the_server() {
        let e = Envelope::new(addr("a@x.org"), vec![addr("b@y.org")], 500).unwrap();
        let p = e.parameters(&caps()).unwrap();
        assert_eq!(
            p,
            MailParameters {
                size: Some(500),
                eight_bit_mime: false,
                smtputf8: false
            }
        );
        let p = e.clone().with_eight_bit(true).parameters(&caps()).unwrap();
        assert!(p.eight_bit_mime);
        assert_eq!(
            e.parameters(&Capabilities::default()).unwrap().size,
            None,
            "no SIZE= unless offered"
        );
        let big = Envelope::new(addr("a@x.org"), vec![addr("b@y.org")], 1001).unwrap();
        assert_eq!(
            big.parameters(&caps()),
            Err(CallError::TooBig {
                size: 1001,
                limit: 1000
            })
        );
        assert_eq!(
            e.with_eight_bit(true).parameters(&Capabilities::default()),
            Err(CallError::NeedsEightBitMime)
        );
    }

    #[test]
    fn utf8_needs_smtputf8() {
        let e = Envelope::new(addr("a@x.org"), vec![addr("jörg@y.org")], 1).unwrap();
        assert_eq!(
            e.parameters(&caps()),
            Err(CallError::NeedsSmtpUtf8 {
                address: addr("jörg@y.org")
            })
        );
        let with = Capabilities {
            smtputf8: true,
            ..caps()
        };
        let p = e.parameters(&with).unwrap();
        assert!(p.smtputf8 && p.eight_bit_mime);
        let headers = Envelope::new(addr("a@x.org"), vec![addr("b@y.org")], 1)
            .unwrap()
            .with_utf8_headers(true);
        assert_eq!(
            headers.parameters(&caps()),
            Err(CallError::NeedsSmtpUtf8Headers)
        );
    }

    #[test]
    fn no_recipients() {
        assert_eq!(
            Envelope::new(addr("a@x.org"), vec![], 1),
            Err(CallError::NoRecipients)
        );
    }

    #[test]
    fn outcome_per_recipient() {
        let e = Envelope::new(addr("a@x.org"), vec![addr("b@y.org"), addr("c@y.org")], 1).unwrap();
        let mut t = Transaction::new(e, MailParameters::default(), false);
        t.record_mail(reply(250));
        assert!(matches!(t.envelope_outcome(), EnvelopeOutcome::Pending));
        let (i, _) = t.next_rcpt().unwrap();
        t.record_rcpt(i, reply(250));
        assert!(matches!(t.envelope_outcome(), EnvelopeOutcome::Pending));
        let (i, _) = t.next_rcpt().unwrap();
        t.record_rcpt(i, reply(550));
        assert!(t.next_rcpt().is_none());
        let EnvelopeOutcome::Accepted(report) = t.envelope_outcome() else {
            panic!()
        };
        assert_eq!(report.accepted, vec![addr("b@y.org")]);
        assert_eq!(report.refused[0].address, addr("c@y.org"));
    }

    #[test]
    fn refused_sender_ends_it_without_recipients() {
        let e = Envelope::new(addr("a@x.org"), vec![addr("b@y.org")], 1).unwrap();
        let mut t = Transaction::new(e, MailParameters::default(), false);
        t.record_mail(reply(553));
        assert!(matches!(
            t.envelope_outcome(),
            EnvelopeOutcome::Failed(TransactionError::SenderRefused { .. })
        ));
    }
}
