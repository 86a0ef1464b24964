//! Folder management: what the user asks ([`FolderChange`], from the "Manage folders"
//! dialog) checked against the folder list and turned into what the server is asked
//! ([`FolderOp`]) — pure, so the rules are tested natively — and which folders the folder
//! pane shows (the subscribed ones).

use webimap_client::{model::Folder, proto::types::mailbox::MailboxName};

/// What the user asks for in the "Manage folders" dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FolderChange {
    /// A new folder `label` under `parent` (top level without one).
    Create {
        /// The parent folder.
        parent: Option<MailboxName>,
        /// The new folder's name (one level).
        label: String,
    },
    /// `folder` gets the name `label` (same parent).
    Rename {
        /// The folder.
        folder: MailboxName,
        /// Its new name (one level).
        label: String,
    },
    /// `folder` goes, with its messages (after a confirmation).
    Delete(MailboxName),
    /// `folder` is shown in the folder pane (subscribed) or not.
    Subscribe {
        /// The folder.
        folder: MailboxName,
        /// Subscribe or unsubscribe.
        on: bool,
    },
}

/// What the server is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FolderOp {
    /// CREATE (and SUBSCRIBE, so it shows).
    Create(MailboxName),
    /// RENAME.
    Rename {
        /// The old name.
        from: MailboxName,
        /// The new name.
        to: MailboxName,
    },
    /// DELETE.
    Delete(MailboxName),
    /// SUBSCRIBE or UNSUBSCRIBE.
    Subscribe {
        /// The folder.
        name: MailboxName,
        /// Subscribe or unsubscribe.
        on: bool,
    },
}

impl FolderOp {
    /// What the toast says when it is done.
    pub(crate) fn done_text(&self) -> String {
        match self {
            FolderOp::Create(name) => format!("Folder {} created", name.display()),
            FolderOp::Rename { to, .. } => format!("Folder renamed to {}", to.display()),
            FolderOp::Delete(name) => format!("Folder {} deleted", name.display()),
            FolderOp::Subscribe { name, on: true } => {
                format!("{} is shown in the folder list", name.display())
            }
            FolderOp::Subscribe { name, on: false } => {
                format!("{} is hidden from the folder list", name.display())
            }
        }
    }
}

fn find<'a>(folders: &'a [Folder], name: &MailboxName) -> Result<&'a Folder, String> {
    folders
        .iter()
        .find(|f| &f.name == name)
        .ok_or_else(|| format!("There is no folder {}.", name.display()))
}

/// The hierarchy delimiter of the account (from INBOX or any folder), `/` if none says.
fn delimiter(folders: &[Folder]) -> char {
    folders
        .iter()
        .find(|f| f.is_inbox())
        .and_then(|f| f.delimiter)
        .or_else(|| folders.iter().find_map(|f| f.delimiter))
        .unwrap_or('/')
}

/// A checked one-level name.
fn label(label: &str, delimiter: char) -> Result<&str, String> {
    let label = label.trim();
    if label.is_empty() {
        return Err("Type a name for the folder.".into());
    }
    if label.contains(delimiter) {
        return Err(format!(
            "A folder name cannot contain “{delimiter}”; choose a parent folder instead."
        ));
    }
    if label.chars().any(char::is_control) {
        return Err("A folder name cannot contain control characters.".into());
    }
    Ok(label)
}

/// The full name of `label` under `parent_path` (top level for `None`).
fn full_name(
    folders: &[Folder],
    parent_path: Option<&str>,
    label: &str,
) -> Result<MailboxName, String> {
    let path = match parent_path {
        Some(parent) => format!("{parent}{}{label}", delimiter(folders)),
        None => label.to_string(),
    };
    let taken = folders
        .iter()
        .any(|f| f.path == path || (f.is_inbox() && path.eq_ignore_ascii_case("INBOX")));
    if taken {
        return Err(format!("A folder named {path} exists already."));
    }
    MailboxName::from_display(&path).map_err(|_| "That is not a valid folder name.".into())
}

