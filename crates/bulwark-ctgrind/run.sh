#!/usr/bin/env bash
# Constant-time check of bulwark's secret-handling operations under valgrind memcheck.
#
#   crates/bulwark-ctgrind/run.sh            # the CI entry: self-test + AES-NI run + soft-AES run
#
# Fails (non-zero) on any unsuppressed valgrind report, or if the self-test's deliberate leaks
# are NOT reported. Release builds (debug assertions and overflow checks would give thousands of
# false reports) with full debug info (for readable reports and `src:` suppressions), in their
# own target directories so the workspace's normal release build is not invalidated.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v valgrind >/dev/null; then
    echo "ctgrind: valgrind not found, installing it" >&2
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq valgrind
fi

export CARGO_PROFILE_RELEASE_DEBUG=2

build() { # target-dir [RUSTFLAGS]
    RUSTFLAGS="${2:-}" cargo build -q -p bulwark-ctgrind --release --target-dir "$1"
}

echo "== ctgrind 1/3: self-test (deliberate secret branch and table index MUST be reported)"
build target/ctgrind
set +e
BULWARK_CTGRIND_SELF_TEST=1 target/ctgrind/release/bulwark-ctgrind >target/ctgrind/self-test.out 2>target/ctgrind/self-test.err
rc=$?
set -e
cat target/ctgrind/self-test.out
if [ "$rc" -eq 0 ] \
    || ! grep -q '^self-test-secret-branch .*LEAK' target/ctgrind/self-test.out \
    || ! grep -q '^self-test-secret-index .*LEAK' target/ctgrind/self-test.out \
    || grep -v '^self-test' target/ctgrind/self-test.out | grep -q 'LEAK'; then
    echo "ctgrind: SELF-TEST FAILED: the deliberate leaks were not (only) what was reported" >&2
    cat target/ctgrind/self-test.err >&2
    exit 1
fi
echo "ctgrind: self-test ok (exit $rc, both deliberate leaks reported, nothing else)"

echo "== ctgrind 2/3: default build (AES-NI where the CPU has it)"
target/ctgrind/release/bulwark-ctgrind

echo "== ctgrind 3/3: aes crate forced to its bitsliced software backend"
build target/ctgrind-soft-aes '--cfg aes_backend="soft"'
target/ctgrind-soft-aes/release/bulwark-ctgrind
echo "ctgrind: all runs clean"
