//! The Dovecot configuration file (`dovecot.conf`), complete in itself, and the oauth2
//! settings file it names.

use crate::{
    MAIL_DOMAIN,
    config::{Identity, layout},
};

/// The special-use mailboxes, created and subscribed automatically.
const SPECIAL_USE: [(&str, &str); 5] = [
    ("Archive", "\\Archive"),
    ("Drafts", "\\Drafts"),
    ("Sent", "\\Sent"),
    ("Trash", "\\Trash"),
    ("Junk", "\\Junk"),
];

/// The oauth2 passdb's settings file, for
/// [`crate::DovecotConfig::oauth2_introspection_url`].
pub(crate) const OAUTH2_FILE: &str = "oauth2.conf.ext";

/// Its contents.
pub(crate) fn oauth2_settings(introspection_url: &str) -> String {
    format!(
        "introspection_mode = post\nintrospection_url = {introspection_url}\n\
         username_attribute = username\nactive_attribute = active\nactive_value = true\n"
    )
}

/// Everything one `dovecot.conf` is made from.
#[derive(Debug, Clone)]
pub(crate) struct Rendering<'a> {
    /// The instance directory (already checked to be a plain path).
    pub(crate) dir: &'a str,
    pub(crate) imap_port: u16,
    pub(crate) imaps_port: u16,
    pub(crate) identity: &'a Identity,
    /// Bearer tokens are accepted too (checked by the oauth2 passdb after the password
    /// file fails).
    pub(crate) oauth2: bool,
    pub(crate) submission: Option<Submission>,
}

/// The submission service and the LMTP delivery behind it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Submission {
    /// Plain port, STARTTLS offered.
    pub(crate) port: u16,
    /// Implicit-TLS port.
    pub(crate) tls_port: u16,
    /// Where submission relays to: the SMTP-to-LMTP bridge on 127.0.0.1.
    pub(crate) relay_port: u16,
    pub(crate) max_mail_size: u64,
}

impl Rendering<'_> {
    /// One complete `dovecot.conf` (no includes).
    pub(crate) fn render(&self) -> String {
        use layout::*;
        let dir = self.dir;
        let imap_port = self.imap_port;
        let imaps_port = self.imaps_port;
        let (oauth_mechanisms, oauth_passdb) = if self.oauth2 {
            (
                " xoauth2 oauthbearer",
                format!("passdb {{\n  driver = oauth2\n  args = {dir}/{OAUTH2_FILE}\n}}\n"),
            )
        } else {
            ("", String::new())
        };
        let mut mailboxes = String::new();
        for (name, special_use) in SPECIAL_USE {
            mailboxes.push_str(&format!(
                "  mailbox {name} {{\n    special_use = {special_use}\n    auto = subscribe\n  }}\n"
            ));
        }
        let (accounts, unchrooted) = match &self.identity.unprivileged {
            None => (String::new(), ""),
            Some((user, group)) => (
                format!(
                    "default_login_user = {user}\ndefault_internal_user = {user}\n\
                     default_internal_group = {group}\n"
                ),
                "  chroot =\n",
            ),
        };
        let (protocols, submission) = match &self.submission {
            Some(submission) => ("imap submission lmtp", submission.render(unchrooted)),
            None => ("imap", String::new()),
        };
        let uid = self.identity.mail_uid;
        let gid = self.identity.mail_gid;
        format!(
            "# Written by webimap-testkit: a private Dovecot, complete in this one file.\n\
instance_name = webimap-testkit-{imap_port}\n\
base_dir = {dir}/{RUN}\n\
state_dir = {dir}/{STATE}\n\
log_path = {dir}/{LOG}\n\
listen = 127.0.0.1\n\
protocols = {protocols}\n\
{accounts}\
ssl = yes\n\
ssl_cert = <{dir}/{TLS}/{cert}\n\
ssl_key = <{dir}/{TLS}/{key}\n\
disable_plaintext_auth = no\n\
auth_mechanisms = plain login scram-sha-256{oauth_mechanisms}\n\
auth_verbose = yes\n\
auth_failure_delay = 0\n\
mail_max_userip_connections = 100\n\
mail_fsync = never\n\
mail_plugins = zlib\n\
protocol imap {{\n  mail_plugins = $mail_plugins imap_zlib\n}}\n\
first_valid_uid = {uid}\n\
first_valid_gid = {gid}\n\
mail_location = maildir:~/{MAILDIR}:LAYOUT=fs:INBOX=~/{MAILDIR}/INBOX\n\
passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {dir}/{PASSWD}\n}}\n\
{oauth_passdb}\
userdb {{\n  driver = static\n  args = uid={uid} gid={gid} home={dir}/{HOME}/%u\n}}\n\
namespace inbox {{\n  inbox = yes\n  separator = /\n  prefix =\n{mailboxes}}}\n\
service imap-login {{\n{unchrooted}  inet_listener imap {{\n    port = {imap_port}\n  }}\n  \
inet_listener imaps {{\n    port = {imaps_port}\n    ssl = yes\n  }}\n}}\n\
service anvil {{\n{unchrooted}  unix_listener anvil-auth-penalty {{\n    path = {PENALTY_OFF}\n  }}\n}}\n\
{submission}",
            cert = crate::tls::CERT_FILE,
            key = crate::tls::KEY_FILE,
            PENALTY_OFF = layout::PENALTY_SOCKET_MOVED,
        )
    }
}

