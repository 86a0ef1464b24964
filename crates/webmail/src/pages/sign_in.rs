//! The sign-in page.

use yew::prelude::*;

use crate::{
    components::login_form::LoginForm,
    hooks::{SessionContext, use_session::SignInRequest},
};

/// The brand and the sign-in form, centred.
#[function_component]
pub(crate) fn SignInPage() -> Html {
    let Some(session) = use_context::<SessionContext>() else {
        return html! {};
    };
    let on_submit = session
        .sign_in
        .reform(|(settings, password, smtp_password)| SignInRequest {
            settings,
            password,
            smtp_password,
        });
    html! {
        <main class="sign-in-page">
            <div class="sign-in-card">
                <div class="brand brand-large">
                    <img src="/icons/icon.svg" alt="" width="40" height="40" />
                    <span>{ "webimap" }</span>
                </div>
                <p class="tagline">{ "Your IMAP mail, right in the browser." }</p>
                <LoginForm
                    settings={session.settings.clone()}
                    default_relay={session.default_relay.clone()}
                    busy={session.state.is_signing_in()}
                    error={session.state.error.as_ref().map(|e| AttrValue::from(e.to_string()))}
                    {on_submit}
                />
            </div>
        </main>
    }
}
