//! What to start ([`DovecotConfig`]) and the Dovecot configuration file made from it.

use std::{fmt, fs, path::Path};

use crate::{DEMO_PASSWORD, DEMO_USER, error::TestkitError};

/// What [`crate::Dovecot::start`] sets up.
#[derive(Clone)]
pub struct DovecotConfig {
    /// Where config, certificates, logs and mail go. `None`: a fresh temporary directory,
    /// removed on drop. A given directory is kept, and mail already there is not re-seeded.
    pub dir: Option<std::path::PathBuf>,
    /// Plain IMAP port (STARTTLS-capable); 0 picks a free one.
    pub imap_port: u16,
    /// Implicit-TLS IMAP port; 0 picks a free one.
    pub imaps_port: u16,
    /// `(user, password)` pairs that can log in.
    pub users: Vec<(String, String)>,
    /// Write [`crate::sample::messages`] into each user's maildir before starting.
    pub seed_sample_mail: bool,
    /// Also accept OAuth 2.0 bearer tokens (XOAUTH2, OAUTHBEARER), checked by POSTing them
    /// to this RFC 7662 introspection URL (the test serves it); its JSON answer names the
    /// user in `username` and says `"active": true`.
    pub oauth2_introspection_url: Option<String>,
}

impl Default for DovecotConfig {
    /// The demo user with sample mail, free ports, a temporary directory.
    fn default() -> Self {
        Self {
            dir: None,
            imap_port: 0,
            imaps_port: 0,
            users: vec![(DEMO_USER.to_owned(), DEMO_PASSWORD.to_owned())],
            seed_sample_mail: true,
            oauth2_introspection_url: None,
        }
    }
}

impl fmt::Debug for DovecotConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: Vec<(&str, &str)> = self
            .users
            .iter()
            .map(|(user, _)| (user.as_str(), "<redacted>"))
            .collect();
        f.debug_struct("DovecotConfig")
            .field("dir", &self.dir)
            .field("imap_port", &self.imap_port)
            .field("imaps_port", &self.imaps_port)
            .field("users", &users)
            .field("seed_sample_mail", &self.seed_sample_mail)
            .field("oauth2_introspection_url", &self.oauth2_introspection_url)
            .finish()
    }
}

/// Which system accounts Dovecot runs as.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    /// Owner of the mail files (userdb uid/gid).
    pub(crate) mail_uid: u32,
    pub(crate) mail_gid: u32,
    /// `None` as root (Dovecot's packaged `dovenull`/`dovecot` accounts are used);
    /// otherwise the current user and group names for every service.
    pub(crate) unprivileged: Option<(String, String)>,
}

impl Identity {
    /// As root, mail belongs to `nobody` (Dovecot refuses uid 0 for mail); otherwise to
    /// the current user, who then also runs the login and internal services.
    pub(crate) fn current() -> Result<Self, TestkitError> {
        let uid = rustix::process::geteuid().as_raw();
        let gid = rustix::process::getegid().as_raw();
        let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
        if uid == 0 {
            let (mail_uid, mail_gid) = account_by_name(&passwd, "nobody")
                .map(|(uid, gid, _)| (uid, gid))
                .unwrap_or((65_534, 65_534));
            return Ok(Self {
                mail_uid,
                mail_gid,
                unprivileged: None,
            });
        }
        let user = passwd
            .lines()
            .filter_map(parse_account)
            .find(|(_, id, _)| *id == uid)
            .map(|(name, _, _)| name.to_owned())
            .or_else(|| std::env::var("USER").ok())
            .ok_or_else(|| {
                TestkitError::Environment(format!("uid {uid} has no name in /etc/passwd"))
            })?;
        let groups = fs::read_to_string("/etc/group").unwrap_or_default();
        let group = groups
            .lines()
            .filter_map(parse_account)
            .find(|(_, id, _)| *id == gid)
            .map(|(name, _, _)| name.to_owned())
            .ok_or_else(|| {
                TestkitError::Environment(format!("gid {gid} has no name in /etc/group"))
            })?;
        Ok(Self {
            mail_uid: uid,
            mail_gid: gid,
            unprivileged: Some((user, group)),
        })
    }
}

