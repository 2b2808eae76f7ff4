#!/usr/bin/env bash
# Stops what deploy/run.sh started (nginx, then the app processes), by the pid files in SMOP_PREFIX.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${SMOP_PREFIX:-/tmp/smop-deploy}"
nginx_bin="${SMOP_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
status=0

if [ -e "$prefix/nginx.pid" ]; then
  "$nginx_bin" -q -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" -s quit 2>/dev/null \
    || kill "$(cat "$prefix/nginx.pid")" 2>/dev/null || true
  for _ in $(seq 100); do [ -e "$prefix/nginx.pid" ] || break; sleep 0.1; done
  rm -f "$prefix/nginx.pid"
fi

for pidfile in "$prefix"/app-*.pid; do
  [ -e "$pidfile" ] || continue
  pid="$(cat "$pidfile")"
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { kill -9 "$pid" 2>/dev/null || status=1; }
  fi
  rm -f "$pidfile"
done
exit "$status"
