//! Boundary lengths and values for every public function of bulwark-psk: 0, 1, max-1, max,
//! max+1 of each limit (code symbols, secret length, device id, purpose label and key length,
//! OSCORE ids, ID Context, Partial IV, sequence number), each with the exact error, and outputs
//! zeroed (or untouched) on error as documented.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bulwark_api::{Error, SecretBytes, kdf::HkdfSha256};
use bulwark_psk::{
    CodeError, DeviceRoot, OobCode, PskError, check_secret,
    code::{ALPHABET, SYMBOLS, TEXT_LEN},
    hierarchy::MAX_DEVICE_ID_LEN,
    oscore::{
        self, MAX_ID_CONTEXT_LEN, MAX_ID_LEN, MAX_PARTIAL_IV_LEN, MIN_MASTER_SECRET_LEN,
        OscoreKeys, OscoreParams,
    },
    parse_code, parse_code_into,
};
use bulwark_soft::Soft;

/// Asserts every `(input, expected)` row against `f`.
fn table<T: core::fmt::Debug + PartialEq + Clone>(
    name: &str,
    rows: &[(usize, T)],
    mut f: impl FnMut(usize) -> T,
) {
    for (input, expected) in rows {
        assert_eq!(f(*input), *expected, "{name}: {input}");
    }
    println!("{name}: {} boundary cases", rows.len());
}

/// A fixed, valid code (secret 00 01 .. 0f).
fn valid_code() -> OobCode {
    let secret: [u8; 16] = core::array::from_fn(|i| i as u8);
    OobCode::from_secret(&SecretBytes::try_from_slice(&secret).unwrap())
}

/// The valid code's 28 symbols without separators.
fn valid_symbols() -> String {
    valid_code().expose_str().replace('-', "")
}

/// `n` symbols: the valid code's, cut or extended with `0`.
fn symbols_of_len(n: usize) -> String {
    let mut s: String = valid_symbols().chars().take(n).collect();
    while s.len() < n {
        s.push('0');
    }
    s
}

// ---------------------------------------------------------------- codes

fn length_rows() -> Vec<(usize, Result<(), CodeError>)> {
    [0, 1, 27, 28, 29, 34, 10_000]
        .into_iter()
        .map(|n| {
            let r = if n == SYMBOLS {
                Ok(())
            } else {
                Err(CodeError::Length { found: n })
            };
            (n, r)
        })
        .collect()
}

#[test]
fn parse_code_into_symbol_count() {
    assert_eq!((SYMBOLS, TEXT_LEN), (28, 34));
    table("parse_code_into symbols", &length_rows(), |n| {
        let mut out = SecretBytes::try_from_slice(&[0xa5; 16]).unwrap();
        let r = parse_code_into(&symbols_of_len(n), &mut out);
        if r.is_err() {
            assert_eq!(out.expose_secret(), &[0; 16], "out not zeroed on error");
        }
        r
    });
}

#[test]
fn parse_code_symbol_count_with_separators() {
    // Separators do not count: 28 symbols with any number of dashes and spaces is a code.
    table("parse_code symbols (grouped)", &length_rows(), |n| {
        let grouped: String = symbols_of_len(n)
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let sep = if i > 0 && i % 4 == 0 { Some('-') } else { None };
                sep.into_iter().chain([c])
            })
            .collect();
        parse_code(&format!(" {grouped} ")).map(|_| ())
    });
    // Separators only.
    assert_eq!(
        parse_code("- - -").err(),
        Some(CodeError::Length { found: 0 })
    );
}

#[test]
fn oob_code_parse_symbol_count() {
    table("OobCode::parse symbols", &length_rows(), |n| {
        OobCode::parse(&symbols_of_len(n)).map(|c| assert_eq!(c.expose_str().len(), TEXT_LEN))
    });
}

#[test]
fn parse_code_invalid_character_position() {
    // First, last and one past the last character; non-ASCII characters count as one.
    let valid = valid_code();
    let text = valid.expose_str().to_owned();
    let rows = [(0, ()), (1, ()), (32, ()), (33, ())];
    table("parse_code InvalidCharacter position", &rows, |pos| {
        let mut chars: Vec<char> = text.chars().collect();
        chars[pos] = 'U';
        let bad: String = chars.iter().collect();
        assert_eq!(
            parse_code(&bad).err(),
            Some(CodeError::InvalidCharacter { position: pos })
        );
        let mut chars: Vec<char> = text.chars().collect();
        chars[pos] = 'é';
        let bad: String = chars.iter().collect();
        assert_eq!(
            parse_code(&bad).err(),
            Some(CodeError::InvalidCharacter { position: pos })
        );
    });
    // A bad character after too many symbols is still reported as the character.
    let long = format!("{}{}U", valid_symbols(), valid_symbols());
    assert_eq!(
        parse_code(&long).err(),
        Some(CodeError::InvalidCharacter { position: 56 })
    );
}

