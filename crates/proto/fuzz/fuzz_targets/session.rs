//! A session with commands in flight, fed arbitrary server bytes: never panics, never
//! loops without consuming input, and holds a bounded amount of state.
#![no_main]

use libfuzzer_sys::fuzz_target;
use webimap_proto::{
    frame::FrameLimits,
    session::{Interrupt, Io, Options, Session},
    types::{
        command::{Command, FetchAttribute},
        sequence::SequenceSet,
    },
};

fn limits() -> FrameLimits {
    let mut limits = FrameLimits::default();
    limits.max_line = 4096;
    limits.max_literal = 4096;
    limits.max_response = 8192;
    limits
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, data)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut % 64) + 1;
    let mut options = Options::default();
    options.frame_limits = limits();
    let mut session = Session::new(options);
    if let Ok(login) = Command::login("user", "pass") {
        session.enqueue_command(login);
    }
    session.enqueue_command(Command::Capability);
    if let Ok(fetch) = Command::fetch(SequenceSet::all(), vec![FetchAttribute::Uid], true) {
        session.enqueue_command(fetch);
    }
    session.enqueue_command(Command::Noop);
    for piece in data.chunks(cut) {
        session.enqueue_input(piece);
        let mut steps = 0;
        loop {
            steps += 1;
            assert!(steps < 100_000, "the session loops without progress");
            match session.next() {
                Ok(_) => {}
                Err(Interrupt::Io(Io::Output(_))) => {}
                Err(Interrupt::Io(_)) => break,
                Err(Interrupt::Error(_)) => return,
            }
        }
        assert!(
            session.pending_commands() <= 4,
            "no commands appear from input"
        );
    }
    session.connection_closed();
    while let Ok(_) | Err(Interrupt::Io(Io::Output(_))) = session.next() {}
});
