//! webimap-client (in progress).
