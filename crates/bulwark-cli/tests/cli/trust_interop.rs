//! `bulwark trust` against Python's `cbor2` + `cryptography`, a COSE/CBOR implementation
//! independent of ours: each side verifies and checks the other's records.

use crate::common::*;
use crate::trust::{KEY_PAIRS, TestKey, check_chain, door_chain, path};
use bulwark::sig::AlgorithmId;
use bulwark_trust::Grant;
use std::path::Path;

/// `python3` when it has `cbor2` and `cryptography`, or `None` after saying why the test is
/// skipped; a missing module fails the test when `BULWARK_REQUIRE_IMGTOOL` is set (CI).
#[allow(clippy::panic)] // a missing tool in CI fails the test run
fn python(test: &str) -> Option<&'static str> {
    let ok = Command::new("python3")
        .args(["-c", "import cbor2, cryptography"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        return Some("python3");
    }
    if std::env::var_os("BULWARK_REQUIRE_IMGTOOL").is_some() {
        panic!(
            "{test}: python3 with cbor2 and cryptography is not on PATH but BULWARK_REQUIRE_IMGTOOL is set"
        );
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: python3 with cbor2 and cryptography is not on PATH (CI installs them \
         into target/ci-tools/venv)"
    );
    None
}

/// The independent implementation: `verify RECORD ISSUER_PUB` prints the decoded claims as
/// `key=value` lines after checking the COSE_Sign1 (tag, headers, kid, signature);
/// `grant`/`revoke` write records the way another implementation would (claims in a
/// non-deterministic order).
const COSE_PY: &str = r#"
import sys, hashlib, cbor2, os
from cryptography.hazmat.primitives import serialization, hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils

def raw_public(pub):
    if isinstance(pub, ed25519.Ed25519PublicKey):
        return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

def load_pub(path):
    data = open(path, 'rb').read()
    try:
        return serialization.load_pem_public_key(data)
    except ValueError:
        return serialization.load_pem_private_key(data, None).public_key()

def verify(record_path, pub_path):
    pub = load_pub(pub_path)
    obj = cbor2.loads(open(record_path, 'rb').read())
    assert isinstance(obj, cbor2.CBORTag) and obj.tag == 18, 'not a tagged COSE_Sign1'
    protected, unprotected, payload, sig = obj.value
    alg = cbor2.loads(protected)[1]
    kid = hashlib.sha256(raw_public(pub)).digest()[:8]
    assert unprotected == {4: kid}, 'kid'
    tbs = cbor2.dumps(['Signature1', protected, b'', payload])
    if isinstance(pub, ed25519.Ed25519PublicKey):
        assert alg == -8
        pub.verify(sig, tbs)
    else:
        assert alg == -7 and len(sig) == 64
        der = utils.encode_dss_signature(int.from_bytes(sig[:32], 'big'), int.from_bytes(sig[32:], 'big'))
        pub.verify(der, tbs, ec.ECDSA(hashes.SHA256()))
    claims = cbor2.loads(payload)
    # Deterministic encoding: re-encoding with sorted keys gives the same bytes.
    assert cbor2.dumps(claims, canonical=True) == payload, 'not deterministic'
    print('alg=%d' % alg)
    for k in claims:  # in encoded order
        v = claims[k]
        if k == 8:
            key = v[1]
            if key[1] == 1:
                assert set(key) == {1, -1, -2} and key[-1] == 6
                v = 'okp:' + key[-2].hex()
            else:
                assert set(key) == {1, -1, -2, -3} and key[-1] == 1
                v = 'ec2:04' + key[-2].hex() + key[-3].hex()
        elif k == 9:
            v = ';'.join('%s=%d' % (t, p) for t, p in v)
        elif k == -65540:
            v = ';'.join(c.hex() for c in v)
        elif isinstance(v, bytes):
            v = v.hex()
        print('%d=%s' % (k, v))

def cose_key(pub):
    raw = raw_public(pub)
    if isinstance(pub, ed25519.Ed25519PublicKey):
        return {1: 1, -1: 6, -2: raw}
    return {1: 2, -1: 1, -2: raw[1:33], -3: raw[33:]}