#[test]
fn parse_code_checksum_at_28_symbols() {
    // Each symbol value of the last position: exactly one passes the checksum.
    let base = valid_symbols();
    let mut passed = 0;
    for &c in ALPHABET {
        let mut s = base[..27].to_owned();
        s.push(char::from(c));
        match parse_code(&s) {
            Ok(_) => passed += 1,
            Err(e) => assert_eq!(e, CodeError::Checksum),
        }
    }
    assert_eq!(passed, 1);
    println!("parse_code last symbol: 32 boundary cases");
}

// ---------------------------------------------------------------- secrets and the hierarchy

/// A non-digit, non-constant secret of `n` bytes.
fn secret(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(37).wrapping_add(1))
        .collect()
}

#[test]
fn check_secret_len() {
    let short = |len| Err(PskError::SecretTooShort { len });
    let rows = [
        (0, short(0)),
        (1, short(1)),
        (15, short(15)),
        (16, Ok(())),
        (17, Ok(())),
        (4096, Ok(())),
    ];
    table("check_secret length", &rows, |n| check_secret(&secret(n)));
    // Length is checked first; then digits and constant bytes at exactly the minimum.
    let rows = [
        (15, Err(PskError::SecretTooShort { len: 15 })),
        (16, Err(PskError::SecretIsDigits)),
        (17, Err(PskError::SecretIsDigits)),
    ];
    table("check_secret digits", &rows, |n| {
        check_secret(&vec![b'7'; n])
    });
    let rows = [
        (15, Err(PskError::SecretTooShort { len: 15 })),
        (16, Err(PskError::SecretIsConstant)),
        (17, Err(PskError::SecretIsConstant)),
    ];
    table("check_secret constant", &rows, |n| {
        check_secret(&vec![0xff; n])
    });
}

fn device_id_rows() -> Vec<(usize, Result<(), PskError>)> {
    let max = MAX_DEVICE_ID_LEN;
    assert_eq!(max, 255);
    vec![
        (0, Err(PskError::DeviceIdLength { len: 0 })),
        (1, Ok(())),
        (2, Ok(())),
        (max - 1, Ok(())),
        (max, Ok(())),
        (max + 1, Err(PskError::DeviceIdLength { len: max + 1 })),
        (65_536, Err(PskError::DeviceIdLength { len: 65_536 })),
    ]
}

#[test]
fn device_root_derive_device_id_len() {
    table("DeviceRoot::derive device_id", &device_id_rows(), |n| {
        DeviceRoot::derive(&mut Soft, &secret(16), &vec![0x42; n], 0).map(|_| ())
    });
}

#[test]
fn device_root_derive_secret_len() {
    let rows = [
        (0, Err(PskError::SecretTooShort { len: 0 })),
        (15, Err(PskError::SecretTooShort { len: 15 })),
        (16, Ok(())),
        (1 << 20, Ok(())),
    ];
    table("DeviceRoot::derive secret", &rows, |n| {
        DeviceRoot::derive(&mut Soft, &secret(n), b"dev", 0).map(|_| ())
    });
}

#[test]
fn device_root_derive_epoch() {
    let rows = [
        (0, ()),
        (1, ()),
        (u32::MAX as usize - 1, ()),
        (u32::MAX as usize, ()),
    ];
    let mut seen = Vec::new();
    table("DeviceRoot::derive epoch", &rows, |e| {
        let root = DeviceRoot::derive(&mut Soft, &secret(16), b"dev", e as u32).unwrap();
        assert_eq!(root.epoch(), e as u32);
        let id = root.identity(&mut Soft).unwrap();
        assert!(!seen.contains(&id), "epoch {e}: identity repeats");
        seen.push(id);
    });
}

#[test]
fn device_root_from_code_secret_and_from_code_device_id_len() {
    let code = valid_code();
    let mut code_secret = SecretBytes::zeroed();
    code.secret_into(&mut code_secret);
    table(
        "DeviceRoot::from_code_secret device_id",
        &device_id_rows(),
        |n| DeviceRoot::from_code_secret(&mut Soft, &code_secret, &vec![1; n], 3).map(|_| ()),
    );
    table("DeviceRoot::from_code device_id", &device_id_rows(), |n| {
        DeviceRoot::from_code(&mut Soft, &code, &vec![1; n], 3).map(|_| ())
    });
    // The all-zero code is a valid code whose secret is refused (one repeated byte).
    let zero = OobCode::from_secret(&SecretBytes::zeroed());
    assert_eq!(
        DeviceRoot::from_code(&mut Soft, &zero, b"dev", 0).err(),
        Some(PskError::SecretIsConstant)
    );
}

