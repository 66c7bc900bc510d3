#!/usr/bin/env python3
"""Writes test-vectors/oscore_messages_rfc8613.txt: the RFC 8613 Appendix C.4-C.8 message
protection examples (unprotected and protected CoAP messages, exact bytes), as carried by
aiocoap's test suite, and checks every record.

    pip download --no-deps --no-binary :all: aiocoap==0.4.17   # into /tmp/aiocoap
    tar xzf aiocoap-0.4.17.tar.gz
    python3 test-vectors/tools/oscore_messages_rfc8613.py \
        /tmp/aiocoap/aiocoap-0.4.17/tests/test_oscore.py > test-vectors/oscore_messages_rfc8613.txt

Checks (it never imports or runs aiocoap code):
1. every message and parameter copied below occurs verbatim in aiocoap's tests/test_oscore.py;
2. each protected message is rebuilt independently from its unprotected message: the keys
   and Common IV by HKDF-SHA256 (hmac/hashlib, CBOR info by hand), the class E options moved
   into the plaintext (code || options || 0xff payload), AES-CCM-16-64-128 (`cryptography`
   AESCCM) under the section 5.2 nonce and the section 5.4 AAD, the outer code POST / 2.04,
   the class U options with the OSCORE option; the result must equal the protected bytes.
Running it twice gives byte-identical output.
"""

import hashlib
import hmac
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESCCM

h = bytes.fromhex
SECRET = "0102030405060708090a0b0c0d0e0f10"
SALT = "9e7ca92223786340"
ID_CTX = "37cbf3210017a2d3"

# (section, kind, salt, id_context, sender_id, recipient_id, sequence (own Partial IV, or None),
#  request kid, request Partial IV, unprotected, protected), from test_c4 .. test_c8.
RECORDS = [
    ("C.4", "request", SALT, None, "", "01", 20, "", "14",
     "44015d1f00003974396c6f63616c686f737483747631",
     "44025d1f00003974396c6f63616c686f7374620914ff612f1092f1776f1c1668b3825e"),
    ("C.5", "request", "", None, "00", "01", 20, "00", "14",
     "440171c30000b932396c6f63616c686f737483747631",
     "440271c30000b932396c6f63616c686f737463091400ff4ed339a5a379b0b8bc731fffb0"),
    ("C.6", "request", SALT, ID_CTX, "", "01", 20, "", "14",
     "44012f8eef9bbf7a396c6f63616c686f737483747631",
     "44022f8eef9bbf7a396c6f63616c686f73746b19140837cbf3210017a2d3ff72cd7273fd331ac45cffbe55c3"),
    ("C.7", "response", SALT, None, "01", "", None, "", "14",
     "64455d1f00003974ff48656c6c6f20576f726c6421",
     "64445d1f0000397490ffdbaad1e9a7e7b2a813d3c31524378303cdafae119106"),
    ("C.8", "response", SALT, None, "01", "", 0, "", "14",
     "64455d1f00003974ff48656c6c6f20576f726c6421",
     "64445d1f00003974920100ff4d4c13669384b67354b2b6175ff4b8658c666a6cf88e"),
]
OUTER = {3, 7, 9, 16, 39}  # Uri-Host, Uri-Port, OSCORE, Hop-Limit, Proxy-Scheme


def bstr(b):
    assert len(b) < 24
    return bytes([0x40 | len(b)]) + b


def hkdf(salt, ikm, info, length):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


def info(id_, ctx, typ, length):
    c = b"\xf6" if ctx is None else bstr(ctx)
    return b"\x85" + bstr(id_) + c + b"\x0a" + bytes([0x60 | len(typ)]) + typ + bytes([length])


def nonce(iv, id_, piv):
    n = bytes([len(id_)]) + bytes(7 - len(id_)) + id_ + bytes(5 - len(piv)) + piv
    return bytes(a ^ b for a, b in zip(n, iv))


def aad(kid, piv):
    ext = b"\x85\x01\x81\x0a" + bstr(kid) + bstr(piv) + b"\x40"
    return b"\x83\x68Encrypt0\x40" + bstr(ext)


