//! The AEAD additional data (RFC 8613 section 5.4): the COSE `Enc_structure`
//! `["Encrypt0", h'', external_aad]` with
//! `external_aad = bstr .cbor [1, [10], request_kid, request_piv, h'']`.

use bulwark_psk::oscore::{ALG_AES_CCM_16_64_128, MAX_ID_LEN, MAX_PARTIAL_IV_LEN};

/// Largest AAD: 11 bytes of `Enc_structure` head, a 1-byte bstr header and an
/// `external_aad` of at most 19 bytes (5 fixed bytes, a 7-byte kid and a 5-byte Partial IV
/// with their headers).
pub(crate) const MAX_AAD_LEN: usize = 11 + 1 + 5 + 1 + MAX_ID_LEN + 1 + MAX_PARTIAL_IV_LEN;

/// Writes the AAD for the request identified by `kid` (its sender's ID, at most 7 bytes) and
/// `piv` (its Partial IV as sent, at most 5 bytes); returns the buffer and the length used.
/// Both the request and its response use the request's values.
pub(crate) fn aad(kid: &[u8], piv: &[u8]) -> ([u8; MAX_AAD_LEN], usize) {
    let kid = kid.get(..kid.len().min(MAX_ID_LEN)).unwrap_or(&[]);
    let piv = piv.get(..piv.len().min(MAX_PARTIAL_IV_LEN)).unwrap_or(&[]);
    let mut out = [0u8; MAX_AAD_LEN];
    let mut len = 0;
    let mut put = |bytes: &[u8]| {
        if let Some(dst) = out.get_mut(len..len + bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        len += bytes.len();
    };
    // array(3), tstr "Encrypt0", bstr h'' (empty protected header)
    put(b"\x83\x68Encrypt0\x40");
    // external_aad as a bstr: its length is below 24, so a one-byte header
    let ext_len = 5 + 1 + kid.len() + 1 + piv.len();
    put(&[0x40 | ext_len as u8]);
    // array(5): oscore_version 1, [alg_aead], request_kid, request_piv, options h''
    put(&[0x85, 0x01, 0x81, ALG_AES_CCM_16_64_128 as u8]);
    put(&[0x40 | kid.len() as u8]);
    put(kid);
    put(&[0x40 | piv.len() as u8]);
    put(piv);
    put(&[0x40]);
    (out, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8613_c4_aad() {
        // RFC 8613 Appendix C.4: AAD for kid h'' and Partial IV 0x14.
        let (a, n) = aad(&[], &[0x14]);
        assert_eq!(
            &a[..n],
            b"\x83\x68Encrypt0\x40\x48\x85\x01\x81\x0a\x40\x41\x14\x40".as_slice()
        );
    }

    #[test]
    fn longest_aad_fits() {
        let (_, n) = aad(&[7; 7], &[5; 5]);
        assert_eq!(n, MAX_AAD_LEN);
    }
}
