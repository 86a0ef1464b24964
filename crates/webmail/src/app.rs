//! [`App`]: owns the session, shares it through a context, and shows the sign-in page or
//! the mailbox.

use yew::prelude::*;

use crate::{
    hooks::{SessionHandle, use_session},
    pages::{mailbox::MailboxPage, sign_in::SignInPage},
    state::session::Phase,
};

/// The context every page reads the session from.
pub(crate) type SessionContext = SessionHandle;

/// The whole app.
#[function_component]
pub(crate) fn App() -> Html {
    let session = use_session();
    use_effect_with((), |()| {
        crate::services::browser::apply_theme(crate::services::browser::load_theme().as_deref())
    });
    let page = match &session.state.phase {
        Phase::SignedIn { account, conn } => {
            html! { <MailboxPage account={account.clone()} conn={conn.clone()} /> }
        }
        Phase::SignedOut | Phase::SigningIn => html! { <SignInPage /> },
        Phase::SigningOut => html! { <p class="page-status" role="status">{ "Signing out…" }</p> },
    };
    html! {
        <ContextProvider<SessionContext> context={session}>
            { page }
        </ContextProvider<SessionContext>>
    }
}