def parse(msg):
    """(first byte, code, mid+token bytes, [(number, value)], payload); small options only."""
    tkl = msg[0] & 15
    head, rest = msg[:4 + tkl], msg[4 + tkl:]
    opts, num = [], 0
    while rest and rest[0] != 0xff:
        d, l = rest[0] >> 4, rest[0] & 15
        assert d < 13 and l < 13
        num += d
        opts.append((num, rest[1:1 + l]))
        rest = rest[1 + l:]
    return head, opts, rest[1:]


def encode_opts(opts):
    out, last = b"", 0
    for n, v in opts:
        assert n - last < 13 and len(v) < 13
        out += bytes([(n - last) << 4 | len(v)]) + v
        last = n
    return out


def protect(rec):
    sec, kind, salt, ctx, sid, rid, seq, kid, rpiv, plain, _ = rec
    c = None if ctx is None else h(ctx)
    ms, s = h(SECRET), h(salt)
    key = hkdf(s, ms, info(h(sid), c, b"Key", 16), 16)
    iv = hkdf(s, ms, info(b"", c, b"IV", 13), 13)
    head, opts, payload = parse(h(plain))
    pt = bytes([head[1]]) + encode_opts([o for o in opts if o[0] not in OUTER])
    if payload:
        pt += b"\xff" + payload
    if kind == "request":
        piv = bytes([seq]) if seq else b"\x00"
        flags = 0x08 | len(piv) | (0x10 if c is not None else 0)
        optval = bytes([flags]) + piv + (bytes([len(c)]) + c if c is not None else b"") + h(sid)
        n = nonce(iv, h(sid), piv)
        outer_code = 0x02
    elif seq is None:
        optval, n, outer_code = b"", nonce(iv, h(kid), h(rpiv)), 0x44
    else:
        piv = bytes([seq])
        optval, n, outer_code = bytes([len(piv)]) + piv, nonce(iv, h(sid), piv), 0x44
    ct = AESCCM(key, tag_length=8).encrypt(n, pt, aad(h(kid), h(rpiv)))
    outer = sorted([o for o in opts if o[0] in OUTER] + [(9, optval)], key=lambda o: o[0])
    return bytes([head[0], outer_code]) + head[2:] + encode_opts(outer) + b"\xff" + ct


def main():
    source = open(sys.argv[1]).read().lower()
    for v in [SECRET, SALT, ID_CTX] + [x for r in RECORDS for x in r[9:]]:
        assert v in source, v
    w = sys.stdout.write
    w("# RFC 8613 (OSCORE) Appendix C.4-C.8: protected requests and responses, exact bytes.\n")
    w("# AES-CCM-16-64-128, HKDF-SHA256, Master Secret 0102..10. Source: aiocoap 0.4.17\n")
    w("# tests/test_oscore.py (test_c4 .. test_c8); checked by tools/oscore_messages_rfc8613.py.\n")
    w("# The context is the protecting endpoint's; id_context absent = none. sequence = the sender\n")
    w("# sequence number used (requests), the response's own Partial IV (C.8), empty = the response\n")
    w("# reuses the request nonce (C.7). request_kid/request_piv: the request's, for the AAD.\n")
    for rec in RECORDS:
        assert protect(rec) == h(rec[10]), rec[0]
        sec, kind, salt, ctx, sid, rid, seq, kid, rpiv, plain, prot = rec
        f = ["kind=" + kind, "section=" + sec, "master_secret=" + SECRET, "master_salt=" + salt]
        if ctx is not None:
            f.append("id_context=" + ctx)
        f += ["sender_id=" + sid, "recipient_id=" + rid,
              "sequence=" + ("" if seq is None else str(seq)), "request_kid=" + kid,
              "request_piv=" + rpiv, "unprotected=" + plain, "protected=" + prot]
        w(" ".join(f) + "\n")
    print("%d messages" % len(RECORDS), file=sys.stderr)


if __name__ == "__main__":
    main()
