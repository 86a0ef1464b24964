//! [`use_prefs`]: the user's preferences, loaded from this browser, saved as they change,
//! and the theme applied to the page; [`use_pane_widths`] sets the panes' widths.

use std::rc::Rc;

use yew::prelude::*;

use crate::{
    services::browser,
    state::prefs::{Prefs, PrefsAction},
};

/// The context pages read the preferences from (provided by `App`).
pub(crate) type PrefsContext = PrefsHandle;

/// The preferences and how to change them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PrefsHandle {
    /// The preferences.
    pub(crate) state: UseReducerHandle<Prefs>,
    /// Changes one (it is remembered).
    pub(crate) change: Callback<PrefsAction>,
    /// Whether the system asks for a dark theme (for the theme switch without a choice).
    pub(crate) system_dark: bool,
}

/// Loads the preferences once, saves each when it changes, applies the theme.
#[hook]
pub(crate) fn use_prefs() -> PrefsHandle {
    let state = use_reducer(browser::load_prefs);
    let system_dark = *use_memo((), |()| browser::system_prefers_dark());
    use_effect_with(state.theme, |theme| {
        browser::apply_theme(*theme);
        if let Some(theme) = theme {
            browser::save_theme(*theme);
        }
    });
    use_effect_with(state.widths, |widths| browser::save_layout(*widths));
    use_effect_with(state.mark_read_on_open, |on| {
        browser::save_mark_read_on_open(*on);
    });
    use_effect_with(state.undo_send_seconds, |seconds| {
        browser::save_undo_send(*seconds);
    });
    use_effect_with(state.trusted_senders.clone(), |senders: &Rc<_>| {
        browser::save_trusted_senders(senders);
    });
    let change = use_callback(state.dispatcher(), |action, dispatcher| {
        dispatcher.dispatch(action);
    });
    PrefsHandle {
        state,
        change,
        system_dark,
    }
}

/// Sets the panes' widths on the element behind `panes` (as CSS custom properties,
/// through the CSSOM: the page's Content-Security-Policy allows no style attributes).
#[hook]
pub(crate) fn use_pane_widths(panes: &NodeRef, widths: (u32, u32)) {
    let panes = panes.clone();
    use_effect(move || {
        let (folders, list) = widths;
        crate::components::set_style(&panes, "--folders-width", &format!("{folders}px"));
        crate::components::set_style(&panes, "--list-width", &format!("{list}px"));
    });
}
