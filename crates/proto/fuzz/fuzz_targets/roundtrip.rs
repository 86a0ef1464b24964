//! Whatever the decoder makes of a framed response, encoding it and decoding again gives
//! the same value (decode ∘ encode ∘ decode = decode).
#![no_main]

use libfuzzer_sys::fuzz_target;
use webimap_proto::{
    codec::{decode::decode_response, encode_response},
    frame::{FrameLimits, Framer},
};

fuzz_target!(|data: &[u8]| {
    // Only what the framer can hand out: whole responses ending in a line end.
    let mut framer = Framer::new(FrameLimits::default());
    framer.push(data);
    while let Some(Ok(frame)) = framer.next_response() {
        let Ok(first) = decode_response(&frame, 16) else {
            continue;
        };
        let wire = encode_response(&first);
        match decode_response(&wire, 16) {
            Ok(second) => assert_eq!(
                first,
                second,
                "{:?} re-encoded as {:?}",
                String::from_utf8_lossy(&frame),
                String::from_utf8_lossy(&wire)
            ),
            Err(e) => panic!(
                "{e}: {:?} re-encoded as {:?}",
                String::from_utf8_lossy(&frame),
                String::from_utf8_lossy(&wire)
            ),
        }
    }
});
