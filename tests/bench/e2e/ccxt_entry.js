#!/usr/bin/env node
// The entry a ccxt-based bot sends, timed against the same tradebot-sim as the daemon's rows:
// ccxt (pinned in tests/integration/sim_npm) binanceusdm.createOrder, market, one after another,
// from the call to the sim having read the order's bytes (GET /sim/arrivals, same host, one wall
// clock) and to the answer. Markets are loaded first (not timed), as a running bot has them.
//   NODE_EXTRA_CA_CERTS=$SIM_CA SIM_PORT=... node ccxt_entry.js N SYMBOL OUT_JSON [MODULE_DIR]
'use strict';
const fs = require('fs');
const https = require('https');
const path = require('path');
const { performance } = require('perf_hooks');

const [n, symbolId, outJson] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const moduleDir = process.argv[5] || path.join(__dirname, '..', '..', 'integration', 'sim_npm', 'node_modules');
// A directory require ignores the package's "exports"; this is the file its "require" condition names.
const ccxt = require(path.join(moduleDir, 'ccxt', 'dist', 'ccxt.cjs'));
const port = Number(process.env.SIM_PORT);

const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

function arrivals() {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path: '/sim/arrivals' }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text).arrivals)
        : reject(new Error(`/sim/arrivals: HTTP ${res.statusCode}`))));
    }).on('error', reject);
  });
}

function pct(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] : null;
}

async function main() {
  const ex = new ccxt.binanceusdm({ apiKey: 'sim-api-key', secret: 'sim-api-secret', enableRateLimit: false });
  for (const [name, url] of Object.entries(ex.urls.api)) {
    const p = new URL(url).pathname;
    ex.urls.api[name] = `https://127.0.0.1:${port}${p === '/' ? '' : p}`;
  }
  await ex.loadMarkets();
  const market = ex.markets_by_id[symbolId][0];
  const ticker = await ex.fetchTicker(market.symbol);
  const amount = Number(ex.amountToPrecision(market.symbol, 10 / ticker.last));  // ~10 USDT
  const sent = [];
  for (let k = 0; k < n; k++) {
    const clientId = `ccxt-bench-${process.pid}-${k}`;
    const side = k % 2 === 0 ? 'buy' : 'sell';  // in and out again: the position stays small
    const t0 = nowUs();
    await ex.createOrder(market.symbol, 'market', side, amount, undefined, { clientOrderId: clientId });
    sent.push({ clientId, t0, answered_us: nowUs() });
  }
  const seen = new Map();
  for (const a of await arrivals()) if (a.accepted && !seen.has(a.client_id)) seen.set(a.client_id, a.arrival_us);
  const toSim = [];
  const toAnswer = [];
  for (const s of sent) {
    toAnswer.push((s.answered_us - s.t0) / 1e3);
    if (seen.has(s.clientId)) toSim.push((seen.get(s.clientId) - s.t0) / 1e3);
  }
  toSim.sort((a, b) => a - b);
  toAnswer.sort((a, b) => a - b);
  const res = { ccxt: ccxt.version, orders: n, listed_by_sim: toSim.length,
    call_to_sim_arrival_p50_ms: pct(toSim, 0.5), call_to_sim_arrival_p99_ms: pct(toSim, 0.99),
    call_to_answer_p50_ms: pct(toAnswer, 0.5), call_to_answer_p99_ms: pct(toAnswer, 0.99) };
  fs.writeFileSync(outJson, JSON.stringify(res));
  console.log(JSON.stringify(res));
}

main().catch((e) => { console.error(`ccxt entry: ${e.message}`); process.exit(1); });