fn root() -> DeviceRoot {
    DeviceRoot::derive(&mut Soft, &secret(16), b"device", 1).unwrap()
}

#[test]
fn device_root_purpose_key_label_len() {
    let rows = [
        (0, Ok(())),
        (1, Ok(())),
        (65_534, Ok(())),
        (65_535, Ok(())),
        (65_536, Err(PskError::PurposeLabel)),
    ];
    table("DeviceRoot::purpose_key purpose", &rows, |n| {
        let mut out = SecretBytes::<16>::try_from_slice(&[0xa5; 16]).unwrap();
        let r = root().purpose_key(&mut Soft, &vec![b'p'; n], &mut out);
        if r.is_err() {
            assert_eq!(out.expose_secret(), &[0xa5; 16], "out written on error");
        }
        r
    });
    for reserved in [&b"device-root"[..], b"identity", b"link", b"storage"] {
        let mut out = SecretBytes::<16>::zeroed();
        assert_eq!(
            root().purpose_key(&mut Soft, reserved, &mut out),
            Err(PskError::PurposeLabel)
        );
    }
}

#[test]
fn device_root_purpose_key_output_len() {
    // N is bounded by HKDF-SHA256 (8160 bytes). A longer key is refused before anything is
    // written, as PskError::Backend(InvalidInput), which converts to Error::InvalidInput.
    let too_long = Err(PskError::Backend(Error::InvalidInput));
    let rows = [
        (0, Ok(())),
        (1, Ok(())),
        (8159, Ok(())),
        (8160, Ok(())),
        (8161, too_long),
    ];
    table("DeviceRoot::purpose_key N", &rows, |n| {
        let root = root();
        macro_rules! with_len {
            ($n:literal) => {{
                let mut out = SecretBytes::<$n>::try_from_slice(&[0xa5; $n]).unwrap();
                let r = root.purpose_key(&mut Soft, b"app", &mut out);
                if let Err(e) = r {
                    assert!(out.expose_secret().iter().all(|&b| b == 0xa5));
                    assert_eq!(Error::from(e), Error::InvalidInput);
                }
                r
            }};
        }
        match n {
            0 => with_len!(0),
            1 => with_len!(1),
            8159 => with_len!(8159),
            8160 => with_len!(8160),
            _ => with_len!(8161),
        }
    });
}

// ---------------------------------------------------------------- OSCORE

const SECRET16: &[u8] = &[0x11; 16];

fn derive(p: &OscoreParams<'_>) -> Result<(), Error> {
    let mut keys = OscoreKeys::zeroed();
    *keys.sender_key.expose_secret_mut() = [0xa5; 16];
    *keys.recipient_key.expose_secret_mut() = [0xa5; 16];
    keys.common_iv = [0xa5; 13];
    let r = oscore::derive_context(&mut Soft, p, &mut keys);
    if r.is_err() {
        assert_eq!(keys.sender_key.expose_secret(), &[0; 16]);
        assert_eq!(keys.recipient_key.expose_secret(), &[0; 16]);
        assert_eq!(keys.common_iv, [0; 13], "output not zeroed on error");
    }
    r
}

fn params<'a>(secret: &'a [u8], s: &'a [u8], r: &'a [u8]) -> OscoreParams<'a> {
    OscoreParams {
        master_secret: secret,
        master_salt: b"",
        sender_id: s,
        recipient_id: r,
        id_context: None,
    }
}

#[test]
fn oscore_derive_context_master_secret_len() {
    let bad = Err(Error::InvalidInput);
    let min = MIN_MASTER_SECRET_LEN;
    let rows = [
        (0, bad),
        (1, bad),
        (min - 1, bad),
        (min, Ok(())),
        (min + 1, Ok(())),
        (4096, Ok(())),
    ];
    table("oscore::derive_context master_secret", &rows, |n| {
        derive(&params(&vec![0x22; n], b"", b"\x01"))
    });
}

fn id_rows() -> Vec<(usize, Result<(), Error>)> {
    assert_eq!(MAX_ID_LEN, 7);
    vec![
        (0, Ok(())),
        (1, Ok(())),
        (6, Ok(())),
        (7, Ok(())),
        (8, Err(Error::InvalidInput)),
        (255, Err(Error::InvalidInput)),
    ]
}

#[test]
fn oscore_derive_context_id_len() {
    // The other ID is a distinct 1-byte value (0xee), so only the length decides.
    table("oscore::derive_context sender_id", &id_rows(), |n| {
        derive(&params(SECRET16, &vec![1; n], b"\xee"))
    });
    table("oscore::derive_context recipient_id", &id_rows(), |n| {
        derive(&params(SECRET16, b"\xee", &vec![1; n]))
    });
    // Equal IDs, at the empty and the longest length.
    for n in [0, 7] {
        let id = vec![3; n];
        assert_eq!(
            derive(&params(SECRET16, &id, &id)),
            Err(Error::InvalidInput)
        );
    }
}

