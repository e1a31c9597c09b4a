#!/usr/bin/env bash
# The newcomer's tour: installs what is missing, builds, starts a throwaway PostgreSQL and
# tradebot-sim (the local Binance/Bybit simulator), runs `tradebot --mode test` (paper trading on
# the simulator's prices), inserts a wave of signals and shows positions opening with exchange-side
# stops, a trailing move, a stop-out, an aged exit across a restart, then a summary table and the
# metrics. A few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=${PRESET:-release}
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "1/9 installing missing Debian packages"
scripts/install-deps.sh

step "2/9 building (preset $preset; first build takes a few minutes)"
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

step "3/9 starting a throwaway PostgreSQL 15"
pg_url=$(scripts/pg-local.sh start)
echo "database: $pg_url"
sql() { psql -q "$pg_url" -v ON_ERROR_STOP=1 "$@"; }

step "4/9 starting tradebot-sim: Binance USD-M and Bybit V5 on local TLS ports, prices held still"
"$sim" --scenario config/sim/default.yaml --paused --binance-port 0 --bybit-port 0 \
  --ports-file "$work/sim-ports.json" --cert-out "$work/sim-cert.pem" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do [ -s "$work/sim-ports.json" ] && break; sleep 0.1; done
[ -s "$work/sim-ports.json" ] || { echo "tradebot-sim did not start:"; cat "$work/sim.log"; exit 1; }
binance_port=$(sed -E 's/.*"binance":([0-9]+).*/\1/' "$work/sim-ports.json")
bybit_port=$(sed -E 's/.*"bybit":([0-9]+).*/\1/' "$work/sim-ports.json")
echo "binance: https://127.0.0.1:$binance_port   bybit: https://127.0.0.1:$bybit_port"
sim_ctl() {  # sim_ctl PATH JSON: the simulator's control API (both venues share one market)
  curl -sf --cacert "$work/sim-cert.pem" -X POST -d "$2" "https://127.0.0.1:$binance_port$1" >/dev/null
}

port=""
for _ in $(seq 1 100); do
  candidate=$(( 18000 + RANDOM % 2000 ))
  ss -ltn "sport = :$candidate" | grep -q ":$candidate" || { port=$candidate; break; }
done
[ -n "$port" ] || { echo "demo: no free port for the HTTP server" >&2; exit 1; }
# The shipped config, pointed at the simulator through the environment (docs/CONFIG.md).
export TRADEBOT_DATABASE_URL="$pg_url"
export TRADEBOT_HTTP_PORT="$port"
export TRADEBOT_APP_PID_FILE="$work/tradebot.pid"
export TRADEBOT_LOGGING_FILE="$work/tradebot.log"
for venue in BINANCE BYBIT; do
  p=$binance_port; [ "$venue" = BYBIT ] && p=$bybit_port
  export "TRADEBOT_EXCHANGES_${venue}_ENDPOINT=custom"
  export "TRADEBOT_EXCHANGES_${venue}_REST_URL=https://127.0.0.1:$p"
  export "TRADEBOT_EXCHANGES_${venue}_CA_FILE=$work/sim-cert.pem"
done
export TRADEBOT_EXCHANGES_BINANCE_WS_PUBLIC_URL="wss://127.0.0.1:$binance_port/public"
export TRADEBOT_EXCHANGES_BINANCE_WS_MARKET_URL="wss://127.0.0.1:$binance_port/market"
export TRADEBOT_EXCHANGES_BINANCE_WS_PRIVATE_URL="wss://127.0.0.1:$binance_port/private"
export TRADEBOT_EXCHANGES_BYBIT_WS_PUBLIC_URL="wss://127.0.0.1:$bybit_port/v5/public/linear"
export TRADEBOT_EXCHANGES_BYBIT_WS_MARKET_URL="wss://127.0.0.1:$bybit_port/v5/public/linear"
export TRADEBOT_EXCHANGES_BYBIT_WS_PRIVATE_URL="wss://127.0.0.1:$bybit_port/v5/private"
# Act on each signal as it arrives; the simulator has no open-interest or volume history.
export TRADEBOT_SIGNALS_IMMEDIATE=true
export TRADEBOT_SIGNALS_FILTERS_OPEN_INTEREST_ENABLED=false
export TRADEBOT_SIGNALS_FILTERS_VOLUME_ENABLED=false
export TRADEBOT_SIGNALS_FILTERS_PRICE_CHANGE_ENABLED=false

step "5/9 checking the configuration and starting: $bin --mode test --config config"
"$bin" check --config config
start_bot() {  # start_bot LOG: runs the daemon in the background and waits for /ready
  "$bin" --mode test --config config >"$1" 2>&1 &
  bot_pid=$!
  for _ in $(seq 1 150); do
    if curl -sf "http://127.0.0.1:$port/ready" >/dev/null 2>&1; then return 0; fi
    kill -0 "$bot_pid" 2>/dev/null || { echo "tradebot exited early:"; cat "$1"; exit 1; }
    sleep 0.1
  done
  echo "tradebot not ready:"; tail -20 "$1"; exit 1
}
start_bot "$work/stdout.log"
echo "--- GET /ready";   curl -s "http://127.0.0.1:$port/ready"; echo
grep -E 'venue ready' "$work/stdout.log" | sed 's/^ts=[^ ]* //'

