//! Out-of-band codes: a 128-bit secret written for humans (printed label, QR code, manual).
//!
//! Format (version 1, see the crate README for the full specification):
//!
//! - 130 data bits = 2-bit version (`00`) ‖ 128-bit secret (big-endian), cut into 26 symbols
//!   of 5 bits, most significant first;
//! - 2 check symbols over GF(32) that make both syndromes zero (a shortened Reed–Solomon code
//!   with minimum distance 3): every single substitution and every transposition of two unequal
//!   symbols, adjacent or not, is detected;
//! - 28 symbols written in Crockford base32 (`0-9 A-Z` without `I L O U`), in 7 groups of 4
//!   joined by `-`: `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`.
//!
//! Parsing is case-insensitive, ignores `-` and spaces, and reads `I`/`L` as `1` and `O` as `0`.

use bulwark_api::{Error, Rng, SecretBytes};
use core::fmt;
use subtle::{ConditionallySelectable, ConstantTimeEq, ConstantTimeGreater};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The secret carried by a code: 16 bytes (128 bits).
pub const SECRET_LEN: usize = 16;
/// Data symbols: 2 version bits + 128 secret bits = 130 bits = 26 symbols of 5 bits.
pub const DATA_SYMBOLS: usize = 26;
/// Check symbols appended after the data symbols.
pub const CHECK_SYMBOLS: usize = 2;
/// Symbols in a code (data + check).
pub const SYMBOLS: usize = DATA_SYMBOLS + CHECK_SYMBOLS;
/// Symbols per displayed group.
pub const GROUP_LEN: usize = 4;
/// Length of the displayed text: 28 symbols and 6 dashes.
pub const TEXT_LEN: usize = SYMBOLS + SYMBOLS / GROUP_LEN - 1;
/// The format version this crate writes and accepts (the top 2 data bits).
pub const VERSION: u8 = 0;

/// Crockford's base32 alphabet: symbol value `v` is written as `ALPHABET[v]`.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The GF(32) reduction polynomial `x^5 + x^2 + 1` (primitive), without its `x^5` term.
const GF_REDUCE: u8 = 0b0_0101;

/// Why a typed code was not accepted. None of these variants carries secret material.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeError {
    /// The code does not have 28 symbols (separators not counted); `found` symbols were read.
    Length {
        /// How many symbols were read.
        found: usize,
    },
    /// A character that is neither a base32 symbol nor a separator (`-`, space), such as `U`
    /// or `*`. `position` is its 0-based index among the characters of the input as typed
    /// (separators included).
    InvalidCharacter {
        /// 0-based character index in the input.
        position: usize,
    },
    /// The check symbols do not match: the code was mistyped (a wrong or swapped character).
    Checksum,
    /// The checksum is fine but the code's version bits are not a version this library reads
    /// (a code from a newer format).
    UnsupportedVersion {
        /// The 2-bit version found.
        version: u8,
    },
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::Length { found } => write!(
                f,
                "a pairing code has {SYMBOLS} characters (not counting dashes and spaces), \
                 this one has {found}"
            ),
            CodeError::InvalidCharacter { position } => write!(
                f,
                "character {} of the pairing code is not one of 0-9, A-Z (without U), '-' or space",
                position + 1
            ),
            CodeError::Checksum => f.write_str(
                "the pairing code's check characters do not match: a character was mistyped \
                 or two were swapped; please check the code",
            ),
            CodeError::UnsupportedVersion { version } => write!(
                f,
                "the pairing code has format version {version}, which this software does not read"
            ),
        }
    }
}

impl core::error::Error for CodeError {}

impl From<CodeError> for Error {
    fn from(_: CodeError) -> Self {
        Error::InvalidInput
    }
}

/// Multiplies two elements of GF(32) = GF(2)\[x\]/(x^5 + x^2 + 1), without secret-dependent
/// branches or table look-ups.
pub(crate) const fn gf_mul(a: u8, b: u8) -> u8 {
    let mut a = a & 0x1f;
    let mut r = 0u8;
    let mut i = 0;
    while i < 5 {
        r ^= a & 0u8.wrapping_sub((b >> i) & 1);
        let carry = 0u8.wrapping_sub((a >> 4) & 1);
        a = ((a << 1) & 0x1f) ^ (carry & GF_REDUCE);
        i += 1;
    }
    r
}

/// `a^e` in GF(32).
const fn gf_pow(a: u8, mut e: u32) -> u8 {
    let mut r = 1u8;
    let mut base = a;
    while e > 0 {
        if e & 1 == 1 {
            r = gf_mul(r, base);
        }
        base = gf_mul(base, base);
        e >>= 1;
    }
    r
}

