#!/usr/bin/env bash
# usage: run.sh TEST_BINARY SOURCE_DIR
# A PostgreSQL cluster of the test's own, which it stops and starts under a running daemon:
# TRADEBOT_TEST_PG_STOP stops it (fast shutdown: every session is cut off), TRADEBOT_TEST_PG_START
# starts it again on the same port.
set -euo pipefail
binary=$1
root=$2
export TRADEBOT_PG_STATE
TRADEBOT_PG_STATE=$(mktemp /tmp/tradebot-outage-state.XXXXXX)
trap '"$root/scripts/pg-local.sh" stop >/dev/null 2>&1 || true; rm -f "$TRADEBOT_PG_STATE"' EXIT
TRADEBOT_TEST_PG_URL=$("$root/scripts/pg-local.sh" start)
dir=$(cat "$TRADEBOT_PG_STATE")
pg_ctl=/usr/lib/postgresql/15/bin/pg_ctl
as_owner=""
[ "$(id -u)" -eq 0 ] && as_owner="runuser -u postgres --"
export TRADEBOT_TEST_PG_URL
export TRADEBOT_TEST_PG_STOP="$as_owner $pg_ctl -D $dir/data -m fast -w stop >/dev/null"
# Output to the server log: pg_ctl start with captured output would not return (the postmaster
# keeps the pipe).
export TRADEBOT_TEST_PG_START="$as_owner $pg_ctl -D $dir/data -l $dir/server.log -w -t 60 start >/dev/null 2>&1"
"$binary"
