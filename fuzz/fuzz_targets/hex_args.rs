//! The CLI's hex and number parsing (`bulwark-cli/src/args.rs`).
//!
//! The CLI is a binary crate without a library target, so its `args.rs` and `error.rs` are
//! compiled into this target from the source files (`#[path]`): what is fuzzed is the CLI's
//! own code. If the CLI gains a library target, depend on it instead.
//!
//! Input: selector (u8), then the rest as the argument text (UTF-8, lossy).
#![no_main]
#![allow(dead_code, unused_imports)]

#[path = "../../crates/bulwark-cli/src/args.rs"]
mod args;
#[path = "../../crates/bulwark-cli/src/error.rs"]
mod error;

use libfuzzer_sys::fuzz_target;

/// Reference: two hex digits per byte, either case.
fn ref_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Some(
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect(),
    )
}

/// Reference: decimal digits, or 0x/0X and hex digits; must fit in usize.
fn ref_number(s: &str) -> Option<usize> {
    let (digits, radix) = match s.get(..2) {
        Some("0x" | "0X") => (&s[2..], 16u32),
        _ => (s, 10),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u128 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)?;
        v = v
            .checked_mul(u128::from(radix))?
            .checked_add(u128::from(d))?;
        if v > usize::MAX as u128 {
            return None;
        }
    }
    Some(v as usize)
}

fn encode(bytes: &[u8]) -> String {
    let mut s = String::new();
    args::push_hex(&mut s, bytes);
    s
}

fuzz_target!(|data: &[u8]| {
    let (sel, rest) = data.split_first().unwrap_or((&0, &[]));
    let text = String::from_utf8_lossy(rest);
    match sel % 3 {
        0 => {
            let got = args::decode_hex("--x", &text);
            let want = ref_hex(&text);
            match (&got, &want) {
                (Ok(g), Some(w)) => {
                    assert_eq!(g.as_slice(), w.as_slice());
                    assert_eq!(encode(g), text.to_ascii_lowercase());
                }
                (Err(e), None) => {
                    // The message names the argument and never echoes the digits.
                    let msg = e.to_string();
                    assert!(msg.starts_with("--x: "), "{msg}");
                    if text.len() >= 8 && text.bytes().all(|c| c.is_ascii_hexdigit()) {
                        assert!(!msg.contains(&*text), "error echoes the input");
                    }
                }
                _ => panic!(
                    "decode_hex({text:?}) = {:?}, reference {want:?}",
                    got.is_ok()
                ),
            }
            let mut owned = text.to_string();
            let secret = args::take_secret_hex("--k", &mut owned);
            assert!(owned.is_empty(), "secret hex string not wiped");
            assert_eq!(secret.is_ok(), want.is_some());
        }
        1 => {
            let want = ref_number(&text);
            assert_eq!(
                args::parse_number(&text).ok(),
                want,
                "parse_number({text:?})"
            );
            let want32 = want.and_then(|v| u32::try_from(v).ok());
            assert_eq!(args::parse_u32(&text).ok(), want32, "parse_u32({text:?})");
        }
        _ => {
            // Bytes to hex and back.
            let hex = encode(rest);
            assert_eq!(
                args::decode_hex("--x", &hex)
                    .ok()
                    .as_deref()
                    .map(|v| v.as_slice()),
                Some(rest)
            );
            let mut h = hex.clone();
            let key = args::aes_key("--key", &mut h, |provider, key| {
                bulwark::Provider::ccm(provider, key)
            });
            assert_eq!(key.is_ok(), matches!(rest.len(), 16 | 24 | 32));
        }
    }
});
