#!/usr/bin/env bash
# Fuzz smoke run: builds every target once, then runs each for SECONDS seconds from its
# committed seed corpus. The same command with a larger number is the "run it longer" command.
#
#   fuzz/smoke.sh 30            # every target, 30 s each
#   fuzz/smoke.sh 600 ccm_open  # one or more named targets
#
# Installs what it needs: the pinned nightly (fuzz/rust-toolchain.toml) via rustup, and
# cargo-fuzz via `cargo install cargo-fuzz --locked`. The committed corpus is copied to a
# scratch directory (fuzz/target/smoke/corpus/<target>), so runs never add files to the
# repository. Extra cargo-fuzz build flags can be given in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-O to
# build without debug assertions, faster for the elliptic-curve targets; or "-s none" for no
# AddressSanitizer). On a crash: prints the reproducer path and the input's hex, exits non-zero.
set -euo pipefail

SECONDS_PER_TARGET="${1:-30}"
shift || true
cd "$(dirname "$0")"
FUZZ_DIR="$PWD"

TOOLCHAIN="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)"
if ! rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1; then
    echo "== installing $TOOLCHAIN"
    rustup toolchain install "$TOOLCHAIN" --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    (cd / && cargo install cargo-fuzz --locked)
fi

if [ "$#" -gt 0 ]; then
    TARGETS=("$@")
else
    mapfile -t TARGETS < <(cargo +"$TOOLCHAIN" fuzz list)
fi

echo "== building ${#TARGETS[@]} targets ($TOOLCHAIN, AddressSanitizer)"
start=$(date +%s)
cargo +"$TOOLCHAIN" fuzz build ${FUZZ_FLAGS:-}
echo "== build took $(( $(date +%s) - start )) s"

SCRATCH="$FUZZ_DIR/target/smoke"
mkdir -p "$SCRATCH"
summary=()
status=0
for t in "${TARGETS[@]}"; do
    work="$SCRATCH/corpus/$t"
    rm -rf "$work"
    mkdir -p "$work" "$SCRATCH/artifacts/$t"
    if [ -d "corpus/$t" ]; then
        cp corpus/"$t"/* "$work"/ 2>/dev/null || true
    fi
    log="$SCRATCH/$t.log"
    echo "== $t: ${SECONDS_PER_TARGET}s"
    set +e
    cargo +"$TOOLCHAIN" fuzz run ${FUZZ_FLAGS:-} "$t" "$work" -- \
        -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 \
        -artifact_prefix="$SCRATCH/artifacts/$t/" >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    # `|| true`: a crash on a seed leaves no coverage line (and pipefail would end the run).
    cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
    if [ "$rc" -ne 0 ]; then
        status=1
        echo "!! $t FAILED (exit $rc); log: $log"
        grep -E 'panicked at|ERROR: |SUMMARY' "$log" | head -5 || true
        for crash in "$SCRATCH/artifacts/$t"/*; do
            [ -f "$crash" ] || continue
            echo "   reproducer: $crash"
            echo "   input (hex): $(od -An -v -tx1 "$crash" | tr -d ' \n' | cut -c1-2000)"
            echo "   replay: (cd $FUZZ_DIR && cargo +$TOOLCHAIN fuzz run $t $crash)"
        done
        summary+=("$(printf '%-20s CRASH  execs=%s' "$t" "${execs:-?}")")
    else
        summary+=("$(printf '%-20s ok     execs=%-10s execs/s=%-7s cov=%s' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}")")
    fi
done

echo "== summary (${SECONDS_PER_TARGET}s per target)"
printf '%s\n' "${summary[@]}"
exit "$status"
