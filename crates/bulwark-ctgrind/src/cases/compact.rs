//! Cases on the compact backend (bulwark-compact).

use super::*;

pub(super) fn compact_aes_pair() -> Result<(), String> {
    let key = secret_array([0x2b; 16]);
    let aes = bulwark_compact::aes::CompactAes::new(&key).map_err(err)?;
    let mut b0 = *b"public plaintext";
    let mut b1 = secret_array(*b"secret plaintext");
    aes.encrypt_pair(&mut b0, &mut b1);
    public(&mut b0);
    public(&mut b1);
    check(b0 != *b"public plaintext", "AES did not change the block")
}

pub(super) fn compact_ccm(tamper: bool) -> Result<(), String> {
    let key = secret_array([0xc0; 16]);
    let mut ccm = bulwark_compact::CompactCcm::from_key(&key).map_err(err)?;
    let mut buffer = MESSAGE.to_vec();
    secret(buffer.as_mut_slice());
    let mut tag = [0u8; 8];
    public_result(ccm.seal_detached(&NONCE, &[AAD], &mut buffer, &mut tag)).map_err(err)?;
    public(buffer.as_mut_slice());
    public(&mut tag);
    let expected = ccm_frame(&[0xc0; 16])?;
    check((buffer.clone(), tag) == expected, "compact CCM differs")?;
    if tamper {
        tag[0] ^= 1;
    }
    let result = public_result(ccm.open_detached(&NONCE, &[AAD], &mut buffer, &tag));
    public(buffer.as_mut_slice());
    check(result.is_ok() != tamper, "wrong CCM verdict")
}

pub(super) fn compact_ccm_valid() -> Result<(), String> {
    compact_ccm(false)
}

pub(super) fn compact_ccm_forged() -> Result<(), String> {
    compact_ccm(true)
}

pub(super) fn compact_p256_ecdh() -> Result<(), String> {
    p256_ecdh_on(&mut bulwark_compact::p256::CompactP256)
}

pub(super) fn compact_ecdsa_sign() -> Result<(), String> {
    let mut c = bulwark_compact::p256::CompactP256;
    let scalar = SecretBytes::take_from(&mut secret_array([0xc9; 32]));
    let key = verdict(Sign::<EcdsaP256>::import_signing_key(&mut c, scalar)).map_err(err)?;
    let mut signature =
        public_result(Sign::<EcdsaP256>::sign(&mut c, &key, MESSAGE)).map_err(err)?;
    public(&mut signature);
    let mut pk = public_result(Sign::<EcdsaP256>::signing_public(&mut c, &key)).map_err(err)?;
    public(&mut pk);
    Verify::<EcdsaP256>::verify(&mut c, &pk, MESSAGE, &signature).map_err(err)
}

pub(super) fn compact_x25519_agree() -> Result<(), String> {
    let mut c = bulwark_compact::Compact;
    let scalar = SecretBytes::take_from(&mut secret_array([0x77; 32]));
    let me = (KeyAgreement::<X25519>::import_static(&mut c, scalar)).map_err(err)?;
    let mut my_public =
        public_result(KeyAgreement::<X25519>::static_public(&mut c, &me)).map_err(err)?;
    public(&mut my_public);
    let peer = KeyAgreement::<X25519>::import_public(&mut c, &[0x09; 32]).map_err(err)?;
    let shared = verdict(KeyAgreement::<X25519>::agree_static(&mut c, &me, &peer)).map_err(err)?;
    let prk = (c.extract_shared(b"salt", shared)).map_err(err)?;
    let key: SecretBytes<16> = (c.expand_secret(&prk, &[b"link"])).map_err(err)?;
    black_box(&key);
    Ok(())
}

pub(super) fn compact_hkdf() -> Result<(), String> {
    hkdf_on(&mut bulwark_compact::Compact)
}

pub(super) fn compact_ed25519_sign() -> Result<(), String> {
    let mut c = bulwark_compact::Compact;
    let seed = SecretBytes::take_from(&mut secret_array([0x9d; 32]));
    let key = (Sign::<Ed25519>::import_signing_key(&mut c, seed)).map_err(err)?;
    let mut signature = public_result(Sign::<Ed25519>::sign(&mut c, &key, MESSAGE)).map_err(err)?;
    public(&mut signature);
    let mut pk = public_result(Sign::<Ed25519>::signing_public(&mut c, &key)).map_err(err)?;
    public(&mut pk);
    Verify::<Ed25519>::verify(&mut c, &pk, MESSAGE, &signature).map_err(err)
}
