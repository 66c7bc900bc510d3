//! [`Pdu`]: the Security Manager PDUs of LE Secure Connections pairing, encoded and decoded
//! (the PDUs are little-endian, the values here most significant octet first).

use super::{Features, IoCapability, PairingError};

/// A Security Manager PDU of LE Secure Connections pairing. Values most significant octet
/// first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pdu {
    /// Pairing Request (0x01).
    PairingRequest(Features),
    /// Pairing Response (0x02).
    PairingResponse(Features),
    /// Pairing Confirm (0x03).
    Confirm([u8; 16]),
    /// Pairing Random (0x04).
    Random([u8; 16]),
    /// Pairing Failed (0x05) with its reason.
    Failed(u8),
    /// Pairing Public Key (0x0C): x and y.
    PublicKey([u8; 32], [u8; 32]),
    /// Pairing DHKey Check (0x0D).
    DhKeyCheck([u8; 16]),
}

/// The longest PDU in bytes (the public key).
pub const MAX_PDU_LEN: usize = 65;

fn put_reversed(out: &mut [u8], value: &[u8]) {
    for (o, v) in out.iter_mut().zip(value.iter().rev()) {
        *o = *v;
    }
}

fn reversed<const N: usize>(bytes: &[u8]) -> Result<[u8; N], PairingError> {
    if bytes.len() != N {
        return Err(PairingError::InvalidParameters);
    }
    let mut out = [0u8; N];
    put_reversed(&mut out, bytes);
    Ok(out)
}

impl Pdu {
    /// Encodes the PDU (little-endian values, as sent) into `out`; returns its length.
    pub fn encode(&self, out: &mut [u8; MAX_PDU_LEN]) -> usize {
        let features = |out: &mut [u8; MAX_PDU_LEN], code: u8, f: &Features| {
            out[..7].copy_from_slice(&[
                code,
                f.io as u8,
                u8::from(f.oob),
                f.auth_req,
                f.max_key_size,
                f.initiator_keys,
                f.responder_keys,
            ]);
            7
        };
        match self {
            Pdu::PairingRequest(f) => features(out, 0x01, f),
            Pdu::PairingResponse(f) => features(out, 0x02, f),
            Pdu::Confirm(v) | Pdu::Random(v) | Pdu::DhKeyCheck(v) => {
                out[0] = match self {
                    Pdu::Confirm(_) => 0x03,
                    Pdu::Random(_) => 0x04,
                    _ => 0x0d,
                };
                put_reversed(&mut out[1..17], v);
                17
            }
            Pdu::Failed(reason) => {
                out[0] = 0x05;
                out[1] = *reason;
                2
            }
            Pdu::PublicKey(x, y) => {
                out[0] = 0x0c;
                put_reversed(&mut out[1..33], x);
                put_reversed(&mut out[33..65], y);
                65
            }
        }
    }

    /// Decodes a received PDU.
    ///
    /// Returns [`PairingError::InvalidParameters`] for a wrong length or field value, and
    /// [`PairingError::Unexpected`] for a PDU outside LE Secure Connections pairing (legacy
    /// keys, keypress notifications).
    pub fn decode(bytes: &[u8]) -> Result<Pdu, PairingError> {
        let (&code, body) = bytes.split_first().ok_or(PairingError::InvalidParameters)?;
        Ok(match code {
            0x01 | 0x02 => {
                if body.len() != 6 || body[1] > 1 {
                    return Err(PairingError::InvalidParameters);
                }
                let f = Features {
                    io: IoCapability::from_u8(body[0])?,
                    oob: body[1] == 1,
                    auth_req: body[2],
                    max_key_size: body[3],
                    initiator_keys: body[4],
                    responder_keys: body[5],
                };
                if code == 0x01 {
                    Pdu::PairingRequest(f)
                } else {
                    Pdu::PairingResponse(f)
                }
            }
            0x03 => Pdu::Confirm(reversed(body)?),
            0x04 => Pdu::Random(reversed(body)?),
            0x0d => Pdu::DhKeyCheck(reversed(body)?),
            0x05 => match body {
                [reason] => Pdu::Failed(*reason),
                _ => return Err(PairingError::InvalidParameters),
            },
            0x0c => {
                if body.len() != 64 {
                    return Err(PairingError::InvalidParameters);
                }
                Pdu::PublicKey(reversed(&body[..32])?, reversed(&body[32..])?)
            }
            _ => return Err(PairingError::Unexpected),
        })
    }
}
