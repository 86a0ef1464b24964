//! [`Loadable`]: data that arrives asynchronously.

use super::error::UiError;

/// The state of data that is fetched asynchronously.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Loadable<T> {
    /// Not asked for.
    #[default]
    Idle,
    /// Asked for, not there yet.
    Loading,
    /// Here it is.
    Ready(T),
    /// Fetching it failed.
    Failed(UiError),
}

impl<T> Loadable<T> {
    /// The data, if it is there.
    pub(crate) fn ready(&self) -> Option<&T> {
        match self {
            Loadable::Ready(t) => Some(t),
            _ => None,
        }
    }

    /// From the result of a fetch.
    pub(crate) fn from_result(result: Result<T, UiError>) -> Self {
        match result {
            Ok(t) => Loadable::Ready(t),
            Err(e) => Loadable::Failed(e),
        }
    }
}