step "6/9 a wave of signals: each becomes a paper position with an exchange-side stop"
sql -c "INSERT INTO trading_bot.signals (source, external_id, exchange, symbol, side, score_week, score_month, candle_time)
        SELECT 'demo', 'demo-' || n, exchange, symbol, side, score, score,
               date_trunc('hour', now()) + floor(extract(minute from now()) / 15) * interval '15 min'
        FROM (VALUES (1, 'binance', 'BTCUSDT', 'buy', 82.5), (2, 'binance', 'ETHUSDT', 'sell', 77.0),
                     (3, 'bybit', 'SOLUSDT', 'buy', 74.1), (4, 'bybit', 'XRPUSDT', 'sell', 70.3),
                     (5, 'binance', 'BTCDOMUSDT', 'buy', 99.0), (6, 'okx', 'BTCUSDT', 'buy', 50.0))
             AS s(n, exchange, symbol, side, score)"
for _ in $(seq 1 100); do
  n=$(psql -tA "$pg_url" -c "SELECT count(*) FROM trading_bot.signals WHERE status <> 'new'")
  [ "$n" = 6 ] && break
  sleep 0.1
done
sql -c "SELECT id, exchange, symbol, side, status, status_reason AS reason, position_id AS position
        FROM trading_bot.signals ORDER BY id"
sql -c "SELECT id, exchange, symbol, side, state, qty, entry_price AS entry, stop_price AS stop
        FROM trading_bot.positions ORDER BY id"

step "7/9 the market moves: BTC +2.5 % (trailing stop activates), ETH +3 % (the short's stop fires)"
sim_ctl /sim/price '{"symbol":"BTCUSDT","move_pct":"2.5"}'
sim_ctl /sim/price '{"symbol":"ETHUSDT","move_pct":"3"}'
echo "waiting for the mark-price streams, the trailing move and the stop-out to be recorded ..."
for _ in $(seq 1 150); do
  moved=$(grep -c 'msg="stop moved"' "$work/stdout.log" || true)
  closed=$(psql -tA "$pg_url" -c "SELECT count(*) FROM trading_bot.positions WHERE state = 'closed'")
  [ "$moved" -ge 1 ] && [ "$closed" -ge 1 ] && break
  sleep 0.2
done
grep -E 'msg="(stop moved|position closed)"' "$work/stdout.log" | sed 's/^ts=[^ ]* //'

step "8/9 an aged exit, across a restart: the SOL long is made 4 h old (max age 3 h)"
# The demo cannot wait 3 hours: the position's opened_at is set back in the database. A restart
# reads the age from the row, like any restart does, and the next SOL price closes it.
sql -c "UPDATE trading_bot.positions SET opened_at = opened_at - interval '4 hours'
        WHERE symbol = 'SOLUSDT' AND state = 'protected'"
kill -TERM "$bot_pid"; wait "$bot_pid" && echo "tradebot stopped (status 0)"
start_bot "$work/stdout2.log"
grep -E 'msg="positions loaded"' "$work/stdout2.log" | sed 's/^ts=[^ ]* //'
sleep 3  # the restarted daemon subscribes to its positions' prices
sim_ctl /sim/price '{"symbol":"SOLUSDT","move_pct":"0.5"}'
for _ in $(seq 1 100); do
  aged=$(psql -tA "$pg_url" -c "SELECT count(*) FROM trading_bot.positions WHERE close_reason LIKE 'aged%'")
  [ "$aged" -ge 1 ] && break
  sleep 0.2
done
grep -E 'msg="position closed"' "$work/stdout2.log" | sed 's/^ts=[^ ]* //'

step "9/9 summary, metrics and a clean stop"
sql -c "SELECT id, exchange, symbol, side, state, entry_price AS entry, stop_price AS stop,
               trailing_activated AS trailing, exit_price AS exit, close_reason, round(realized_pnl, 4) AS pnl
        FROM trading_bot.positions ORDER BY id"
sql -c "SELECT purpose, status, count(*) FROM trading_bot.orders GROUP BY purpose, status ORDER BY purpose, status"
echo "--- tradebot positions (the book with marks and PnL; read only, beside the daemon)"
"$bin" positions --mode test --config config
echo "--- tradebot report (the closed positions' performance; read only, beside the daemon)"
"$bin" report --mode test --config config
"$bin" report --mode test --config config --format html --output /tmp/tradebot-demo-report.html
echo "--- GET /metrics (trading)"
curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics.txt"
grep -E '^tradebot_(signals_total|positions_open|entries_total|exits_total|stop_moves_total|realized_pnl)' \
  "$work/metrics.txt" || true
if command -v promtool >/dev/null; then
  promtool check metrics <"$work/metrics.txt" && echo "promtool check metrics: OK"
fi
kill -TERM "$bot_pid"
wait "$bot_pid" && echo "tradebot exited cleanly (status 0); open positions stay under their stops"
bot_pid=""
echo "--- tradebot close --all --yes (no daemon runs: it takes the instance lock and closes them itself)"
"$bin" close --all --yes --mode test --config config
sql -c "SELECT id, exchange, symbol, state, close_reason FROM trading_bot.positions ORDER BY id"
kill -TERM "$sim_pid"; wait "$sim_pid" && echo "tradebot-sim exited cleanly (status 0)"
sim_pid=""

cat <<MSG

Done. docs/FEATURES.md lists what is done; docs/SIMULATOR.md everything tradebot-sim serves.
MSG