/// `name:x:id:gid:...` (passwd) or `name:x:id:...` (group) as (name, id, rest).
fn parse_account(line: &str) -> Option<(&str, u32, &str)> {
    let mut fields = line.splitn(4, ':');
    let name = fields.next()?;
    let _password = fields.next()?;
    let id = fields.next()?.parse().ok()?;
    Some((name, id, fields.next().unwrap_or("")))
}

fn account_by_name(passwd: &str, wanted: &str) -> Option<(u32, u32, String)> {
    passwd
        .lines()
        .filter_map(parse_account)
        .find_map(|(name, uid, rest)| {
            let gid = rest.split(':').next()?.parse().ok()?;
            (name == wanted).then(|| (uid, gid, name.to_owned()))
        })
}

/// Paths go into the Dovecot config unquoted and into userdb `args`, so only plain ones.
pub(crate) fn check_path(path: &Path) -> Result<&str, TestkitError> {
    let text = path.to_str().unwrap_or("");
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+@,".contains(c));
    if !plain {
        return Err(TestkitError::InvalidConfig(format!(
            "directory {} may contain only ASCII letters, digits and / . _ - + @ ,",
            path.display()
        )));
    }
    // Unix socket paths are limited to 107 bytes; Dovecot's longest name under base_dir
    // is below 32.
    if text.len() + "/run/".len() + 32 > 107 {
        return Err(TestkitError::InvalidConfig(format!(
            "directory {} is too long for Dovecot's Unix sockets (keep it under 70 bytes)",
            path.display()
        )));
    }
    Ok(text)
}

/// Users become passwd-file lines and home directory names.
pub(crate) fn check_users(users: &[(String, String)]) -> Result<(), TestkitError> {
    for (user, password) in users {
        let user_ok = !user.is_empty()
            && !user.starts_with('.')
            && user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
        if !user_ok {
            return Err(TestkitError::InvalidConfig(format!(
                "user name {user:?} may contain only ASCII letters, digits and . _ - @"
            )));
        }
        if password.is_empty() || password.contains([':', '\n', '\r', '\0']) {
            return Err(TestkitError::InvalidConfig(format!(
                "the password of {user} must be non-empty, without ':' or line breaks"
            )));
        }
    }
    Ok(())
}

/// The passwd-file contents: `user:{PLAIN}password` lines.
pub(crate) fn passwd_file(users: &[(String, String)]) -> String {
    users
        .iter()
        .map(|(user, password)| format!("{user}:{{PLAIN}}{password}\n"))
        .collect()
}

/// File names inside the instance directory.
pub(crate) mod layout {
    pub(crate) const CONFIG: &str = "dovecot.conf";
    pub(crate) const PASSWD: &str = "passwd";
    pub(crate) const LOG: &str = "dovecot.log";
    pub(crate) const OUTPUT: &str = "dovecot.out";
    /// The pid of the process that started the instance (to find orphaned instances).
    pub(crate) const OWNER: &str = "owner.pid";
    pub(crate) const TLS: &str = "tls";
    pub(crate) const RUN: &str = "run";
    pub(crate) const STATE: &str = "state";
    pub(crate) const HOME: &str = "home";
    /// Anvil's auth-penalty socket is moved here, so the auth process finds none where it
    /// looks and adds no growing delay after failed logins (tests fail logins on purpose).
    pub(crate) const PENALTY_SOCKET_MOVED: &str = "anvil-auth-penalty-off";
    /// Where Dovecot's auth process looks for that socket (inside `run/`).
    pub(crate) const PENALTY_SOCKET: &str = "anvil-auth-penalty";
    /// Each user's maildir root, under `home/<user>/`.
    pub(crate) const MAILDIR: &str = "Maildir";
}

/// The special-use mailboxes, created and subscribed automatically.
const SPECIAL_USE: [(&str, &str); 5] = [
    ("Archive", "\\Archive"),
    ("Drafts", "\\Drafts"),
    ("Sent", "\\Sent"),
    ("Trash", "\\Trash"),
    ("Junk", "\\Junk"),
];

/// One complete `dovecot.conf` (no includes) for an instance in `dir`.
#[cfg(test)]
pub(crate) fn render(dir: &str, imap_port: u16, imaps_port: u16, identity: &Identity) -> String {
    render_with(dir, imap_port, imaps_port, identity, false)
}

