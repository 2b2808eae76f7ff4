#!/usr/bin/env bash
# Production recipe: two `streamlit run app.py` processes on 127.0.0.1 and nginx in front
# (sticky sessions, websocket upgrade, security headers). Stop everything with deploy/stop.sh.
#
# Settings (environment):
#   SMOP_PREFIX       state folder: nginx.conf, pid files, logs     (default: /tmp/smop-deploy)
#   SMOP_LISTEN       nginx's address:port                           (default: 127.0.0.1:8080)
#   SMOP_APP_PORTS    the app processes' loopback ports              (default: "8601 8602")
#   SMOP_SERVER_NAME  the public host name visitors use              (default: localhost)
#   SMOP_NGINX_USER   the user nginx's workers run as                (default: the caller)
#   SMOP_NGINX        the nginx binary                               (default: nginx on PATH)
# Prints the URL when every process answers its health check; exit status 1 otherwise.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
prefix="${SMOP_PREFIX:-/tmp/smop-deploy}"
listen="${SMOP_LISTEN:-127.0.0.1:8080}"
ports="${SMOP_APP_PORTS:-8601 8602}"
server_name="${SMOP_SERVER_NAME:-localhost}"
nginx_user="${SMOP_NGINX_USER:-$(id -un)}"
nginx_bin="${SMOP_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
python="${PYTHON:-python3}"

if [ ! -x "$nginx_bin" ]; then
  echo "run.sh: nginx not found (Debian: apt-get install -y nginx)" >&2
  exit 1
fi
if [ -e "$prefix/nginx.pid" ] || compgen -G "$prefix/app-*.pid" >/dev/null; then
  echo "run.sh: already running in $prefix (deploy/stop.sh first)" >&2
  exit 1
fi
mkdir -p "$prefix"
chmod 755 "$prefix"

# One cookie secret for both processes, so an XSRF token from one is good at the other.
secret="$("$python" -c 'import secrets; print(secrets.token_hex(32))')"

stop_all() { SMOP_PREFIX="$prefix" "$here/stop.sh" >/dev/null 2>&1 || true; }

upstreams=""
for port in $ports; do
  (
    cd "$root"
    export STREAMLIT_SERVER_COOKIE_SECRET="$secret"  # not allowed as a command-line flag
    exec "$python" -m streamlit run app.py \
      --server.address 127.0.0.1 --server.port "$port" --server.headless true \
      --browser.serverAddress "$server_name" --logger.level info
  ) >"$prefix/app-$port.log" 2>&1 &
  echo $! >"$prefix/app-$port.pid"
  upstreams+="        server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
done

sed -e "s|@PREFIX@|$prefix|g" -e "s|@LISTEN@|$listen|g" -e "s|@SERVER_NAME@|$server_name|g" \
    -e "s|@USER@|$nginx_user|g" \
    "$here/nginx.conf.template" | "$python" -c '
import sys
print(sys.stdin.read().replace("@UPSTREAMS@\n", sys.argv[1]), end="")' "$upstreams" >"$prefix/nginx.conf"

if ! "$nginx_bin" -t -q -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log"; then
  stop_all
  exit 1
fi
"$nginx_bin" -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log"

healthy() { curl -fsS --max-time 2 "$1/_stcore/health" 2>/dev/null | grep -q ok; }
deadline=$((SECONDS + ${SMOP_START_SECONDS:-90}))
for url in $(for port in $ports; do echo "http://127.0.0.1:$port"; done) "http://$listen"; do
  until healthy "$url"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "run.sh: $url did not answer its health check; logs in $prefix" >&2
      stop_all
      exit 1
    fi
    sleep 0.5
  done
done
echo "http://$listen"