impl Submission {
    /// The submission listeners, their relay, and LMTP on a Unix socket in `run/`.
    ///
    /// LMTP looks recipients up as the local part when the domain is [`MAIL_DOMAIN`] and
    /// as the whole address otherwise (so `demo@…` is user `demo`, a user named
    /// `a@b.example` is itself, and anyone else does not exist and gets `550 5.1.1`).
    /// It keeps CRLF line ends in the files it writes, so a delivered message is the
    /// sent bytes under its trace headers.
    fn render(&self, unchrooted: &str) -> String {
        let Self {
            port,
            tls_port,
            relay_port,
            max_mail_size,
        } = *self;
        let lmtp = layout::LMTP_SOCKET;
        format!(
            "hostname = localhost\n\
postmaster_address = postmaster@{MAIL_DOMAIN}\n\
submission_relay_host = 127.0.0.1\n\
submission_relay_port = {relay_port}\n\
submission_max_mail_size = {max_mail_size}\n\
protocol lmtp {{\n  auth_username_format = %{{if;%d;eq;{MAIL_DOMAIN};%n;%u}}\n  \
mail_save_crlf = yes\n}}\n\
service submission-login {{\n{unchrooted}  inet_listener submission {{\n    port = {port}\n  }}\n  \
inet_listener submissions {{\n    port = {tls_port}\n    ssl = yes\n  }}\n}}\n\
service lmtp {{\n  unix_listener {lmtp} {{\n    mode = 0600\n  }}\n}}\n"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendering(identity: &Identity, submission: Option<Submission>) -> String {
        Rendering {
            dir: "/tmp/x",
            imap_port: 11143,
            imaps_port: 11993,
            identity,
            oauth2: false,
            submission,
        }
        .render()
    }

    #[test]
    fn config_names_ports_dirs_and_accounts() {
        let identity = Identity {
            mail_uid: 1000,
            mail_gid: 1000,
            unprivileged: Some(("alice".to_owned(), "staff".to_owned())),
        };
        let text = rendering(&identity, None);
        for needle in [
            "base_dir = /tmp/x/run\n",
            "protocols = imap\n",
            "port = 11143\n",
            "port = 11993\n    ssl = yes\n",
            "default_internal_user = alice\n",
            "default_internal_group = staff\n",
            "args = uid=1000 gid=1000 home=/tmp/x/home/%u\n",
            "special_use = \\Drafts\n    auto = subscribe\n",
            "service anvil {\n  chroot =\n  unix_listener anvil-auth-penalty {\n",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
        assert!(!text.contains("submission"));
        let root = Identity {
            mail_uid: 65534,
            mail_gid: 65534,
            unprivileged: None,
        };
        assert!(!rendering(&root, None).contains("default_login_user"));
    }

    #[test]
    fn submission_adds_its_listeners_relay_size_and_lmtp() {
        let identity = Identity {
            mail_uid: 1000,
            mail_gid: 1000,
            unprivileged: Some(("alice".to_owned(), "staff".to_owned())),
        };
        let submission = Submission {
            port: 11587,
            tls_port: 11465,
            relay_port: 40025,
            max_mail_size: 12_345,
        };
        let text = rendering(&identity, Some(submission));
        for needle in [
            "protocols = imap submission lmtp\n",
            "submission_relay_host = 127.0.0.1\nsubmission_relay_port = 40025\n",
            "submission_max_mail_size = 12345\n",
            "service submission-login {\n  chroot =\n  inet_listener submission {\n    \
             port = 11587\n  }\n  inet_listener submissions {\n    port = 11465\n    ssl = yes\n",
            "auth_username_format = %{if;%d;eq;webimap.test;%n;%u}\n",
            "unix_listener lmtp {\n    mode = 0600\n",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }
}
