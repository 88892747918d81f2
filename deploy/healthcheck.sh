#!/bin/bash
# Docker HEALTHCHECK for newswire images: GET /livez on the service's HTTP listener with
# bash's /dev/tcp (the runtime image has no curl). Exit 0 on HTTP 200, 1 otherwise.
#
# The port comes from NEWSWIRE_HEALTHCHECK_PORT, else from NEWSWIRE_HTTP (host:port), else 9100.
set -u
addr="${NEWSWIRE_HTTP:-0.0.0.0:9100}"
port="${NEWSWIRE_HEALTHCHECK_PORT:-${addr##*:}}"
path="${1:-/livez}"
exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 4 status <&3 || exit 1
exec 3<&-
case "$status" in
  "HTTP/1."?" 200 "*) exit 0 ;;
  *) echo "newswire-healthcheck: ${path}: ${status%$'\r'}" >&2; exit 1 ;;
esac
