#!/usr/bin/env python3
"""The CLI's streaming AES-CCM against OpenSSL's, side by side in one run.

Seals one 64 MiB file with AES-128-CCM (11-byte nonce, 16-byte tag, no AAD) two ways, in
alternating rounds on the same bytes:

- `bulwark ccm seal --in F --out G` (the release binary, streaming);
- OpenSSL's AES-CCM through Python's `cryptography` (`AESCCM.encrypt`): read F, seal, write H.

Each run is a separate process started through `/usr/bin/time -f '%e %M'`, which reports the
peak resident set size of exactly that process (`ru_maxrss`; `time` itself forks from a
process of about 2 MiB, so the figure is the measured program's). Wall time is taken around
the whole process (start, reading, sealing, writing, exit). For Python it is also taken inside
the process around read + seal + write only (without the interpreter's start and the
`cryptography` import), the stricter comparison. Both outputs must be identical.

Usage (from the repository root, after `cargo build --release -p bulwark-cli`, with the
virtualenv of `cargo xtask ci`'s "python tools" step first on PATH):

    python3 benches/cli_stream.py [--bin target/release/bulwark] [--mib 64] [--rounds 5]

Prints a Markdown section for `benches/REPORT.md` (`--write` replaces the section
"## CLI streaming" there).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

KEY = "000102030405060708090a0b0c0d0e0f"
NONCE = "a0a1a2a3a4a5a6a7a8a9aa"
HEADING = "## CLI streaming (64 MiB AES-128-CCM seal)\n"

OPENSSL_SEAL = """
import sys, time
t0 = time.perf_counter()
from cryptography.hazmat.primitives.ciphers.aead import AESCCM
t1 = time.perf_counter()
c1 = time.process_time()
key, nonce, src, dst = bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(src, "rb") as f:
    data = f.read()
out = AESCCM(key, tag_length=16).encrypt(nonce, data, None)
with open(dst, "wb") as f:
    f.write(out)
t2 = time.perf_counter()
print(f"{t2 - t1:.6f} {time.process_time() - c1:.6f}", file=sys.stderr)
"""


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (wall s, CPU s (user + system), peak RSS KiB,
    the other stderr lines)."""
    t0 = time.perf_counter()
    run = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e %M %U %S", *cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t0
    if run.returncode != 0:
        sys.exit(f"failed ({run.returncode}): {' '.join(cmd)}\n{run.stderr}")
    lines = run.stderr.strip().splitlines()
    fields = next(l for l in lines if l.startswith("TIME ")).split()
    rss, cpu = int(fields[2]), float(fields[3]) + float(fields[4])
    return wall, cpu, rss, [l for l in lines if not l.startswith("TIME ")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/bulwark")
    ap.add_argument("--mib", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    bulwark = os.path.abspath(args.bin)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(bulwark)) as tmp:
        src = os.path.join(tmp, "plain.bin")
        with open(src, "wb") as f:
            for _ in range(args.mib):
                f.write(os.urandom(1 << 20))
        ours_out = os.path.join(tmp, "bulwark.ccm")
        ossl_out = os.path.join(tmp, "openssl.ccm")
        ours_cmd = [bulwark, "ccm", "seal", "--key", KEY, "--nonce", NONCE, "--tag-len", "16",
                    "--in", src, "--out", ours_out]
        ossl_cmd = [sys.executable, "-c", OPENSSL_SEAL, KEY, NONCE, src, ossl_out]
        ours, ossl, inner, ours_cpu, ossl_cpu, inner_cpu, ours_rss, ossl_rss = (
            [] for _ in range(8))
        # One untimed round of each warms the page cache and the binaries.
        timed(ours_cmd)
        timed(ossl_cmd)
        for _ in range(args.rounds):
            wall, cpu, rss, _ = timed(ours_cmd)
            ours.append(wall)
            ours_cpu.append(cpu)
            ours_rss.append(rss)
            wall, cpu, rss, err = timed(ossl_cmd)
            ossl.append(wall)
            ossl_cpu.append(cpu)
            ossl_rss.append(rss)
            w, c = err[-1].split()
            inner.append(float(w))
            inner_cpu.append(float(c))
        with open(ours_out, "rb") as a, open(ossl_out, "rb") as b:
            while True:
                x, y = a.read(1 << 20), b.read(1 << 20)
                if x != y:
                    sys.exit("outputs differ")
                if not x:
                    break
    med = statistics.median
    load = os.getloadavg()[0]
    import cryptography
    from cryptography.hazmat.backends.openssl import backend

    def row(name, a, b):
        return f"| {name} | {med(a) * 1000:.0f} ms | {med(b) * 1000:.0f} ms | {med(a) / med(b):.2f} |\n"

    body = (
        f"`python3 benches/cli_stream.py` (hand-run, not part of `cargo xtask bench`, which keeps "
        f"this section as it is): {args.mib} MiB of random bytes sealed with AES-128-CCM (11-byte "
        f"nonce, 16-byte tag) by `bulwark ccm seal --in F --out G` (release build, streaming "
        f"in 1 MiB chunks, `fsync` before the rename) and by OpenSSL's AES-CCM through Python's "
        f"`cryptography` ({cryptography.__version__}, {backend.openssl_version_text()}; read F, "
        f"`AESCCM.encrypt`, write H, no `fsync`), alternating, {args.rounds} rounds after one "
        f"warm-up each, files in the page cache; identical outputs. Medians per process; CPU "
        f"time is user + system (`/usr/bin/time`; for the inner Python figure "
        f"`time.process_time`), the fairer figure on a loaded machine (1-minute load average "
        f"at the end of this run: {load:.1f} on {os.cpu_count()} CPUs). Peak RSS from "
        f"`/usr/bin/time` (`ru_maxrss` of that process alone).\n\n"
        f"| measurement | bulwark | OpenSSL (Python) | ratio bulwark / OpenSSL |\n"
        f"|---|---:|---:|---:|\n"
        + row("wall time, whole process (start to exit)", ours, ossl)
        + row("CPU time, whole process", ours_cpu, ossl_cpu)
        + row("wall time; OpenSSL: read + seal + write only (no interpreter start or import)",
              ours, inner)
        + row("CPU time; OpenSSL: read + seal + write only", ours_cpu, inner_cpu)
        + f"| peak RSS (max over rounds) | {max(ours_rss) / 1024:.1f} MiB | "
        f"{max(ossl_rss) / 1024:.1f} MiB | |\n\n"
        f"Goal: at most 1.1x OpenSSL's time and at most 16 MiB resident. bulwark's wall time "
        f"includes waiting for the disk (the `fsync` of its output, and the block allocation "
        f"it forces), which OpenSSL's run leaves to the kernel's writeback after it exits; "
        f"its CPU time includes that writeback's CPU. OpenSSL holds the file, its "
        f"ciphertext and Python's copies in memory (the peak RSS).\n"
    )
    print(HEADING + "\n" + body)
    if args.write:
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "REPORT.md")
        with open(path) as f:
            text = f.read()
        if HEADING in text:
            start = text.index(HEADING)
            end = text.find("\n## ", start + len(HEADING))
            end = len(text) if end < 0 else end + 1
            text = text[:start] + HEADING + "\n" + body + "\n" + text[end:]
        else:
            ref = text.find("## References")
            ref = len(text) if ref < 0 else ref
            text = text[:ref] + HEADING + "\n" + body + "\n" + text[ref:]
        with open(path, "w") as f:
            f.write(text)
        print(f"updated {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
