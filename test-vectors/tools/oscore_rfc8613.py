#!/usr/bin/env python3
"""Writes test-vectors/oscore_rfc8613.txt from the RFC 8613 Appendix C values carried by
aiocoap's test suite, and checks every record.

    pip download --no-deps --no-binary :all: aiocoap==0.4.17   # into /tmp/aiocoap
    tar xzf aiocoap-0.4.17.tar.gz
    python3 test-vectors/tools/oscore_rfc8613.py /tmp/aiocoap/aiocoap-0.4.17/tests/test_oscore.py \
        > test-vectors/oscore_rfc8613.txt

Checks (the script stops on any failure; it never imports or runs aiocoap code):
1. every value copied below occurs verbatim in aiocoap's tests/test_oscore.py;
2. the C.1-C.3 keys and Common IVs are recomputed (HKDF-SHA256 with hmac/hashlib, CBOR info
   written by hand) and must match;
3. the C.4-C.8 nonces are computed with the RFC 8613 section 5.2 construction and confirmed by
   encrypting each example's plaintext with AES-CCM-16-64-128 (the `cryptography` package)
   under that nonce and the section 5.4 AAD: the result must equal the ciphertext of the
   protected message in aiocoap's test (the RFC's C.4-C.8 "Protected ... " messages).
Needs Python 3 and `cryptography`. Running it twice gives byte-identical output.
"""

import hashlib
import hmac
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESCCM

h = bytes.fromhex

# Copied from aiocoap 0.4.17 tests/test_oscore.py (test_c1_1 .. test_c8).
MASTER_SECRET = "0102030405060708090a0b0c0d0e0f10"
SALT_C1 = "9e7ca92223786340"
ID_CTX_C3 = "37cbf3210017a2d3"

# (section, salt or None, id_context or None, sender_id, recipient_id, sender_key,
#  recipient_key, common_iv, sender_nonce for partial IV 0, recipient_nonce for partial IV 0)
CONTEXTS = [
    ("C.1.1", SALT_C1, None, "", "01", "f0910ed7295e6ad4b54fc793154302ff",
     "ffb14e093c94c9cac9471648b4f98710", "4622d4dd6d944168eefb54987c",
     "4622d4dd6d944168eefb54987c", "4722d4dd6d944169eefb54987c"),
    ("C.1.2", SALT_C1, None, "01", "", "ffb14e093c94c9cac9471648b4f98710",
     "f0910ed7295e6ad4b54fc793154302ff", "4622d4dd6d944168eefb54987c",
     "4722d4dd6d944169eefb54987c", "4622d4dd6d944168eefb54987c"),
    ("C.2.1", None, None, "00", "01", "321b26943253c7ffb6003b0b64d74041",
     "e57b5635815177cd679ab4bcec9d7dda", "be35ae297d2dace910c52e99f9",
     "bf35ae297d2dace910c52e99f9", "bf35ae297d2dace810c52e99f9"),
    ("C.3.1", SALT_C1, ID_CTX_C3, "", "01", "af2a1300a5e95788b356336eeecd2b92",
     "e39a0c7c77b43f03b4b39ab9a268699f", "2ca58fb85ff1b81c0b7181b85e",
     "2ca58fb85ff1b81c0b7181b85e", "2da58fb85ff1b81d0b7181b85e"),
]

# Message-protection examples: (section, context section, key, nonce sender id, partial IV,
# request kid and request piv for the AAD, plaintext, protected message from aiocoap's test).
REQUEST_PT = "01b3747631"                     # GET, Uri-Path "tv1"
RESPONSE_PT = "45ff48656c6c6f20576f726c6421"  # 2.05 Content, payload "Hello World!"
MESSAGES = [
    ("C.4", "C.1.1", "f0910ed7295e6ad4b54fc793154302ff", "", "14", "", "14", REQUEST_PT,
     "44025d1f00003974396c6f63616c686f7374620914ff612f1092f1776f1c1668b3825e"),
    ("C.5", "C.2.1", "321b26943253c7ffb6003b0b64d74041", "00", "14", "00", "14", REQUEST_PT,
     "440271c30000b932396c6f63616c686f737463091400ff4ed339a5a379b0b8bc731fffb0"),
    ("C.6", "C.3.1", "af2a1300a5e95788b356336eeecd2b92", "", "14", "", "14", REQUEST_PT,
     "44022f8eef9bbf7a396c6f63616c686f73746b19140837cbf3210017a2d3ff72cd7273fd331ac45cffbe55c3"),
    # C.7: the response reuses the request's nonce (request sender '' and its partial IV 0x14).
    ("C.7", "C.1.2", "ffb14e093c94c9cac9471648b4f98710", "", "14", "", "14", RESPONSE_PT,
     "64445d1f0000397490ffdbaad1e9a7e7b2a813d3c31524378303cdafae119106"),
    # C.8: the response carries its own partial IV 0x00 from the server (Sender ID 0x01).
    ("C.8", "C.1.2", "ffb14e093c94c9cac9471648b4f98710", "01", "00", "", "14", RESPONSE_PT,
     "64445d1f00003974920100ff4d4c13669384b67354b2b6175ff4b8658c666a6cf88e"),
]


