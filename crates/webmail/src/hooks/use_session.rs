//! [`use_session`]: signing in and out, and [`SessionContext`], through which pages read
//! the session.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;
use yew_router::hooks::use_navigator;

use crate::{
    route::Route,
    services::{self, Connection},
    state::{
        error::UiError,
        session::{Session, SessionAction},
        settings::Settings,
    },
};

/// The session state with the app's connection type.
pub(crate) type SessionState = Session<Connection>;

/// What a sign-in asks for: the form's settings and the passwords (never stored).
#[derive(Clone, PartialEq)]
pub(crate) struct SignInRequest {
    /// The form's fields.
    pub(crate) settings: Settings,
    /// The password.
    pub(crate) password: String,
    /// The outgoing server's password, when not the same.
    pub(crate) smtp_password: Option<String>,
}

impl std::fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInRequest")
            .field("settings", &self.settings)
            .field("password", &"<redacted>")
            .field("smtp_password", &"<redacted>")
            .finish()
    }
}

/// The context every page reads the session from (provided by `App`).
pub(crate) type SessionContext = SessionHandle;

/// The session, the remembered settings, and what can be done with them. Shared through
/// a context by `App`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SessionHandle {
    /// Where the session stands.
    pub(crate) state: UseReducerHandle<SessionState>,
    /// The sign-in form's settings, as remembered.
    pub(crate) settings: Settings,
    /// The relay on the page's own origin.
    pub(crate) default_relay: AttrValue,
    /// Signs in.
    pub(crate) sign_in: Callback<SignInRequest>,
    /// Signs out.
    pub(crate) sign_out: Callback<()>,
    /// Reports that the connection broke (back to the sign-in form).
    pub(crate) connection_lost: Callback<()>,
}

/// Owns the session reducer and the remembered settings.
#[hook]
pub(crate) fn use_session() -> SessionHandle {
    let state = use_reducer(SessionState::default);
    let settings = use_state(services::browser::load_settings);
    let default_relay = use_memo((), |()| {
        AttrValue::from(services::browser::default_relay_url())
    });

    let sign_in = {
        let dispatcher = state.dispatcher();
        let settings = settings.clone();
        let default_relay = default_relay.clone();
        let busy = !matches!(state.phase, crate::state::session::Phase::SignedOut);
        Callback::from(move |request: SignInRequest| {
            if busy {
                return;
            }
            let SignInRequest {
                settings: form,
                password,
                smtp_password,
            } = request;
            let mut remembered = form.clone();
            if remembered.relay_url.as_deref().map(str::trim) == Some(default_relay.as_str()) {
                remembered.relay_url = None;
            }
            services::browser::save_settings(&remembered);
            settings.set(remembered);
            let checked = form.validate(&password, &default_relay).and_then(|target| {
                let outgoing = crate::state::outgoing::outgoing_for(&form, &target)?;
                Ok((target, outgoing))
            });
            let (target, outgoing) = match checked {
                Ok(checked) => checked,
                Err(error) => return dispatcher.dispatch(SessionAction::SignInFailed(error)),
            };
            let smtp_password = crate::state::outgoing::Password::new(
                smtp_password
                    .as_deref()
                    .filter(|p| !p.is_empty())
                    .unwrap_or(&password),
            );
            dispatcher.dispatch(SessionAction::SignInStarted);
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                match services::session::sign_in(&target, &password, outgoing, smtp_password).await
                {
                    Ok((account, conn)) => {
                        dispatcher.dispatch(SessionAction::SignInSucceeded { account, conn })
                    }
                    Err(error) => dispatcher.dispatch(SessionAction::SignInFailed(error)),
                }
            });
        })
    };

    let navigator = use_navigator();
    let sign_out = {
        let dispatcher = state.dispatcher();
        let conn = state.connection().cloned();
        Callback::from(move |()| {
            let Some(conn) = conn.clone() else { return };
            dispatcher.dispatch(SessionAction::SignOutStarted);
            let (dispatcher, navigator) = (dispatcher.clone(), navigator.clone());
            spawn_local(async move {
                services::session::sign_out(conn).await;
                dispatcher.dispatch(SessionAction::SignedOut);
                // The next one to sign in here starts at INBOX, not where this user was
                // (changed once the mailbox is gone, so it does not follow).
                if let Some(navigator) = navigator {
                    navigator.replace(&Route::Home);
                }
            });
        })
    };

    let connection_lost = use_callback(state.dispatcher(), |(), dispatcher| {
        dispatcher.dispatch(SessionAction::ConnectionLost);
    });

    SessionHandle {
        state,
        settings: (*settings).clone(),
        default_relay: (*default_relay).clone(),
        sign_in,
        sign_out,
        connection_lost,
    }
}

/// Reports a failure from a signed-in operation: a lost connection ends the session.
pub(crate) fn report_lost(error: &UiError, connection_lost: &Callback<()>) {
    if error.is_connection_lost() {
        connection_lost.emit(());
    }
}
