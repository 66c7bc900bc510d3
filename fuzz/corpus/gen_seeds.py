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


def oscore():
    msgs = {r["section"]: r for r in records("oscore_messages_rfc8613.txt")}
    out = []
    for i, sec in enumerate(["C.4", "C.5", "C.6"]):
        req = h(msgs[sec]["protected"])
        out.append(bytes([0, i, 0, 255]) + req)
        out.append(bytes([3, i, 1, 255]) + req)  # replay window unknown: Echo required
        out.append(bytes([6, i, 2, 0x14]) + struct.pack("<Q", 1) + bytes([255]) + req)  # replay
        out.append(bytes([9, i, 0, 12]) + req)  # output too short
    for sec in ["C.7", "C.8"]:
        resp = h(msgs[sec]["protected"])
        out.append(bytes([1, 255]) + resp)
        out.append(bytes([4, 20]) + resp)

    def message(kind, code, mid, token, options, payload):
        b = bytes([kind, code]) + struct.pack("<H", mid) + lv(token) + bytes([len(options)])
        for idx, value in options:  # idx: index into the target's table of option numbers
            b += struct.pack("<H", idx) + lv(value)
        return b + lv(payload)

    # Uri-Host (0), Uri-Path (4), Content-Format (5), Uri-Query (7), Echo (12), any (0x8000+).
    reqs = [message(0, 1, 0x5d1f, b"\x39\x74", [(0, b"localhost"), (4, b"tv1")], b""),
            message(1, 2, 7, b"", [(4, b"temp"), (5, b"\x00"), (7, b"a=1")], b"22.5"),
            message(0, 3, 0xffff, bytes(8), [(0x8000 + 500, b"x" * 20)], b"p" * 100)]
    # The seeds first found two bugs: (4, 20) + C.7 left plaintext in a short output buffer,
    # and the second response below lost its Echo option in protection.
    resps = [message(2, 0x45, 0x5d1f, b"\x39\x74", [], b"Hello World!"),
             message(1, 0x84, 9, b"", [(5, b"\x00"), (12, bytes(8))], b"")]
    for i, (rq, rs) in enumerate([(a, b) for a in reqs for b in resps]):
        out.append(bytes([2, i % 3]) + struct.pack("<H", 20 * i) + rq + rs
                   + bytes([i & 1]) + struct.pack("<H", 3 * i) + bytes([i]))
    return out


def vault():
    out = []
    for snap in [0, 5, 12, 24]:
        out.append(bytes([snap]) + struct.pack("<H", 0))
    for snap, off, mask in [(24, 0, b"\x01"), (24, 100, b"\xff\xff\xff\xff"),
                            (20, 512, b"\x80"), (10, 1000, bytes(8) + b"\x10")]:
        out.append(bytes([snap]) + struct.pack("<H", off) + mask)
    return out


def links():
    out = []
    # Zigbee raw: level 5, an 8-byte NWK header, the source known, any counter.
    for lvl, known in [(5, 1), (6, 0), (7, 1), (4, 1)]:
        frame = bytes(range(8)) + bytes([0x28]) + struct.pack("<I", 1) + bytes(range(8)) + b"abcd" + bytes(8)
        out.append(bytes([0, lvl, 8, known]) + struct.pack("<Q", 0x1122334455667788) + bytes([0]) + frame)
    # Zigbee structured: each key id, with and without the source sent.
    for i in range(4):
        out.append(bytes([1, i % 3, i]) + struct.pack("<I", 1000 * i) + struct.pack("<Q", 0xacde480000000001)
                   + bytes([i & 1, 7]) + lv(bytes(8 + i)) + lv2(b"payload-%d" % i) + struct.pack("<H", 9 * i) + bytes([i]))
    # 802.15.4: structured at each level, and a raw frame of the right layout.
    for lvl in range(1, 8):
        out.append(bytes([2, lvl, 0, lvl]) + struct.pack("<HHQIB", 0xabcd, 0x0001, 0xacde480000000002, 5, 1)
                   + lv(b"hello") + struct.pack("<H", lvl * 5) + bytes([lvl]))
    fc = 0x0001 | 0x0008 | 0x0040 | (2 << 10) | (1 << 12) | (3 << 14)
    out.append(bytes([2, 5, 1]) + struct.pack("<HBHHQ", fc, 1, 0xabcd, 1, 2) + bytes([0x0d]) + struct.pack("<IB", 5, 1)
               + b"data" + bytes(4))
    # SMP PDUs.
    pub = bytes(reversed(h(DEBUG_X))) + bytes(reversed(h(DEBUG_Y)))
    pdus = [bytes([1, 3, 0, 0x0d, 16, 1, 1]), bytes([2, 4, 0, 0x0d, 16, 1, 1]), bytes([3]) + bytes(16),
            bytes([4]) + bytes(range(16)), bytes([5, 4]), bytes([0x0c]) + pub, bytes([0x0d]) + bytes(16)]
    for p in pdus:
        out.append(bytes([3]) + p)
    # Pairing: initiator and responder, a plausible peer sequence with the debug key.
    for role in [0, 1]:
        first = pdus[1] if role == 0 else pdus[0]
        steps = b"".join(bytes([2]) + lv(p) for p in [first, pdus[5], pdus[2], pdus[3], pdus[6]])
        out.append(bytes([4, role, 1, 0x0d, 1, 1, 2]) + steps)
        out.append(bytes([4, role, 2, 0x0d, 1, 1, 3]) + bytes([2]) + lv(first) + bytes([2]) + lv(pdus[5])
                   + bytes([0]) + struct.pack("<I", 123456) + bytes([1, 1]))
    return out


DEBUG_X = "20b003d2f297be2c5e2c83a7e9f9a5b9eff49111acf4fddbcc0301480e359de6"
DEBUG_Y = "dc809c49652aeb6d63329abf5a52155c766345c28fed302474 1c8ed01589d28b".replace(" ", "")


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
write("oscore_unprotect", oscore())
write("vault_mount", vault())
write("links_frames", links())
