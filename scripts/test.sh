#!/usr/bin/env bash
# Installs what is missing, builds, starts a throwaway PostgreSQL and runs every test with ctest.
#   scripts/test.sh [ctest args...]     e.g. scripts/test.sh -L unit
# Environment: PRESET (default release), JOBS (default: number of cores).
set -euo pipefail
cd "$(dirname "$0")/.."

preset=${PRESET:-release}
jobs=${JOBS:-$(nproc)}

scripts/install-deps.sh
# The pinned npm clients that check tradebot-sim (tests/integration/sim_npm); the lockfile decides.
npm ci --prefix tests/integration/sim_npm --no-audit --no-fund --loglevel=error >/dev/null

start=$(date +%s)
cmake --preset "$preset" >/dev/null
cmake --build "build/$preset" -j "$jobs"
echo "test.sh: build took $(( $(date +%s) - start ))s"

export TRADEBOT_PG_STATE="$PWD/build/$preset/pg-local.dir"
TRADEBOT_TEST_PG_URL=$(scripts/pg-local.sh start)
export TRADEBOT_TEST_PG_URL
trap 'scripts/pg-local.sh stop >/dev/null 2>&1 || true' EXIT

export TRADEBOT_BUILD_DIR="$PWD/build/$preset"
ctest --test-dir "build/$preset" --output-on-failure --timeout 300 -j "$jobs" "$@"
