#!/usr/bin/env bash
# Runs the benchmarks of issue 7 and rewrites the generated block of docs/BENCHMARKS.md.
#   scripts/bench.sh            build (Release flags of the 'release' preset), run, rewrite the doc
#   scripts/bench.sh --no-doc   the same, printing the tables without touching the doc
# Environment:
#   TRADEBOT_BENCH_BUILD   build dir (default build/bench); TRADEBOT_BENCH_TYPE (default RelWithDebInfo,
#                          the 'release' preset: -O2 -g; Release gives -O3)
#   BENCH_SECONDS          seconds per baseline frame set and min time per C++ benchmark (default 1)
#   BENCH_REPS             repetitions of each C++ benchmark; the median is reported (default 3)
#   BENCH_REBUILD_TARGETS  targets of the one-file incremental rebuild (default: bench_micro bench_stream)
#   BENCH_MOVES            trailing moves timed per venue by bench_trailing (default 100000)
#   E2E                    1 (default): also the end-to-end rows (tests/bench/e2e/run.sh: builds tradebot and
#                          tradebot-sim, ~5 min; E2E_POSITIONS, E2E_SYMBOLS, E2E_SIGNALS, E2E_POLL_SIGNALS,
#                          E2E_RSS_SECONDS tune it); 0 skips them
# C++ and baselines run one after the other in this one run over the same frames, so the ratio is
# meaningful even on a shared machine; absolute figures move with the machine's load (printed).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${TRADEBOT_BENCH_BUILD:-$root/build/bench}
build_type=${TRADEBOT_BENCH_TYPE:-RelWithDebInfo}
seconds=${BENCH_SECONDS:-1}
reps=${BENCH_REPS:-3}
write_doc=1
[ "${1:-}" = "--no-doc" ] && write_doc=0
rebuild_targets=${BENCH_REBUILD_TARGETS:-bench_micro bench_stream}
out=$(mktemp -d /tmp/tradebot-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "== configure + build ($build_type) in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" >/dev/null
e2e=${E2E:-1}
ninja -C "$build" -j2 bench_micro bench_stream bench_trailing bench_backtest bench_backtest_run
[ "$e2e" = 1 ] && ninja -C "$build" -j2 tradebot tradebot-sim
bin=$build/tests/bench

echo "== machine"
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "kernel=$(uname -sr)"
  echo "compiler=$("$(grep -m1 '^CMAKE_CXX_COMPILER:' "$build/CMakeCache.txt" | cut -d= -f2-)" --version | head -1)"
  echo "build_type=$build_type"
  echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo '+dirty')"
  echo "python=$(python3 --version 2>&1)"
  echo "node=$(node --version 2>/dev/null || echo missing)"
} | tee "$out/machine.env"

gbench=(--benchmark_min_time="$seconds" --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true
        --benchmark_format=console --benchmark_out_format=json)

echo "== micro-benchmarks"
"$bin/bench_micro" "${gbench[@]}" --benchmark_out="$out/micro.json"

echo "== parse + route: ours"
"$bin/bench_stream" --dump-frames="$out"
"$bin/bench_stream" "${gbench[@]}" --benchmark_out="$out/stream.json"
echo "== parse + route: Python baseline"
python3 "$root/tests/bench/baseline_consumer.py" "$out" "$seconds" | tee "$out/python.jsonl"
echo "== parse + route: Node baseline"
if command -v node >/dev/null; then
  node "$root/tests/bench/baseline_consumer.js" "$out" "$seconds" | tee "$out/node.jsonl"
else
  echo "node not installed: no Node baseline" | tee /dev/stderr
  : >"$out/node.jsonl"
fi
echo "== parse + route: ccxt (its own WebSocket handlers, no network)"
ccxt_modules=$root/tests/integration/sim_npm/node_modules
if command -v node >/dev/null && { [ -d "$ccxt_modules/ccxt" ] || npm ci --prefix "$root/tests/integration/sim_npm" >/dev/null; }; then
  node "$root/tests/bench/ccxt_consumer.js" "$out" "$seconds" "$ccxt_modules" | tee "$out/ccxt.jsonl"
else
  echo "node or the pinned ccxt (npm ci --prefix tests/integration/sim_npm) missing: no ccxt row" | tee /dev/stderr
  : >"$out/ccxt.jsonl"
fi

echo "== trailing move: mark-price frame -> stop request bytes (per move, steady clock)"
"$bin/bench_trailing" --moves="${BENCH_MOVES:-100000}" --out="$out/trailing.jsonl"
echo "== backtest replay through the protection policies"
"$bin/bench_backtest" "${gbench[@]}" --benchmark_out="$out/backtest.json"
echo "== the whole backtest: candles/s and signals/s"
"$bin/bench_backtest_run" --days=7 | tee "$out/backtest_run.json"

echo "== one-file incremental rebuild (touch src/core/decimal.cpp; ccache off so it really compiles)"
ninja -C "$build" -j2 $rebuild_targets >/dev/null
touch "$root/src/core/decimal.cpp"
start=$(date +%s.%N)
CCACHE_DISABLE=1 ninja -C "$build" -j2 $rebuild_targets >"$out/rebuild.log"
end=$(date +%s.%N)
steps=$(grep -c '^\[' "$out/rebuild.log" || true)
echo "rebuild_seconds=$(echo "$end - $start" | bc)" | tee -a "$out/machine.env"
echo "rebuild_steps=$steps" | tee -a "$out/machine.env"
echo "rebuild_targets=$rebuild_targets" >>"$out/machine.env"

if [ "$e2e" = 1 ]; then
  echo "== end-to-end: daemon against tradebot-sim (cold start, RSS, signal -> order)"
  "$root/tests/bench/e2e/run.sh" "$build" "$out" || echo "end-to-end benchmarks failed (rows left out)" >&2
fi

python3 "$root/tests/bench/render_tables.py" "$out" "$root/docs/BENCHMARKS.md" "$write_doc" \
  "${build#"$root"/}" "$seconds" "$reps"
