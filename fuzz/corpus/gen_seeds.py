#!/usr/bin/env python3
"""Writes the committed seed corpus (fuzz/corpus/<target>/) from test-vectors/.

Run from anywhere: python3 fuzz/corpus/gen_seeds.py. Deterministic: file names are the
SHA-1 of the contents (libFuzzer's convention), so re-running changes nothing. The input
formats are the ones documented at the top of each fuzz_targets/<target>.rs.
"""
import hashlib, os, random, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "..", "test-vectors")
rnd = random.Random(1234)


def records(name, limit=None):
    out = []
    with open(os.path.join(VECTORS, name)) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            out.append(dict(kv.split("=", 1) for kv in line.split() if "=" in kv))
            if limit and len(out) >= limit:
                break
    return out


def h(s):
    return bytes.fromhex(s)


def lv(b):
    assert len(b) < 256
    return bytes([len(b)]) + b


def lv2(b):
    return struct.pack("<H", len(b)) + b


def write(target, blobs):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    for b in blobs:
        with open(os.path.join(d, hashlib.sha1(b).hexdigest()), "wb") as f:
            f.write(b)


def ccm_open():
    out = []
    for i, r in enumerate(records("ccm_rfc3610.txt", 6)):
        ct = h(r["ct"])
        tag = h(r["tag"])
        out.append(lv(h(r["key"])) + lv(h(r["nonce"])) + lv(tag) + lv2(h(r["aad"]))
                   + bytes([3, 7, 200]) + struct.pack("<H", 17 * i) + bytes([1, i]) + ct)
    # An invalid key length and an invalid nonce length.
    out.append(lv(bytes(15)) + lv(bytes(13)) + lv(bytes(8)) + lv2(b"") + bytes(7) + b"abc")
    out.append(lv(bytes(16)) + lv(bytes(6)) + lv(bytes(8)) + lv2(b"hdr") + bytes(7) + b"abc")
    return out


def ccm_star():
    out = []
    for level in range(1, 8):
        out.append(bytes(range(16)) + struct.pack("<QI", 0x00124B0012345678, level)
                   + bytes([level, 0, level * 3, 0, 0x80]) + lv(b"frame header")
                   + bytes([0x08, 0x66, 0x0F, 0xA0]) * level)
    return out


def cmac_ctr():
    out = []
    for i, r in enumerate(records("cmac_sp800_38b.txt", 8)):
        key = h(r["key"])
        sel = {16: 0, 24: 1, 32: 2}[len(key)]
        out.append(bytes([sel]) + key.ljust(32, b"\0") + bytes(16) + bytes([5, 40, 90])
                   + bytes([16 - i % 4]) + struct.pack("<H", i) + h(r["msg"]))
    for r in records("ctr.txt", 4):
        key = h(r["key"])
        sel = {16: 0, 24: 1, 32: 2}[len(key)]
        out.append(bytes([sel]) + key.ljust(32, b"\0") + h(r["iv"]) + bytes([0, 0, 0, 8, 0, 0])
                   + h(r["pt"]))
    # Counter about to wrap.
    out.append(bytes([0]) + bytes(32) + b"\xff" * 16 + bytes(6) + bytes(64))
    return out


def x25519():
    out = []
    for r in records("x25519_rfc7748.txt"):
        out.append(h(r["scalar"]) + bytes(range(32)) + h(r["u"]))
    out.append(bytes([1] * 32) + bytes([2] * 32) + bytes(32))  # small-order peer: all-zero result
    out.append(bytes([1] * 32) + bytes([2] * 32) + bytes(31))  # wrong length
    return out


def p256():
    out = []
    for r in records("ecdh_p256_wycheproof.txt", 12):
        pub = h(r["public"])
        if len(pub) == 91:
            pub = pub[-65:]
        elif len(pub) == 59:
            pub = pub[-33:]
        priv = h(r["private"])[-32:].rjust(32, b"\0")
        out.append(priv + bytes([7] * 32) + pub)
    return out


def ed25519():
    out = []
    for r in records("ed25519_wycheproof.txt", 10):
        out.append(bytes([0]) + lv(h(r["public"])) + lv(h(r["sig"])) + h(r["msg"]))
    for what in range(4):
        out.append(bytes([1, what, 5, 0, 0x40]) + b"firmware image digest")
    return out


def ecdsa():
    out = []
    for name in ("ecdsa_p256_sha256_wycheproof_der.txt", "ecdsa_p256_sha256_wycheproof_p1363.txt"):
        for r in records(name, 6):
            out.append(bytes([0]) + lv(h(r["public"])) + lv(h(r["sig"])) + h(r["msg"]))
    for what in range(5):
        out.append(bytes([1, what, 9, 0, 0x10]) + b"firmware image digest")
    return out


def mcuboot():
    out = [bytes([i, 0]) for i in range(13)]
    # Synthetic images and mutation lists: random bytes through `arbitrary`.
    for i in range(8):
        out.append(bytes([i, 1]) + bytes(rnd.randrange(256) for _ in range(48 + 16 * i)))
    for i in range(6):
        out.append(bytes([i * 2, 0]) + bytes(rnd.randrange(256) for _ in range(32)))
    return out


def psk():
    out = [b"\x00" + b"0000-0000-0000-0000-0000-0000-0000",
           b"\x00" + b"abcd efgh jkmn pqrs tvwx yz01 2345",
           b"\x00" + b"IL0O-",
           b"\x00" + "ÄÖÜ-ß".encode()]
    for i in range(4):
        out.append(bytes([1]) + bytes(rnd.randrange(256) for _ in range(16)) + bytes([i, 3 * i, 7 * i + 1, 0x55]))
    return out


def hex_args():
    return [b"\x00" + b"00aAfF", b"\x00" + b"abc", b"\x00" + b"zz", b"\x01" + b"8",
            b"\x01" + b"0x10", b"\x01" + b"0X", b"\x01" + b"18446744073709551616",
            b"\x01" + b"4294967296", b"\x02" + bytes(range(16))]


write("ccm_open", ccm_open())
write("ccm_star", ccm_star())
write("cmac_ctr_reference", cmac_ctr())
write("x25519", x25519())
write("p256_ecdh", p256())
write("ed25519_verify", ed25519())
write("ecdsa_verify", ecdsa())
write("mcuboot_image", mcuboot())
write("psk_code", psk())
write("hex_args", hex_args())
