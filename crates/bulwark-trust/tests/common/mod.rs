//! Shared test support: keys on the software backend, issuing grants and revocations, a
//! small CBOR value encoder for hand-made records.
#![allow(dead_code)]

use bulwark_api::SecretBytes;
use bulwark_api::sig::{EcdsaP256, Ed25519, Sign};
use bulwark_soft::{EcdsaP256SigningKey, Ed25519SigningKey, Soft};
use bulwark_trust::encode::{
    GrantClaims, IssuerKey, grant_payload, protected_header, revocation_payload, sign_record,
};
use bulwark_trust::{
    AlgorithmId, CheckError, Cti, Method, PublicKey, Request, Verified, check_chain, sig_structure,
};

/// A signing key of either algorithm and its public key.
pub enum Key {
    Ed(Ed25519SigningKey, PublicKey),
    Ec(EcdsaP256SigningKey, PublicKey),
}

impl Key {
    /// A deterministic Ed25519 key from `seed`.
    pub fn ed25519(seed: u8) -> Key {
        let mut bytes = [seed; 32];
        bytes[0] = 0xed;
        let sk = Sign::<Ed25519>::import_signing_key(&mut Soft, SecretBytes::take_from(&mut bytes))
            .expect("ed25519 key");
        let public = IssuerKey::<Soft>::Ed25519(&sk)
            .public(&mut Soft)
            .expect("public");
        Key::Ed(sk, public)
    }

    /// A deterministic P-256 key from `seed`.
    pub fn p256(seed: u8) -> Key {
        let mut bytes = [seed; 32];
        bytes[0] = 0x01;
        let sk =
            Sign::<EcdsaP256>::import_signing_key(&mut Soft, SecretBytes::take_from(&mut bytes))
                .expect("p256 key");
        let public = IssuerKey::<Soft>::EcdsaP256(&sk)
            .public(&mut Soft)
            .expect("public");
        Key::Ec(sk, public)
    }

    /// A key of `alg`.
    pub fn of(alg: AlgorithmId, seed: u8) -> Key {
        match alg {
            AlgorithmId::Ed25519 => Key::ed25519(seed),
            AlgorithmId::EcdsaP256 => Key::p256(seed),
        }
    }

    pub fn public(&self) -> PublicKey {
        match self {
            Key::Ed(_, p) | Key::Ec(_, p) => *p,
        }
    }

    pub fn issuer(&self) -> IssuerKey<'_, Soft> {
        match self {
            Key::Ed(k, _) => IssuerKey::Ed25519(k),
            Key::Ec(k, _) => IssuerKey::EcdsaP256(k),
        }
    }

    /// Signs an arbitrary payload into a COSE_Sign1 record.
    pub fn sign_payload(&self, payload: &[u8]) -> Vec<u8> {
        let mut out = [0u8; 600];
        let n = sign_record(&mut Soft, &self.issuer(), payload, &mut out).expect("sign");
        out[..n].to_vec()
    }

    /// The raw signature over `Sig_structure(protected, payload)`, for hand-made envelopes.
    pub fn raw_signature(&self, protected: &[u8], payload: &[u8]) -> [u8; 64] {
        let mut tbs = vec![0u8; payload.len() + protected.len() + 64];
        let n = sig_structure(protected, payload, &mut tbs).expect("tbs");
        match self {
            Key::Ed(k, _) => Sign::<Ed25519>::sign(&mut Soft, k, &tbs[..n])
                .expect("sign")
                .to_bytes(),
            Key::Ec(k, _) => Sign::<EcdsaP256>::sign(&mut Soft, k, &tbs[..n])
                .expect("sign")
                .to_fixed(),
        }
    }

    pub fn protected(&self) -> [u8; 3] {
        protected_header(self.public().algorithm())
    }

    pub fn kid(&self) -> [u8; 8] {
        self.public().kid(&mut Soft).expect("kid")
    }
}

/// Grant claims with owned scope, and defaults: depth 0, level 255, no parent, no window.
#[derive(Clone, Debug)]
pub struct G {
    pub cti: Cti,
    pub subject: PublicKey,
    pub scope: Vec<(String, u8)>,
    pub depth: u64,
    pub level: u8,
    pub parent: Option<Cti>,
    pub nbf: Option<u64>,
    pub exp: Option<u64>,
}

pub const GET: u8 = 1;
pub const POST: u8 = 2;
pub const PUT: u8 = 4;

impl G {
    pub fn new(cti: u8, subject: &Key) -> G {
        G {
            cti: [cti; 16],
            subject: subject.public(),
            scope: vec![("/door/lock".to_owned(), GET | PUT)],
            depth: 0,
            level: 255,
            parent: None,
            nbf: None,
            exp: None,
        }
    }
    pub fn under(mut self, parent: &G) -> G {
        self.parent = Some(parent.cti);
        self
    }
    pub fn depth(mut self, d: u64) -> G {
        self.depth = d;
        self
    }
    pub fn level(mut self, l: u8) -> G {
        self.level = l;
        self
    }
    pub fn scope(mut self, s: &[(&str, u8)]) -> G {
        self.scope = s.iter().map(|(t, m)| ((*t).to_owned(), *m)).collect();
        self
    }
    pub fn window(mut self, nbf: Option<u64>, exp: Option<u64>) -> G {
        self.nbf = nbf;
        self.exp = exp;
        self
    }
    pub fn payload(&self) -> Vec<u8> {
        let scope: Vec<(&str, u8)> = self.scope.iter().map(|(t, m)| (t.as_str(), *m)).collect();
        let claims = GrantClaims {
            cti: self.cti,
            subject: self.subject,
            scope: &scope,
            depth: self.depth,
            level: self.level,
            parent: self.parent,
            nbf: self.nbf,
            exp: self.exp,
        };
        let mut out = [0u8; 600];
        let n = grant_payload(&claims, &mut out).expect("payload");
        out[..n].to_vec()
    }
    /// The grant signed by `issuer`.
    pub fn sign(&self, issuer: &Key) -> Vec<u8> {
        issuer.sign_payload(&self.payload())
    }
}

