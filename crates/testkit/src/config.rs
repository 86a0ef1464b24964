//! What to start ([`DovecotConfig`]) and the Dovecot configuration file made from it.

use std::{fmt, fs, path::Path};

use crate::{
    DEMO_PASSWORD, DEMO_USER, SECOND_DEMO_PASSWORD, SECOND_DEMO_USER, error::TestkitError,
};

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
    /// Also run Dovecot's submission service (SMTP with AUTH for the same users) and
    /// deliver what it accepts into the recipients' INBOX through Dovecot's LMTP server.
    /// Recipients are `user@`[`crate::MAIL_DOMAIN`] (a user whose name holds `@` is its own
    /// address); LMTP refuses everyone else with `550 5.1.1`.
    pub submission: bool,
    /// The submission port (plain, offers STARTTLS; 587-style); 0 picks a free one.
    pub submission_port: u16,
    /// The implicit-TLS submission port (465-style); 0 picks a free one.
    pub submissions_port: u16,
    /// The largest message submission takes, in bytes (advertised as `SIZE`); larger
    /// ones get `552`. Must be at least 1.
    pub submission_max_mail_size: u64,
}

/// The default `submission_max_mail_size`: 40 MiB, a size common mail providers take
/// (Dovecot's own default, 0, sets no limit and advertises none).
pub const DEFAULT_SUBMISSION_MAX_MAIL_SIZE: u64 = 40 * 1024 * 1024;

impl Default for DovecotConfig {
    /// The demo user and the second demo user with sample mail, free ports, a temporary
    /// directory, no submission service.
    fn default() -> Self {
        Self {
            dir: None,
            imap_port: 0,
            imaps_port: 0,
            users: vec![
                (DEMO_USER.to_owned(), DEMO_PASSWORD.to_owned()),
                (SECOND_DEMO_USER.to_owned(), SECOND_DEMO_PASSWORD.to_owned()),
            ],
            seed_sample_mail: true,
            oauth2_introspection_url: None,
            submission: false,
            submission_port: 0,
            submissions_port: 0,
            submission_max_mail_size: DEFAULT_SUBMISSION_MAX_MAIL_SIZE,
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
            .field("submission", &self.submission)
            .field("submission_port", &self.submission_port)
            .field("submissions_port", &self.submissions_port)
            .field("submission_max_mail_size", &self.submission_max_mail_size)
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
        check_user_name(user)?;
        if password.is_empty() || password.contains([':', '\n', '\r', '\0']) {
            return Err(TestkitError::InvalidConfig(format!(
                "the password of {user} must be non-empty, without ':' or line breaks"
            )));
        }
    }
    Ok(())
}

/// A user name is a passwd-file key and a directory name under `home/`.
pub(crate) fn check_user_name(user: &str) -> Result<(), TestkitError> {
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
    Ok(())
}

/// The submission size limit must allow some message; Dovecot reads 0 as "no limit".
pub(crate) fn check_submission(config: &DovecotConfig) -> Result<(), TestkitError> {
    if config.submission && config.submission_max_mail_size == 0 {
        return Err(TestkitError::InvalidConfig(
            "submission_max_mail_size must be at least 1 byte".to_owned(),
        ));
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
    /// LMTP's Unix socket, inside `run/`.
    pub(crate) const LMTP_SOCKET: &str = "lmtp";
    /// What the SMTP-to-LMTP bridge had to say (failed connections).
    pub(crate) const BRIDGE_LOG: &str = "bridge.log";
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(!text.contains(SECOND_DEMO_PASSWORD));
    }
}