def sign(key_path, claims, out_path):
    key = serialization.load_pem_private_key(open(key_path, 'rb').read(), None)
    pub = key.public_key()
    ed = isinstance(key, ed25519.Ed25519PrivateKey)
    protected = cbor2.dumps({1: -8 if ed else -7})
    payload = cbor2.dumps(claims)  # in the given (non-deterministic) order
    tbs = cbor2.dumps(['Signature1', protected, b'', payload])
    if ed:
        sig = key.sign(tbs)
    else:
        r, s = utils.decode_dss_signature(key.sign(tbs, ec.ECDSA(hashes.SHA256())))
        sig = r.to_bytes(32, 'big') + s.to_bytes(32, 'big')
    kid = hashlib.sha256(raw_public(pub)).digest()[:8]
    rec = cbor2.dumps(cbor2.CBORTag(18, [protected, {4: kid}, payload, sig]))
    open(out_path, 'wb').write(rec)

def grant(key_path, subject_path, cti_hex, parent_hex, depth, level, scope, out_path):
    claims = {}
    claims[-65539] = int(level)  # level first: any key order must be read
    claims[9] = [[t, int(p)] for t, p in (e.split('=') for e in scope.split(';'))]
    claims[7] = bytes.fromhex(cti_hex)
    claims[8] = {1: cose_key(load_pub(subject_path))}
    if parent_hex != '-':
        claims[-65538] = bytes.fromhex(parent_hex)
    claims[-65537] = int(depth)
    sign(key_path, claims, out_path)

def revoke(key_path, ctis, seq, out_path):
    sign(key_path, {-65541: int(seq), -65540: [bytes.fromhex(c) for c in ctis.split(';')], 7: os.urandom(16)}, out_path)

cmd = sys.argv[1]
if cmd == 'verify':
    verify(*sys.argv[2:])
elif cmd == 'grant':
    grant(*sys.argv[2:])
elif cmd == 'revoke':
    revoke(*sys.argv[2:])
"#;

