//! Response parsing: webimap-proto against imap-proto and imap-codec on the same inputs.
//!
//! `cargo bench -p webimap-proto --bench parse` runs criterion on each input and library,
//! then prints a table of ratios (throughput of webimap-proto over each other library) from
//! a separate, simple timing loop. Inputs: the RFC 3501 FETCH example (ENVELOPE and BODY),
//! a nested multipart BODYSTRUCTURE, a SEARCH of 100,000 UIDs, and a 1 MiB literal fed in
//! 16 KiB chunks (framer plus decode, `Framer::next_frame` and `decode_frame` as the
//! session uses them; the other libraries are retried on a growing buffer after each
//! chunk, as their streaming APIs are meant to be used).

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::{
        hint::black_box,
        time::{Duration, Instant},
    };

    use criterion::{Criterion, criterion_group};
    use imap_codec::{ResponseCodec, decode::Decoder};
    use webimap_proto::{
        codec::decode::{DEFAULT_MAX_DEPTH, decode_frame, decode_response},
        frame::{FrameLimits, Framer},
        types::{
            fetch::FetchItem,
            response::{Data, Response},
        },
    };

    /// The FETCH response of RFC 3501 section 8, with `BODYSTRUCTURE` for the RFC's `BODY`
    /// (imap-proto does not parse the non-extensible `BODY (…)` form): 578 bytes.
    fn rfc3501_fetch() -> Vec<u8> {
        b"* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" \
          RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \
          \"IMAP4rev1 WG mtg summary and minutes\" \
          ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
          ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
          ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
          ((NIL NIL \"imap\" \"cac.washington.edu\")) \
          ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")\
          (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \
          \"<B27397-0100000@cac.washington.edu>\") \
          BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 \
          92))\r\n"
            .to_vec()
    }

    /// multipart/mixed of (multipart/alternative of text and HTML), a message/rfc822 holding
    /// a multipart/related, and a PDF attachment; with extension data throughout.
    fn nested_bodystructure() -> Vec<u8> {
        let text = "(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 1024 30 NIL NIL NIL NIL)";
        let html = "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 4096 80 NIL NIL NIL NIL)";
        let alt = format!("({text}{html} \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)");
        let img = "(\"image\" \"png\" (\"name\" \"logo.png\") \"<logo@x>\" NIL \"base64\" 20480 NIL (\"inline\" (\"filename\" \"logo.png\")) NIL NIL)";
        let related = format!(
            "({html}{img} \"related\" (\"boundary\" \"b3\" \"type\" \"text/html\") NIL NIL NIL)"
        );
        let env = "(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"Fwd: report\" ((\"Fred Foobar\" NIL \"foobar\" \"example.com\")) ((\"Fred Foobar\" NIL \"foobar\" \"example.com\")) ((\"Fred Foobar\" NIL \"foobar\" \"example.com\")) ((NIL NIL \"mooch\" \"example.org\")) NIL NIL NIL \"<B27397-0100000@example.com>\")";
        let msg = format!(
            "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 30000 {env} {related} 400 NIL (\"attachment\" NIL) NIL NIL)"
        );
        let pdf = "(\"application\" \"pdf\" (\"name\" \"report.pdf\") NIL NIL \"base64\" 123456 NIL (\"attachment\" (\"filename\" \"report.pdf\" \"size\" \"90000\")) (\"en\" \"de\") NIL)";
        format!(
            "* 42 FETCH (UID 4711 BODYSTRUCTURE ({alt}{msg}{pdf} \"mixed\" (\"boundary\" \"b1\") NIL (\"en\") NIL))\r\n"
        )
        .into_bytes()
    }

    fn search_100k() -> Vec<u8> {
        let mut s = b"* SEARCH".to_vec();
        for n in 1..=100_000u32 {
            s.push(b' ');
            s.extend_from_slice((n * 3).to_string().as_bytes());
        }
        s.extend_from_slice(b"\r\n");
        s
    }

    const LITERAL: usize = 1 << 20;
    const CHUNK: usize = 16 * 1024;

    fn big_literal() -> Vec<u8> {
        let mut s = format!("* 1 FETCH (UID 99 BODY[] {{{LITERAL}}}\r\n").into_bytes();
        s.extend((0..LITERAL).map(|n| {
            if n % 78 == 77 {
                b'\n'
            } else {
                b'a' + (n % 26) as u8
            }
        }));
        s.extend_from_slice(b" FLAGS (\\Seen))\r\n");
        s
    }

    fn ours(input: &[u8]) -> usize {
        match decode_response(input, DEFAULT_MAX_DEPTH) {
            Ok(r) => std::mem::size_of_val(&r),
            Err(e) => panic!("webimap-proto: {e}"),
        }
    }

    fn imap_proto(input: &[u8]) -> usize {
        match imap_proto::parser::parse_response(input) {
            Ok((rest, r)) => rest.len() + std::mem::size_of_val(&r),
            Err(e) => panic!("imap-proto: {e:?}"),
        }
    }

    fn imap_codec(input: &[u8]) -> usize {
        match ResponseCodec::default().decode(input) {
            Ok((rest, r)) => rest.len() + std::mem::size_of_val(&r),
            Err(e) => panic!("imap-codec: {e:?}"),
        }
    }

    /// The way `webimap_proto::session::Session` reads responses: `Framer::next_frame`, then
    /// `decode_frame`. The caller ends up with the parsed response holding every byte of the
    /// literal in its `BODY[]` data (`Vec<u8>`), as with the other libraries (which borrow it
    /// from their growing buffer).
    fn ours_chunked(input: &[u8]) -> usize {
        let mut f = Framer::new(FrameLimits::default());
        let mut n = 0;
        for c in input.chunks(CHUNK) {
            f.push(c);
            while let Some(frame) = f.next_frame() {
                let mut frame = frame.expect("framed");
                match decode_frame(&mut frame, DEFAULT_MAX_DEPTH) {
                    Ok(r) => n += body_len(&r),
                    Err(e) => panic!("webimap-proto: {e}"),
                }
            }
        }
        n
    }

    /// The length of the first FETCH body section's data.
    fn body_len(r: &Response) -> usize {
        let Response::Data(Data::Fetch { items, .. }) = r else {
            return 0;
        };
        items
            .iter()
            .find_map(|i| match i {
                FetchItem::BodySection { data, .. } => data.as_ref().map(Vec::len),
                _ => None,
            })
            .unwrap_or(0)
    }

    /// The usual way to drive a parser that reports "incomplete": append, retry.
    fn retry_chunked(input: &[u8], parse: impl Fn(&[u8]) -> Option<usize>) -> usize {
        let mut buf = Vec::new();
        let mut n = 0;
        for c in input.chunks(CHUNK) {
            buf.extend_from_slice(c);
            if let Some(used) = parse(&buf) {
                n += used;
                buf.drain(..used);
            }
        }
        assert!(buf.is_empty(), "parsed the whole input");
        n
    }

    fn imap_proto_chunked(input: &[u8]) -> usize {
        retry_chunked(input, |b| match imap_proto::parser::parse_response(b) {
            Ok((rest, _)) => Some(b.len() - rest.len()),
            Err(e) if e.is_incomplete() => None,
            Err(e) => panic!("imap-proto: {e:?}"),
        })
    }

    fn imap_codec_chunked(input: &[u8]) -> usize {
        retry_chunked(input, |b| match ResponseCodec::default().decode(b) {
            Ok((rest, _)) => Some(b.len() - rest.len()),
            Err(
                imap_codec::decode::ResponseDecodeError::Incomplete
                | imap_codec::decode::ResponseDecodeError::LiteralFound { .. },
            ) => None,
            Err(e) => panic!("imap-codec: {e:?}"),
        })
    }

    type Case = (&'static str, Vec<u8>, [fn(&[u8]) -> usize; 3]);

    fn cases() -> Vec<Case> {
        let single = [ours as fn(&[u8]) -> usize, imap_proto, imap_codec];
        vec![
            ("rfc3501_fetch", rfc3501_fetch(), single),
            ("nested_bodystructure", nested_bodystructure(), single),
            ("search_100k", search_100k(), single),
            (
                "literal_1mib_16k_chunks",
                big_literal(),
                [ours_chunked, imap_proto_chunked, imap_codec_chunked],
            ),
        ]
    }

    const LIBS: [&str; 3] = ["webimap-proto", "imap-proto", "imap-codec"];

    fn bench(c: &mut Criterion) {
        for (name, input, fns) in cases() {
            let mut g = c.benchmark_group(name);
            g.throughput(criterion::Throughput::Bytes(input.len() as u64));
            for (lib, f) in LIBS.iter().zip(fns) {
                g.bench_function(*lib, |b| b.iter(|| f(black_box(&input))));
            }
            g.finish();
        }
    }

    criterion_group! {
        name = benches;
        config = Criterion::default()
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2))
            .sample_size(30);
        targets = bench
    }

    /// Mean time per call over about `budget`, after a short warm-up.
    fn time(f: fn(&[u8]) -> usize, input: &[u8], budget: Duration) -> Duration {
        let warm = Instant::now();
        while warm.elapsed() < budget / 5 {
            black_box(f(black_box(input)));
        }
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed() < budget {
            black_box(f(black_box(input)));
            n += 1;
        }
        start.elapsed() / n
    }

    fn ratios() {
        println!();
        println!(
            "{:<26} {:>10} {:>10} {:>10}   {:>9} {:>9}",
            "input (bytes)", "webimap", "imap-proto", "imap-codec", "vs proto", "vs codec"
        );
        for (name, input, fns) in cases() {
            let t: Vec<Duration> = fns
                .iter()
                .map(|f| time(*f, &input, Duration::from_millis(700)))
                .collect();
            let fmt = |d: Duration| {
                if d.as_micros() >= 10_000 {
                    format!("{:.2} ms", d.as_secs_f64() * 1e3)
                } else {
                    format!("{:.2} µs", d.as_secs_f64() * 1e6)
                }
            };
            println!(
                "{:<26} {:>10} {:>10} {:>10}   {:>8.2}× {:>8.2}×",
                format!("{name} ({})", input.len()),
                fmt(t[0]),
                fmt(t[1]),
                fmt(t[2]),
                t[1].as_secs_f64() / t[0].as_secs_f64(),
                t[2].as_secs_f64() / t[0].as_secs_f64(),
            );
        }
        println!("(ratio = the other library's time / webimap-proto's time; > 1 means faster)");
    }

    pub(crate) fn main() {
        // Every library must parse every input before anything is timed.
        for (name, input, fns) in cases() {
            for (lib, f) in LIBS.iter().zip(fns) {
                let r = std::panic::catch_unwind(|| f(&input));
                assert!(r.is_ok(), "{lib} failed on {name}");
            }
        }
        let only_ratios = std::env::args().any(|a| a == "--ratios");
        if !only_ratios {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
        ratios();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

/// The competitors are native crates: nothing to measure on wasm32.
#[cfg(target_arch = "wasm32")]
fn main() {}
