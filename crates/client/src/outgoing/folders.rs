//! Which folders the account uses for sent mail, drafts, trash and junk: the server's
//! SPECIAL-USE attributes (RFC 6154), else the names common servers and clients give
//! them, in the usual languages, at the top level or under INBOX.

use serde::{Deserialize, Serialize};
use webimap_proto::types::mailbox::{MailboxName, SpecialUse};

use super::name_serde;
use crate::model::Folder;

/// Which folders the account uses.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecialFolders {
    /// Sent mail.
    #[serde(with = "name_serde::option")]
    pub sent: Option<MailboxName>,
    /// Drafts.
    #[serde(with = "name_serde::option")]
    pub drafts: Option<MailboxName>,
    /// Deleted mail.
    #[serde(with = "name_serde::option")]
    pub trash: Option<MailboxName>,
    /// Spam.
    #[serde(with = "name_serde::option")]
    pub junk: Option<MailboxName>,
}

/// Names of sent-mail folders (compared without regard to case), most common first.
const SENT: &[&str] = &[
    "Sent",
    "Sent Items",
    "Sent Messages",
    "Sent Mail",
    "Gesendet",
    "Gesendete Elemente",
    "Gesendete Objekte",
    "Envoyés",
    "Éléments envoyés",
    "Messages envoyés",
    "Enviados",
    "Elementos enviados",
    "Itens enviados",
    "Inviati",
    "Posta inviata",
    "Elementi inviati",
    "Verzonden",
    "Verzonden items",
    "Verzonden berichten",
    "Skickat",
    "Skickade objekt",
    "Sendt",
    "Sendte elementer",
    "Wysłane",
    "Odeslané",
    "Отправленные",
];

/// Names of draft folders.
const DRAFTS: &[&str] = &[
    "Drafts",
    "Draft",
    "Entwürfe",
    "Brouillons",
    "Borradores",
    "Rascunhos",
    "Bozze",
    "Concepten",
    "Concepts",
    "Utkast",
    "Kladder",
    "Kopie robocze",
    "Koncepty",
    "Черновики",
];

/// Names of trash folders.
const TRASH: &[&str] = &[
    "Trash",
    "Deleted Items",
    "Deleted Messages",
    "Deleted",
    "Bin",
    "Papierkorb",
    "Gelöschte Elemente",
    "Gelöschte Objekte",
    "Corbeille",
    "Éléments supprimés",
    "Papelera",
    "Elementos eliminados",
    "Lixeira",
    "Lixo",
    "Itens excluídos",
    "Cestino",
    "Posta eliminata",
    "Elementi eliminati",
    "Prullenbak",
    "Verwijderde items",
    "Papperskorgen",
    "Borttagna objekt",
    "Slettet",
    "Slettede elementer",
    "Kosz",
    "Koš",
    "Корзина",
];

/// Names of junk folders.
const JUNK: &[&str] = &[
    "Junk",
    "Junk E-mail",
    "Junk Email",
    "Junk Mail",
    "Spam",
    "Bulk Mail",
    "Junk-E-Mail",
    "Unerwünscht",
    "Courrier indésirable",
    "Indésirables",
    "Correo no deseado",
    "Lixo eletrônico",
    "Posta indesiderata",
    "Ongewenste e-mail",
    "Skräppost",
    "Søppelpost",
    "Nevyžádaná pošta",
    "Спам",
];

/// The folders `folders` (as listed) holds for each role.
pub fn special_folders(folders: &[Folder]) -> SpecialFolders {
    let find = |role, names| find_folder(folders, role, names);
    SpecialFolders {
        sent: find(SpecialUse::Sent, SENT),
        drafts: find(SpecialUse::Drafts, DRAFTS),
        trash: find(SpecialUse::Trash, TRASH),
        junk: find(SpecialUse::Junk, JUNK),
    }
}

/// The selectable folder marked `role`, else the first of `names` found (a top-level
/// folder before one under INBOX).
fn find_folder(folders: &[Folder], role: SpecialUse, names: &[&str]) -> Option<MailboxName> {
    let selectable = || folders.iter().filter(|f| f.selectable);
    if let Some(marked) = selectable().find(|f| f.special_use == Some(role)) {
        return Some(marked.name.clone());
    }
    names.iter().find_map(|wanted| {
        let named = |under_inbox| {
            selectable().find(|f| {
                f.special_use.is_none()
                    && plain_name(f).is_some_and(|(name, inbox)| {
                        inbox == under_inbox && name.to_lowercase() == wanted.to_lowercase()
                    })
            })
        };
        named(false).or_else(|| named(true)).map(|f| f.name.clone())
    })
}