/// Checks `change` against `folders`: what to ask the server, or why not (in words).
pub(crate) fn plan_folder_change(
    folders: &[Folder],
    change: FolderChange,
) -> Result<FolderOp, String> {
    let delimiter = delimiter(folders);
    match change {
        FolderChange::Create { parent, label: l } => {
            let l = label(&l, delimiter)?;
            let parent_path = match &parent {
                Some(p) => Some(find(folders, p)?.path.as_str()),
                None => None,
            };
            Ok(FolderOp::Create(full_name(folders, parent_path, l)?))
        }
        FolderChange::Rename { folder, label: l } => {
            let f = find(folders, &folder)?;
            if f.is_inbox() {
                return Err("The Inbox cannot be renamed.".into());
            }
            let l = label(&l, delimiter)?;
            if l == f.label {
                return Err(format!("The folder is called {l} already."));
            }
            let parent = f
                .delimiter
                .and_then(|d| f.path.rsplit_once(d))
                .map(|(parent, _)| parent);
            Ok(FolderOp::Rename {
                from: folder,
                to: full_name(folders, parent, l)?,
            })
        }
        FolderChange::Delete(folder) => {
            if find(folders, &folder)?.is_inbox() {
                return Err("The Inbox cannot be deleted.".into());
            }
            Ok(FolderOp::Delete(folder))
        }
        FolderChange::Subscribe { folder, on } => {
            if find(folders, &folder)?.is_inbox() {
                return Err("The Inbox is always shown.".into());
            }
            Ok(FolderOp::Subscribe { name: folder, on })
        }
    }
}

/// The folders the folder pane shows: INBOX, subscribed folders (and folders whose
/// subscription is not known), and the parents of shown folders.
pub(crate) fn shown_folders(folders: &[Folder]) -> Vec<&Folder> {
    let shown = |f: &Folder| f.is_inbox() || f.subscribed != Some(false);
    folders
        .iter()
        .filter(|f| {
            shown(f)
                || folders.iter().any(|child| {
                    shown(child)
                        && f.delimiter.is_some_and(|d| {
                            child
                                .path
                                .strip_prefix(f.path.as_str())
                                .is_some_and(|rest| rest.starts_with(d))
                        })
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures::name;

    fn folder(path: &str, subscribed: Option<bool>) -> Folder {
        Folder {
            subscribed,
            ..crate::state::fixtures::folder(path)
        }
    }

    fn folders() -> Vec<Folder> {
        vec![
            folder("INBOX", Some(false)),
            folder("Work", Some(false)),
            folder("Work/Projects", Some(true)),
            folder("Old", Some(false)),
            folder("Trash", None),
        ]
    }

    #[test]
    fn creates_under_a_parent_with_the_delimiter() {
        let fs = folders();
        let create = |parent: Option<&str>, label: &str| {
            plan_folder_change(
                &fs,
                FolderChange::Create {
                    parent: parent.map(name),
                    label: label.into(),
                },
            )
        };
        assert_eq!(
            create(Some("Work"), " Größe "),
            Ok(FolderOp::Create(name("Work/Größe")))
        );
        assert_eq!(
            create(None, "Receipts"),
            Ok(FolderOp::Create(name("Receipts")))
        );
        assert!(create(None, "  ").unwrap_err().contains("Type a name"));
        assert!(create(None, "a/b").unwrap_err().contains("cannot contain"));
        assert!(create(None, "Old").unwrap_err().contains("exists already"));
        assert!(
            create(None, "inbox")
                .unwrap_err()
                .contains("exists already")
        );
        assert!(create(Some("Work"), "Projects").is_err());
        assert!(create(Some("Gone"), "x").unwrap_err().contains("no folder"));
        assert!(create(None, "a\tb").is_err());
    }

    #[test]
    fn renames_keep_the_parent() {
        let fs = folders();
        let rename = |path: &str, label: &str| {
            plan_folder_change(
                &fs,
                FolderChange::Rename {
                    folder: name(path),
                    label: label.into(),
                },
            )
        };
        assert_eq!(
            rename("Work/Projects", "Done"),
            Ok(FolderOp::Rename {
                from: name("Work/Projects"),
                to: name("Work/Done")
            })
        );
        assert_eq!(
            rename("Old", "Older"),
            Ok(FolderOp::Rename {
                from: name("Old"),
                to: name("Older")
            })
        );
        assert!(rename("INBOX", "Mail").is_err());
        assert!(rename("Old", "Old").unwrap_err().contains("already"));
        assert!(
            rename("Old", "Work")
                .unwrap_err()
                .contains("exists already")
        );
    }

    #[test]
    fn inbox_stays() {
        let fs = folders();
        assert!(plan_folder_change(&fs, FolderChange::Delete(MailboxName::inbox())).is_err());
        assert_eq!(
            plan_folder_change(&fs, FolderChange::Delete(name("Old"))),
            Ok(FolderOp::Delete(name("Old")))
        );
        let hide = |path: &str| {
            plan_folder_change(
                &fs,
                FolderChange::Subscribe {
                    folder: name(path),
                    on: false,
                },
            )
        };
        assert!(hide("INBOX").is_err());
        assert!(hide("Old").unwrap().done_text().contains("hidden"));
    }

    #[test]
    fn the_pane_shows_subscribed_folders_and_their_parents() {
        let fs = folders();
        let shown: Vec<&str> = shown_folders(&fs).iter().map(|f| f.path.as_str()).collect();
        assert_eq!(shown, vec!["INBOX", "Work", "Work/Projects", "Trash"]);
    }
}
