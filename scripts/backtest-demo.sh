#!/usr/bin/env bash
# Backtest demo: generates the deterministic sample data (scripts/gen-sample-data.py, no
# downloads), replays it through `tradebot backtest` with the repository's config/, and prints
# the summary and the path of the HTML report.
#
#   scripts/backtest-demo.sh [extra tradebot backtest options, e.g. --intrabar optimistic]
#
# TRADEBOT_BIN: the tradebot binary (default build/release/src/bin/tradebot, built if missing).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin="${TRADEBOT_BIN:-$root/build/release/src/bin/tradebot}"
if [[ ! -x "$bin" ]]; then
  echo "building tradebot ..." >&2
  cmake --preset release >/dev/null
  cmake --build build/release -j2 --target tradebot >/dev/null
fi
data="$root/build/sample-data"
out="$root/build/backtest-demo"
python3 "$root/scripts/gen-sample-data.py" --out "$data" >/dev/null
"$bin" backtest --klines "$data/klines" --funding "$data/funding" --signals "$data/signals.csv" --config "$root/config" --out "$out" "$@"
