//! Why a tunnel is refused: the full reason for the log, a short category for the client.

use std::net::IpAddr;

use super::host::Target;

/// Why a tunnel was refused. `Display` gives the full reason, for the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Reason {
    /// No allow rule matches the target.
    #[error("target {0} matches no allow rule")]
    TargetNotAllowed(Target),
    /// The target resolved to an address no rule admits.
    #[error("target {target} resolves to {addr}, which no allow rule admits")]
    AddressNotAllowed {
        /// The requested target.
        target: Target,
        /// The offending address.
        addr: IpAddr,
    },
    /// The target resolved to (or is) an address in a special range no rule names.
    #[error(
        "target {target} resolves to {addr}, in the {range} range, which no allow rule names explicitly"
    )]
    AddressForbidden {
        /// The requested target.
        target: Target,
        /// The offending address.
        addr: IpAddr,
        /// The special range's name.
        range: &'static str,
    },
    /// The target's name resolved to no address at all.
    #[error("target {0} has no address")]
    NoAddress(Target),
    /// The page's origin may not use the relay.
    #[error("origin {origin:?} refused: {why}")]
    OriginNotAllowed {
        /// The `Origin` header as sent.
        origin: Option<String>,
        /// Which check failed.
        why: &'static str,
    },
}

impl Reason {
    /// The short category shown to the client (HTTP 403 body). Address details stay in
    /// the log.
    #[must_use]
    pub fn category(&self) -> &'static str {
        match self {
            Self::TargetNotAllowed(_)
            | Self::AddressNotAllowed { .. }
            | Self::AddressForbidden { .. }
            | Self::NoAddress(_) => "target not allowed",
            Self::OriginNotAllowed { .. } => "origin not allowed",
        }
    }

    /// A stable machine-readable name, for metrics labels.
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Self::TargetNotAllowed(_) => "target_not_allowed",
            Self::AddressNotAllowed { .. } => "address_not_allowed",
            Self::AddressForbidden { .. } => "address_forbidden",
            Self::NoAddress(_) => "no_address",
            Self::OriginNotAllowed { .. } => "origin_not_allowed",
        }
    }
}
