//! Folder names in stored data: the wire form as a string (modified UTF-7, or UTF-8 where
//! UTF8=ACCEPT is on), so the name goes back to the server exactly as it came.

use serde::{Deserialize, Deserializer, Serializer, de::Error as _, ser::Error as _};
use webimap_proto::types::mailbox::MailboxName;

pub(super) fn serialize<S: Serializer>(name: &MailboxName, s: S) -> Result<S::Ok, S::Error> {
    let wire = std::str::from_utf8(name.as_wire())
        .map_err(|_| S::Error::custom("a folder name that is not UTF-8"))?;
    s.serialize_str(wire)
}

pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MailboxName, D::Error> {
    let wire = String::deserialize(d)?;
    MailboxName::from_wire(wire.into_bytes()).map_err(D::Error::custom)
}

/// The same for an optional name.
pub(super) mod option {
    use super::*;

    pub(in super::super) fn serialize<S: Serializer>(
        name: &Option<MailboxName>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        /// A name as `serialize_some` wants it.
        struct Wire<'a>(&'a MailboxName);
        impl serde::Serialize for Wire<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                super::serialize(self.0, s)
            }
        }
        match name {
            Some(name) => s.serialize_some(&Wire(name)),
            None => s.serialize_none(),
        }
    }

    pub(in super::super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<MailboxName>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|wire| MailboxName::from_wire(wire.into_bytes()).map_err(D::Error::custom))
            .transpose()
    }
}