/// The CBOR byte-string header RFC 8949 writes for `len` bytes.
fn cbor_bstr(len: usize) -> Vec<u8> {
    match len {
        0..=23 => vec![0x40 | len as u8],
        24..=0xff => vec![0x58, len as u8],
        _ => vec![0x59, (len >> 8) as u8, len as u8],
    }
}

#[test]
fn oscore_derive_context_id_context_len() {
    // Lengths at each CBOR header change (23/24, 255/256) and at the limit (65535/65536); the
    // derived Sender Key is checked against an independently written `info`.
    let max = MAX_ID_CONTEXT_LEN;
    let bad = Err(Error::InvalidInput);
    let rows = [
        (0, Ok(())),
        (1, Ok(())),
        (23, Ok(())),
        (24, Ok(())),
        (255, Ok(())),
        (256, Ok(())),
        (max - 1, Ok(())),
        (max, Ok(())),
        (max + 1, bad),
    ];
    table("oscore::derive_context id_context", &rows, |n| {
        let ctx = vec![0x77; n];
        let p = OscoreParams {
            id_context: Some(&ctx),
            ..params(SECRET16, b"", b"\x01")
        };
        let mut keys = OscoreKeys::zeroed();
        oscore::derive_context(&mut Soft, &p, &mut keys)?;
        let info = [&[0x85, 0x40][..], &cbor_bstr(n), &ctx, b"\x0a\x63Key\x10"].concat();
        let prk = Soft.extract(b"", &[SECRET16]).unwrap();
        let mut expected = [0u8; 16];
        Soft.expand(&prk, &[&info], &mut expected).unwrap();
        assert_eq!(keys.sender_key.expose_secret(), &expected, "id_context {n}");
        Ok(())
    });
    let ctx = vec![0; max + 1];
    let p = OscoreParams {
        id_context: Some(&ctx),
        ..params(SECRET16, b"", b"\x01")
    };
    assert_eq!(derive(&p), bad);
}

#[test]
fn oscore_nonce_id_len() {
    let iv = [0u8; 13];
    table("oscore::nonce id", &id_rows(), |n| {
        let id: Vec<u8> = (1..=n as u8).collect();
        let nonce = oscore::nonce(&iv, &id, &[0x14])?;
        assert_eq!(usize::from(nonce[0]), n);
        assert_eq!(&nonce[8 - n..8], &id[..], "id right-aligned in bytes 1..8");
        Ok(())
    });
}

#[test]
fn oscore_nonce_partial_iv_len() {
    assert_eq!(MAX_PARTIAL_IV_LEN, 5);
    let iv = [0xffu8; 13];
    let rows = [
        (0, Ok(())),
        (1, Ok(())),
        (4, Ok(())),
        (5, Ok(())),
        (6, Err(Error::InvalidInput)),
        (13, Err(Error::InvalidInput)),
    ];
    table("oscore::nonce partial_iv", &rows, |n| {
        let piv: Vec<u8> = (1..=n as u8).collect();
        let nonce = oscore::nonce(&iv, &[0xaa; 7], &piv)?;
        let plain: Vec<u8> = nonce.iter().map(|b| b ^ 0xff).collect();
        assert_eq!(&plain[13 - n..], &piv[..], "partial IV right-aligned");
        assert_eq!(plain[..8], [7, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa]);
        Ok(())
    });
}

#[test]
fn oscore_partial_iv_sequence_number() {
    // (sequence number, encoded length): each byte-length edge, and 2^40 - 1 / 2^40.
    let rows: Vec<(usize, Result<usize, Error>)> = vec![
        (0, Ok(1)),
        (1, Ok(1)),
        (0xff, Ok(1)),
        (0x100, Ok(2)),
        (0xffff, Ok(2)),
        (0x1_0000, Ok(3)),
        (0xff_ffff, Ok(3)),
        (0x100_0000, Ok(4)),
        (0xffff_ffff, Ok(4)),
        (0x1_0000_0000, Ok(5)),
        ((1 << 40) - 2, Ok(5)),
        ((1 << 40) - 1, Ok(5)),
        (1 << 40, Err(Error::InvalidInput)),
        ((1 << 40) + 1, Err(Error::InvalidInput)),
        (usize::MAX, Err(Error::InvalidInput)),
    ];
    table("oscore::partial_iv", &rows, |seq| {
        let (bytes, used) = oscore::partial_iv(seq as u64)?;
        let value = bytes[..used]
            .iter()
            .fold(0u64, |v, &b| (v << 8) | u64::from(b));
        assert_eq!(value, seq as u64);
        assert!(used == 1 || bytes[0] != 0, "leading zero in {seq:#x}");
        Ok(used)
    });
}