/// The oauth2 passdb's settings file, for [`DovecotConfig::oauth2_introspection_url`].
pub(crate) const OAUTH2_FILE: &str = "oauth2.conf.ext";

/// Its contents.
pub(crate) fn oauth2_settings(introspection_url: &str) -> String {
    format!(
        "introspection_mode = post\nintrospection_url = {introspection_url}\n\
         username_attribute = username\nactive_attribute = active\nactive_value = true\n"
    )
}

/// The config; with `oauth2`, bearer tokens are accepted too (checked by the oauth2
/// passdb after the password file fails).
pub(crate) fn render_with(
    dir: &str,
    imap_port: u16,
    imaps_port: u16,
    identity: &Identity,
    oauth2: bool,
) -> String {
    let (oauth_mechanisms, oauth_passdb) = if oauth2 {
        (
            " xoauth2 oauthbearer",
            format!("passdb {{\n  driver = oauth2\n  args = {dir}/{OAUTH2_FILE}\n}}\n"),
        )
    } else {
        ("", String::new())
    };
    use layout::*;
    let mut mailboxes = String::new();
    for (name, special_use) in SPECIAL_USE {
        mailboxes.push_str(&format!(
            "  mailbox {name} {{\n    special_use = {special_use}\n    auto = subscribe\n  }}\n"
        ));
    }
    let (accounts, unchrooted) = match &identity.unprivileged {
        None => (String::new(), ""),
        Some((user, group)) => (
            format!(
                "default_login_user = {user}\ndefault_internal_user = {user}\n\
                 default_internal_group = {group}\n"
            ),
            "  chroot =\n",
        ),
    };
    let uid = identity.mail_uid;
    let gid = identity.mail_gid;
    format!(
        "# Written by webimap-testkit: a private Dovecot, complete in this one file.\n\
instance_name = webimap-testkit-{imap_port}\n\
base_dir = {dir}/{RUN}\n\
state_dir = {dir}/{STATE}\n\
log_path = {dir}/{LOG}\n\
listen = 127.0.0.1\n\
protocols = imap\n\
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
service anvil {{\n{unchrooted}  unix_listener anvil-auth-penalty {{\n    path = {PENALTY_OFF}\n  }}\n}}\n",
        cert = crate::tls::CERT_FILE,
        key = crate::tls::KEY_FILE,
        PENALTY_OFF = layout::PENALTY_SOCKET_MOVED,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_names_ports_dirs_and_accounts() {
        let identity = Identity {
            mail_uid: 1000,
            mail_gid: 1000,
            unprivileged: Some(("alice".to_owned(), "staff".to_owned())),
        };
        let text = render("/tmp/x", 11143, 11993, &identity);
        for needle in [
            "base_dir = /tmp/x/run\n",
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
        let root = Identity {
            mail_uid: 65534,
            mail_gid: 65534,
            unprivileged: None,
        };
        assert!(!render("/tmp/x", 1, 2, &root).contains("default_login_user"));
    }

    #[test]
    fn rejects_unsafe_names_and_paths() {
        assert!(check_users(&[("a:b".into(), "p".into())]).is_err());
        assert!(check_users(&[("demo".into(), "p:q".into())]).is_err());
        assert!(check_users(&[("demo".into(), "pw".into())]).is_ok());
        assert!(check_path(Path::new("/tmp/with space")).is_err());
        assert!(check_path(Path::new("/tmp/hash#")).is_err());
        assert!(check_path(Path::new(&format!("/{}", "a".repeat(90)))).is_err());
        assert!(check_path(Path::new("/tmp/.tmpAbC12")).is_ok());
    }

    #[test]
    fn passwd_lines_use_the_plain_scheme() {
        let users = [("demo".to_owned(), "s3cret".to_owned())];
        assert_eq!(passwd_file(&users), "demo:{PLAIN}s3cret\n");
    }

    #[test]
    fn debug_redacts_passwords() {
        let text = format!("{:?}", DovecotConfig::default());
        assert!(text.contains("demo"));
        assert!(!text.contains(DEMO_PASSWORD));
    }
}