def bstr(b):
    assert len(b) < 24
    return bytes([0x40 | len(b)]) + b


def info(id_, id_context, typ, length):
    ctx = b"\xf6" if id_context is None else bstr(id_context)
    t = typ.encode()
    return b"\x85" + bstr(id_) + ctx + b"\x0a" + bytes([0x60 | len(t)]) + t + bytes([length])


def hkdf(salt, ikm, inf, length):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, inf + b"\x01", hashlib.sha256).digest()[:length]


def nonce(common_iv, id_, piv):
    n = bytes([len(id_)]) + bytes(7 - len(id_)) + id_ + bytes(5 - len(piv)) + piv
    return bytes(a ^ b for a, b in zip(n, common_iv))


def aad(kid, piv):
    ext = b"\x85\x01\x81\x0a" + bstr(kid) + bstr(piv) + b"\x40"
    return b"\x83\x68Encrypt0\x40" + bytes([0x40 | len(ext)]) + ext


def main():
    source = open(sys.argv[1]).read().lower()
    for v in [MASTER_SECRET, SALT_C1, ID_CTX_C3] + [x for c in CONTEXTS for x in c[3:] if len(x) > 2] \
            + [m[8] for m in MESSAGES] + [m[2] for m in MESSAGES]:
        assert v in source, v
    w = sys.stdout.write
    w("# RFC 8613 (OSCORE) Appendix C: security context derivation (C.1-C.3) and AEAD nonces (C.1-C.8).\n")
    w("# AES-CCM-16-64-128 (COSE alg 10), HKDF-SHA256. Source: aiocoap 0.4.17 tests/test_oscore.py\n")
    w("# (which carries the RFC's values); converted and checked by tools/oscore_rfc8613.py.\n")
    w("# kind=context: id_context absent = CBOR nil; master_salt empty = no salt.\n")
    w("# kind=nonce: nonce = section 5.2 nonce from common_iv, id (sender of the partial IV), partial_iv.\n")
    ivs = {}
    for sec, salt, ctx, sid, rid, skey, rkey, civ, sn0, rn0 in CONTEXTS:
        ms = h(MASTER_SECRET)
        s = h(salt) if salt else b""
        c = h(ctx) if ctx else None
        assert hkdf(s, ms, info(h(sid), c, "Key", 16), 16) == h(skey), sec
        assert hkdf(s, ms, info(h(rid), c, "Key", 16), 16) == h(rkey), sec
        assert hkdf(s, ms, info(b"", c, "IV", 13), 13) == h(civ), sec
        assert nonce(h(civ), h(sid), b"\x00") == h(sn0), sec
        assert nonce(h(civ), h(rid), b"\x00") == h(rn0), sec
        ivs[sec] = civ
        fields = ["kind=context", "section=" + sec, "master_secret=" + MASTER_SECRET,
                  "master_salt=" + (salt or "")]
        if ctx is not None:
            fields.append("id_context=" + ctx)
        fields += ["sender_id=" + sid, "recipient_id=" + rid, "sender_key=" + skey,
                   "recipient_key=" + rkey, "common_iv=" + civ]
        w(" ".join(fields) + "\n")
    count = 0
    for sec, _, _, sid, rid, _, _, civ, sn0, rn0 in CONTEXTS:
        for who, id_, n in (("sender", sid, sn0), ("recipient", rid, rn0)):
            w("kind=nonce section=%s comment=%s_nonce_partial_iv_0 common_iv=%s id=%s partial_iv=00 nonce=%s\n"
              % (sec, who, civ, id_, n))
            count += 1
    for sec, ctx_sec, key, nid, piv, kid, rpiv, pt, msg in MESSAGES:
        civ = ivs[ctx_sec]
        n = nonce(h(civ), h(nid), h(piv))
        ct = h(msg)[-(len(h(pt)) + 8):]
        assert AESCCM(h(key), tag_length=8).encrypt(n, h(pt), aad(h(kid), h(rpiv))) == ct, sec
        w("kind=nonce section=%s comment=protected_message_(verified_by_AES-CCM) common_iv=%s id=%s partial_iv=%s nonce=%s\n"
          % (sec, civ, nid, piv, n.hex()))
        count += 1
    assert count == 13
    print("4 contexts, %d nonces" % count, file=sys.stderr)


if __name__ == "__main__":
    main()
