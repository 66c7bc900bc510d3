//! Cases on the software backend (bulwark-soft) and bulwark-psk.

use super::*;

pub(super) fn aes128_block() -> Result<(), String> {
    let key = secret_array([0x2b; 16]);
    let mut aes = SoftAes::new(&key).map_err(err)?;
    let mut block = *b"public plaintext";
    public_result(aes.encrypt_block(&mut block)).map_err(err)?;
    public(&mut block); // a ciphertext block is public
    check(
        block != *b"public plaintext",
        "AES did not change the block",
    )
}

pub(super) fn aes256_blocks() -> Result<(), String> {
    let key = secret_array([0x60; 32]);
    let mut aes = SoftAes::new(&key).map_err(err)?;
    let mut blocks = [[7u8; 16]; 9];
    public_result(aes.encrypt_blocks(&mut blocks)).map_err(err)?;
    public(&mut blocks);
    check(blocks[0] == blocks[8], "ECB of equal blocks differs")
}

pub(super) fn ccm_seal() -> Result<(), String> {
    let key = secret_array([0xc0; 16]);
    let mut ccm = SoftCcm::new(SoftAes::new(&key).map_err(err)?);
    let mut buffer = MESSAGE.to_vec();
    secret(buffer.as_mut_slice()); // the plaintext is secret
    let mut tag = [0u8; 8];
    public_result(ccm.seal_detached(&NONCE, &[AAD], &mut buffer, &mut tag)).map_err(err)?;
    public(buffer.as_mut_slice()); // ciphertext and tag go on the air
    public(&mut tag);
    let expected = ccm_frame(&[0xc0; 16])?;
    check(
        (buffer, tag) == expected,
        "ciphertext differs from reference",
    )
}

pub(super) fn ccm_open(tamper: bool) -> Result<(), String> {
    let (mut buffer, mut tag) = ccm_frame(&[0xc0; 16])?;
    if tamper {
        tag[0] ^= 1;
    }
    let key = secret_array([0xc0; 16]);
    let mut ccm = SoftCcm::new(SoftAes::new(&key).map_err(err)?);
    let result = public_result(ccm.open_detached(&NONCE, &[AAD], &mut buffer, &tag));
    if tamper {
        check(result == Err(Error::Verification), "forged tag accepted")?;
        // The buffer was zeroed: declassify to check that (a test-only look at the output).
        public(buffer.as_mut_slice());
        check(buffer.iter().all(|&b| b == 0), "buffer not zeroed")
    } else {
        result.map_err(err)?;
        public(buffer.as_mut_slice());
        check(buffer == MESSAGE, "wrong plaintext")
    }
}

pub(super) fn ccm_open_valid() -> Result<(), String> {
    ccm_open(false)
}

pub(super) fn ccm_open_forged() -> Result<(), String> {
    ccm_open(true)
}

pub(super) fn ccm_star_open_mic_forged() -> Result<(), String> {
    let level = SecurityLevel::Mic64;
    let nonce = ieee802154_nonce(0x0012_4b00_1234_5678, 42, level);
    let header = [0x69, 0xdc, 0x2a, 0x34, 0x12];
    let mut payload = *b"t=21.5C";
    let mut mic = [0u8; 8];
    let mut sender = SoftCcm::new(SoftAes::new(&[0xc0; 16]).map_err(err)?);
    sender
        .seal_frame(level, &nonce, &header, &mut payload, &mut mic)
        .map_err(err)?;
    mic[7] ^= 0x80;
    let key = secret_array([0xc0; 16]);
    let mut ccm = SoftCcm::new(SoftAes::new(&key).map_err(err)?);
    let result = public_result(ccm.open_frame(level, &nonce, &header, &mut payload, &mic));
    check(result == Err(Error::Verification), "forged MIC accepted")
}

pub(super) fn cmac_verify(tamper: bool) -> Result<(), String> {
    let mut tag = CmacMode::new(SoftAes::new(&[0x2b; 16]).map_err(err)?)
        .compute(&[MESSAGE])
        .map_err(err)?;
    if tamper {
        tag[3] ^= 1;
    }
    let key = secret_array([0x2b; 16]);
    let mut cmac = CmacMode::new(SoftAes::new(&key).map_err(err)?);
    let full = public_result(cmac.verify(&[MESSAGE], &tag));
    let truncated = public_result(cmac.verify(&[&MESSAGE[..5], &MESSAGE[5..]], &tag[..12]));
    check(full.is_err() == tamper, "wrong verdict for the full tag")?;
    check(
        truncated.is_err() == tamper,
        "wrong verdict for the truncated tag",
    )
}

pub(super) fn cmac_verify_valid() -> Result<(), String> {
    cmac_verify(false)
}

pub(super) fn cmac_verify_forged() -> Result<(), String> {
    cmac_verify(true)
}

