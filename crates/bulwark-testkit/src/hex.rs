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
