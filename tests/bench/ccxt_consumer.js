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
// The same timing loops as the floors, so the two deliveries mean the same for every consumer.
const { runCold, runHot } = require('./baseline_consumer');

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

function main() {
  const dir = process.argv[2];
  const minSeconds = process.argv[3] ? Number(process.argv[3]) : 2.0;
  for (const [name, kind, field] of SETS) {
    const frames = fs.readFileSync(`${dir}/${name}.jsonl`, 'utf8').split('\n').filter((l) => l.length > 0);
    for (const [delivery, run] of [['cold', runCold], ['hot', runHot]]) {
      const client = venue(kind, symbolsOf(frames, field));
      const { elapsed, cpu, msgs } = run((batch) => feed(client, batch), frames, minSeconds);
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
