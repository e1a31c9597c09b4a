#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (the `fuzz` preset: clang-14, ASan+UBSan, in
# build/fuzz) and runs each for a while, one after another on one core (-jobs=1 semantics: one
# process), printing the executions per target. docs/RELIABILITY.md "Fuzzing" lists the targets.
#   scripts/fuzz.sh [--seconds N] [--target NAME]... [--list]
#     --seconds N   per target (default 60)
#     --target NAME only this target (repeatable); names are the files tests/fuzz/<NAME>.cpp
#     --list        print the target names and exit
# Each target starts from its committed seeds (tests/fuzz/corpus/<NAME>) plus what earlier runs
# found (build/fuzz/corpus/<NAME>, where new inputs go; the source tree is never written). A
# crash, leak, sanitizer report or failed property stops that target; its input is kept under
# build/fuzz/artifacts/<NAME>/ and the command that replays it is printed. Exit status 1 if any
# target failed.
# Environment: JOBS (build parallelism, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
targets=()
list=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?--seconds needs a number}; shift ;;
    --seconds=*) seconds=${1#--seconds=} ;;
    --target) targets+=("${2:?--target needs a name}"); shift ;;
    --target=*) targets+=("${1#--target=}") ;;
    --list) list=1 ;;
    *) echo "fuzz.sh: unknown argument '$1' (see the header of scripts/fuzz.sh)" >&2; exit 2 ;;
  esac
  shift
done
case "$seconds" in
  '' | *[!0-9]*) echo "fuzz.sh: --seconds takes a whole number, not '$seconds'" >&2; exit 2 ;;
esac

all=()
for f in tests/fuzz/*.cpp; do
  all+=("$(basename "$f" .cpp)")
done
if [ "$list" -eq 1 ]; then
  printf '%s\n' "${all[@]}"
  exit 0
fi
if [ ${#targets[@]} -eq 0 ]; then
  targets=("${all[@]}")
fi
for t in "${targets[@]}"; do
  [ -f "tests/fuzz/$t.cpp" ] || { echo "fuzz.sh: no target '$t' (scripts/fuzz.sh --list)" >&2; exit 2; }
done

if ! command -v clang++-14 >/dev/null || ! compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  echo "fuzz.sh: needs clang-14 and libFuzzer (Debian: clang-14 libclang-rt-14-dev; scripts/install-deps.sh installs them)" >&2
  exit 2
fi

build=build/fuzz
start=$(date +%s)
cmake --preset fuzz >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target "${targets[@]/#/fuzz_}"
echo "fuzz.sh: build took $(( $(date +%s) - start ))s ($build)"

failed=0
rows=()
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  artifacts="$build/artifacts/$t"
  log="$build/logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  status=0
  # -timeout: a single input slower than 10 s is a hang, reported like a crash. -rss_limit_mb
  # catches runaway allocations. New inputs go to $work, the seeds are read only.
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # Inputs this and earlier runs added to the working corpus (the seeds not counted).
  inputs=$(find "$work" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    rows+=("$(printf '%-16s %4ss %12s execs %8s/s %6s found inputs  ok' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "$inputs")")
  else
    failed=1
    crash=$(ls -t "$artifacts" 2>/dev/null | head -1)
    rows+=("$(printf '%-16s %4ss %12s execs %8s/s %6s found inputs  FAILED (exit %s)' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "$inputs" "$status")")
    echo "fuzz.sh: $t failed; the report is in $log:" >&2
    grep -m1 -A12 -E "ERROR: |runtime error|fuzz property failed|==ERROR" "$log" >&2 || tail -20 "$log" >&2
    if [ -n "$crash" ]; then
      echo "fuzz.sh: replay with: $build/tests/fuzz/fuzz_$t $artifacts/$crash" >&2
    fi
  fi
done
printf 'fuzz.sh: %s\n' "${rows[@]}"
exit "$failed"
