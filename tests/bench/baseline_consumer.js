#!/usr/bin/env node
// Node baseline for the parse + route benchmark (docs/BENCHMARKS.md).
// Reads the frames bench_stream wrote (--dump-frames=DIR) into memory, then times, per frame:
// JSON.parse + Number() of every price/quantity the C++ decoder parses + a Map update keyed by
// symbol (Bybit: snapshot replaces, delta merges, the mark goes to the marks map). Prints one
// JSON line per frame set and delivery (see runHot): {"lang","set","delivery","frames","msgs","seconds",
// "cpu_seconds","msgs_per_s","msgs_per_cpu_s"} (wall-clock and process-CPU rates: the machine may be shared).
'use strict';
const fs = require('fs');

const BYBIT_DEC = ['lastPrice', 'markPrice', 'indexPrice', 'bid1Price', 'bid1Size', 'ask1Price', 'ask1Size',
  'fundingRate', 'openInterest', 'volume24h', 'turnover24h', 'highPrice24h', 'lowPrice24h',
  'prevPrice24h', 'price24hPcnt'];

function binanceMark(frames, marks) {
  for (const f of frames) {
    const d = JSON.parse(f).data;
    marks.set(d.s, { price: Number(d.p), index: d.i ? Number(d.i) : null, ts: d.E });
  }
}

function binanceBook(frames, marks, books) {
  for (const f of frames) {
    const d = JSON.parse(f).data;
    const slot = books.get(d.s);
    if (slot === undefined || d.u > slot.u) {
      books.set(d.s, { b: Number(d.b), B: Number(d.B), a: Number(d.a), A: Number(d.A), u: d.u });
    }
  }
}

function bybitTickers(frames, marks, books) {
  for (const f of frames) {
    const m = JSON.parse(f);
    const d = m.data;
    const sym = d.symbol;
    let state;
    if (m.type === 'snapshot') {
      state = {};
      books.set(sym, state);
    } else {
      state = books.get(sym);
    }
    for (const k of BYBIT_DEC) {
      const v = d[k];
      if (v !== undefined) state[k] = v === '' ? null : Number(v);
    }
    if (d.nextFundingTime !== undefined) state.nextFundingTime = d.nextFundingTime === '' ? null : Number(d.nextFundingTime);
    state.cs = m.cs;
    state.ts = m.ts;
    if ((d.markPrice !== undefined || d.indexPrice !== undefined) && state.markPrice != null) {
      marks.set(sym, { price: state.markPrice, index: state.indexPrice, ts: m.ts });
    }
  }
}

const SETS = [['binance_markPrice', binanceMark], ['binance_bookTicker', binanceBook], ['bybit_tickers', bybitTickers]];

// cold: the loop runs over all frames where they lie (as the C++ "cold" rows).
// hot: batches of 256 frames; each batch first arrives (not timed): its bytes are decoded into
// fresh strings, as a WebSocket client hands a message over; then the batch is processed (timed).
const HOT_BATCH = 256;

// Both runners time `consume(batch)`, the consumer under test with its state bound
// (ccxt_consumer.js times ccxt with them too).
function runCold(consume, frames, minSeconds) {
  consume(frames);  // warm-up (JIT) pass
  let msgs = 0;
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  for (;;) {
    consume(frames);
    msgs += frames.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    if (elapsed >= minSeconds) break;
  }
  const used = process.cpuUsage(cpuStart);
  const cpu = (used.user + used.system) / 1e6;  // all threads, GC helpers included
  return { elapsed, cpu, msgs };
}

function runHot(consume, frames, minSeconds) {
  const raw = frames.map((f) => Buffer.from(f, 'utf8'));
  consume(frames);  // warm-up (JIT) pass
  let msgs = 0;
  let elapsed = 0;
  let cpu = 0;
  let next = 0;
  const batch = new Array(HOT_BATCH);
  const wallStart = process.hrtime.bigint();
  while (Number(process.hrtime.bigint() - wallStart) / 1e9 < minSeconds) {
    for (let k = 0; k < HOT_BATCH; k++) {
      batch[k] = raw[(next + k) % raw.length].toString('utf8');
    }
    next = (next + HOT_BATCH) % raw.length;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    consume(batch);
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
  for (const [name, fn] of SETS) {
    const frames = fs.readFileSync(`${dir}/${name}.jsonl`, 'utf8').split('\n').filter((l) => l.length > 0);
    for (const [delivery, run] of [['cold', runCold], ['hot', runHot]]) {
      const marks = new Map();
      const books = new Map();
      const { elapsed, cpu, msgs } = run((batch) => fn(batch, marks, books), frames, minSeconds);
      console.log(JSON.stringify({ lang: 'node', set: name, delivery, frames: frames.length, msgs,
        seconds: Math.round(elapsed * 1e4) / 1e4, cpu_seconds: Math.round(cpu * 1e4) / 1e4,
        msgs_per_s: msgs / elapsed, msgs_per_cpu_s: msgs / cpu }));
    }
  }
}

module.exports = { runCold, runHot };

if (require.main === module) main();
