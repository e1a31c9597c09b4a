#!/usr/bin/env bash
# The newcomer's tour: installs what is missing, builds, starts a throwaway PostgreSQL, runs
# `tradebot --mode test` (paper trading) with the shipped config, shows /health, /ready, /status
# and /metrics, inserts a signal and shows it arrive over LISTEN/NOTIFY, starts tradebot-sim (the local
# Binance/Bybit simulator) and trades on it by hand, then stops everything cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=${PRESET:-release}
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "1/7 installing missing Debian packages"
scripts/install-deps.sh

step "2/7 building (preset $preset; first build takes a few minutes)"
cmake --preset "$preset" >/dev/null
cmake --build "build/$preset" -j "$(nproc)" --target tradebot tradebot-sim
bin="build/$preset/src/bin/tradebot"
sim="build/$preset/src/bin/tradebot-sim"

work=$(mktemp -d /tmp/tradebot-demo.XXXXXX)
export TRADEBOT_PG_STATE="$work/pg.dir"
bot_pid=""
sim_pid=""
cleanup() {
  if [ -n "$bot_pid" ] && kill -0 "$bot_pid" 2>/dev/null; then kill -TERM "$bot_pid"; wait "$bot_pid" || true; fi
  if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then kill -TERM "$sim_pid"; wait "$sim_pid" || true; fi
  scripts/pg-local.sh stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step "3/7 starting a throwaway PostgreSQL 15"
pg_url=$(scripts/pg-local.sh start)
echo "database: $pg_url"

port=""
for _ in $(seq 1 100); do
  candidate=$(( 18000 + RANDOM % 2000 ))
  ss -ltn "sport = :$candidate" | grep -q ":$candidate" || { port=$candidate; break; }
done
[ -n "$port" ] || { echo "demo: no free port for the HTTP server" >&2; exit 1; }
export TRADEBOT_DATABASE_URL="$pg_url"
export TRADEBOT_HTTP_PORT="$port"
export TRADEBOT_APP_PID_FILE="$work/tradebot.pid"
export TRADEBOT_LOGGING_FILE="$work/tradebot.log"

step "4/7 checking the configuration: $bin check --config config"
"$bin" check --config config

step "5/7 running: $bin --mode test --config config"
"$bin" --mode test --config config >"$work/stdout.log" 2>&1 &
bot_pid=$!
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$bot_pid" 2>/dev/null || { echo "tradebot exited early:"; cat "$work/stdout.log"; exit 1; }
  sleep 0.1
done
echo "--- GET /health";  curl -s "http://127.0.0.1:$port/health"; echo
echo "--- GET /ready";   curl -s "http://127.0.0.1:$port/ready"; echo
echo "--- GET /status";  curl -s "http://127.0.0.1:$port/status"; echo

echo "--- inserting a signal row; the insert trigger NOTIFYs the running bot"
psql -q "$pg_url" -c "INSERT INTO trading_bot.signals (source, exchange, symbol, side, score_week, score_month)
                      VALUES ('demo', 'binance', 'BTCUSDT', 'buy', 82.5, 90.1)"
for _ in $(seq 1 50); do
  grep -q 'signal received' "$work/stdout.log" && break
  sleep 0.1
done
grep 'signal received' "$work/stdout.log" || echo "(signal not seen in the log)"
echo "--- GET /metrics (tradebot_ counters and gauges; histogram buckets left out)"
curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics.txt"
grep -E '^tradebot_' "$work/metrics.txt" | grep -v '_bucket{' | awk 'NR <= 25'
if command -v promtool >/dev/null; then
  promtool check metrics <"$work/metrics.txt" && echo "promtool check metrics: OK"
fi

step "6/7 tradebot-sim: Binance USD-M and Bybit V5 on local ports, TLS with a fresh certificate"
"$sim" --scenario config/sim/default.yaml --binance-port 0 --bybit-port 0 --ports-file "$work/sim-ports.json" \
  --cert-out "$work/sim-cert.pem" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do [ -s "$work/sim-ports.json" ] && break; sleep 0.1; done
binance_port=$(sed -E 's/.*"binance":([0-9]+).*/\1/' "$work/sim-ports.json")
bybit_port=$(sed -E 's/.*"bybit":([0-9]+).*/\1/' "$work/sim-ports.json")
binance="https://127.0.0.1:$binance_port"
bybit="https://127.0.0.1:$bybit_port"
get() { curl -s --cacert "$work/sim-cert.pem" "$@"; echo; }
echo "--- Binance GET /fapi/v1/premiumIndex?symbol=BTCUSDT"; get "$binance/fapi/v1/premiumIndex?symbol=BTCUSDT"
echo "--- Bybit GET /v5/market/tickers?category=linear&symbol=BTCUSDT (the same market)"
get "$bybit/v5/market/tickers?category=linear&symbol=BTCUSDT" | cut -c1-220
echo "--- a signed Binance market order (HMAC-SHA256 with the scenario's key), then positionRisk"
signed() {  # signed METHOD PATH QUERY
  local q="$3&timestamp=$(date +%s%3N)"
  local sig; sig=$(printf '%s' "$q" | openssl dgst -sha256 -hmac sim-api-secret | sed 's/^.* //')
  curl -s --cacert "$work/sim-cert.pem" -X "$1" -H "X-MBX-APIKEY: sim-api-key" "$binance$2?$q&signature=$sig"; echo
}
signed POST /fapi/v1/order "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.010&newOrderRespType=RESULT" | cut -c1-240
signed GET /fapi/v3/positionRisk "symbol=BTCUSDT" | cut -c1-240
echo "--- the same request with a wrong signature: the venue's own error"
curl -s --cacert "$work/sim-cert.pem" -H "X-MBX-APIKEY: sim-api-key" \
  "$binance/fapi/v3/balance?timestamp=$(date +%s%3N)&signature=00"; echo
kill -TERM "$sim_pid"; wait "$sim_pid" && echo "tradebot-sim exited cleanly (status 0)"
sim_pid=""

step "7/7 stopping tradebot with SIGTERM"
kill -TERM "$bot_pid"
wait "$bot_pid" && echo "tradebot exited cleanly (status 0)"
bot_pid=""
echo "--- last log lines"
tail -5 "$work/stdout.log"

cat <<MSG

Done. Paper trading of signals on the simulator (positions opening with stops, trailing, aged
exits) comes with the trading-core work; see docs/FEATURES.md for what is done and
docs/SIMULATOR.md for everything tradebot-sim serves.
MSG
