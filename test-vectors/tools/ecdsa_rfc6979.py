#!/usr/bin/env python3
"""Extract the RFC 6979 A.2.5 P-256/SHA-256 deterministic ECDSA vectors.

Usage:  python3 test-vectors/tools/ecdsa_rfc6979.py SRC_DIR > test-vectors/ecdsa_p256_rfc6979.txt

SRC_DIR is the unpacked cryptography-vectors wheel (see test-vectors/PROVENANCE.md); the
input is cryptography_vectors/asymmetric/ECDSA/RFC6979/evppkey_ecdsa_rfc6979.txt (OpenSSL's
evp test format). Only the "RFC 6979 P-256" section and its SHA256 stanzas are used:

- `DigestSign = SHA256` stanzas (deterministic nonce)  -> result=valid records: signing the
  message must give exactly (r, s), and the signature must verify;
- `DigestVerify = SHA256` stanzas with `Result = VERIFY_ERROR` -> result=invalid records
  (the published signature with its last byte changed): verification must fail.
  `DigestVerify` stanzas without an error repeat a DigestSign stanza and are skipped.

Every record is checked with the `cryptography` package (the private key matches the public
key; valid signatures verify, invalid ones do not). The script reads the file as text and
never imports or runs code from the package.
"""

import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

REL = "cryptography_vectors/asymmetric/ECDSA/RFC6979/evppkey_ecdsa_rfc6979.txt"
EXPECTED = (2, 2)  # (valid, invalid)


def stanzas(lines):
    """Blank-line separated stanzas; PEM blocks are kept inside their stanza."""
    block = []
    for line in lines:
        line = line.rstrip("\n")
        if line.startswith("#"):
            continue
        if not line.strip():
            if block:
                yield block
            block = []
        else:
            block.append(line)
    if block:
        yield block


def main():
    src = sys.argv[1]
    with open(os.path.join(src, REL), encoding="utf-8") as fh:
        lines = fh.readlines()

    in_section = False
    keys = {}
    out = []
    for block in stanzas(lines):
        head = block[0]
        if head.startswith("Title = "):
            in_section = head == "Title = RFC 6979 P-256 deterministic ECDSA tests"
            continue
        if not in_section:
            continue
        if head.startswith("PrivateKey=") or head.startswith("PublicKey="):
            name = head.split("=", 1)[1]
            pem = "\n".join(block[1:]).encode()
            if head.startswith("PrivateKey="):
                keys[name] = serialization.load_pem_private_key(pem, password=None)
            else:
                keys[name] = serialization.load_pem_public_key(pem)
            continue
        fields = {}
        for line in block:
            if " = " in line:
                k, v = line.split(" = ", 1)
                fields[k.strip()] = v.strip()
        op = "DigestSign" if "DigestSign" in fields else "DigestVerify" if "DigestVerify" in fields else None
        if op is None or fields[op] != "SHA256":
            continue
        priv = keys["P-256_PRIV"]
        pub = keys["P-256_PUB"]
        assert priv.public_key().public_numbers() == pub.public_numbers()
        msg = fields["Input"]
        assert msg.startswith('"') and msg.endswith('"'), msg
        msg = msg[1:-1].encode()
        der = bytes.fromhex(fields["Output"])
        error = fields.get("Result") == "VERIFY_ERROR"
        if op == "DigestSign":
            assert fields.get("NonceType") == "deterministic" and not error
        elif not error:
            continue  # a repeat of the DigestSign stanza
        r, s = decode_dss_signature(der)
        try:
            pub.verify(der, msg, ec.ECDSA(hashes.SHA256()))
            verified = True
        except InvalidSignature:
            verified = False
        assert verified != error, (fields, verified)
        d = priv.private_numbers().private_value
        point = pub.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        out.append(
            " ".join(
                [
                    "d=" + d.to_bytes(32, "big").hex(),
                    "public=" + point.hex(),
                    "msg=" + msg.hex(),
                    "r=" + r.to_bytes(32, "big").hex(),
                    "s=" + s.to_bytes(32, "big").hex(),
                    "der=" + der.hex(),
                    "result=" + ("invalid" if error else "valid"),
                ]
            )
        )

    valid = sum(1 for line in out if line.endswith("result=valid"))
    invalid = len(out) - valid
    assert (valid, invalid) == EXPECTED, (valid, invalid)
    print("# Source: RFC 6979 appendix A.2.5 (P-256, SHA-256), as shipped in cryptography-vectors")
    print("# (" + REL + ", OpenSSL evp test data, Apache-2.0).")
    print("# d = private scalar, public = uncompressed SEC1, msg = message (hashed with SHA-256),")
    print("# r s = the signature, der = the DER form given in the source. valid = DigestSign with a")
    print("# deterministic nonce; invalid = DigestVerify with Result = VERIFY_ERROR (last byte changed).")
    print("# Generated by test-vectors/tools/ecdsa_rfc6979.py; see test-vectors/PROVENANCE.md.")
    for line in out:
        print(line)
    print(f"records={len(out)} valid={valid} invalid={invalid}", file=sys.stderr)


if __name__ == "__main__":
    main()
