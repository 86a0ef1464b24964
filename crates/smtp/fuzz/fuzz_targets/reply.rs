//! The reply reader on arbitrary server bytes, in arbitrary pieces: never panics; holds at
//! most `MAX_REPLY_BYTES` of a partial reply; always makes progress; reads the same
//! replies whatever the split; EHLO parsing of any complete reply never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use webimap_smtp::{
    capabilities::Capabilities,
    reply::{MAX_REPLY_BYTES, Reply, ReplyError, ReplyReader},
};

/// Reads everything, resynchronising after errors; returns what was read.
fn read_all(data: &[u8], cut: usize) -> Vec<Result<Reply, ReplyError>> {
    let mut reader = ReplyReader::new();
    let mut out = Vec::new();
    for piece in data.chunks(cut) {
        let mut input = piece;
        loop {
            let before = input.len();
            match reader.read(&mut input) {
                Ok(Some(reply)) => {
                    assert!((200..600).contains(&reply.code));
                    if reply.code == 250 {
                        let _ = Capabilities::from_ehlo(reader.raw());
                    }
                    out.push(Ok(reply));
                }
                Ok(None) => {
                    assert!(input.is_empty(), "Ok(None) only when the input is used up");
                    break;
                }
                Err(error) => {
                    out.push(Err(error));
                    reader.reset();
                }
            }
            assert!(reader.buffered() <= MAX_REPLY_BYTES, "bounded");
            assert!(
                input.len() < before || input.is_empty(),
                "every call consumes input"
            );
            if input.is_empty() {
                break;
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, data)) = data.split_first() else {
        return;
    };
    let cut = usize::from(cut % 64) + 1;
    let pieces = read_all(data, cut);
    // Splitting never changes the replies before the first error (after an error the
    // resynchronisation point depends on where the piece ended).
    let whole = read_all(data, data.len().max(1));
    let ok_prefix = |v: &[Result<Reply, ReplyError>]| {
        v.iter()
            .take_while(|r| r.is_ok())
            .cloned()
            .collect::<Vec<_>>()
    };
    let (a, b) = (ok_prefix(&pieces), ok_prefix(&whole));
    let n = a.len().min(b.len());
    assert_eq!(a[..n], b[..n], "the same replies whatever the split");
});
