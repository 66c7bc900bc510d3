//! X25519 through `KeyAgreement<X25519>`, cross-checked against x25519-dalek directly.
//!
//! Input: secret (32), second secret (32), peer public key bytes (rest, any length).
#![no_main]

use bulwark_api::{
    Error, SecretBytes,
    hazmat::expose_shared_secret,
    kex::{KeyAgreement, X25519},
};
use bulwark_fuzz::Reader;
use bulwark_soft::Soft;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let secret = r.array::<32>();
    let secret2 = r.array::<32>();
    let peer = r.rest();
    let mut soft = Soft;

    let imported = KeyAgreement::<X25519>::import_public(&mut soft, peer);
    assert_eq!(
        imported.is_ok(),
        peer.len() == 32,
        "import of {} bytes",
        peer.len()
    );
    let sk = KeyAgreement::<X25519>::import_static(
        &mut soft,
        SecretBytes::try_from_slice(&secret).unwrap(),
    )
    .unwrap();
    let dalek_sk = x25519_dalek::StaticSecret::from(secret);
    let own_pub = KeyAgreement::<X25519>::static_public(&mut soft, &sk).unwrap();
    assert_eq!(
        KeyAgreement::<X25519>::export_public(&mut soft, &own_pub),
        x25519_dalek::PublicKey::from(&dalek_sk).to_bytes()
    );

    if let Ok(pk) = imported {
        // The encoding is kept exactly as imported.
        assert_eq!(
            KeyAgreement::<X25519>::export_public(&mut soft, &pk).as_slice(),
            peer
        );
        let peer_arr: [u8; 32] = peer.try_into().unwrap();
        let want = dalek_sk.diffie_hellman(&x25519_dalek::PublicKey::from(peer_arr));
        match KeyAgreement::<X25519>::agree_static(&mut soft, &sk, &pk) {
            Ok(shared) => {
                assert_eq!(expose_shared_secret(&shared), want.as_bytes());
                assert_ne!(want.as_bytes(), &[0u8; 32]);
            }
            Err(Error::Verification) => {
                assert_eq!(
                    want.as_bytes(),
                    &[0u8; 32],
                    "Verification for a non-zero result"
                );
            }
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }

    // Symmetry for two keys made from the input.
    let sk2 = KeyAgreement::<X25519>::import_static(
        &mut soft,
        SecretBytes::try_from_slice(&secret2).unwrap(),
    )
    .unwrap();
    let pub2 = KeyAgreement::<X25519>::static_public(&mut soft, &sk2).unwrap();
    let ab = KeyAgreement::<X25519>::agree_static(&mut soft, &sk, &pub2).unwrap();
    let ba = KeyAgreement::<X25519>::agree_static(&mut soft, &sk2, &own_pub).unwrap();
    assert_eq!(expose_shared_secret(&ab), expose_shared_secret(&ba));
});
