//! Out-of-band pairing codes (`bulwark_psk::code`).
//!
//! Input: mode (u8). Even: the rest is the typed text (UTF-8, lossy). Odd (structured): a
//! secret (16), an edit kind (u8), two positions (u8, u8) and a value (u8): a code is made
//! from the secret, then one symbol is substituted, two unequal symbols are swapped, or the
//! text is re-cased and re-spaced.
#![no_main]

use bulwark_api::SecretBytes;
use bulwark_fuzz::Reader;
use bulwark_psk::{
    CodeError, OobCode,
    code::{ALPHABET, SYMBOLS, TEXT_LEN},
    parse_code, parse_code_into,
};
use libfuzzer_sys::fuzz_target;

fn canonical_ok(text: &str) {
    assert_eq!(text.len(), TEXT_LEN);
    for (i, c) in text.bytes().enumerate() {
        if i % 5 == 4 {
            assert_eq!(c, b'-');
        } else {
            assert!(ALPHABET.contains(&c), "non-canonical char {c}");
        }
    }
}

fn check_text(text: &str) -> Option<[u8; 16]> {
    let mut out = SecretBytes::<16>::try_from_slice(&[0xAA; 16]).unwrap();
    let result = parse_code_into(text, &mut out);
    let parsed = parse_code(text);
    assert_eq!(result.is_ok(), parsed.is_ok());
    match result {
        Err(e) => {
            assert_eq!(
                out.expose_secret(),
                &[0u8; 16],
                "secret not zeroed on error"
            );
            assert_eq!(parsed.err(), Some(e));
            if let CodeError::InvalidCharacter { position } = e {
                assert!(position < text.chars().count());
            }
            assert!(OobCode::parse(text).is_err());
            None
        }
        Ok(()) => {
            let secret = *out.expose_secret();
            assert_eq!(parsed.unwrap().expose_secret(), &secret);
            // The canonical form: fixed layout, parses to the same secret, and is a fixed point.
            let code = OobCode::from_secret(&out);
            let canon = code.expose_str().to_owned();
            canonical_ok(&canon);
            assert_eq!(parse_code(&canon).unwrap().expose_secret(), &secret);
            assert_eq!(OobCode::parse(text).unwrap().expose_str(), canon);
            assert_eq!(OobCode::parse(&canon).unwrap().expose_str(), canon);
            let mut back = SecretBytes::<16>::zeroed();
            code.secret_into(&mut back);
            assert_eq!(back.expose_secret(), &secret);
            Some(secret)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    if r.u8() % 2 == 0 {
        let text = String::from_utf8_lossy(r.rest());
        check_text(&text);
        return;
    }
    let secret = r.array::<16>();
    let kind = r.u8() % 3;
    let i = usize::from(r.u8()) % SYMBOLS;
    let j = usize::from(r.u8()) % SYMBOLS;
    let v = r.u8();
    let code = OobCode::from_secret(&SecretBytes::try_from_slice(&secret).unwrap());
    let canon = code.expose_str().to_owned();
    assert_eq!(check_text(&canon), Some(secret));
    // Symbol values of the 28 symbols.
    let mut syms: Vec<u8> = canon
        .bytes()
        .filter(|&c| c != b'-')
        .map(|c| ALPHABET.iter().position(|&a| a == c).unwrap() as u8)
        .collect();
    match kind {
        0 => {
            // One substitution by a different symbol: always detected.
            let new = (syms[i] + 1 + v % 31) % 32;
            syms[i] = new;
        }
        1 => {
            // A transposition of two unequal symbols: always detected.
            if syms[i] == syms[j] {
                return;
            }
            syms.swap(i, j);
        }
        _ => {
            // Case, separators and the I/L/O aliases do not matter.
            let mut t = String::new();
            for (k, c) in canon.bytes().filter(|&c| c != b'-').enumerate() {
                let c = match (c, v >> (k % 8) & 1) {
                    (b'1', 1) => {
                        if k % 2 == 0 {
                            'l'
                        } else {
                            'I'
                        }
                    }
                    (b'0', 1) => 'o',
                    (c, 1) => (c as char).to_ascii_lowercase(),
                    (c, _) => c as char,
                };
                t.push(c);
                if (k + i) % 3 == 0 {
                    t.push(if j % 2 == 0 { ' ' } else { '-' });
                }
            }
            assert_eq!(
                check_text(&t),
                Some(secret),
                "variant {t:?} not read as the same code"
            );
            return;
        }
    }
    let edited: String = syms
        .iter()
        .map(|&s| ALPHABET[usize::from(s)] as char)
        .collect();
    assert_eq!(
        parse_code(&edited).err(),
        Some(CodeError::Checksum),
        "edit not detected: {edited}"
    );
});
