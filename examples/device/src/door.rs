//! The door lock's trust chains (bulwark-trust): a guest's delegated grant opens the lock
//! until the gateway revokes the grant above it.

use super::Run;
use crate::TrustRecords;
use crate::protocol::{Hex, decode_hex};
use bulwark::Provider;
use core::fmt::Write;

/// The trust records decoded from hex, back to back in one buffer (they are about 200 bytes
/// each; the device's stack is small).
struct Records {
    bytes: [u8; 1024],
    ends: [usize; 4],
}

impl Records {
    fn decode(hex: [&str; 4]) -> Option<Records> {
        let mut r = Records {
            bytes: [0; 1024],
            ends: [0; 4],
        };
        let mut at = 0;
        for (text, end) in hex.iter().zip(r.ends.iter_mut()) {
            let len = text.len() / 2;
            decode_hex(text, r.bytes.get_mut(at..at + len)?)?;
            at += len;
            *end = at;
        }
        Some(r)
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = i
            .checked_sub(1)
            .and_then(|j| self.ends.get(j))
            .copied()
            .unwrap_or(0);
        let end = self.ends.get(i).copied().unwrap_or(0);
        self.bytes.get(start..end).unwrap_or(&[])
    }
}

/// The door lock: the guest opens it through the family member's grant; once the gateway
/// revokes that grant the guest (and the family member) are refused, and the owner's own
/// chain still opens it.
pub(super) fn door_lock<W: Write, P: Provider>(
    r: &mut Run<'_, W, P>,
    t: &TrustRecords<'_>,
) -> core::fmt::Result {
    use bulwark_trust::{CheckError, Deny, Method, PublicKey, Request, check_chain};
    let Some(records) = Records::decode([t.owner, t.family, t.guest, t.revoke_family]) else {
        return r.error("trust records", "not hex, or longer than 1 KiB together");
    };
    let (owner, family, guest, revoke) = (
        records.get(0),
        records.get(1),
        records.get(2),
        records.get(3),
    );
    let root = match PublicKey::from_raw(bulwark_trust::AlgorithmId::Ed25519, &t.root) {
        Ok(root) => root,
        Err(e) => return r.error("trust root", e),
    };
    let open = Request {
        toid: "/door/lock",
        method: Method::Put,
    };
    writeln!(
        r.out,
        "root of trust: the owner's gateway, Ed25519 {}; request PUT /door/lock",
        Hex(&t.root)
    )?;
    // (who, chain, revocations, expected verdict)
    type Case<'c> = (&'c str, &'c [&'c [u8]], &'c [&'c [u8]], Option<Deny>);
    let cases: [Case<'_>; 4] = [
        (
            "guest (gateway -> family -> guest)",
            &[family, guest],
            &[],
            None,
        ),
        (
            "guest, after the gateway revoked the family member's grant",
            &[family, guest],
            &[revoke],
            Some(Deny::Revoked),
        ),
        (
            "family member, after the revocation",
            &[family],
            &[revoke],
            Some(Deny::Revoked),
        ),
        ("owner, after the revocation", &[owner], &[revoke], None),
    ];
    for (who, chain, revocations, expected) in cases {
        let verdict = match check_chain(&mut *r.provider, &root, chain, revocations, &open, None) {
            Ok(_) => None,
            Err(CheckError::Deny(d)) => Some(d),
            Err(e) => return r.error("trust check", e),
        };
        match verdict {
            None => writeln!(r.out, "{who}: allow (the door opens)")?,
            Some(d) => writeln!(r.out, "{who}: deny: {d}")?,
        }
        r.check(
            verdict == expected,
            match expected {
                None => "allowed as expected",
                Some(_) => "refused as expected",
            },
        )?;
    }
    Ok(())
}
