#!/usr/bin/env python3
"""Regenerates the MCUboot test images in this directory with imgtool.

Usage (from anywhere):

    python3 -m venv /tmp/imgvenv && /tmp/imgvenv/bin/pip install imgtool==2.5.0
    PATH=/tmp/imgvenv/bin:$PATH python3 test-vectors/mcuboot/make_images.py

What it does:
- Generates the TEST keys `test-key-ed25519.pem` and `test-key-ecdsa-p256.pem` with
  `imgtool keygen`, only if they are missing (so re-running keeps the committed keys).
  They are public test keys: never trust them on a real device.
- Writes two deterministic payloads: `payload-4k.bin` (4096 bytes, byte i = i mod 256) and
  `payload-small.bin` (256 bytes, same pattern); they are not committed (the script rebuilds
  them).
- Signs one image per mode with `imgtool sign`, checks each with `imgtool verify`, and writes
  `manifest.txt` (one line per image: file, key, scheme, hash, key TLV form, version, security
  counter, the image's key-hash TLV value and the SHA-256 key hash of the key's
  SubjectPublicKeyInfo DER, result).

Ed25519 images are byte-stable (Ed25519 is deterministic); ECDSA images change on every run
(imgtool's ECDSA signatures are randomized), so the manifest holds nothing that depends on the
ECDSA signature.
"""

import hashlib
import os
import subprocess
import sys

from cryptography.hazmat.primitives import serialization

HERE = os.path.dirname(os.path.abspath(__file__))

KEYS = {
    "ed25519": "test-key-ed25519.pem",
    "ecdsa-p256": "test-key-ecdsa-p256.pem",
}

# (file, key type, payload, extra imgtool arguments, version, security counter or None,
#  hash, key form, header size)
IMAGES = [
    ("ed25519-hash-sc.img", "ed25519", "payload-4k.bin",
     ["--security-counter", "auto"], "1.2.3+4", 0x01020003, "sha256", "hash", 0x200),
    ("ed25519-full.img", "ed25519", "payload-4k.bin",
     ["--public-key-format", "full"], "1.2.3+4", None, "sha256", "full", 0x200),
    ("ed25519-full-sc.img", "ed25519", "payload-4k.bin",
     ["--public-key-format", "full", "--security-counter", "7"], "1.2.4", 7, "sha256",
     "full", 0x200),
    ("ed25519-hash.img", "ed25519", "payload-4k.bin",
     [], "0.9.0", None, "sha256", "hash", 0x200),
    ("ed25519-sha512-sc.img", "ed25519", "payload-4k.bin",
     ["--sha", "512", "--security-counter", "auto"], "1.3.0", 0x01030000, "sha512", "hash",
     0x200),
    ("ed25519-sha512-full.img", "ed25519", "payload-4k.bin",
     ["--sha", "512", "--public-key-format", "full"], "1.3.1", None, "sha512", "full", 0x200),
    ("ed25519-pure-sc.img", "ed25519", "payload-4k.bin",
     ["--pure", "--security-counter", "auto"], "1.4.0+9", 0x01040000, "sha512", "hash", 0x200),
    ("ed25519-deps-sc.img", "ed25519", "payload-4k.bin",
     ["--security-counter", "auto", "-d", "(1,2.3.4+5),(2,0.1.0)"], "1.5.0", 0x01050000,
     "sha256", "hash", 0x200),
    ("ed25519-small-sc.img", "ed25519", "payload-small.bin",
     ["--security-counter", "auto"], "3.1.4+15", 0x03010004, "sha256", "hash", 0x20),
    ("ecdsa-p256-hash-sc.img", "ecdsa-p256", "payload-4k.bin",
     ["--security-counter", "42"], "2.0.1+7", 42, "sha256", "hash", 0x200),
    ("ecdsa-p256-full.img", "ecdsa-p256", "payload-4k.bin",
     ["--public-key-format", "full"], "2.0.1+7", None, "sha256", "full", 0x200),
    ("ecdsa-p256-full-sc.img", "ecdsa-p256", "payload-4k.bin",
     ["--public-key-format", "full", "--security-counter", "auto"], "2.1.0", 0x02010000,
     "sha256", "full", 0x200),
    ("ecdsa-p256-small-sc.img", "ecdsa-p256", "payload-small.bin",
     ["--security-counter", "auto"], "3.1.4+15", 0x03010004, "sha256", "hash", 0x20),
]


def run(*args):
    subprocess.run(args, check=True, cwd=HERE, stdout=subprocess.DEVNULL)


def public_key(key_file):
    with open(os.path.join(HERE, key_file), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None).public_key()


def spki_der(key_file):
    return public_key(key_file).public_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PublicFormat.SubjectPublicKeyInfo)


def raw_public(key_file):
    """Ed25519: the 32-byte key; P-256: the 65-byte uncompressed SEC1 point."""
    key = public_key(key_file)
    try:
        return key.public_bytes(encoding=serialization.Encoding.Raw,
                                format=serialization.PublicFormat.Raw)
    except ValueError:
        return key.public_bytes(encoding=serialization.Encoding.X962,
                                format=serialization.PublicFormat.UncompressedPoint)


def main():
    for kind, name in KEYS.items():
        if not os.path.exists(os.path.join(HERE, name)):
            run("imgtool", "keygen", "-k", name, "-t", kind)

    with open(os.path.join(HERE, "payload-4k.bin"), "wb") as f:
        f.write(bytes(i % 256 for i in range(4096)))
    with open(os.path.join(HERE, "payload-small.bin"), "wb") as f:
        f.write(bytes(i % 256 for i in range(256)))

    lines = [
        "# MCUboot images signed by imgtool 2.5.0 (PyPI, Apache-2.0) with make_images.py.",
        "# Keys are TEST keys committed next to the images. keyhash = the image's KEYHASH TLV",
        "# (the image hash algorithm over the key's SubjectPublicKeyInfo DER; empty for full-key",
        "# images); keyid = SHA-256 of that DER (the trust-anchor identity); pubkey = the raw",
        "# public key (Ed25519: 32 bytes; P-256: 65-byte uncompressed SEC1).",
        "# security_counter is decimal, empty when the image has none.",
    ]
    for (fname, kind, payload, extra, version, sc, sha, form, hdr) in IMAGES:
        key = KEYS[kind]
        run("imgtool", "sign", "-k", key, "--header-size", hex(hdr), "--pad-header",
            "--slot-size", "0x20000", "--version", version, "--align", "4", *extra,
            payload, fname)
        run("imgtool", "verify", "-k", key, fname)
        der = spki_der(key)
        keyid = hashlib.sha256(der).hexdigest()
        keyhash = ""
        if form == "hash":
            keyhash = (hashlib.sha512 if sha == "sha512" else hashlib.sha256)(der).hexdigest()
        scheme = "ed25519-pure" if "--pure" in extra else kind
        lines.append(
            f"file={fname} key={key} scheme={scheme} hash={sha} key_tlv={form} "
            f"version={version} security_counter={'' if sc is None else sc} "
            f"keyhash={keyhash} keyid={keyid} pubkey={raw_public(key).hex()} result=valid")

    for p in ("payload-4k.bin", "payload-small.bin"):
        os.remove(os.path.join(HERE, p))
    with open(os.path.join(HERE, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(IMAGES)} images written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
