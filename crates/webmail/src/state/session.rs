//! The session: signed out, signing in, signed in (holding a connection), signing out.
//!
//! Generic over the connection type `C` so the reducer stays pure and testable without a
//! browser: the app uses `services::Connection`, tests use a number.

use std::rc::Rc;

use yew::Reducible;

use super::{
    error::UiError,
    outgoing::{Outgoing, Password},
};

/// Who is signed in where, and where mail goes out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    /// User name.
    pub(crate) username: String,
    /// `host:port` of the IMAP server.
    pub(crate) server: String,
    /// The IMAP server's host (for the default identity).
    pub(crate) host: String,
    /// The outgoing server.
    pub(crate) outgoing: Outgoing,
    /// The outgoing server's password (the IMAP one unless another was given), in
    /// memory only.
    pub(crate) smtp_password: Password,
}

impl Account {
    /// Names the account in this browser's storage (`user@host:port`).
    pub(crate) fn key(&self) -> String {
        format!("{}@{}", self.username, self.server)
    }
}

/// Where the session stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Phase<C> {
    /// The sign-in form is shown.
    #[default]
    SignedOut,
    /// Connecting and logging in.
    SigningIn,
    /// Logged in.
    SignedIn {
        /// Who.
        account: Account,
        /// The open connection.
        conn: C,
    },
    /// Logging out.
    SigningOut,
}

/// The session state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session<C> {
    /// Where the session stands.
    pub(crate) phase: Phase<C>,
    /// Why the last sign-in failed or the session ended, shown on the sign-in form.
    pub(crate) error: Option<UiError>,
}

impl<C> Default for Session<C> {
    fn default() -> Self {
        Session {
            phase: Phase::SignedOut,
            error: None,
        }
    }
}

impl<C> Session<C> {
    /// The connection, when signed in.
    pub(crate) fn connection(&self) -> Option<&C> {
        match &self.phase {
            Phase::SignedIn { conn, .. } => Some(conn),
            _ => None,
        }
    }

    /// Whether a sign-in is under way.
    pub(crate) fn is_signing_in(&self) -> bool {
        matches!(self.phase, Phase::SigningIn)
    }
}

/// What happens to a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SessionAction<C> {
    /// The form was submitted and is valid: connecting.
    SignInStarted,
    /// Connected and logged in.
    SignInSucceeded {
        /// Who.
        account: Account,
        /// The connection.
        conn: C,
    },
    /// The form was invalid, or connecting or logging in failed.
    SignInFailed(UiError),
    /// The user asked to sign out.
    SignOutStarted,
    /// Logged out (or gave up waiting for it).
    SignedOut,
    /// The connection broke while signed in.
    ConnectionLost,
}

impl<C: Clone> Reducible for Session<C> {
    type Action = SessionAction<C>;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let next = match (action, &self.phase) {
            (SessionAction::SignInStarted, Phase::SignedOut) => Session {
                phase: Phase::SigningIn,
                error: None,
            },
            (SessionAction::SignInSucceeded { account, conn }, Phase::SigningIn) => Session {
                phase: Phase::SignedIn { account, conn },
                error: None,
            },
            (SessionAction::SignInFailed(error), Phase::SignedOut | Phase::SigningIn) => Session {
                phase: Phase::SignedOut,
                error: Some(error),
            },
            (SessionAction::SignOutStarted, Phase::SignedIn { .. }) => Session {
                phase: Phase::SigningOut,
                error: None,
            },
            (SessionAction::SignedOut, Phase::SigningOut | Phase::SignedIn { .. }) => {
                Session::default()
            }
            (SessionAction::ConnectionLost, Phase::SignedIn { .. }) => Session {
                phase: Phase::SignedOut,
                error: Some(UiError::ConnectionLost),
            },
            // Anything else is stale (a late answer for a session that is gone): ignore it.
            _ => return self,
        };
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type S = Session<u32>;

    fn account() -> Account {
        Account {
            username: "alice".into(),
            server: "localhost:143".into(),
            host: "localhost".into(),
            outgoing: Outgoing {
                relay_url: "ws://r/relay".into(),
                host: "localhost".into(),
                port: 587,
                security: crate::state::settings::Security::StartTls,
                ca_pem: None,
                username: "alice".into(),
                files_sent: false,
            },
            smtp_password: Password::new("pw"),
        }
    }

    fn run(actions: Vec<SessionAction<u32>>) -> Rc<S> {
        actions
            .into_iter()
            .fold(Rc::new(S::default()), Reducible::reduce)
    }

    #[test]
    fn sign_in_then_out() {
        let s = run(vec![SessionAction::SignInStarted]);
        assert!(s.is_signing_in());
        let s = s.reduce(SessionAction::SignInSucceeded {
            account: account(),
            conn: 7,
        });
        assert_eq!(s.connection(), Some(&7));
        assert_eq!(s.error, None);
        let s = s.reduce(SessionAction::SignOutStarted);
        assert_eq!(s.phase, Phase::SigningOut);
        assert_eq!(s.connection(), None);
        let s = s.reduce(SessionAction::SignedOut);
        assert_eq!(*s, S::default());
    }

    #[test]
    fn a_failed_sign_in_shows_why_and_a_retry_clears_it() {
        let s = run(vec![
            SessionAction::SignInStarted,
            SessionAction::SignInFailed(UiError::WrongCredentials),
        ]);
        assert_eq!(s.phase, Phase::SignedOut);
        assert_eq!(s.error, Some(UiError::WrongCredentials));
        let s = s.reduce(SessionAction::SignInStarted);
        assert!(s.is_signing_in());
        assert_eq!(s.error, None);
    }

    #[test]
    fn an_invalid_form_fails_without_starting() {
        let s = run(vec![SessionAction::SignInFailed(UiError::Invalid(
            "Enter your password.".into(),
        ))]);
        assert_eq!(s.phase, Phase::SignedOut);
        assert!(matches!(s.error, Some(UiError::Invalid(_))));
    }

    #[test]
    fn a_lost_connection_returns_to_the_form_with_a_reason() {
        let s = run(vec![
            SessionAction::SignInStarted,
            SessionAction::SignInSucceeded {
                account: account(),
                conn: 1,
            },
            SessionAction::ConnectionLost,
        ]);
        assert_eq!(s.phase, Phase::SignedOut);
        assert_eq!(s.error, Some(UiError::ConnectionLost));
    }

    #[test]
    fn stale_actions_are_ignored() {
        // A success arriving when nobody is signing in does not sign anyone in.
        let s = run(vec![SessionAction::SignInSucceeded {
            account: account(),
            conn: 1,
        }]);
        assert_eq!(*s, S::default());
        // A lost connection reported during sign-out does not show an error.
        let s = run(vec![
            SessionAction::SignInStarted,
            SessionAction::SignInSucceeded {
                account: account(),
                conn: 1,
            },
            SessionAction::SignOutStarted,
            SessionAction::ConnectionLost,
        ]);
        assert_eq!(s.phase, Phase::SigningOut);
        assert_eq!(s.error, None);
        // A second submit while signing in changes nothing.
        let s = run(vec![
            SessionAction::SignInStarted,
            SessionAction::SignInStarted,
        ]);
        assert!(s.is_signing_in());
    }
}
