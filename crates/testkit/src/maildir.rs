//! Writes users' maildirs (Dovecot `LAYOUT=fs`) before Dovecot starts.
//!
//! Layout under a user's home: `Maildir/<mailbox>/{cur,new,tmp}` for every mailbox,
//! INBOX included (`Maildir/INBOX`), nested mailboxes as nested directories
//! (`Maildir/Work/Projects`), and `Maildir/subscriptions` listing them all.

use std::{
    fs::{self, File},
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use crate::{
    error::{TestkitError, io_context},
    sample::SampleMessage,
};

/// The directory of `mailbox` (with `/` as separator) in the maildir at `root`.
pub(crate) fn mailbox_dir(root: &Path, mailbox: &str) -> PathBuf {
    mailbox
        .split('/')
        .fold(root.to_path_buf(), |path, part| path.join(part))
}

/// The file name a sample message gets: its date as the time part (Dovecot assigns UIDs
/// in that order), and `:2,` info with the flags when it is in `cur/`.
pub(crate) fn file_name(index: usize, message: &SampleMessage) -> (&'static str, String) {
    let size = message.raw.len();
    let base = format!(
        "{}.M{index}P1.webimap-testkit,S={size},W={size}",
        message.unix_time()
    );
    let mut flags = String::new();
    if message.flagged {
        flags.push('F');
    }
    if message.seen {
        flags.push('S');
    }
    // Unseen, unflagged messages alternate between new/ and cur/ so both are exercised.
    if flags.is_empty() && index % 2 == 1 {
        ("new", base)
    } else {
        ("cur", format!("{base}:2,{flags}"))
    }
}

/// Creates `root` with `folders` (all subscribed) and the messages in them.
pub(crate) fn write(
    root: &Path,
    folders: &[&str],
    messages: &[SampleMessage],
) -> Result<(), TestkitError> {
    for folder in folders {
        let dir = mailbox_dir(root, folder);
        for sub in ["cur", "new", "tmp"] {
            let path = dir.join(sub);
            fs::create_dir_all(&path).map_err(io_context("creating", &path))?;
        }
    }
    let subscriptions = root.join("subscriptions");
    let list: String = folders.iter().map(|name| format!("{name}\n")).collect();
    fs::write(&subscriptions, list).map_err(io_context("writing", &subscriptions))?;

    for (index, message) in messages.iter().enumerate() {
        let (sub, name) = file_name(index, message);
        let dir = mailbox_dir(root, message.folder).join(sub);
        fs::create_dir_all(&dir).map_err(io_context("creating", &dir))?;
        let path = dir.join(name);
        fs::write(&path, &message.raw).map_err(io_context("writing", &path))?;
        let secs = u64::try_from(message.unix_time()).unwrap_or(0);
        let mtime = UNIX_EPOCH + Duration::from_secs(secs);
        set_mtime(&path, mtime).map_err(io_context("setting the time of", &path))?;
    }
    Ok(())
}

fn set_mtime(path: &Path, time: SystemTime) -> std::io::Result<()> {
    let file = File::options().write(true).open(path)?;
    file.set_times(fs::FileTimes::new().set_modified(time).set_accessed(time))
}

/// Gives the tree at `path` to `uid`/`gid` (needed when Dovecot runs mail as another user).
pub(crate) fn chown_tree(path: &Path, uid: u32, gid: u32) -> Result<(), TestkitError> {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid)).map_err(io_context("chown", path))?;
    if path.is_dir() && !path.is_symlink() {
        for entry in fs::read_dir(path).map_err(io_context("reading", path))? {
            let entry = entry.map_err(io_context("reading", path))?;
            chown_tree(&entry.path(), uid, gid)?;
        }
    }
    Ok(())
}
