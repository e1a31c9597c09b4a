#!/usr/bin/env bash
# Installs what is missing, builds, starts a throwaway PostgreSQL and runs every test with ctest.
#   scripts/test.sh [ctest args...]     e.g. scripts/test.sh -L unit
#   scripts/test.sh --sanitize[=asan|tsan] [--unit] [ctest args...]
#       instead of PRESET: ASan+UBSan in build/asan, then TSan in build/tsan (or only the one
#       named), each built and tested on its own; the exit status fails if either run failed.
#   --unit  builds only the unit-test targets and runs only the tests labelled unit.
#   --fuzz[=SECONDS]  afterwards, builds the libFuzzer targets (clang, build/fuzz) and runs each
#       for SECONDS (default 5) from its seed corpus: scripts/fuzz.sh. Opt-in: their clang build
#       from scratch costs more than CI's budget allows (docs/RELIABILITY.md "Fuzzing").
# Environment: PRESET (default release), JOBS (default: number of cores). The sanitizers' options
# below come first in ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS and TSAN_OPTIONS; what the caller
# set there is appended and so wins.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=${JOBS:-$(nproc)}
presets=("${PRESET:-release}")
unit_only=0
fuzz_seconds=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) presets=(asan tsan) ;;
    --sanitize=asan) presets=(asan) ;;
    --sanitize=tsan) presets=(tsan) ;;
    --sanitize=*) echo "test.sh: --sanitize takes asan or tsan, not '${1#--sanitize=}'" >&2; exit 2 ;;
    --unit) unit_only=1 ;;
    --fuzz) fuzz_seconds=5 ;;
    --fuzz=*) fuzz_seconds=${1#--fuzz=} ;;
    *) break ;;
  esac
  shift
done
ctest_args=("$@")
if [ "$unit_only" -eq 1 ]; then
  ctest_args=(-L unit "${ctest_args[@]}")
fi

scripts/install-deps.sh
# The pinned npm clients that check tradebot-sim (tests/integration/sim_npm); the lockfile decides.
npm ci --prefix tests/integration/sim_npm --no-audit --no-fund --loglevel=error >/dev/null

# Its non-empty arguments joined with ':', the separator of the sanitizers' option strings.
join_options() {
  local IFS=: kept=() o
  for o in "$@"; do
    if [ -n "$o" ]; then kept+=("$o"); fi
  done
  echo "${kept[*]}"
}
# "suppressions=FILE" for scripts/sanitizers/<name>.supp when there is one (each entry there
# says why it is not our defect).
suppressions() {
  local file="$PWD/scripts/sanitizers/$1.supp"
  if [ -f "$file" ]; then echo "suppressions=$file"; fi
}
# halt_on_error: the first report fails the test that made it, with the report in its output.
sanitizer_env() {
  case "$1" in
    asan)
      ASAN_OPTIONS=$(join_options halt_on_error=1 detect_stack_use_after_return=1 check_initialization_order=1 \
        strict_init_order=1 "$(suppressions asan)" "${ASAN_OPTIONS:-}")
      UBSAN_OPTIONS=$(join_options halt_on_error=1 print_stacktrace=1 "$(suppressions ubsan)" "${UBSAN_OPTIONS:-}")
      LSAN_OPTIONS=$(join_options "$(suppressions lsan)" "${LSAN_OPTIONS:-}")
      export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
      ;;
    tsan)
      TSAN_OPTIONS=$(join_options halt_on_error=1 second_deadlock_stack=1 "$(suppressions tsan)" "${TSAN_OPTIONS:-}")
      export TSAN_OPTIONS
      ;;
  esac
}

describe() {
  case "$1" in
    asan) echo "ASan+UBSan" ;;
    tsan) echo "TSan" ;;
    *) echo "$1" ;;
  esac
}

pg_state=""
stop_pg() {
  if [ -n "$pg_state" ]; then
    TRADEBOT_PG_STATE="$pg_state" scripts/pg-local.sh stop >/dev/null 2>&1 || true
    pg_state=""
  fi
}
trap stop_pg EXIT

summary=()
failed=0
for preset in "${presets[@]}"; do
  name=$(describe "$preset")
  echo "test.sh: $name: building build/$preset"
  start=$(date +%s)
  cmake --preset "$preset" >/dev/null
  targets=()
  if [ "$unit_only" -eq 1 ]; then
    # tradebot_test() names a unit suite's executable unit_<name> (cmake/tradebot_module.cmake).
    mapfile -t targets < <(ninja -C "build/$preset" -t targets all | sed -n 's/^\(unit_[A-Za-z0-9_]*\): phony$/\1/p')
    [ ${#targets[@]} -gt 0 ] || { echo "test.sh: no unit_* targets in build/$preset" >&2; exit 1; }
    cmake --build "build/$preset" -j "$jobs" --target "${targets[@]}"
  else
    cmake --build "build/$preset" -j "$jobs"
  fi
  build_secs=$(( $(date +%s) - start ))
  echo "test.sh: build took ${build_secs}s ($name, build/$preset)"

  pg_state="$PWD/build/$preset/pg-local.dir"
  export TRADEBOT_PG_STATE="$pg_state"
  TRADEBOT_TEST_PG_URL=$(scripts/pg-local.sh start)
  export TRADEBOT_TEST_PG_URL
  export TRADEBOT_BUILD_DIR="$PWD/build/$preset"

  status=0
  # A subshell, so that one preset's sanitizer options do not reach the next one's run.
  (
    sanitizer_env "$preset"
    exec ctest --test-dir "build/$preset" --output-on-failure --timeout 300 -j "$jobs" "${ctest_args[@]}"
  ) || status=$?
  stop_pg
  if [ "$status" -eq 0 ]; then
    summary+=("$name: build ${build_secs}s, tests passed")
  else
    summary+=("$name: build ${build_secs}s, tests FAILED (ctest exit $status)")
    failed=1
  fi
done

if [ -n "$fuzz_seconds" ]; then
  start=$(date +%s)
  if JOBS="$jobs" scripts/fuzz.sh --seconds "$fuzz_seconds"; then
    summary+=("fuzz: ${fuzz_seconds}s per target, $(( $(date +%s) - start ))s with the build, no finding")
  else
    summary+=("fuzz: FAILED (scripts/fuzz.sh printed the input and the command that replays it)")
    failed=1
  fi
fi

if [ ${#summary[@]} -gt 1 ]; then
  printf 'test.sh: %s\n' "${summary[@]}"
fi
exit "$failed"
