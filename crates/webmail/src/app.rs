//! [`App`]: the router (by the address's fragment, see `route`), the preferences and the
//! session shared through contexts, and the page for the session's phase. While signed
//! out the address is left as it is, so signing in (again) returns to the place it names.

use yew::prelude::*;
use yew_router::HashRouter;

use crate::{
    hooks::{PrefsContext, SessionContext, use_prefs, use_session},
    pages::{mailbox::MailboxPage, sign_in::SignInPage},
    state::session::Phase,
};

/// The whole app.
#[function_component]
pub(crate) fn App() -> Html {
    html! {
        <HashRouter>
            <Shell />
        </HashRouter>
    }
}

/// The contexts and the page (inside the router, so hooks can read and set the address).
#[function_component]
fn Shell() -> Html {
    let prefs = use_prefs();
    let session = use_session();
    let page = match &session.state.phase {
        Phase::SignedIn { account, conn } => {
            html! { <MailboxPage account={account.clone()} conn={conn.clone()} /> }
        }
        Phase::SignedOut | Phase::SigningIn => html! { <SignInPage /> },
        Phase::SigningOut => html! { <p class="page-status" role="status">{ "Signing out…" }</p> },
    };
    html! {
        <ContextProvider<PrefsContext> context={prefs}>
            <ContextProvider<SessionContext> context={session}>
                { page }
            </ContextProvider<SessionContext>>
        </ContextProvider<PrefsContext>>
    }
}
