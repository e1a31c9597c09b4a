#!/usr/bin/env bash
# Static checks of docker/ and packaging/: each is a ctest test (tests/integration/packaging), runnable by hand.
#   scripts/check-packaging.sh prometheus       promtool check config docker/prometheus/prometheus.yml
#   scripts/check-packaging.sh rules            promtool check rules and test rules on alerts.yml
#                                               (alerts.test.yml), and a broken rule must fail them
#   scripts/check-packaging.sh compose          docker compose config (or docker-compose config)
#   scripts/check-packaging.sh dashboards       every dashboard is JSON with unique panel ids, and
#                                               names only the provisioned data source
#   scripts/check-packaging.sh runtime-libs BIN...  every shared library BIN links directly comes from
#                                               a package the Dockerfile's runtime stage installs
#   scripts/check-packaging.sh systemd BIN      systemd-analyze verify packaging/systemd/*.service, with
#                                               ExecStart pointed at BIN; any warning fails. Without
#                                               systemd-analyze it fails, unless TRADEBOT_SKIP_SYSTEMD_VERIFY=1
# Exit codes: 0 passed, 1 failed, 77 skipped (a tool is missing; the message says which), 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() { echo "check-packaging: SKIPPED: $*"; exit 77; }
fail() { echo "check-packaging: FAILED: $*" >&2; exit 1; }

# promtool is a test dependency (scripts/install-deps.sh installs the Debian package prometheus): its
# absence fails, unless TRADEBOT_TEST_ALLOW_NO_PROMTOOL=1 asks for a skip.
need_promtool() {
  command -v promtool >/dev/null && return 0
  [ "${TRADEBOT_TEST_ALLOW_NO_PROMTOOL:-}" = 1 ] &&
    skip "promtool is not installed (Debian package prometheus, scripts/install-deps.sh); TRADEBOT_TEST_ALLOW_NO_PROMTOOL=1"
  fail "promtool is not installed: run scripts/install-deps.sh (Debian package prometheus), or set TRADEBOT_TEST_ALLOW_NO_PROMTOOL=1"
}

check_prometheus() {
  need_promtool
  [ -f docker/prometheus/alerts.yml ] || fail "docker/prometheus/alerts.yml, which prometheus.yml loads, is missing"
  # check config also checks the rule files the config names.
  promtool check config docker/prometheus/prometheus.yml
}

check_rules() {
  need_promtool
  promtool check rules docker/prometheus/alerts.yml
  promtool test rules docker/prometheus/alerts.test.yml
  # The unit tests must notice a broken rule: a copy with the rate-limit threshold raised past
  # what the test's series reach has to fail them.
  local tmp
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  cp docker/prometheus/alerts.yml docker/prometheus/alerts.test.yml "$tmp/"
  sed -i 's/tradebot_exchange_rate_limit_limit > 0.8)/tradebot_exchange_rate_limit_limit > 0.9)/' "$tmp/alerts.yml"
  ! cmp -s docker/prometheus/alerts.yml "$tmp/alerts.yml" || fail "the mutation found no rate-limit threshold to change"
  if promtool test rules "$tmp/alerts.test.yml" >"$tmp/out" 2>&1; then
    fail "promtool test rules passed on a broken rule (rate-limit threshold 0.9)"
  fi
  grep -q "TradebotRateLimitNearBan" "$tmp/out" || fail "a broken rate-limit rule failed some other test: $(cat "$tmp/out")"
  echo "check-packaging: alert rules checked and unit-tested; a broken rule fails the tests"
}

check_compose() {
  local compose=()
  if docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
  elif command -v docker-compose >/dev/null; then
    compose=(docker-compose)
  else
    skip "neither 'docker compose' (the Compose plugin) nor docker-compose (Debian package) is installed"
  fi
  # Empty variables: the file's own defaults must make a valid configuration.
  env -u POSTGRES_PASSWORD -u GRAFANA_ADMIN_PASSWORD -u TRADEBOT_MODE "${compose[@]}" -f docker/compose.yaml config -q
  local services
  services=$("${compose[@]}" -f docker/compose.yaml config --services | sort | tr '\n' ' ')
  [ "$services" = "grafana postgres prometheus tradebot tradebot-sim " ] || fail "services are '$services'"
  echo "check-packaging: ${compose[*]} config: ok ($services)"
}

