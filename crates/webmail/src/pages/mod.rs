//! Pages: what `App` shows for each phase of the session. They read the contexts, run
//! hooks and lay out components; they do no I/O and touch no browser API themselves.

pub(crate) mod dialogs;
pub(crate) mod mailbox;
pub(crate) mod sign_in;
