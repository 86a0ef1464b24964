//! Framer and decoder on arbitrary server bytes: never panic; memory stays bounded; frames
//! with literals held apart are the same bytes and decode the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use webimap_proto::{
    codec::decode::{decode_frame, decode_response},
    frame::{FrameLimits, Framer},
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
    let limits = limits();
    let mut whole = Framer::new(limits);
    let mut apart = Framer::new(limits);
    apart.aside_literals_from(4);
    let (mut wholes, mut frames) = (Vec::new(), Vec::new());
    for piece in data.chunks(cut) {
        whole.push(piece);
        apart.push(piece);
        while let Some(frame) = whole.next_response() {
            if let Ok(frame) = &frame {
                let _ = decode_response(frame, 16);
            }
            wholes.push(frame);
        }
        while let Some(frame) = apart.next_frame() {
            frames.push(frame);
        }
        assert!(
            whole.buffered() <= 8192 + 2 * 64,
            "bounded: {}",
            whole.buffered()
        );
    }
    assert_eq!(wholes.len(), frames.len(), "held apart: as many responses");
    for (w, f) in wholes.into_iter().zip(frames) {
        match (w, f) {
            (Ok(w), Ok(mut f)) => {
                assert_eq!(f.to_bytes(), w, "held apart: the same bytes");
                assert_eq!(decode_frame(&mut f, 16), decode_response(&w, 16));
            }
            (w, f) => assert_eq!(w.err(), f.err()),
        }
    }
});