/// The generator `alpha = x` (value 2).
const ALPHA: u8 = 2;
/// `(alpha + 1)^-1 = (alpha + 1)^30`, used to solve for the check symbols.
const INV_ALPHA_PLUS_1: u8 = gf_pow(ALPHA ^ 1, 30);

/// The two syndromes of a symbol string: `S0 = sum s_i`, `S1 = sum s_i * alpha^(n-1-i)`.
/// A valid code has both equal to zero.
fn syndromes(symbols: &[u8]) -> (u8, u8) {
    let mut s0 = 0u8;
    let mut s1 = 0u8;
    for &s in symbols {
        s0 ^= s;
        s1 = gf_mul(s1, ALPHA) ^ s;
    }
    (s0, s1)
}

/// The two check symbols for 26 data symbols.
///
/// With `D0 = sum_{i<26} s_i` and `D1 = sum_{i<26} s_i alpha^(27-i)`, the checks `c26, c27`
/// solve `c26 + c27 = D0` and `alpha c26 + c27 = D1`, so `c26 = (D0 + D1) / (alpha + 1)` and
/// `c27 = D0 + c26` (addition is XOR).
pub(crate) fn check_symbols(data: &[u8; DATA_SYMBOLS]) -> [u8; CHECK_SYMBOLS] {
    let mut d0 = 0u8;
    let mut d1 = 0u8;
    for &s in data.iter().chain([0u8, 0u8].iter()) {
        d0 ^= s;
        d1 = gf_mul(d1, ALPHA) ^ s;
    }
    let c26 = gf_mul(d0 ^ d1, INV_ALPHA_PLUS_1);
    [c26, d0 ^ c26]
}

/// Splits version ‖ secret (130 bits) into 26 five-bit symbols, most significant first.
fn to_data_symbols(version: u8, secret: &[u8; SECRET_LEN], out: &mut [u8; DATA_SYMBOLS]) {
    let mut v = u128::from_be_bytes(*secret);
    // Symbol 0 holds the 2 version bits and the top 3 secret bits.
    for (i, o) in out.iter_mut().enumerate() {
        let shift = 125 - 5 * i; // bit position of the symbol's lowest bit in the 130-bit value
        *o = if i == 0 {
            ((version & 0b11) << 3) | (v >> 125) as u8
        } else {
            ((v >> shift) & 0x1f) as u8
        };
    }
    v.zeroize();
}

/// Joins 26 symbols back into (version, secret).
fn from_data_symbols(data: &[u8; DATA_SYMBOLS], secret: &mut [u8; SECRET_LEN]) -> u8 {
    let mut v: u128 = 0;
    for &s in data {
        v = (v << 5) | u128::from(s & 0x1f); // the top 2 bits fall off: they are the version
    }
    *secret = v.to_be_bytes();
    v.zeroize();
    data[0] >> 3
}

/// The character for a symbol value, chosen without a secret-dependent table index.
fn symbol_char(value: u8) -> u8 {
    let mut c = 0u8;
    for (v, &a) in (0u8..).zip(ALPHABET.iter()) {
        c.conditional_assign(&a, v.ct_eq(&value));
    }
    c
}

/// The symbol value of an ASCII character (case-insensitive, `I`/`L` -> 1, `O` -> 0), or
/// `None` for anything else. Valid characters all take the same path.
fn char_value(c: u8) -> Option<u8> {
    // Upper-case without branching: subtract 0x20 when c is in 'a'..='z'.
    let lower = c.ct_gt(&(b'a' - 1)) & (b'z' + 1).ct_gt(&c);
    let upper = u8::conditional_select(&c, &c.wrapping_sub(0x20), lower);
    let mut value = 0u8;
    let mut found = subtle::Choice::from(0);
    for (v, &a) in (0u8..).zip(ALPHABET.iter()) {
        let hit = upper.ct_eq(&a);
        value.conditional_assign(&v, hit);
        found |= hit;
    }
    for (alias, v) in [(b'I', 1u8), (b'L', 1u8), (b'O', 0u8)] {
        let hit = upper.ct_eq(&alias);
        value.conditional_assign(&v, hit);
        found |= hit;
    }
    bool::from(found).then_some(value)
}

/// Reads the symbols of a typed code into `symbols`, checking characters and length.
fn read_symbols(text: &str, symbols: &mut [u8; SYMBOLS]) -> Result<(), CodeError> {
    let mut n = 0usize;
    for (position, ch) in text.chars().enumerate() {
        if ch == '-' || ch == ' ' {
            continue;
        }
        let value = u8::try_from(u32::from(ch))
            .ok()
            .and_then(char_value)
            .ok_or(CodeError::InvalidCharacter { position })?;
        if let Some(slot) = symbols.get_mut(n) {
            *slot = value;
        }
        n += 1;
    }
    if n != SYMBOLS {
        return Err(CodeError::Length { found: n });
    }
    Ok(())
}

