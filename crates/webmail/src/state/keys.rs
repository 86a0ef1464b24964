//! Keyboard shortcuts: which key press means what (pure, so it is tested natively).

/// What a shortcut asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    /// j: the next message.
    Next,
    /// k: the previous message.
    Previous,
    /// o or Enter: open the message under the cursor.
    Open,
    /// u: back to the list.
    Back,
    /// /: focus the search box.
    Search,
    /// g then i: INBOX.
    GoInbox,
    /// ?: the list of shortcuts.
    Help,
    /// Escape: close the dialog.
    Close,
    /// Ctrl/Cmd+A in the list: select every message shown.
    SelectAll,
    /// shift+i: mark read.
    MarkRead,
    /// shift+u: mark unread.
    MarkUnread,
    /// s: flag or unflag.
    Flag,
    /// #: delete.
    Delete,
    /// e: archive.
    Archive,
    /// !: junk.
    Junk,
    /// v: move to a folder.
    MoveTo,
    /// c: write a new message.
    Compose,
    /// r: reply to the open message.
    Reply,
    /// a: reply to all.
    ReplyAll,
    /// f: forward the open message.
    Forward,
}

/// A key press, as much of it as matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Press<'a> {
    /// `KeyboardEvent.key`.
    pub(crate) key: &'a str,
    /// Ctrl or Cmd held.
    pub(crate) command: bool,
    /// Alt held.
    pub(crate) alt: bool,
    /// Focus is in a text field (shortcuts other than Escape are off).
    pub(crate) typing: bool,
    /// Focus is on a button, link or other control that handles Enter itself.
    pub(crate) on_control: bool,
    /// Focus is in the message list.
    pub(crate) in_list: bool,
}

/// The command for `press`, given whether `g` was the key before; the second value is
/// whether `g` is now pending.
pub(crate) fn command_for(press: Press<'_>, g_pending: bool) -> (Option<Command>, bool) {
    if press.key == "Escape" {
        return (Some(Command::Close), false);
    }
    if press.typing || press.alt {
        return (None, false);
    }
    if press.command {
        let all = press.in_list && press.key.eq_ignore_ascii_case("a");
        return (all.then_some(Command::SelectAll), false);
    }
    if g_pending && press.key == "i" {
        return (Some(Command::GoInbox), false);
    }
    let command = match press.key {
        "j" | "ArrowDown" if press.key == "j" || press.in_list => Command::Next,
        "k" | "ArrowUp" if press.key == "k" || press.in_list => Command::Previous,
        "o" => Command::Open,
        "Enter" if !press.on_control => Command::Open,
        "u" => Command::Back,
        "U" => Command::MarkUnread,
        "I" => Command::MarkRead,
        "s" => Command::Flag,
        "#" | "Delete" => Command::Delete,
        "e" => Command::Archive,
        "!" => Command::Junk,
        "v" => Command::MoveTo,
        "c" => Command::Compose,
        "r" => Command::Reply,
        "a" => Command::ReplyAll,
        "f" => Command::Forward,
        "/" => Command::Search,
        "?" => Command::Help,
        "g" => return (None, true),
        _ => return (None, false),
    };
    (Some(command), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(key: &str) -> Press<'_> {
        Press {
            key,
            ..Press::default()
        }
    }

    #[test]
    fn letters() {
        assert_eq!(command_for(key("j"), false), (Some(Command::Next), false));
        assert_eq!(
            command_for(key("k"), false),
            (Some(Command::Previous), false)
        );
        assert_eq!(command_for(key("o"), false), (Some(Command::Open), false));
        assert_eq!(command_for(key("u"), false), (Some(Command::Back), false));
        assert_eq!(command_for(key("/"), false), (Some(Command::Search), false));
        assert_eq!(command_for(key("?"), false), (Some(Command::Help), false));
        assert_eq!(command_for(key("x"), false), (None, false));
        assert_eq!(
            command_for(key("U"), false),
            (Some(Command::MarkUnread), false)
        );
        assert_eq!(
            command_for(key("I"), false),
            (Some(Command::MarkRead), false)
        );
        assert_eq!(command_for(key("#"), false), (Some(Command::Delete), false));
        assert_eq!(
            command_for(key("e"), false),
            (Some(Command::Archive), false)
        );
        assert_eq!(command_for(key("c"), false).0, Some(Command::Compose));
        assert_eq!(command_for(key("r"), false).0, Some(Command::Reply));
        assert_eq!(command_for(key("a"), false).0, Some(Command::ReplyAll));
        assert_eq!(command_for(key("f"), false).0, Some(Command::Forward));
        // Ctrl+C copies; "c" typed in a field is text.
        let copy = Press {
            command: true,
            ..key("c")
        };
        assert_eq!(command_for(copy, false).0, None);
        let typed = Press {
            typing: true,
            ..key("c")
        };
        assert_eq!(command_for(typed, false).0, None);
    }

    #[test]
    fn g_then_i() {
        assert_eq!(command_for(key("g"), false), (None, true));
        assert_eq!(command_for(key("i"), true), (Some(Command::GoInbox), false));
        assert_eq!(command_for(key("i"), false), (None, false));
    }

    #[test]
    fn context_matters() {
        let typing = Press {
            typing: true,
            ..key("j")
        };
        assert_eq!(command_for(typing, false), (None, false));
        let escape = Press {
            typing: true,
            ..key("Escape")
        };
        assert_eq!(command_for(escape, false).0, Some(Command::Close));
        let on_button = Press {
            on_control: true,
            ..key("Enter")
        };
        assert_eq!(command_for(on_button, false).0, None);
        assert_eq!(command_for(key("Enter"), false).0, Some(Command::Open));
        assert_eq!(command_for(key("ArrowDown"), false).0, None);
        let in_list = Press {
            in_list: true,
            ..key("ArrowDown")
        };
        assert_eq!(command_for(in_list, false).0, Some(Command::Next));
        let select_all = Press {
            command: true,
            in_list: true,
            ..key("a")
        };
        assert_eq!(command_for(select_all, false).0, Some(Command::SelectAll));
        let copy = Press {
            command: true,
            ..key("c")
        };
        assert_eq!(command_for(copy, false).0, None);
    }
}
