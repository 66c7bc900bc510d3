#!/usr/bin/env python3
"""Independent reference of the bulwark-psk v1 specification (crates/bulwark-psk/README.md).

Written from the README's specification alone, with only the Python standard library
(hashlib, hmac). It writes test-vectors/psk_derivation.txt:

    python3 test-vectors/tools/psk_reference.py > test-vectors/psk_derivation.txt

Running it twice gives byte-identical output.
"""

import hashlib
import hmac
import struct
import sys

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LABEL = b"bulwark-psk v1"


# ---- code format -------------------------------------------------------------------------

def gf_mul(a, b):
    """GF(32) = GF(2)[x] / (x^5 + x^2 + 1)."""
    r = 0
    for _ in range(5):
        if b & 1:
            r ^= a
        b >>= 1
        a <<= 1
        if a & 0x20:
            a ^= 0x25
    return r


def syndromes(symbols):
    n = len(symbols)
    s0 = 0
    s1 = 0
    alpha_pow = [1]
    for _ in range(n):
        alpha_pow.append(gf_mul(alpha_pow[-1], 2))
    for i, s in enumerate(symbols):
        s0 ^= s
        s1 ^= gf_mul(s, alpha_pow[n - 1 - i])
    return s0, s1


def encode_code(secret):
    assert len(secret) == 16
    value = (0 << 128) | int.from_bytes(secret, "big")  # version 0 in the top 2 of 130 bits
    data = [(value >> (125 - 5 * i)) & 0x1F for i in range(26)]
    # Solve for the two check symbols by search (independent of the closed form in Rust).
    for c26 in range(32):
        for c27 in range(32):
            if syndromes(data + [c26, c27]) == (0, 0):
                symbols = data + [c26, c27]
                text = "".join(ALPHABET[s] for s in symbols)
                return "-".join(text[i:i + 4] for i in range(0, 28, 4))
    raise AssertionError("no check symbols")


def decode_code(text):
    aliases = {"I": "1", "L": "1", "O": "0"}
    symbols = []
    for ch in text.upper():
        if ch in "- ":
            continue
        symbols.append(ALPHABET.index(aliases.get(ch, ch)))
    assert len(symbols) == 28 and syndromes(symbols) == (0, 0)
    value = 0
    for s in symbols[:26]:
        value = (value << 5) | s
    assert value >> 128 == 0
    return value.to_bytes(16, "big")


# ---- key hierarchy ------------------------------------------------------------------------

def lp(b):
    return struct.pack(">H", len(b)) + b


def hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()


def hkdf_expand(prk, info, length):
    out = b""
    t = b""
    i = 1
    while len(out) < length:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:length]


def device_root(secret, device_id, epoch):
    prk = hkdf_extract(LABEL, secret)
    info = lp(LABEL) + lp(b"device-root") + lp(device_id) + struct.pack(">I", epoch) + struct.pack(">H", 32)
    return hkdf_expand(prk, info, 32)


def purpose_key(root, purpose, length):
    return hkdf_expand(root, lp(LABEL) + lp(purpose) + struct.pack(">H", length), length)


# ---- records ------------------------------------------------------------------------------

# (secret, device id, epoch): secrets are fixed test values, device ids EUI-64s and others.
CASES = [
    (bytes(range(16)), bytes.fromhex("0011223344556677"), 0),
    (bytes(range(16)), bytes.fromhex("0011223344556677"), 1),
    (bytes(range(16)), bytes.fromhex("0011223344556678"), 0),
    (hashlib.sha256(b"bulwark-psk test secret 1").digest()[:16], bytes.fromhex("70b3d57ed0001234"), 0),
    (hashlib.sha256(b"bulwark-psk test secret 2").digest()[:16], b"sensor-42", 4294967295),
    (bytes.fromhex("ffffffffffffffffffffffffffffff00"), bytes.fromhex("01"), 7),
    (bytes.fromhex("00000000000000000000000000000001"), bytes.fromhex("02") * 255, 65536),
]


def main():
    w = sys.stdout.write
    w("# bulwark-psk v1 derivation vectors (code format + key hierarchy).\n")
    w("# Source: test-vectors/tools/psk_reference.py, an independent Python (hashlib/hmac)\n")
    w("# implementation of the specification in crates/bulwark-psk/README.md.\n")
    w("# Fields: code secret device_id epoch device_root identity link_key storage_key\n")
    for secret, device_id, epoch in CASES:
        code = encode_code(secret)
        assert decode_code(code) == secret
        assert decode_code(code.lower().replace("-", " ")) == secret
        root = device_root(secret, device_id, epoch)
        w(" ".join([
            "code=" + code,
            "secret=" + secret.hex(),
            "device_id=" + device_id.hex(),
            "epoch=%d" % epoch,
            "device_root=" + root.hex(),
            "identity=" + purpose_key(root, b"identity", 16).hex(),
            "link_key=" + purpose_key(root, b"link", 16).hex(),
            "storage_key=" + purpose_key(root, b"storage", 32).hex(),
        ]) + "\n")


if __name__ == "__main__":
    main()
