#!/usr/bin/env bash
# The seeded fault matrix with crashes (issue 19; tests/integration/chaos/chaos.py):
#   scripts/chaos.sh [--runs N] [--seed S] [--jobs J] [--json FILE] [--keep] [--self-check]
#   scripts/chaos.sh --report FILE      the summary of a --json file
# runs the scenarios of seeds S .. S+N-1 (default: 1000 runs from seed 1 on every core), each the
# real daemon against tradebot-sim and a PostgreSQL cluster of its worker. A failure prints its
# seed, what went wrong, its logs and the one command that replays it; the summary counts the
# faults injected by kind, the crashes survived by step and the PostgreSQL restarts and crashes.
# BUILD_DIR (default build/release) holds the built binaries (cmake --build ... --target tradebot tradebot-sim).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build/release}
runs=1000
seed=1
jobs=$(nproc)
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift ;;
    --seed) seed=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --json) extra+=(--json "$2"); shift ;;
    --keep) extra+=(--keep) ;;
    --self-check) extra+=(--self-check) ;;
    --report) exec python3 tests/integration/chaos/chaos.py --report "$2" ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "chaos.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done
for b in tradebot tradebot-sim; do
  [ -x "$build/src/bin/$b" ] || { echo "chaos.sh: $build/src/bin/$b not built" >&2; exit 2; }
done
exec python3 tests/integration/chaos/chaos.py --bin "$build/src/bin" --source "$PWD" \
  --runs "$runs" --seed "$seed" --jobs "$jobs" "${extra[@]}"