check_dashboards() {
  command -v jq >/dev/null || skip "jq is not installed"
  local uid f n
  uid=$(sed -n 's/^ *uid: *//p' docker/grafana/provisioning/datasources/prometheus.yml | head -1)
  [ -n "$uid" ] || fail "no data source uid in docker/grafana/provisioning/datasources/prometheus.yml"
  n=0
  for f in docker/grafana/dashboards/*.json; do
    jq -e . "$f" >/dev/null || fail "$f is not JSON"
    jq -e '.uid and .title and (.panels | length > 0)' "$f" >/dev/null || fail "$f lacks uid, title or panels"
    [ "$(jq '[.panels[].id] | length' "$f")" = "$(jq '[.panels[].id] | unique | length' "$f")" ] ||
      fail "$f has duplicate panel ids"
    local others
    others=$(jq -r --arg uid "$uid" '[.. | objects | select(has("datasource")) | .datasource | objects | .uid
                                      | select(. != $uid and (startswith("$") | not))] | unique | join(" ")' "$f")
    [ -z "$others" ] || fail "$f names data sources that are not provisioned: $others"
    # Every non-row panel has a query, and every query an expression.
    [ "$(jq '[.panels[] | select(.type != "row") | select((.targets // []) | length == 0)] | length' "$f")" = 0 ] ||
      fail "$f has a panel without a query"
    [ "$(jq '[.panels[].targets[]? | select((.expr // "") == "")] | length' "$f")" = 0 ] ||
      fail "$f has a query without an expression"
    n=$((n + 1))
  done
  [ "$n" -gt 0 ] || fail "no dashboards in docker/grafana/dashboards"
  echo "check-packaging: $n dashboard(s) ok"
}

check_runtime_libs() {
  [ $# -gt 0 ] || { echo "usage: check-packaging.sh runtime-libs BIN..." >&2; exit 2; }
  command -v readelf >/dev/null && command -v dpkg-query >/dev/null || skip "readelf or dpkg-query is missing"
  # The runtime stage's package list: the words after 'apt-get install' up to the next '&&'.
  local installed
  installed=$(sed -n '/^FROM .* AS runtime/,$p' docker/Dockerfile | tr -d '\\' | tr '\n' ' ' |
              sed -n 's/.*apt-get install -y -q --no-install-recommends \([^&]*\)&&.*/\1/p')
  [ -n "$installed" ] || fail "no runtime 'apt-get install' in docker/Dockerfile"
  local bin lib path pkg bad=0
  for bin in "$@"; do
    for lib in $(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      # awk reads to the end: an early exit would break the pipe under pipefail.
      path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found {print $NF; found = 1}')
      [ -n "$path" ] || fail "$bin needs $lib, which is not installed here"
      # dpkg knows a file by the path its package ships: with the /usr merge, /lib/... or /usr/lib/...
      local real candidate
      real=$(readlink -f "$path")
      pkg=""
      for candidate in "$path" "$real" "${real#/usr}" "/usr$path"; do
        pkg=$({ dpkg -S "$candidate" 2>/dev/null || true; } | awk -F: 'NR == 1 {print $1}')
        [ -z "$pkg" ] || break
      done
      [ -n "$pkg" ] || fail "$bin needs $lib ($real), which no installed package ships"
      case "$pkg" in
        libc6|libstdc++6|libgcc-s1) continue ;;  # in every Debian image
      esac
      if ! grep -qw -- "$pkg" <<<"$installed"; then
        echo "check-packaging: $(basename "$bin") links $lib from $pkg, which the runtime stage does not install" >&2
        bad=1
      fi
    done
  done
  [ "$bad" -eq 0 ] || fail "add the package(s) to the runtime stage of docker/Dockerfile"
  echo "check-packaging: runtime libraries of $(for b in "$@"; do basename "$b"; done | tr '\n' ' ')are installed by the runtime stage"
}

check_systemd() {
  [ $# -eq 1 ] || { echo "usage: check-packaging.sh systemd TRADEBOT_BIN" >&2; exit 2; }
  # ExecStart needs an absolute path; a relative one is taken from where the script was called.
  local bin=$1
  [ "${bin#/}" != "$bin" ] || bin="$OLDPWD/$bin"
  [ -x "$bin" ] || { echo "check-packaging: $1 is not an executable" >&2; exit 2; }
  if ! command -v systemd-analyze >/dev/null; then
    [ "${TRADEBOT_SKIP_SYSTEMD_VERIFY:-0}" = 1 ] ||
      fail "systemd-analyze is not installed (Debian package systemd); TRADEBOT_SKIP_SYSTEMD_VERIFY=1 skips this check"
    skip "systemd-analyze is not installed and TRADEBOT_SKIP_SYSTEMD_VERIFY=1"
  fi
  local tmp unit out n=0
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  for unit in packaging/systemd/*.service; do
    # verify checks that ExecStart is executable: the built binary and the repository's script
    # stand in for the installed ones.
    sed -e "s|/usr/local/bin/tradebot |$bin |" -e "s|/usr/local/bin/tradebot-ssh-tunnel |$PWD/scripts/ssh-tunnel.sh |" \
      "$unit" > "$tmp/$(basename "$unit")"
    # verify reports a bad value as a warning and still exits 0: any output is a failure.
    out=$(systemd-analyze verify "$tmp/$(basename "$unit")" 2>&1) || fail "$unit: $out"
    [ -z "$out" ] || fail "$unit: $out"
    n=$((n + 1))
  done
  [ "$n" -gt 0 ] || fail "no units in packaging/systemd"
  echo "check-packaging: systemd-analyze verify: $n unit(s) ok"
}

case "${1:-}" in
  prometheus) check_prometheus ;;
  rules) check_rules ;;
  compose) check_compose ;;
  dashboards) check_dashboards ;;
  runtime-libs) shift; check_runtime_libs "$@" ;;
  systemd) shift; check_systemd "$@" ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
