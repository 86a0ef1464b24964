//! The sign-in form.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::state::{
    outgoing::derived_host,
    presets::{self, PRESETS},
    settings::{Security, Settings},
};

/// Props of [`LoginForm`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct LoginFormProps {
    /// Initial values (remembered from the last visit).
    pub(crate) settings: Settings,
    /// The relay URL used when the field is left as is.
    pub(crate) default_relay: AttrValue,
    /// Whether a sign-in is under way.
    pub(crate) busy: bool,
    /// Why the last attempt failed.
    #[prop_or_default]
    pub(crate) error: Option<AttrValue>,
    /// The settings, the password and the outgoing password (when another), on submit.
    pub(crate) on_submit: Callback<(Settings, String, Option<String>)>,
}

/// Server, port, security, user name and password; the relay URL under "Advanced".
#[function_component]
pub(crate) fn LoginForm(props: &LoginFormProps) -> Html {
    let form = use_state(|| props.settings.clone());
    let password = use_state(String::new);
    let smtp_password = use_state(String::new);
    let relay = use_state(|| props.settings.relay_or(&props.default_relay).to_string());

    let text_input = |update: fn(&mut Settings, String)| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*form).clone();
            update(
                &mut next,
                e.target_unchecked_into::<HtmlInputElement>().value(),
            );
            form.set(next);
        })
    };
    let on_server = text_input(|s, v| s.server = v);
    let on_smtp_server = text_input(|s, v| s.smtp_server = v);
    let on_smtp_port = text_input(|s, v| s.smtp_port = v);
    let on_smtp_security = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(security) = Security::from_value(&value) {
                let mut next = (*form).clone();
                if next.smtp_port.trim() == next.smtp_security.submission_port().to_string() {
                    next.smtp_port = security.submission_port().to_string();
                }
                next.smtp_security = security;
                form.set(next);
            }
        })
    };
    let on_smtp_password = {
        let smtp_password = smtp_password.clone();
        Callback::from(move |e: InputEvent| {
            smtp_password.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_port = text_input(|s, v| s.port = v);
    let on_username = text_input(|s, v| s.username = v);
    let on_ca = {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*form).clone();
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            next.ca_pem = (!value.trim().is_empty()).then_some(value);
            form.set(next);
        })
    };
    let on_security = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(security) = Security::from_value(&value) {
                let mut next = (*form).clone();
                if next.port.trim() == next.security.default_port().to_string() {
                    next.port = security.default_port().to_string();
                }
                next.security = security;
                form.set(next);
            }
        })
    };
    let on_preset = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(preset) = presets::by_id(&value) {
                let mut next = (*form).clone();
                preset.apply(&mut next);
                form.set(next);
            }
        })
    };
    let on_password = {
        let password = password.clone();
        Callback::from(move |e: InputEvent| {
            password.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_relay = {
        let relay = relay.clone();
        Callback::from(move |e: InputEvent| {
            relay.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let onsubmit = {
        let (form, password, relay) = (form.clone(), password.clone(), relay.clone());
        let smtp_password = smtp_password.clone();
        let on_submit = props.on_submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut settings = (*form).clone();
            settings.relay_url = Some((*relay).clone());
            let other = (!smtp_password.is_empty()).then(|| (*smtp_password).clone());
            on_submit.emit((settings, (*password).clone(), other));
        })
    };

    let security = form.security;
    let preset = presets::matching(&form);
    let smtp_security = form.smtp_security;
    let derived_smtp = derived_host(&form.server);
    html! {
        <form class="login-form" {onsubmit} novalidate=true aria-busy={props.busy.to_string()}>
            <fieldset disabled={props.busy}>
                <legend class="visually-hidden">{ "Sign in to your IMAP server" }</legend>
                <div class="field">
                    <label for="provider">{ "Provider" }</label>
                    <select id="provider" name="provider" onchange={on_preset}
                        aria-describedby={preset.is_some().then_some("provider-note")}>
                        <option value="" selected={preset.is_none()}>{ "Other: enter the server below" }</option>
                        { for PRESETS.iter().map(|p| html! {
                            <option value={p.id} selected={preset == Some(p)}>{ p.label }</option>
                        }) }
                    </select>
                    if let Some(p) = preset {
                        <p class="hint" id="provider-note">{ p.note }</p>
                    }
                </div>
                <div class="field">
                    <label for="server">{ "Server" }</label>
                    <input id="server" name="server" type="text" autocomplete="off" spellcheck="false"
                        autocapitalize="off" placeholder="imap.example.com" required=true
                        value={form.server.clone()} oninput={on_server} />
                </div>
                <div class="field-row">
                    <div class="field field-port">
                        <label for="port">{ "Port" }</label>
                        <input id="port" name="port" type="text" inputmode="numeric" pattern="[0-9]*"
                            autocomplete="off" required=true value={form.port.clone()} oninput={on_port} />
                    </div>
                    <div class="field field-security">
                        <label for="security">{ "Security" }</label>
                        <select id="security" name="security" onchange={on_security}
                            aria-describedby={(security == Security::None).then_some("security-note")}>
                            { for Security::ALL.into_iter().map(|s| html! {
                                <option value={s.value()} selected={s == security}>
                                    { s.label() }
                                </option>
                            }) }
                        </select>
                    </div>
                </div>
                if security == Security::None {
                    <p class="note warning" id="security-note">
                        <span class="note-icon" aria-hidden="true">{ "⚠" }</span>
                        <span>
                            { "Unencrypted: your password and mail cross the network in plain text between the relay and the server. Use TLS or STARTTLS unless the server is on this machine." }
                        </span>
                    </p>
                }
                <div class="field">
                    <label for="username">{ "Username" }</label>
                    <input id="username" name="username" type="text" autocomplete="username" spellcheck="false"
                        autocapitalize="off" required=true value={form.username.clone()} oninput={on_username} />
                </div>
                <div class="field">
                    <label for="password">{ "Password" }</label>
                    <input id="password" name="password" type="password" autocomplete="current-password"
                        required=true value={(*password).clone()} oninput={on_password} />
                </div>
                <details class="advanced outgoing">
                    <summary>{ "Outgoing mail (SMTP)" }</summary>
                    <div class="field">
                        <label for="smtp-server">{ "Outgoing server" }</label>
                        <input id="smtp-server" name="smtp-server" type="text" autocomplete="off" spellcheck="false"
                            autocapitalize="off" placeholder={derived_smtp}
                            value={form.smtp_server.clone()} oninput={on_smtp_server} />
                    </div>
                    <div class="field-row">
                        <div class="field field-port">
                            <label for="smtp-port">{ "Outgoing port" }</label>
                            <input id="smtp-port" name="smtp-port" type="text" inputmode="numeric" pattern="[0-9]*"
                                autocomplete="off" placeholder={smtp_security.submission_port().to_string()}
                                value={form.smtp_port.clone()} oninput={on_smtp_port} />
                        </div>
                        <div class="field field-security">
                            <label for="smtp-security">{ "Outgoing security" }</label>
                            <select id="smtp-security" name="smtp-security" onchange={on_smtp_security}>
                                { for Security::ALL.into_iter().map(|s| html! {
                                    <option value={s.value()} selected={s == smtp_security}>
                                        { s.label() }
                                    </option>
                                }) }
                            </select>
                        </div>
                    </div>
                    <div class="field">
                        <label for="smtp-password">{ "Outgoing password" }</label>
                        <input id="smtp-password" name="smtp-password" type="password" autocomplete="off"
                            aria-describedby="smtp-password-hint"
                            value={(*smtp_password).clone()} oninput={on_smtp_password} />
                        <p class="hint" id="smtp-password-hint">{ "Leave empty to use the same password. Kept in memory only." }</p>
                    </div>
                </details>
                <details class="advanced">
                    <summary>{ "Advanced" }</summary>
                    <div class="field">
                        <label for="relay-url">{ "Relay URL" }</label>
                        <input id="relay-url" name="relay-url" type="url" spellcheck="false" autocapitalize="off"
                            placeholder={props.default_relay.clone()} value={(*relay).clone()} oninput={on_relay} />
                        <p class="hint">{ "The WebSocket relay that carries IMAP to the server. Normally this site’s own /relay." }</p>
                    </div>
                    <div class="field">
                        <label for="ca-pem">{ "Extra CA certificate (PEM)" }</label>
                        <textarea id="ca-pem" name="ca-pem" rows="4" spellcheck="false" autocapitalize="off"
                            placeholder="-----BEGIN CERTIFICATE-----" value={form.ca_pem.clone().unwrap_or_default()}
                            oninput={on_ca} />
                        <p class="hint">{ "For a self-hosted server whose certificate comes from your own authority. Public certificates need nothing here." }</p>
                    </div>
                </details>
            </fieldset>
            if let Some(error) = &props.error {
                <div class="alert" role="alert">{ error.clone() }</div>
            }
            <button type="submit" class="button primary" disabled={props.busy}>
                if props.busy {
                    <span class="spinner" aria-hidden="true"></span>
                }
                { "Sign in" }
            </button>
            if props.busy {
                <p class="busy-note" role="status">{ "Signing in…" }</p>
            }
        </form>
    }
}
