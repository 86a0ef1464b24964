//! Whatever the decoder makes of arbitrary bytes, encoding it and decoding again gives
//! the same value (decode ∘ encode ∘ decode = decode).
#![no_main]

use libfuzzer_sys::fuzz_target;
use webimap_proto::codec::{decode::decode_response, encode_response};

fuzz_target!(|data: &[u8]| {
    let Ok(first) = decode_response(data, 16) else {
        return;
    };
    let wire = encode_response(&first);
    match decode_response(&wire, 16) {
        Ok(second) => assert_eq!(
            first,
            second,
            "re-encoded as {:?}",
            String::from_utf8_lossy(&wire)
        ),
        Err(e) => panic!("{e}: re-encoded as {:?}", String::from_utf8_lossy(&wire)),
    }
});
