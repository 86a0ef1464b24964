//! Pages: what `App` shows for each phase of the session. They read the session context,
//! run hooks and lay out components; they do no I/O themselves.

pub(crate) mod mailbox;
pub(crate) mod sign_in;