/// A folder's name if it is at the top level (`false`) or right under INBOX (`true`).
fn plain_name(folder: &Folder) -> Option<(&str, bool)> {
    if folder.is_inbox() {
        return None;
    }
    let Some(delimiter) = folder.delimiter else {
        return Some((&folder.path, false));
    };
    match folder.path.split_once(delimiter) {
        None => Some((&folder.path, false)),
        Some((parent, rest))
            if parent.eq_ignore_ascii_case("INBOX") && !rest.contains(delimiter) =>
        {
            Some((rest, true))
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(path: &str, delimiter: Option<char>, special_use: Option<SpecialUse>) -> Folder {
        Folder {
            name: MailboxName::from_display(path).unwrap(),
            path: path.to_string(),
            label: path.to_string(),
            delimiter,
            special_use,
            selectable: true,
            ..Folder::default()
        }
    }

    fn named(paths: &[&str]) -> Vec<Folder> {
        paths.iter().map(|p| folder(p, Some('/'), None)).collect()
    }

    fn name(path: &str) -> Option<MailboxName> {
        Some(MailboxName::from_display(path).unwrap())
    }

    #[test]
    fn special_use_wins_over_names() {
        let mut folders = named(&["INBOX", "Sent", "Drafts", "Trash"]);
        folders.push(folder(
            "[Gmail]/Sent Mail",
            Some('/'),
            Some(SpecialUse::Sent),
        ));
        folders.push(folder("[Gmail]/Bin", Some('/'), Some(SpecialUse::Trash)));
        let found = special_folders(&folders);
        assert_eq!(found.sent, name("[Gmail]/Sent Mail"));
        assert_eq!(found.trash, name("[Gmail]/Bin"));
        assert_eq!(found.drafts, name("Drafts"));
        assert_eq!(found.junk, None);
    }

    #[test]
    fn names_in_the_usual_languages() {
        let german = special_folders(&named(&[
            "INBOX",
            "Entwürfe",
            "Gesendet",
            "Papierkorb",
            "Spam",
        ]));
        assert_eq!(german.drafts, name("Entwürfe"));
        assert_eq!(german.sent, name("Gesendet"));
        assert_eq!(german.trash, name("Papierkorb"));
        assert_eq!(german.junk, name("Spam"));
        let french = special_folders(&named(&[
            "Brouillons",
            "Envoyés",
            "Corbeille",
            "Indésirables",
        ]));
        assert_eq!(french.drafts, name("Brouillons"));
        assert_eq!(french.sent, name("Envoyés"));
        assert_eq!(french.trash, name("Corbeille"));
        assert_eq!(french.junk, name("Indésirables"));
        let spanish = special_folders(&named(&["Borradores", "Enviados", "Papelera"]));
        assert_eq!(spanish.drafts, name("Borradores"));
        assert_eq!(spanish.sent, name("Enviados"));
        let italian = special_folders(&named(&["Bozze", "Inviati", "Cestino"]));
        assert_eq!(italian.drafts, name("Bozze"));
        assert_eq!(italian.sent, name("Inviati"));
        let dutch = special_folders(&named(&["Concepten", "Verzonden", "Prullenbak"]));
        assert_eq!(dutch.drafts, name("Concepten"));
        assert_eq!(dutch.sent, name("Verzonden"));
        assert_eq!(dutch.trash, name("Prullenbak"));
        let outlook = special_folders(&named(&["Sent Items", "Deleted Items", "Junk E-mail"]));
        assert_eq!(outlook.sent, name("Sent Items"));
        assert_eq!(outlook.trash, name("Deleted Items"));
        assert_eq!(outlook.junk, name("Junk E-mail"));
    }

    #[test]
    fn case_does_not_matter_and_inbox_children_count() {
        let found = special_folders(&[
            folder("INBOX", Some('.'), None),
            folder("INBOX.sent messages", Some('.'), None),
            folder("INBOX.DRAFTS", Some('.'), None),
            folder("INBOX.Work.Sent", Some('.'), None),
        ]);
        assert_eq!(found.sent, name("INBOX.sent messages"));
        assert_eq!(found.drafts, name("INBOX.DRAFTS"));
    }

    #[test]
    fn a_top_level_folder_goes_before_one_under_inbox_and_nested_ones_never_count() {
        let found = special_folders(&named(&[
            "INBOX/Sent",
            "Sent",
            "Work/Drafts",
            "Archive/Trash",
        ]));
        assert_eq!(found.sent, name("Sent"));
        assert_eq!(found.drafts, None);
        assert_eq!(found.trash, None);
    }

    #[test]
    fn the_most_common_name_wins_and_unselectable_folders_never() {
        let mut folders = named(&["Gesendet", "Sent"]);
        let mut drafts = folder("Drafts", Some('/'), Some(SpecialUse::Drafts));
        drafts.selectable = false;
        folders.push(drafts);
        folders.push(folder("Entwürfe", Some('/'), None));
        let found = special_folders(&folders);
        assert_eq!(found.sent, name("Sent"));
        assert_eq!(found.drafts, name("Entwürfe"));
    }

    #[test]
    fn a_folder_marked_for_another_role_is_not_taken_by_name() {
        let found = special_folders(&[folder("Sent", None, Some(SpecialUse::Archive))]);
        assert_eq!(found.sent, None);
    }

    #[test]
    fn serialises_in_camel_case() {
        let found = special_folders(&named(&["Sent", "Drafts"]));
        let json = serde_json::to_string(&found).unwrap();
        assert_eq!(
            json,
            r#"{"sent":"Sent","drafts":"Drafts","trash":null,"junk":null}"#
        );
        assert_eq!(
            serde_json::from_str::<SpecialFolders>(&json).unwrap(),
            found
        );
    }
}
