#!/usr/bin/env bash
# Failover time of an active/standby pair (docs/RELIABILITY.md, "Failover"): two tradebot
# processes on one PostgreSQL schema and one tradebot-sim account; ROUNDS times the active one is
# killed with SIGKILL and the time until the standby answers /ready 200 is measured (the lease
# running out, the standby's next look, its start-up reconciliation). Prints each takeover and
#   failover takeovers=N p50_ms=.. max_ms=.. min_ms=..
#   scripts/failover-bench.sh [ROUNDS [LEASE_MS]]   (default 20 rounds, ha.lease_duration_ms 5000
#                                                    with renewals every fifth; needs build/release)
# Uses TRADEBOT_TEST_PG_URL when set, else starts the throwaway cluster of scripts/pg-local.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
build=${TRADEBOT_BUILD_DIR:-$PWD/build/release}
exe=$build/tests/integration/app/integration_app
[ -x "$exe" ] || { echo "failover-bench: build the integration_app target first ($exe)" >&2; exit 2; }
if [ -z "${TRADEBOT_TEST_PG_URL:-}" ]; then
  export TRADEBOT_PG_STATE=${TRADEBOT_PG_STATE:-$build/pg-local.dir}
  TRADEBOT_TEST_PG_URL=$(scripts/pg-local.sh start)
  export TRADEBOT_TEST_PG_URL
fi
export TRADEBOT_BUILD_DIR=$build TRADEBOT_FAILOVER_ROUNDS=$rounds
if [ -n "${2:-}" ]; then
  export TRADEBOT_FAILOVER_LEASE_MS=$2
fi
"$exe" --gtest_filter='failover_test.bench_takeovers_after_kill_9' 2>&1 | grep -E '^(takeover|failover)|FAILED|PASSED'
