#!/usr/bin/env bash
# usage: run.sh TEST_BINARY SOURCE_DIR
# A throwaway cluster that the test may crash: TRADEBOT_TEST_PG_CRASH is the command that stops it
# the way a power cut would (no shutdown checkpoint, unflushed WAL lost) and starts it again.
set -euo pipefail
binary=$1
root=$2
export TRADEBOT_PG_STATE
TRADEBOT_PG_STATE=$(mktemp /tmp/tradebot-crash-state.XXXXXX)
trap '"$root/scripts/pg-local.sh" stop >/dev/null 2>&1 || true; rm -f "$TRADEBOT_PG_STATE"' EXIT
TRADEBOT_TEST_PG_URL=$("$root/scripts/pg-local.sh" start)
dir=$(cat "$TRADEBOT_PG_STATE")
pg_ctl=/usr/lib/postgresql/15/bin/pg_ctl
as_owner=""
[ "$(id -u)" -eq 0 ] && as_owner="runuser -u postgres --"
export TRADEBOT_TEST_PG_URL
export TRADEBOT_TEST_PG_CRASH="$as_owner $pg_ctl -D $dir/data -m immediate -w stop >/dev/null && \
$as_owner $pg_ctl -D $dir/data -l $dir/server.log -w -t 60 start >/dev/null"
"$binary"
