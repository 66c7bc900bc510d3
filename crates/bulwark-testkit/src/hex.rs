//! One hex codec for every test (on `base16ct`, constant time).

/// Decodes hex (either case) into the front of `buf`; `None` if `text` is malformed or longer
/// than `buf` holds.
pub fn decode_into<'b>(text: &str, buf: &'b mut [u8]) -> Option<&'b mut [u8]> {
    let n = base16ct::mixed::decode(text, buf).ok()?.len();
    buf.get_mut(..n)
}

/// Decodes hex (either case) test data.
///
/// # Panics
///
/// On malformed hex: test data is fixed, so a bad string is a bug in the test.
#[cfg(feature = "std")]
#[track_caller]
#[allow(clippy::panic)] // test support: malformed test data is a bug in the test
pub fn decode(text: &str) -> std::vec::Vec<u8> {
    match base16ct::mixed::decode_vec(text) {
        Ok(bytes) => bytes,
        Err(e) => panic!("malformed hex ({e}): {text:?}"),
    }
}

/// Lowercase hex of `bytes`.
#[cfg(feature = "std")]
pub fn encode(bytes: &[u8]) -> std::string::String {
    base16ct::lower::encode_string(bytes)
}

/// Decodes `2 * N` hex digits (either case) at compile time, for known-answer tables written
/// as one string each. A string that is too short leaves the tail zero and a digit outside
/// `0-9a-fA-F` decodes as zero (const evaluation has no error channel): every table built with
/// it is compared against a backend, so a typo fails that comparison.
pub const fn array<const N: usize>(text: &str) -> [u8; N] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => 0,
        }
    }
    let digits = text.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N && 2 * i + 1 < digits.len() {
        out[i] = (nibble(digits[2 * i]) << 4) | nibble(digits[2 * i + 1]);
        i += 1;
    }
    out
}
