#!/usr/bin/env python3
"""Python baseline for the parse + route benchmark (docs/BENCHMARKS.md).

Reads the frames bench_stream wrote (--dump-frames=DIR) into memory, then times, per frame:
json.loads + decimal.Decimal for every price/quantity the C++ decoder parses + a dict update
keyed by symbol (Bybit: snapshot replaces, delta merges, the mark goes to the marks dict).
Prints one JSON line per frame set and delivery (see run_hot): {"lang","set","delivery","frames","msgs",
"seconds","cpu_seconds","msgs_per_s","msgs_per_cpu_s"} (wall-clock and process-CPU rates: the machine
may be shared).
"""
import json
import sys
import time
from decimal import Decimal

BYBIT_DEC = ("lastPrice", "markPrice", "indexPrice", "bid1Price", "bid1Size", "ask1Price", "ask1Size",
             "fundingRate", "openInterest", "volume24h", "turnover24h", "highPrice24h", "lowPrice24h",
             "prevPrice24h", "price24hPcnt")


def binance_mark(frames, marks, books):
    for f in frames:
        d = json.loads(f)["data"]
        i = d.get("i")
        marks[d["s"]] = (Decimal(d["p"]), Decimal(i) if i else None, d["E"])


def binance_book(frames, marks, books):
    for f in frames:
        d = json.loads(f)["data"]
        slot = books.get(d["s"])
        if slot is None or d["u"] > slot[4]:
            books[d["s"]] = (Decimal(d["b"]), Decimal(d["B"]), Decimal(d["a"]), Decimal(d["A"]), d["u"])


def bybit_tickers(frames, marks, books):
    for f in frames:
        m = json.loads(f)
        d = m["data"]
        sym = d["symbol"]
        if m["type"] == "snapshot":
            state = books[sym] = {}
        else:
            state = books[sym]
        for k in BYBIT_DEC:
            v = d.get(k)
            if v is not None:
                state[k] = Decimal(v) if v != "" else None
        nft = d.get("nextFundingTime")
        if nft is not None:
            state["nextFundingTime"] = int(nft) if nft != "" else None
        state["cs"] = m["cs"]
        state["ts"] = m["ts"]
        if ("markPrice" in d or "indexPrice" in d) and state.get("markPrice") is not None:
            marks[sym] = (state["markPrice"], state.get("indexPrice"), m["ts"])


SETS = (("binance_markPrice", binance_mark), ("binance_bookTicker", binance_book), ("bybit_tickers", bybit_tickers))


# cold: the loop runs over all frames where they lie (as the C++ "cold" rows).
# hot: batches of 256 frames; each batch first arrives (not timed): its bytes are decoded into
# fresh str objects, as a WebSocket client hands a message over; then the batch is processed (timed).
HOT_BATCH = 256


def run_cold(fn, frames, min_seconds):
    marks, books = {}, {}
    fn(frames, marks, books)  # warm-up pass
    msgs, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while True:
        fn(frames, marks, books)
        msgs += len(frames)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            break
    return elapsed, time.process_time() - cpu_start, msgs


def run_hot(fn, frames, min_seconds):
    raw = [f.encode("utf-8") for f in frames]
    marks, books = {}, {}
    fn(frames, marks, books)  # warm-up pass
    msgs, elapsed, cpu, nxt = 0, 0.0, 0.0, 0
    wall_start = time.perf_counter()
    while time.perf_counter() - wall_start < min_seconds:
        batch = [raw[(nxt + k) % len(raw)].decode("utf-8") for k in range(HOT_BATCH)]
        nxt = (nxt + HOT_BATCH) % len(raw)
        c0, t0 = time.process_time(), time.perf_counter()
        fn(batch, marks, books)
        t1, c1 = time.perf_counter(), time.process_time()
        elapsed += t1 - t0
        cpu += c1 - c0
        msgs += HOT_BATCH
    return elapsed, cpu, msgs


def main():
    directory = sys.argv[1]
    min_seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    for name, fn in SETS:
        with open(f"{directory}/{name}.jsonl", "r", encoding="utf-8") as fh:
            frames = [line.rstrip("\n") for line in fh if line.strip()]
        for delivery, run in (("cold", run_cold), ("hot", run_hot)):
            elapsed, cpu, msgs = run(fn, frames, min_seconds)
            print(json.dumps({"lang": "python", "set": name, "delivery": delivery, "frames": len(frames),
                              "msgs": msgs, "seconds": round(elapsed, 4), "cpu_seconds": round(cpu, 4),
                              "msgs_per_s": msgs / elapsed, "msgs_per_cpu_s": msgs / cpu}), flush=True)


if __name__ == "__main__":
    main()