fn py(python: &str, script: &Path, args: &[&str]) -> Result<String, Box<dyn Error>> {
    let out = Command::new(python).arg(script).args(args).output()?;
    assert!(
        out.status.success(),
        "python {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(String::from_utf8(out.stdout)?)
}

#[test]
fn interop_python_verifies_cli_records() -> TestResult {
    let Some(python) = python("interop_python_verifies_cli_records") else {
        return Ok(());
    };
    for (ty, other) in KEY_PAIRS {
        let c = door_chain(&format!("trust-py-verify-{ty}"), ty, other)?;
        let script = c.dir.join("cose.py");
        fs::write(&script, COSE_PY)?;
        let (r1, r2) = (fs::read(&c.g1)?, fs::read(&c.g2)?);
        let g1 = Grant::parse(&r1)?;
        let g2 = Grant::parse(&r2)?;
        let key_claim = |k: &TestKey| -> Result<String, Box<dyn Error>> {
            let pk = k.public_key()?;
            Ok(match pk.algorithm() {
                AlgorithmId::Ed25519 => format!("okp:{}", hex(pk.raw())),
                AlgorithmId::EcdsaP256 => format!("ec2:{}", hex(pk.raw())),
            })
        };
        let alg = |t: &str| if t == "ed25519" { -8 } else { -7 };
        assert_eq!(
            py(python, &script, &["verify", &c.g1, c.owner.p()])?,
            format!(
                "alg={}\n4=5000\n5=1000\n7={}\n8={}\n9=/door/lock=5;/rules=2\n-65537=1\n-65539=200\n",
                alg(ty),
                hex(&g1.cti),
                key_claim(&c.family)?
            ),
        );
        assert_eq!(
            py(python, &script, &["verify", &c.g2, c.family.p()])?,
            format!(
                "alg={}\n4=4000\n5=1000\n7={}\n8={}\n9=/door/lock=4\n-65537=0\n-65538={}\n-65539=200\n",
                alg(other),
                hex(&g2.cti),
                key_claim(&c.guest)?,
                hex(&g1.cti)
            ),
        );
        let rev = path(&c.dir, "r.rev")?;
        stdout_of(&[
            "trust",
            "revoke",
            "--key",
            c.family.k(),
            "--grant",
            &c.g2,
            "--cti",
            &"ab".repeat(16),
            "--seq",
            "42",
            "--out",
            &rev,
        ])?;
        let out = py(python, &script, &["verify", &rev, c.family.p()])?;
        assert!(out.starts_with(&format!("alg={}\n7=", alg(other))), "{out}");
        assert!(
            out.ends_with(&format!(
                "\n-65540={};{}\n-65541=42\n",
                hex(&g2.cti),
                "ab".repeat(16)
            )),
            "{out}"
        );
        // The independent verifier refuses a record under the wrong key.
        let wrong = Command::new(python)
            .arg(&script)
            .args(["verify", &c.g2, c.owner.p()])
            .output()?;
        assert!(!wrong.status.success());
    }
    Ok(())
}

#[test]
fn interop_cli_checks_python_records() -> TestResult {
    let Some(python) = python("interop_cli_checks_python_records") else {
        return Ok(());
    };
    for (ty, other) in KEY_PAIRS {
        let dir = scratch_dir(&format!("trust-py-make-{ty}"))?;
        let script = dir.join("cose.py");
        fs::write(&script, COSE_PY)?;
        let owner = TestKey::new(&dir, "owner", ty)?;
        let family = TestKey::new(&dir, "family", other)?;
        let guest = TestKey::new(&dir, "guest", ty)?;
        let (g1, g2, rev) = (path(&dir, "g1")?, path(&dir, "g2")?, path(&dir, "rev")?);
        let (c1, c2) = ("11".repeat(16), "22".repeat(16));
        let family_grant = [owner.k(), family.p(), &c1, "-", "1", "200"];
        py(
            python,
            &script,
            &[
                &["grant"][..],
                &family_grant,
                &["/door/lock=5;/rules=2", &g1],
            ]
            .concat(),
        )?;
        // Python's grant for the guest (under the family member's) by `issuer`.
        let guest_grant = |issuer: &TestKey, depth: &str, level: &str, scope: &str| {
            let args = [
                "grant",
                issuer.k(),
                guest.p(),
                &c2,
                &c1,
                depth,
                level,
                scope,
                &g2,
            ];
            py(python, &script, &args)
        };
        let check =
            |chain: &[&str], tail: &[&str], line: &str| check_chain(owner.p(), chain, tail, line);
        let put = ["--request", "/door/lock=PUT"];
        guest_grant(&family, "0", "100", "/door/lock=4")?;
        check(&[&g1, &g2], &put, "allow")?;
        check(
            &[&g1, &g2],
            &["--request", "/door/lock=GET"],
            "deny: not-allowed",
        )?;
        let shown = stdout_of(&["trust", "show", &g2])?;
        assert!(
            shown.contains(&format!(
                "\"cti\":\"{c2}\",\"parent\":\"{c1}\",\"depth\":0,\"level\":100,"
            )),
            "{shown}"
        );
        // Python's revocations, by the owner (above the guest's grant) and by the guest.
        let revoked_put = ["--revocations", &rev, "--request", "/door/lock=PUT"];
        let both = format!("{};{c2}", "33".repeat(16));
        py(python, &script, &["revoke", owner.k(), &both, "9", &rev])?;
        check(&[&g1, &g2], &revoked_put, "deny: revoked")?;
        let rules = ["--revocations", &rev, "--request", "/rules=POST"];
        check(&[&g1], &rules, "allow")?;
        py(python, &script, &["revoke", guest.k(), &c2, "1", &rev])?;
        check(&[&g1, &g2], &revoked_put, "allow")?;
        // Python's escalation attempts are refused too.
        for (issuer, depth, level, scope, line) in [
            (&family, "0", "201", "/door/lock=4", "deny: level"),
            (&family, "1", "100", "/door/lock=4", "deny: depth"),
            (&family, "0", "100", "/door/lock=12", "deny: scope"),
            (&owner, "0", "100", "/door/lock=4", "deny: signature"),
        ] {
            guest_grant(issuer, depth, level, scope)?;
            check(&[&g1, &g2], &put, line)?;
        }
    }
    Ok(())
}
