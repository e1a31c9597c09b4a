#!/usr/bin/env node
// The peer a user would pick, for the parse + route benchmark (docs/BENCHMARKS.md): ccxt's own
// WebSocket path (ccxt.pro binanceusdm markPrice/bookTicker, bybit tickers) fed the frames that
// bench_stream wrote (--dump-frames=DIR). Each frame goes through WsClient.onMessage, the method
// ccxt's socket calls for every message: its JSON.parse, handleMessage, the ticker parser and the
// cache and futures a watchTicker/watchMarkPrice/watchBidsAsks caller reads. No network: the
// clients are created but never connected, and the markets are set from the symbols in the frames.
// Prints one JSON line per frame set and delivery, in baseline_consumer.js's format, lang "ccxt".
//   node ccxt_consumer.js DIR [SECONDS] [MODULE_DIR]
'use strict';
const fs = require('fs');
const path = require('path');

const moduleDir = process.argv[4] || path.join(__dirname, '..', 'integration', 'sim_npm', 'node_modules');
// A directory require ignores the package's "exports"; this is the file its "require" condition names.
const ccxt = require(path.join(moduleDir, 'ccxt', 'dist', 'ccxt.cjs'));

function symbolsOf(frames, field) {
  const ids = new Set();
  for (const f of frames) {
    const m = JSON.parse(f);
    const d = m.data;
    ids.add(d[field]);
  }
  return [...ids];
}

// Linear USDT perpetuals, as loadMarkets would build them (only what the stream handlers read).
function linearMarkets(ids) {
  return ids.map((id) => {
    const base = id.replace(/USDT$/, '');
    return {
      id, symbol: `${base}/USDT:USDT`, base, quote: 'USDT', settle: 'USDT', baseId: base, quoteId: 'USDT',
      settleId: 'USDT', type: 'swap', spot: false, margin: false, swap: true, future: false, option: false,
      contract: true, linear: true, inverse: false, active: true, contractSize: 1,
      precision: { amount: 0.001, price: 0.0001 }, limits: {}, info: {},
    };
  });
}

function venue(kind, ids) {
  const ex = kind === 'binance' ? new ccxt.pro.binanceusdm({}) : new ccxt.pro.bybit({});
  ex.setMarkets(linearMarkets(ids));
  const url = kind === 'binance' ? 'wss://fstream.binance.com/stream' : 'wss://stream.bybit.com/v5/public/linear';
  const client = ex.client(url);
  // onMessage hands a handler's exception to reject(): count them, a run with any is not valid.
  client.failures = 0;
  client.reject = (error) => {
    if (client.failures++ === 0) console.error(`ccxt ${kind}: ${error && error.message}`);
  };
  client.exchange = ex;
  return client;
}

// What a watch* caller would read after the run: the symbols ccxt cached a ticker or bid/ask for.
function cachedSymbols(ex) {
  const count = (o) => (o ? Object.keys(o).length : 0);
  return count(ex.tickers) + count(ex.bidsasks);
}

const SETS = [
  ['binance_markPrice', 'binance', 's'],
  ['binance_bookTicker', 'binance', 's'],
  ['bybit_tickers', 'bybit', 'symbol'],
];

function feed(client, frames) {
  for (const f of frames) client.onMessage({ data: f });
}

function runCold(client, frames, minSeconds) {
  feed(client, frames);  // warm-up (JIT) pass
  let msgs = 0;
  let elapsed = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (;;) {
    feed(client, frames);
    msgs += frames.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    if (elapsed >= minSeconds) break;
  }
  const used = process.cpuUsage(cpuStart);
  return { elapsed, cpu: (used.user + used.system) / 1e6, msgs };
}

// As baseline_consumer.js: batches of 256 whose strings are decoded fresh (not timed) before each
// batch is processed (timed), as a socket hands messages over.
const HOT_BATCH = 256;

function runHot(client, frames, minSeconds) {
  const raw = frames.map((f) => Buffer.from(f, 'utf8'));
  feed(client, frames);
  let msgs = 0;
  let elapsed = 0;
  let cpu = 0;
  let next = 0;
  const batch = new Array(HOT_BATCH);
  const wallStart = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - wallStart) / 1e9 < minSeconds) {
    for (let k = 0; k < HOT_BATCH; k++) batch[k] = raw[(next + k) % raw.length].toString('utf8');
    next = (next + HOT_BATCH) % raw.length;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    feed(client, batch);
    const t1 = process.hrtime.bigint();
    const used = process.cpuUsage(cpu0);
    elapsed += Number(t1 - t0) / 1e9;
    cpu += (used.user + used.system) / 1e6;
    msgs += HOT_BATCH;
  }
  return { elapsed, cpu, msgs };
}

function main() {
  const dir = process.argv[2];
  const minSeconds = process.argv[3] ? Number(process.argv[3]) : 2.0;
  for (const [name, kind, field] of SETS) {
    const frames = fs.readFileSync(`${dir}/${name}.jsonl`, 'utf8').split('\n').filter((l) => l.length > 0);
    for (const [delivery, run] of [['cold', runCold], ['hot', runHot]]) {
      const client = venue(kind, symbolsOf(frames, field));
      const { elapsed, cpu, msgs } = run(client, frames, minSeconds);
      if (client.failures > 0 || cachedSymbols(client.exchange) === 0) {
        console.error(`ccxt ${name}: ${client.failures} handler failures, ${cachedSymbols(client.exchange)} symbols cached`);
        process.exit(1);
      }
      console.log(JSON.stringify({ lang: 'ccxt', version: ccxt.version, set: name, delivery, frames: frames.length,
        msgs, seconds: Math.round(elapsed * 1e4) / 1e4, cpu_seconds: Math.round(cpu * 1e4) / 1e4,
        msgs_per_s: msgs / elapsed, msgs_per_cpu_s: msgs / cpu }));
    }
  }
}

main();