/// A revocation of `revokes` signed by `issuer`.
pub fn revocation(issuer: &Key, cti: u8, revokes: &[Cti], seq: u64) -> Vec<u8> {
    let mut out = [0u8; 600];
    let n = revocation_payload(&[cti; 16], revokes, seq, &mut out).expect("payload");
    issuer.sign_payload(&out[..n])
}

/// Runs the check for `toid`/`method`.
pub fn check(
    root: &Key,
    chain: &[&[u8]],
    revs: &[&[u8]],
    toid: &str,
    method: Method,
    now: Option<u64>,
) -> Result<Verified, CheckError> {
    check_chain(
        &mut Soft,
        &root.public(),
        chain,
        revs,
        &Request { toid, method },
        now,
    )
}

/// A CBOR value, for hand-made records.
#[derive(Clone, Debug)]
pub enum V {
    U(u64),
    N(i64),
    B(Vec<u8>),
    T(String),
    A(Vec<V>),
    M(Vec<(V, V)>),
    Tag(u64, Box<V>),
    Raw(Vec<u8>),
}

fn head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    if arg < 24 {
        out.push(m | arg as u8);
    } else if arg <= 0xff {
        out.extend([m | 24, arg as u8]);
    } else if arg <= 0xffff {
        out.push(m | 25);
        out.extend((arg as u16).to_be_bytes());
    } else if arg <= 0xffff_ffff {
        out.push(m | 26);
        out.extend((arg as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend(arg.to_be_bytes());
    }
}

impl V {
    pub fn enc(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.enc_into(&mut out);
        out
    }
    fn enc_into(&self, out: &mut Vec<u8>) {
        match self {
            V::U(v) => head(out, 0, *v),
            V::N(v) => {
                if *v >= 0 {
                    head(out, 0, *v as u64)
                } else {
                    head(out, 1, (-1 - *v) as u64)
                }
            }
            V::B(b) => {
                head(out, 2, b.len() as u64);
                out.extend(b);
            }
            V::T(t) => {
                head(out, 3, t.len() as u64);
                out.extend(t.as_bytes());
            }
            V::A(items) => {
                head(out, 4, items.len() as u64);
                for i in items {
                    i.enc_into(out);
                }
            }
            V::M(entries) => {
                head(out, 5, entries.len() as u64);
                for (k, v) in entries {
                    k.enc_into(out);
                    v.enc_into(out);
                }
            }
            V::Tag(t, v) => {
                head(out, 6, *t);
                v.enc_into(out);
            }
            V::Raw(r) => out.extend(r),
        }
    }
}

/// The claims of `g` as a list of map entries (deterministic order), to be altered.
pub fn claims(g: &G) -> Vec<(V, V)> {
    let mut m = Vec::new();
    if let Some(e) = g.exp {
        m.push((V::N(4), V::U(e)));
    }
    if let Some(n) = g.nbf {
        m.push((V::N(5), V::U(n)));
    }
    m.push((V::N(7), V::B(g.cti.to_vec())));
    let raw = g.subject.raw();
    let key = match g.subject.algorithm() {
        AlgorithmId::Ed25519 => V::M(vec![
            (V::N(1), V::N(1)),
            (V::N(-1), V::N(6)),
            (V::N(-2), V::B(raw.to_vec())),
        ]),
        AlgorithmId::EcdsaP256 => V::M(vec![
            (V::N(1), V::N(2)),
            (V::N(-1), V::N(1)),
            (V::N(-2), V::B(raw[1..33].to_vec())),
            (V::N(-3), V::B(raw[33..].to_vec())),
        ]),
    };
    m.push((V::N(8), V::M(vec![(V::N(1), key)])));
    m.push((
        V::N(9),
        V::A(
            g.scope
                .iter()
                .map(|(t, p)| V::A(vec![V::T(t.clone()), V::U(u64::from(*p))]))
                .collect(),
        ),
    ));
    m.push((V::N(-65537), V::U(g.depth)));
    if let Some(p) = g.parent {
        m.push((V::N(-65538), V::B(p.to_vec())));
    }
    m.push((V::N(-65539), V::U(u64::from(g.level))));
    m
}

/// A COSE_Sign1 of `payload` by `key`, with the envelope's parts open to alteration.
pub fn envelope(key: &Key, protected: &[u8], payload: &[u8]) -> V {
    let sig = key.raw_signature(protected, payload);
    V::Tag(
        18,
        Box::new(V::A(vec![
            V::B(protected.to_vec()),
            V::M(vec![(V::N(4), V::B(key.kid().to_vec()))]),
            V::B(payload.to_vec()),
            V::B(sig.to_vec()),
        ])),
    )
}
