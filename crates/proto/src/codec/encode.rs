//! Encoding commands into [`Fragment`]s.

pub use crate::wire::fragment::{EncodeOptions, Fragment};
use crate::{
    types::{command::Command, core::Tag},
    wire,
};

/// Encodes a tagged command.
pub fn encode_command(tag: &Tag, command: &Command, options: &EncodeOptions) -> Vec<Fragment> {
    wire::command::encode(tag, command, options)
}