pub(super) fn x25519_agree() -> Result<(), String> {
    let mut soft = Soft;
    let scalar = SecretBytes::take_from(&mut secret_array([0x77; 32]));
    let me = (KeyAgreement::<X25519>::import_static(&mut soft, scalar)).map_err(err)?;
    let mut my_public =
        public_result(KeyAgreement::<X25519>::static_public(&mut soft, &me)).map_err(err)?;
    public(&mut my_public); // sent to the peer
    let peer_bytes = [0x09u8; 32];
    let peer = KeyAgreement::<X25519>::import_public(&mut soft, &peer_bytes).map_err(err)?;
    let shared =
        verdict(KeyAgreement::<X25519>::agree_static(&mut soft, &me, &peer)).map_err(err)?;
    let prk = (soft.extract_shared(b"salt", shared)).map_err(err)?;
    let key: SecretBytes<16> = (soft.expand_secret(&prk, &[b"link"])).map_err(err)?;
    black_box(&key);
    let mut encoded = KeyAgreement::<X25519>::export_public(&mut soft, &my_public);
    public(&mut encoded);
    check(encoded != [0; 32], "zero public key")
}

pub(super) fn x25519_ephemeral() -> Result<(), String> {
    let mut soft = Soft;
    let mut rng = SecretRng(bulwark_testkit::DeterministicTestRng::new(0x31));
    let eph = verdict(KeyAgreement::<X25519>::generate_ephemeral(
        &mut soft, &mut rng,
    ))
    .map_err(err)?;
    let mut my_public =
        public_result(KeyAgreement::<X25519>::ephemeral_public(&mut soft, &eph)).map_err(err)?;
    public(&mut my_public);
    let peer = KeyAgreement::<X25519>::import_public(&mut soft, &[0x09; 32]).map_err(err)?;
    let shared = verdict(KeyAgreement::<X25519>::agree(&mut soft, eph, &peer)).map_err(err)?;
    let prk = (soft.extract_shared(b"", shared)).map_err(err)?;
    black_box(&prk);
    Ok(())
}

pub(super) fn p256_ecdh() -> Result<(), String> {
    p256_ecdh_on(&mut Soft)
}

pub(super) fn hkdf() -> Result<(), String> {
    hkdf_on(&mut Soft)
}

/// Imports a signing key from `secret`, signs [`MESSAGE`] and verifies: the signature and the
/// public key are public. With `import_is_verdict`, whether the import succeeds is a public
/// verdict (ECDSA refuses scalars outside `1..n`; every Ed25519 seed is a key).
fn sign_case<A: Algorithm>(secret: [u8; 32], import_is_verdict: bool) -> Result<(), String>
where
    Soft: Sign<A>,
{
    let mut soft = Soft;
    let seed = SecretBytes::take_from(&mut secret_array(secret));
    let imported = Sign::<A>::import_signing_key(&mut soft, seed);
    let key = if import_is_verdict {
        verdict(imported)
    } else {
        imported
    }
    .map_err(err)?;
    let mut signature = public_result(Sign::<A>::sign(&mut soft, &key, MESSAGE)).map_err(err)?;
    public(&mut signature);
    let mut pk = public_result(Sign::<A>::signing_public(&mut soft, &key)).map_err(err)?;
    public(&mut pk);
    Verify::<A>::verify(&mut soft, &pk, MESSAGE, &signature).map_err(err)
}

pub(super) fn ed25519_sign() -> Result<(), String> {
    sign_case::<Ed25519>([0x9d; 32], false)
}

pub(super) fn ecdsa_p256_sign() -> Result<(), String> {
    sign_case::<EcdsaP256>([0xc9; 32], true)
}

pub(super) fn psk_device_root() -> Result<(), String> {
    let mut soft = Soft;
    let code_secret =
        secret_array(*b"\x8d\x0e\x72\x41\x9f\x33\x91\x2a\x55\x10\xe6\x07\xc4\x5b\x21\xf0");
    let eui64 = [0x70, 0xb3, 0xd5, 0x7e, 0xd0, 0x00, 0x12, 0x34];
    let root = DeviceRoot::derive(&mut soft, &code_secret, &eui64, 0);
    // The refusal verdict (too short, all digits, constant) is public: it is reported.
    let mut ok = root.is_ok();
    public(&mut ok);
    let root = root.map_err(|e| e.to_string())?;
    let mut link = SecretBytes::<16>::zeroed();
    root.link_key(&mut soft, &mut link)
        .map_err(|e| e.to_string())?;
    let mut storage = SecretBytes::<32>::zeroed();
    root.storage_key(&mut soft, &mut storage)
        .map_err(|e| e.to_string())?;
    let mut identity = root.identity(&mut soft).map_err(|e| e.to_string())?;
    public(&mut identity); // announced in the clear
    black_box((&link, &storage, &identity));
    check(ok, "derive refused")
}

pub(super) fn psk_parse_code() -> Result<(), String> {
    let mut text = CODE.to_owned();
    secret(text.as_mut_str()); // the typed code is the secret
    let mut out = SecretBytes::<16>::zeroed();
    let mut result = parse_code_into(&text, &mut out);
    public(&mut result); // accepted or not is public (the user is told)
    result.map_err(|e| e.to_string())?;
    let mut soft = Soft;
    let root = DeviceRoot::from_code_secret(&mut soft, &out, &[1, 2, 3, 4], 7);
    let root = verdict(root.map_err(Error::from)).map_err(err)?;
    black_box(&root);
    Ok(())
}

pub(super) fn psk_code_from_secret() -> Result<(), String> {
    let secret_bytes = SecretBytes::take_from(&mut secret_array([0xa5; 16]));
    let code = OobCode::from_secret(&secret_bytes);
    let mut text = [0u8; bulwark_psk::code::TEXT_LEN];
    text.copy_from_slice(code.expose_str().as_bytes());
    black_box(&text);
    Ok(())
}
