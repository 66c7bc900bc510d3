//! CCM* (IEEE 802.15.4).

use super::*;

/// CCM* (IEEE 802.15.4) at all seven security levels: MIC-only levels leave the payload clear
/// and produce the CCM tag over header||payload; level 4 equals the CCM ciphertext of RFC 3610
/// packets (same nonce, same keystream); MIC levels reject every tampered byte with the payload
/// zeroed; a nonce whose level byte disagrees is `InvalidInput`.
pub fn ccm_star<C: Ccm, const BIG: usize, const MSG: usize>(
    mut make: impl FnMut(&[u8]) -> Result<C, Error>,
    s: &mut Scratch<BIG, MSG>,
) -> Result<Report, Failure> {
    const SET: &str = "CCM* security levels";
    let (mut report, mut ccm) = keyed_start(SET, &mut make, &[0xc0; 16])?;
    let header = [
        0x69u8, 0xdc, 0x84, 0x21, 0x43, 0x02, 0x00, 0x00, 0x00, 0x00, 0x48, 0xde, 0xac,
    ];
    let reading = *b"t=21.5C h=40%";
    for level in SecurityLevel::ALL {
        let case = usize::from(level.as_u8());
        let nonce = ieee802154_nonce(0xacde_4800_0000_0001, 5, level);
        let mut payload = reading;
        let mut mic = [0u8; 16];
        let mic = mic
            .get_mut(..level.mic_len())
            .ok_or(mismatch(SET, case, "mic"))?;
        ccm.seal_frame(level, &nonce, &header, &mut payload, mic)
            .map_err(|_| mismatch(SET, case, "seal_frame failed"))?;
        report.checked += 1;
        if level.encrypts() == (payload == reading) {
            return Err(mismatch(
                SET,
                case,
                "payload encryption does not follow the level",
            ));
        }
        if !level.encrypts() {
            let mut tag = [0u8; 16];
            let tag = tag
                .get_mut(..level.mic_len())
                .ok_or(mismatch(SET, case, "mic"))?;
            ccm.seal_detached(&nonce, &[&header, &reading], &mut [], tag)
                .map_err(|_| mismatch(SET, case, "seal failed"))?;
            if tag != mic {
                return Err(mismatch(
                    SET,
                    case,
                    "MIC-only level differs from CCM over header||payload",
                ));
            }
        }
        let sealed = payload;
        ccm.open_frame(level, &nonce, &header, &mut payload, mic)
            .map_err(|_| mismatch(SET, case, "open_frame failed"))?;
        if payload != reading {
            return Err(mismatch(SET, case, "round trip differs"));
        }
        report.valid += 1;
        if level.mic_len() > 0 {
            for i in 0..sealed.len() + header.len() + mic.len() {
                let mut p = sealed;
                let mut h = header;
                let mut m = [0u8; 16];
                let m = m.get_mut(..mic.len()).ok_or(mismatch(SET, case, "mic"))?;
                m.copy_from_slice(mic);
                let target = if i < p.len() {
                    p.get_mut(i)
                } else if i < p.len() + h.len() {
                    h.get_mut(i - p.len())
                } else {
                    m.get_mut(i - p.len() - h.len())
                };
                if let Some(b) = target {
                    *b ^= 0x01;
                }
                report.checked += 1;
                report.rejected += 1;
                if ccm.open_frame(level, &nonce, &h, &mut p, m) != Err(Error::Verification)
                    || p != [0u8; 13]
                {
                    return Err(mismatch(SET, case, "tampered frame accepted or not zeroed"));
                }
            }
        }
        let wrong = ieee802154_nonce(
            0xacde_4800_0000_0001,
            5,
            if level == SecurityLevel::Mic32 {
                SecurityLevel::Mic64
            } else {
                SecurityLevel::Mic32
            },
        );
        let mut p = reading;
        report.checked += 1;
        report.rejected += 1;
        if ccm.seal_frame(level, &wrong, &header, &mut p, mic) != Err(Error::InvalidInput)
            || p != reading
        {
            return Err(mismatch(SET, case, "level/nonce mismatch not rejected"));
        }
    }
    // Level 4 keystream equals CCM's (RFC 3610 packets all use 13-byte nonces).
    for r in records(data::CCM_RFC3610) {
        let mut key_buf = [0u8; 64];
        let CcmFields {
            key, nonce, pt, ct, ..
        } = ccm_fields(SET, &r, &mut key_buf, s)?;
        let mut k = make(key).map_err(|_| mismatch(SET, r.line, "key import failed"))?;
        k.crypt_unauthenticated(nonce, pt)
            .map_err(|_| mismatch(SET, r.line, "ccm* encrypt failed"))?;
        report.checked += 1;
        report.valid += 1;
        if pt != ct {
            return Err(mismatch(
                SET,
                r.line,
                "CCM* level-4 ciphertext differs from CCM's",
            ));
        }
    }
    Ok(report)
}
