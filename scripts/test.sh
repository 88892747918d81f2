#!/usr/bin/env bash
# Runs newswire's whole test suite on a fresh Debian machine with Rust:
# installs what the build and the tests need, starts the services the tests talk to
# (PostgreSQL; the Kafka tests start their own Tansu broker), then runs cargo test.
#
#   scripts/test.sh              # everything
#   scripts/test.sh -p newswire-enrich   # extra arguments go to cargo test
#
# Point the database tests at another server with NEWSWIRE_TEST_POSTGRES_URL
# (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

echo "==> cargo test --workspace $*"
cargo test --workspace --locked "$@"
