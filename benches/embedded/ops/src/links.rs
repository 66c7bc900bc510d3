//! BLE LE Secure Connections (`bulwark-links`): one side of a full numeric-comparison pairing
//! on the compact backend (the microcontroller default), P-256 work included.

use bulwark_api::{Error, Rng};
use bulwark_compact::{Compact, CompactAes};
use bulwark_links::ModeEngines;
use bulwark_links::ble::pairing::{
    AUTH_BONDING, AUTH_MITM, Event, Features, IoCapability, Options, Pairing, Pdu, Role,
};

use crate::Bench;

/// A deterministic generator for the measurement (SplitMix64 of a fixed seed): the same seed
/// gives the same key pair and nonces, so the peer's recorded PDUs stay valid. **Not a source
/// of entropy**: a device pairs with its TRNG.
struct FixedSeed(u64);

impl Rng for FixedSeed {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        for chunk in dest.chunks_mut(8) {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            for (d, s) in chunk.iter_mut().zip(z.to_le_bytes()) {
                *d = s;
            }
        }
        Ok(())
    }
}

const INITIATOR_SEED: u64 = 0x1111;
const RESPONDER_SEED: u64 = 0x2222;
const A: [u8; 7] = [0x00, 0x56, 0x12, 0x37, 0x37, 0xbf, 0xce];
const B: [u8; 7] = [0x01, 0xc7, 0x13, 0x70, 0x2d, 0xcf, 0xc1];

fn features() -> Features {
    Features {
        io: IoCapability::DisplayYesNo,
        oob: false,
        auth_req: AUTH_BONDING | AUTH_MITM,
        max_key_size: 16,
        initiator_keys: 0,
        responder_keys: 0,
    }
}

type Engines = ModeEngines<fn(&[u8]) -> Result<CompactAes, Error>>;

fn engines() -> Engines {
    ModeEngines(CompactAes::new)
}

/// The responder's side, fed the initiator's four PDUs: returns the responder's PDUs, the
/// number it showed and its LTK.
/// What the responder sent, the number it showed, its LTK (copied out for the check) and
/// whether the pairing is authenticated.
type ResponderRun = ([Option<Pdu>; 4], u32, [u8; 16], bool);

/// The initiator's PDUs, the responder's, the number both showed, the LTK.
type Reference = ([Pdu; 4], [Option<Pdu>; 4], u32, [u8; 16]);

fn responder(peer: &[Pdu; 4]) -> Option<ResponderRun> {
    let (mut kex, mut e) = (Compact, engines());
    let mut rng = FixedSeed(RESPONDER_SEED);
    let mut m = Pairing::new(
        &mut kex,
        &mut rng,
        Role::Responder,
        features(),
        Options {
            require_mitm: true,
            ..Options::default()
        },
        B,
        A,
    )
    .ok()?;
    let mut sent = [None; 4];
    let mut number = 0;
    let mut ltk = None;
    for (k, pdu) in peer.iter().enumerate() {
        let out = m.receive(&mut kex, &mut e, &mut rng, pdu).ok()?;
        sent[k] = out.send[0];
        match out.event {
            Some(Event::CompareNumber(n)) => {
                number = n;
                m.user_confirmed(&mut e, true).ok()?;
            }
            Some(Event::Complete(o)) => ltk = Some((*o.ltk.expose_secret(), o.authenticated)),
            _ => {}
        }
    }
    let (ltk, authenticated) = ltk?;
    Some((sent, number, ltk, authenticated))
}

/// The responder's side of a numeric-comparison pairing (key pair generation, peer-key
/// validation, DHKey, the confirm value, g2, f5, both f6 checks), measured from its first PDU
/// to the LTK. The initiator ran first, outside the measurement, against a responder with the
/// same seed, and its PDUs are replayed; the measured side must send the same PDUs, show the
/// same number and derive the same LTK.
pub fn ble_pairing<R: Bench>(r: &mut R) {
    let (mut kex, mut e) = (Compact, engines());
    let mut irng = FixedSeed(INITIATOR_SEED);
    let mut rrng = FixedSeed(RESPONDER_SEED);
    let opts = Options {
        require_mitm: true,
        ..Options::default()
    };
    let (Ok(mut i), Ok(mut resp)) = (
        Pairing::<Compact>::new(&mut kex, &mut irng, Role::Initiator, features(), opts, A, B),
        Pairing::<Compact>::new(&mut kex, &mut rrng, Role::Responder, features(), opts, B, A),
    ) else {
        return r.fail("ble-sc-pairing-nc-compact");
    };
    // The reference run: both sides, recording the initiator's PDUs.
    let reference = (|| -> Option<Reference> {
        let request = i.start().ok()?;
        let response = resp.receive(&mut kex, &mut e, &mut rrng, &request).ok()?;
        let public = i
            .receive(&mut kex, &mut e, &mut irng, response.send[0].as_ref()?)
            .ok()?;
        let public = public.send[0]?;
        let keys = resp.receive(&mut kex, &mut e, &mut rrng, &public).ok()?;
        let (responder_public, confirm) = (keys.send[0]?, keys.send[1]?);
        i.receive(&mut kex, &mut e, &mut irng, &responder_public)
            .ok()?;
        let na = i.receive(&mut kex, &mut e, &mut irng, &confirm).ok()?.send[0]?;
        let nb = resp.receive(&mut kex, &mut e, &mut rrng, &na).ok()?;
        let Some(Event::CompareNumber(number)) = nb.event else {
            return None;
        };
        resp.user_confirmed(&mut e, true).ok()?;
        let shown = i
            .receive(&mut kex, &mut e, &mut irng, nb.send[0].as_ref()?)
            .ok()?;
        let Some(Event::CompareNumber(other)) = shown.event else {
            return None;
        };
        let ea = i.user_confirmed(&mut e, true).ok()?.send[0]?;
        let eb = resp.receive(&mut kex, &mut e, &mut rrng, &ea).ok()?;
        let Some(Event::Complete(o)) = eb.event else {
            return None;
        };
        let done = i
            .receive(&mut kex, &mut e, &mut irng, eb.send[0].as_ref()?)
            .ok()?;
        let Some(Event::Complete(oi)) = done.event else {
            return None;
        };
        if number != other || !o.ltk.ct_eq(&oi.ltk) {
            return None;
        }
        let sent = [
            response.send[0],
            Some(responder_public),
            nb.send[0],
            eb.send[0],
        ];
        Some((
            [request, public, na, ea],
            sent,
            number,
            *o.ltk.expose_secret(),
        ))
    })();
    let Some((peer, sent, number, ltk)) = reference else {
        return r.fail("ble-sc-pairing-nc-compact");
    };
    r.run(
        "ble-sc-pairing-nc-compact",
        peer,
        |peer| responder(&peer),
        |got| {
            got.is_some_and(|(s, n, l, authenticated)| {
                s == sent && n == number && l == ltk && authenticated
            })
        },
    );
}