/// Parses a typed code (device or gateway side) and writes its 128-bit secret into `out`.
///
/// - `text`: as typed or scanned; case, `-` and spaces do not matter; `I`/`L` read as `1`, `O`
///   as `0`. It is secret: wipe your copy after use.
/// - `out`: receives the secret; on error it is left zeroed.
///
/// Errors, checked in this order: [`CodeError::InvalidCharacter`] (first bad character),
/// [`CodeError::Length`] (not 28 symbols), [`CodeError::Checksum`] (a mistyped or swapped
/// character: every single mistake is caught here), [`CodeError::UnsupportedVersion`].
pub fn parse_code_into(text: &str, out: &mut SecretBytes<SECRET_LEN>) -> Result<(), CodeError> {
    let mut symbols = [0u8; SYMBOLS];
    let result = decode_symbols(text, &mut symbols, out);
    symbols.zeroize();
    if result.is_err() {
        out.expose_secret_mut().zeroize();
    }
    result
}

fn decode_symbols(
    text: &str,
    symbols: &mut [u8; SYMBOLS],
    out: &mut SecretBytes<SECRET_LEN>,
) -> Result<(), CodeError> {
    read_symbols(text, symbols)?;
    let (s0, s1) = syndromes(symbols);
    if !bool::from((s0 | s1).ct_eq(&0)) {
        return Err(CodeError::Checksum);
    }
    let mut data = [0u8; DATA_SYMBOLS];
    data.copy_from_slice(symbols.get(..DATA_SYMBOLS).ok_or(CodeError::Checksum)?);
    let version = from_data_symbols(&data, out.expose_secret_mut());
    data.zeroize();
    if version != VERSION {
        return Err(CodeError::UnsupportedVersion { version });
    }
    Ok(())
}

/// Parses a typed code and returns its 128-bit secret. See [`parse_code_into`] (which writes
/// the secret in place) for the rules and errors.
pub fn parse_code(text: &str) -> Result<SecretBytes<SECRET_LEN>, CodeError> {
    let mut out = SecretBytes::zeroed();
    parse_code_into(text, &mut out)?;
    Ok(out)
}

/// An out-of-band code as text, for printing on a label or showing to a person (factory and
/// gateway side).
///
/// It is the device's long-term secret in readable form: it is zeroized on drop, its `Debug`
/// prints nothing of it, it has no `Display` (so it cannot end up in a log by a stray `{}`)
/// and no `Clone`. Read the text with [`OobCode::expose_str`].
pub struct OobCode {
    text: [u8; TEXT_LEN],
}

impl OobCode {
    /// Generates a fresh code with a 128-bit secret from `rng` (factory or gateway side).
    ///
    /// - `rng`: a cryptographically secure generator (the OS or a TRNG), never a fixed seed.
    ///
    /// Returns the generator's error if it fails.
    pub fn generate<R: Rng + ?Sized>(rng: &mut R) -> Result<Self, Error> {
        let secret = SecretBytes::<SECRET_LEN>::random(rng)?;
        Ok(Self::from_secret(&secret))
    }

    /// Writes an existing 128-bit secret (e.g. from a provisioning database) as a code.
    pub fn from_secret(secret: &SecretBytes<SECRET_LEN>) -> Self {
        let mut data = [0u8; DATA_SYMBOLS];
        to_data_symbols(VERSION, secret.expose_secret(), &mut data);
        let check = check_symbols(&data);
        let mut code = Self {
            text: [b'-'; TEXT_LEN],
        };
        for (i, &s) in data.iter().chain(check.iter()).enumerate() {
            if let Some(slot) = code.text.get_mut(i + i / GROUP_LEN) {
                *slot = symbol_char(s);
            }
        }
        data.zeroize();
        code
    }

    /// Parses and normalizes a typed code (upper case, canonical symbols, grouped with dashes).
    /// Same rules and errors as [`parse_code_into`].
    pub fn parse(text: &str) -> Result<Self, CodeError> {
        let secret = parse_code(text)?;
        Ok(Self::from_secret(&secret))
    }

    /// The code's text, `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`. This exposes the secret: show it
    /// only to the person who pairs the device, never log it.
    pub fn expose_str(&self) -> &str {
        // The text only ever holds ASCII from ALPHABET and '-'.
        core::str::from_utf8(&self.text).unwrap_or("")
    }

