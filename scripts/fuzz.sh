#!/usr/bin/env bash
# Runs every cargo-fuzz target under fuzz/ for SECONDS each (default 5), one after another.
#
#   scripts/fuzz.sh [SECONDS]
#
# Installs the pinned cargo-fuzz when it is missing. cargo-fuzz passes nightly-only flags
# (-Zsanitizer=address); RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them. Inputs that
# add coverage go to fuzz/corpus/TARGET (only the seed-* files there are tracked); a crash
# stops the script with the input under fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
CARGO_FUZZ_VERSION=0.13.2

if ! cargo fuzz --version 2>/dev/null | grep -qF "$CARGO_FUZZ_VERSION"; then
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi
export RUSTC_BOOTSTRAP=1
# Sanitizer builds get their own target dir: sharing the workspace's would rebuild both ways.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$PWD/fuzz/target}"
# fuzz/Cargo.lock pins versions but is not enforced (--locked): a dependency added to a
# crate under test must not fail the fuzz step; cargo adds it to the lock on the fly.
cd fuzz

build_start=$(date +%s)
cargo fuzz build -O
echo "fuzz: targets built in $(($(date +%s) - build_start)) s"
for target in $(cargo fuzz list); do
    echo "==> fuzz $target for ${seconds}s"
    cargo fuzz run -O "$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1
done
