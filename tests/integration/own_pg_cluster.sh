#!/usr/bin/env bash
# usage: own_pg_cluster.sh TEST_BINARY SOURCE_DIR
# Runs TEST_BINARY against a throwaway PostgreSQL cluster of its own, which the test may stop,
# start or crash while the shared test cluster stays untouched. For the test:
#   TRADEBOT_TEST_PG_URL    the cluster
#   TRADEBOT_TEST_PG_STOP   stops it (fast shutdown: every session is cut off)
#   TRADEBOT_TEST_PG_START  starts it again on the same port
#   TRADEBOT_TEST_PG_CRASH  stops it the way a power cut would (no shutdown checkpoint, unflushed
#                           WAL lost) and starts it again
set -euo pipefail
binary=$1
root=$2
export TRADEBOT_PG_STATE
TRADEBOT_PG_STATE=$(mktemp /tmp/tradebot-own-cluster-state.XXXXXX)
trap '"$root/scripts/pg-local.sh" stop >/dev/null 2>&1 || true; rm -f "$TRADEBOT_PG_STATE"' EXIT
TRADEBOT_TEST_PG_URL=$("$root/scripts/pg-local.sh" start)
dir=$(cat "$TRADEBOT_PG_STATE")
pg_ctl=/usr/lib/postgresql/15/bin/pg_ctl
as_owner=""
[ "$(id -u)" -eq 0 ] && as_owner="runuser -u postgres --"
# Output to the server log: pg_ctl start with captured output would not return (the postmaster
# keeps the pipe).
start="$as_owner $pg_ctl -D $dir/data -l $dir/server.log -w -t 60 start >/dev/null 2>&1"
export TRADEBOT_TEST_PG_URL
export TRADEBOT_TEST_PG_STOP="$as_owner $pg_ctl -D $dir/data -m fast -w stop >/dev/null"
export TRADEBOT_TEST_PG_START="$start"
export TRADEBOT_TEST_PG_CRASH="$as_owner $pg_ctl -D $dir/data -m immediate -w stop >/dev/null && $start"
"$binary"
