#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and the demo.
#   scripts/pg-local.sh start [DIR]   initdb into DIR (default: a new temp dir), start on a free
#                                     loopback port, create database fox_crypto; prints the URL
#   scripts/pg-local.sh url [DIR]     prints postgresql://... for a running cluster
#   scripts/pg-local.sh stop [DIR]    stops the cluster and deletes DIR
# The state dir is remembered in $TRADEBOT_PG_DIR or ./.cache/pg-local.dir.
# Tests run it with fsync off; $TRADEBOT_PG_CONF (postgresql.conf lines) is appended after that,
# e.g. "fsync = on" for a benchmark that should pay what a production server pays.
# initdb refuses to run as root, so as root the cluster runs as the 'postgres' user.
set -euo pipefail

cmd=${1:-}
state_file=${TRADEBOT_PG_STATE:-$PWD/.cache/pg-local.dir}
pg_bin=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)
[ -n "$pg_bin" ] || { echo "pg-local: PostgreSQL 15 not installed (run scripts/install-deps.sh)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

resolve_dir() {
  if [ -n "${2:-}" ]; then echo "$2"; elif [ -n "${TRADEBOT_PG_DIR:-}" ]; then echo "$TRADEBOT_PG_DIR";
  elif [ -f "$state_file" ]; then cat "$state_file"; else echo ""; fi
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! ss -ltn "sport = :$port" 2>/dev/null | grep -q ":$port"; then echo "$port"; return; fi
  done
  echo "pg-local: no free port found" >&2; exit 1
}

case "$cmd" in
  start)
    dir=${2:-$(mktemp -d /tmp/tradebot-pg.XXXXXX)}
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    port=$(free_port)
    as_owner "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
full_page_writes = off
max_connections = 100
${TRADEBOT_PG_CONF:-}
CONF
    as_owner "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres fox_crypto
    mkdir -p "$(dirname "$state_file")"
    echo "$dir" >"$state_file"
    echo "postgresql://postgres@127.0.0.1:$port/fox_crypto"
    ;;
  url)
    dir=$(resolve_dir "$@")
    [ -n "$dir" ] && [ -f "$dir/port" ] || { echo "pg-local: no running cluster" >&2; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/fox_crypto"
    ;;
  stop)
    dir=$(resolve_dir "$@")
    [ -n "$dir" ] || { echo "pg-local: no cluster to stop"; exit 0; }
    if [ -d "$dir/data" ]; then
      as_owner "$pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    case "$dir" in /tmp/tradebot-pg.*) rm -rf "$dir" ;; esac
    [ -f "$state_file" ] && [ "$(cat "$state_file")" = "$dir" ] && rm -f "$state_file"
    echo "pg-local: stopped"
    ;;
  *)
    echo "usage: scripts/pg-local.sh start|url|stop [DIR]" >&2
    exit 2
    ;;
esac
