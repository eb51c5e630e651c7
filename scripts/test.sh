#!/usr/bin/env bash
# Run the whole test suite: the real adb server, virtual devices, SQLite and a private PostgreSQL,
# and headless Chromium. Installs what a fresh Debian machine lacks (when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x /usr/bin/adb ] || need+=(adb)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
fi

# A private PostgreSQL for the store's tests (unless BT_TEST_DATABASE_URL already names one).
pgdir=""
as_pg=()
cleanup() {
  if [ -n "$pgdir" ]; then
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
}
trap cleanup EXIT
if [ -z "${BT_TEST_DATABASE_URL:-}" ]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$pgbin" ] && [ -x "$pgbin/initdb" ]; then
    pgdir=$(mktemp -d /tmp/bt-pg.XXXXXX)
    chmod 755 "$pgdir"
    port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chown postgres "$pgdir"; else as_pg=(); fi
    "${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres >/dev/null
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
      -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    "${as_pg[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres bt_test
    export BT_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/bt_test"
  else
    echo "scripts/test.sh: PostgreSQL not found; its tests will be skipped" >&2
  fi
fi

.venv/bin/python -m pytest "$@"
