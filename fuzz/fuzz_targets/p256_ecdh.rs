//! P-256 ECDH through `KeyAgreement<P256>`, cross-checked against the `p256` crate.
//!
//! Input: scalar (32), second scalar (32), SEC1 public key bytes (rest, any length).
#![no_main]

use bulwark_api::{
    Error, SecretBytes,
    hazmat::expose_shared_secret,
    kex::{KeyAgreement, P256},
};
use bulwark_fuzz::Reader;
use bulwark_soft::Soft;
use libfuzzer_sys::fuzz_target;
use p256::elliptic_curve::sec1::ToSec1Point;

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let scalar = r.array::<32>();
    let scalar2 = r.array::<32>();
    let peer = r.rest();
    let mut soft = Soft;

    // Import: only 04||x||y (65) and 02/03||x (33), and only points p256 itself accepts.
    let imported = KeyAgreement::<P256>::import_public(&mut soft, peer);
    let form_ok = matches!(
        (peer.len(), peer.first()),
        (65, Some(0x04)) | (33, Some(0x02 | 0x03))
    );
    let reference = p256::PublicKey::from_sec1_bytes(peer);
    assert_eq!(
        imported.is_ok(),
        form_ok && reference.is_ok(),
        "import disagrees with p256"
    );
    if let Err(e) = imported {
        assert_eq!(e, Error::InvalidInput);
    }
    let imported = imported.ok();
    if let Some(pk) = &imported {
        let reference = reference.unwrap();
        let unc = KeyAgreement::<P256>::export_public(&mut soft, pk);
        assert_eq!(unc.as_slice(), reference.to_sec1_point(false).as_bytes());
        let comp = soft.export_public_compressed(pk);
        // Re-encoding round trip: both encodings import to the same key, and the encoding
        // that was imported comes back byte for byte.
        if peer.len() == 65 {
            assert_eq!(unc.as_slice(), peer);
        } else {
            assert_eq!(comp.as_slice(), peer);
        }
        let from_comp = KeyAgreement::<P256>::import_public(&mut soft, &comp).unwrap();
        let from_unc = KeyAgreement::<P256>::import_public(&mut soft, &unc).unwrap();
        assert_eq!(
            KeyAgreement::<P256>::export_public(&mut soft, &from_comp),
            unc
        );
        assert_eq!(soft.export_public_compressed(&from_unc), comp);
    }

    // Scalars: accepted exactly in 1..n.
    let sk = KeyAgreement::<P256>::import_static(
        &mut soft,
        SecretBytes::try_from_slice(&scalar).unwrap(),
    );
    let ref_sk = p256::SecretKey::from_slice(&scalar);
    assert_eq!(sk.is_ok(), ref_sk.is_ok(), "scalar range check disagrees");
    let Ok(sk) = sk else { return };
    let ref_sk = ref_sk.unwrap();
    if let Some(pk) = &imported {
        let shared = KeyAgreement::<P256>::agree_static(&mut soft, &sk, pk).unwrap();
        let want = p256::ecdh::diffie_hellman(
            ref_sk.to_nonzero_scalar(),
            p256::PublicKey::from_sec1_bytes(peer).unwrap().as_affine(),
        );
        assert_eq!(
            expose_shared_secret(&shared).as_slice(),
            want.raw_secret_bytes().as_slice()
        );
    }

    // Symmetry for two generated keys.
    let sk2 = match KeyAgreement::<P256>::import_static(
        &mut soft,
        SecretBytes::try_from_slice(&scalar2).unwrap(),
    ) {
        Ok(k) => k,
        Err(_) => return,
    };
    let pub1 = KeyAgreement::<P256>::static_public(&mut soft, &sk).unwrap();
    let pub2 = KeyAgreement::<P256>::static_public(&mut soft, &sk2).unwrap();
    let ab = KeyAgreement::<P256>::agree_static(&mut soft, &sk, &pub2).unwrap();
    let ba = KeyAgreement::<P256>::agree_static(&mut soft, &sk2, &pub1).unwrap();
    assert_eq!(expose_shared_secret(&ab), expose_shared_secret(&ba));
});
