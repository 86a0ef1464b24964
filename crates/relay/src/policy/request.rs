//! The request as policy sees it: the target and the two headers the origin check reads.

use super::host::Target;

/// What a browser asked for, as far as policy is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectRequest {
    /// The requested server.
    pub target: Target,
    /// The `Origin` header, if any.
    pub origin: Option<String>,
    /// The `Host` header, if any (for the same-origin check).
    pub host_header: Option<String>,
}
