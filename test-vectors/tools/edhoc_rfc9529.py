#!/usr/bin/env python3
"""Writes test-vectors/edhoc_rfc9529.txt: the RFC 9529 section 3 trace values (EDHOC method 3,
cipher suite 2) that the lakers 0.8.0 crate's own tests use, read as text from its source.

Usage: python3 test-vectors/tools/edhoc_rfc9529.py ~/.cargo/registry/src/*/lakers-0.8.0 \
           > test-vectors/edhoc_rfc9529.txt

Standard library only; reads the two files as text and never runs them. Stops if a value is
missing or if a check fails (lengths, and message_1 = method || suites || G_X || C_I)."""

import re
import sys

# (name in our file, constant in lakers, file, expected byte length)
WANTED = [
    ("method", "METHOD_TV", "edhoc", None),
    ("suites_i", "SUITES_I_TV", "edhoc", 2),
    ("x", "X_TV", "edhoc", 32),
    ("g_x", "G_X_TV", "edhoc", 32),
    ("c_i", "C_I_TV", "edhoc", None),
    ("message_1", "MESSAGE_1_TV", "edhoc", 39),
    ("h_message_1", "H_MESSAGE_1_TV", "edhoc", 32),
    ("g_y", "G_Y_TV", "edhoc", 32),
    ("g_xy", "G_XY_TV", "edhoc", 32),
    ("c_r", "C_R_TV", "edhoc", None),
    ("message_2", "MESSAGE_2_TV", "edhoc", 45),
    ("th_2", "TH_2_TV", "edhoc", 32),
    ("prk_2e", "PRK_2E_TV", "edhoc", 32),
    ("keystream_2", "KEYSTREAM_2_TV", "edhoc", 11),
    ("plaintext_2", "PLAINTEXT_2_TV", "edhoc", 11),
    ("sk_r", "R", "lib", 32),
    ("g_r", "G_R_TV", "edhoc", 32),
    ("cred_r", "CRED_R_TV", "edhoc", 95),
    ("id_cred_r", "ID_CRED_R_TV", "edhoc", 4),
    ("salt_3e2m", "SALT_3E2M_TV", "edhoc", 32),
    ("prk_3e2m", "PRK_3E2M_TV", "edhoc", 32),
    ("mac_2", "MAC_2_TV", "edhoc", 8),
    ("sk_i", "SK_I_TV", "edhoc", 32),
    ("cred_i", "CRED_I_TV", "edhoc", 107),
    ("id_cred_i", "ID_CRED_I_TV", "edhoc", 4),
    ("th_3", "TH_3_TV", "edhoc", 32),
    ("salt_4e3m", "SALT_4E3M_TV", "edhoc", 32),
    ("prk_4e3m", "PRK_4E3M_TV", "edhoc", 32),
    ("mac_3", "MAC_3_TV", "edhoc", 8),
    ("plaintext_3", "PLAINTEXT_3_TV", "edhoc", 10),
    ("message_3", "MESSAGE_3_TV", "edhoc", 19),
    ("th_4", "TH_4_TV", "edhoc", 32),
    ("prk_out", "PRK_OUT_TV", "edhoc", 32),
    ("prk_exporter", "PRK_EXPORTER_TV", "edhoc", 32),
    ("k_4", "K_4_TV", "edhoc", 16),
    ("iv_4", "IV_4_TV", "edhoc", 13),
    ("message_4", "MESSAGE_4_TV", "edhoc", 9),
    ("oscore_master_secret", "OSCORE_MASTER_SECRET_TV", "edhoc", 16),
    ("oscore_master_salt", "OSCORE_MASTER_SALT_TV", "edhoc", 8),
]


def value(src, const):
    m = re.search(r"const " + const + r"\s*:[^=]*=\s*(.*?);", src, re.S)
    if not m:
        sys.exit(f"missing {const}")
    body = m.group(1)
    for pattern in (r'hex!\("([0-9a-fA-F]*)"\)', r'^"([0-9a-fA-F]*)"$',
                    r"from_int_raw\(0x([0-9a-fA-F]{2})\)", r"^0x([0-9a-fA-F]{2})$"):
        v = re.search(pattern, body.strip())
        if v:
            return v.group(1).lower()
    sys.exit(f"cannot read {const}: {body!r}")


def main():
    root = sys.argv[1]
    files = {
        "edhoc": open(f"{root}/src/edhoc.rs", encoding="utf-8").read(),
        "lib": open(f"{root}/src/lib.rs", encoding="utf-8").read(),
    }
    # lib.rs's R is the same SK_R as in the trace; only the test module's consts are read.
    files["lib"] = files["lib"][files["lib"].index("mod test_vectors_common"):]
    out = {}
    for name, const, f, length in WANTED:
        v = value(files[f], const)
        if length is not None and len(v) != 2 * length:
            sys.exit(f"{const}: {len(v) // 2} bytes, expected {length}")
        out[name] = v
    if out["message_1"] != out["method"] + "82" + out["suites_i"] + "5820" + out["g_x"] + out["c_i"]:
        sys.exit("message_1 is not method || suites || G_X || C_I")
    print("# RFC 9529 (EDHOC traces) section 3: method 3 (static DH keys), cipher suite 2 (P-256,")
    print("# SHA-256, AES-CCM-16-64-128). Source: crates.io lakers 0.8.0 (BSD-3-Clause), the test")
    print("# constants of src/edhoc.rs and SK_R (`R`) of src/lib.rs, which carry the RFC's values;")
    print("# written by tools/edhoc_rfc9529.py. One value per line: name=<trace value> value=<hex>.")
    print("# method and c_i/c_r are single CBOR bytes (c_i = 0x37 = -24, c_r = 0x27 = -8).")
    for name, _, _, _ in WANTED:
        print(f"name={name} value={out[name]}")
    print(f"# {len(WANTED)} values", file=sys.stderr)


main()