    /// Writes the code's 128-bit secret into `out`.
    pub fn secret_into(&self, out: &mut SecretBytes<SECRET_LEN>) {
        // A code built by this type always parses.
        let _ = parse_code_into(self.expose_str(), out);
    }
}

impl Drop for OobCode {
    fn drop(&mut self) {
        self.text.zeroize();
    }
}

impl ZeroizeOnDrop for OobCode {}

impl fmt::Debug for OobCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OobCode").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_is_primitive() {
        // alpha^k != 1 for 0 < k < 31, alpha^31 == 1: the weights alpha^0..alpha^27 are distinct.
        let mut x = 1u8;
        for k in 1..31 {
            x = gf_mul(x, ALPHA);
            assert_ne!(x, 1, "alpha^{k} == 1");
        }
        assert_eq!(gf_mul(x, ALPHA), 1);
    }

    #[test]
    fn gf_mul_is_a_field_multiplication() {
        for a in 1..32u8 {
            let inv = gf_pow(a, 30);
            assert_eq!(gf_mul(a, inv), 1);
            for b in 0..32u8 {
                assert_eq!(gf_mul(a, b), gf_mul(b, a));
            }
        }
        assert_eq!(gf_mul(ALPHA ^ 1, INV_ALPHA_PLUS_1), 1);
    }

    #[test]
    fn char_values() {
        for (v, &a) in ALPHABET.iter().enumerate() {
            assert_eq!(char_value(a), Some(v as u8));
            assert_eq!(char_value(a.to_ascii_lowercase()), Some(v as u8));
            assert_eq!(symbol_char(v as u8), a);
        }
        for (c, v) in [
            (b'I', 1),
            (b'i', 1),
            (b'L', 1),
            (b'l', 1),
            (b'O', 0),
            (b'o', 0),
        ] {
            assert_eq!(char_value(c), Some(v));
        }
        for c in [b'U', b'u', b'*', b'_', b'@', b'[', b'`', b'{', 0, 0xff] {
            assert_eq!(char_value(c), None);
        }
    }

    #[test]
    fn other_versions_are_refused_after_the_checksum() {
        let secret = [0x5au8; SECRET_LEN];
        for version in 1..4u8 {
            let mut symbols = [0u8; SYMBOLS];
            let mut data = [0u8; DATA_SYMBOLS];
            to_data_symbols(version, &secret, &mut data);
            symbols[..DATA_SYMBOLS].copy_from_slice(&data);
            symbols[DATA_SYMBOLS..].copy_from_slice(&check_symbols(&data));
            assert_eq!(syndromes(&symbols), (0, 0));
            let mut text = [0u8; SYMBOLS];
            for (t, &s) in text.iter_mut().zip(symbols.iter()) {
                *t = symbol_char(s);
            }
            let text = core::str::from_utf8(&text).unwrap();
            assert_eq!(
                parse_code(text).err(),
                Some(CodeError::UnsupportedVersion { version })
            );
        }
    }

    #[test]
    fn check_symbols_zero_both_syndromes() {
        for seed in 0..=255u8 {
            let mut data = [0u8; DATA_SYMBOLS];
            for (i, d) in data.iter_mut().enumerate() {
                *d = (seed.wrapping_mul(31).wrapping_add(i as u8 * 7)) & 0x1f;
            }
            let mut all = [0u8; SYMBOLS];
            all[..DATA_SYMBOLS].copy_from_slice(&data);
            all[DATA_SYMBOLS..].copy_from_slice(&check_symbols(&data));
            assert_eq!(syndromes(&all), (0, 0));
        }
    }

    /// The code is linear over GF(32): a typed string `c + e` passes the checksum exactly when
    /// the error pattern `e` has zero syndromes. So checking every error pattern of weight 1
    /// and 2 (every single substitution; every pair of wrong symbols, which includes every
    /// transposition of unequal symbols, adjacent or not) proves detection for ALL codes.
    #[test]
    fn every_error_of_weight_one_or_two_is_detected_for_every_code() {
        let mut patterns = 0usize;
        for i in 0..SYMBOLS {
            for a in 1..32u8 {
                let mut e = [0u8; SYMBOLS];
                e[i] = a;
                assert_ne!(syndromes(&e), (0, 0));
                patterns += 1;
                for j in i + 1..SYMBOLS {
                    for b in 1..32u8 {
                        e[j] = b;
                        assert_ne!(syndromes(&e), (0, 0), "{i} {j} {a} {b}");
                        patterns += 1;
                    }
                    e[j] = 0;
                }
            }
        }
        assert_eq!(
            patterns,
            SYMBOLS * 31 + SYMBOLS * (SYMBOLS - 1) / 2 * 31 * 31
        );
    }
}
