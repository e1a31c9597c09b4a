#!/usr/bin/env bash
# Checks that every metric a dashboard or a rule file names is exported by a real tradebot.
#   scripts/check-metric-names.sh METRICS FILE...
#     METRICS  the Prometheus text of a scrape: a file, '-' for stdin, or an http(s):// URL to scrape
#     FILE     Grafana dashboards (JSON), Prometheus rule or config files (YAML), anything with PromQL
# Every word of a FILE that looks like one of our metric names (tradebot_* and the process_*
# collector's) must be the name of a sample in METRICS; histogram series are named as exported
# (x_bucket, x_sum, x_count). Prints each missing name with the files naming it.
# Exit codes: 0 all found, 1 some missing, 2 usage error or unreadable input.
set -euo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
source=$1
shift

case "$source" in
  http://*|https://*) metrics=$(curl -sSf --max-time 10 "$source") || { echo "check-metric-names: cannot scrape $source" >&2; exit 2; } ;;
  -) metrics=$(cat) ;;
  *) [ -r "$source" ] || { echo "check-metric-names: cannot read $source" >&2; exit 2; }; metrics=$(cat "$source") ;;
esac

# Sample names: the first word of each line that is not a comment, up to '{' or a blank.
exported=$(printf '%s\n' "$metrics" | grep -v '^#' | sed -n 's/^\([a-zA-Z_:][a-zA-Z0-9_:]*\)[{ ].*/\1/p' | sort -u)
if [ -z "$exported" ]; then
  echo "check-metric-names: $source holds no samples" >&2
  exit 2
fi

missing=0
checked=0
for file in "$@"; do
  [ -r "$file" ] || { echo "check-metric-names: cannot read $file" >&2; exit 2; }
done
names=$(grep -ohE '\b(tradebot|process)_[a-zA-Z0-9_]*[a-zA-Z0-9]\b' "$@" | sort -u || true)
if [ -z "$names" ]; then
  echo "check-metric-names: no metric names found in $*" >&2
  exit 2
fi
for name in $names; do
  checked=$((checked + 1))
  if ! grep -qxF "$name" <<<"$exported"; then
    echo "missing: $name (named in $(grep -lw "$name" "$@" | tr '\n' ' '| sed 's/ $//'))"
    missing=$((missing + 1))
  fi
done
if [ "$missing" -gt 0 ]; then
  echo "check-metric-names: $missing of $checked metric names are not exported by $source"
  exit 1
fi
echo "check-metric-names: all $checked metric names found in $source"
