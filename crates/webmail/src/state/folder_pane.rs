//! The folder pane's data: every folder of the account, listed at sign-in and again for
//! fresh counts — both through the one [`FolderAction::Listed`].

use webimap_client::{model::Folder, proto::types::mailbox::MailboxName};

use super::{error::UiError, loadable::Loadable};

/// All folders, INBOX first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct FolderPane {
    /// The folders.
    pub(crate) folders: Loadable<Vec<Folder>>,
}

/// What happens to the folder list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FolderAction {
    /// Listing folders (the first time).
    Loading,
    /// The folder list arrived, or listing failed. A failure with a list shown keeps it
    /// (its counts may be stale); without one it is shown in the pane.
    Listed(Result<Vec<Folder>, UiError>),
    /// A folder is shown in the folder pane (subscribed) or hidden, at once (the server
    /// is asked; a refusal brings the list back as the server has it).
    Shown {
        /// The folder.
        folder: MailboxName,
        /// Shown.
        on: bool,
    },
}

impl FolderPane {
    /// The folder called `name`.
    pub(crate) fn find(&self, name: &MailboxName) -> Option<&Folder> {
        self.folders.ready()?.iter().find(|f| &f.name == name)
    }

    /// How a folder is called in toasts: its label, else its full name.
    pub(crate) fn label(&self, name: &MailboxName) -> String {
        self.find(name)
            .map_or_else(|| name.display().into_owned(), |f| f.label.clone())
    }

    /// The folders, or none while they load.
    pub(crate) fn list(&self) -> &[Folder] {
        self.folders.ready().map_or(&[], Vec::as_slice)
    }

    /// Applies `action`; `false` if it changed nothing.
    pub(crate) fn apply(&mut self, action: FolderAction) -> bool {
        match action {
            FolderAction::Loading => self.folders = Loadable::Loading,
            FolderAction::Listed(Ok(folders)) => self.folders = Loadable::Ready(folders),
            FolderAction::Listed(Err(error)) => {
                if self.folders.ready().is_some() {
                    return false;
                }
                self.folders = Loadable::Failed(error);
            }
            FolderAction::Shown { folder, on } => {
                let Loadable::Ready(folders) = &mut self.folders else {
                    return false;
                };
                let Some(f) = folders.iter_mut().find(|f| f.name == folder) else {
                    return false;
                };
                f.subscribed = Some(on);
            }
        }
        true
    }

    /// Sets the counts of folder `name` (from its messages, once all are listed).
    pub(crate) fn set_counts(&mut self, name: &MailboxName, total: u32, unseen: u32) {
        if let Loadable::Ready(folders) = &mut self.folders
            && let Some(f) = folders.iter_mut().find(|f| &f.name == name)
        {
            f.total = Some(total);
            f.unseen = Some(unseen);
        }
    }
}

/// The folder to open first: INBOX, else the first folder that can be opened.
pub(crate) fn initial_folder(folders: &[Folder]) -> Option<MailboxName> {
    folders
        .iter()
        .find(|f| f.is_inbox() && f.selectable)
        .or_else(|| folders.iter().find(|f| f.selectable))
        .map(|f| f.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures::{folder, name};

    fn unselectable(path: &str) -> Folder {
        Folder {
            selectable: false,
            ..folder(path)
        }
    }

    #[test]
    fn inbox_is_opened_first() {
        let folders = vec![folder("Archive"), folder("INBOX")];
        assert_eq!(initial_folder(&folders), Some(MailboxName::inbox()));
        let no_inbox = vec![unselectable("Parent"), folder("Parent/Child")];
        assert_eq!(initial_folder(&no_inbox), Some(name("Parent/Child")));
        assert_eq!(initial_folder(&[]), None);
    }

    #[test]
    fn one_listing_action_loads_refreshes_and_keeps_the_list_on_failure() {
        let mut pane = FolderPane::default();
        pane.apply(FolderAction::Loading);
        assert_eq!(pane.folders, Loadable::Loading);
        pane.apply(FolderAction::Listed(Err(UiError::ConnectionLost)));
        assert_eq!(pane.folders, Loadable::Failed(UiError::ConnectionLost));
        pane.apply(FolderAction::Listed(Ok(vec![folder("INBOX")])));
        assert_eq!(pane.list().len(), 1);
        // A refresh that fails keeps what is shown.
        assert!(!pane.apply(FolderAction::Listed(Err(UiError::ConnectionLost))));
        assert_eq!(pane.list().len(), 1);
        let mut inbox = folder("INBOX");
        inbox.total = Some(9);
        pane.apply(FolderAction::Listed(Ok(vec![inbox, folder("Old")])));
        assert_eq!(
            pane.find(&MailboxName::inbox()).and_then(|f| f.total),
            Some(9)
        );
        assert_eq!(pane.label(&name("Old")), "Old");
        assert_eq!(pane.label(&name("Gone/Away")), "Gone/Away");
    }

    #[test]
    fn folders_hide_at_once() {
        let mut pane = FolderPane::default();
        pane.apply(FolderAction::Listed(Ok(vec![
            folder("INBOX"),
            folder("Old"),
        ])));
        assert!(pane.apply(FolderAction::Shown {
            folder: name("Old"),
            on: false,
        }));
        assert_eq!(
            pane.find(&name("Old")).and_then(|f| f.subscribed),
            Some(false)
        );
        let before = pane.clone();
        assert!(!pane.apply(FolderAction::Shown {
            folder: name("Gone"),
            on: true,
        }));
        assert_eq!(pane, before);
    }
}
