#!/usr/bin/env python3
"""Deterministic sample data for `tradebot backtest` (no downloads).

Writes, under OUT (default: build/sample-data):
  klines/<SYMBOL>-1m-<YYYY-MM>.csv  1-minute klines in Binance's public data-dump layout (with header)
  signals.csv                       signals as rows of the signals table would be
  funding/<SYMBOL>-fundingRate.json funding rates every 8 h as Binance's GET /fapi/v1/fundingRate answers

Prices are seeded random walks in whole ticks (exact decimals) with volatility regimes and rare
jumps; signals come on 15-minute candles with a small edge (the side agrees with the next two
hours' move 55 % of the time), so a run shows wins, losses, trailing exits and stop-outs.
The same arguments always give byte-identical files.
"""
import argparse
import math
import os
import random

SYMBOLS = [  # name, start price, decimals (tick = 10^-decimals), typical quote volume per minute
    ("BTCUSDT", 60000.0, 1, 400000.0),
    ("ETHUSDT", 3000.0, 2, 200000.0),
    ("SOLUSDT", 150.0, 3, 80000.0),
    ("DOGEUSDT", 0.15, 5, 40000.0),
    ("XRPUSDT", 0.6, 4, 50000.0),
    ("LINKUSDT", 15.0, 3, 30000.0),
]
START_MS = 1_740_960_000_000  # 2025-03-03T00:00:00Z, a Monday
MINUTE = 60_000


def walk(rng, start, decimals, minutes):
    """Bars as (open, high, low, close) in ticks."""
    scale = 10 ** decimals
    price = round(start * scale)
    vol = 0.0008
    bars = []
    for _ in range(minutes):
        if rng.random() < 0.002:  # regime switch
            vol = rng.choice([0.0004, 0.0008, 0.0015, 0.0025])
        o = price
        hi = lo = o
        p = o
        for _ in range(4):
            step = rng.gauss(0.0, vol / 2.0)
            if rng.random() < 0.0005:
                step += rng.choice([-1, 1]) * vol * 8  # a jump
            p = max(1, round(p * (1.0 + step)))
            hi = max(hi, p)
            lo = min(lo, p)
        bars.append((o, hi, lo, p))
        price = p
    return bars


def fmt(ticks, decimals):
    if decimals == 0:
        return str(ticks)
    s = str(ticks).rjust(decimals + 1, "0")
    return s[:-decimals] + "." + s[-decimals:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="build/sample-data")
    ap.add_argument("--days", type=int, default=4)
    ap.add_argument("--symbols", type=int, default=4, help=f"1..{len(SYMBOLS)}")
    ap.add_argument("--seed", type=int, default=20250303)
    ap.add_argument("--signal-rate", type=float, default=0.6, help="signals per 15-minute candle")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    minutes = args.days * 1440
    chosen = SYMBOLS[: max(1, min(args.symbols, len(SYMBOLS)))]
    kdir = os.path.join(args.out, "klines")
    os.makedirs(kdir, exist_ok=True)
    month = "2025-03"
    series = {}
    for name, start, dec, qv in chosen:
        bars = walk(rng, start, dec, minutes)
        series[name] = (bars, dec)
        with open(os.path.join(kdir, f"{name}-1m-{month}.csv"), "w", newline="\n") as f:
            f.write("open_time,open,high,low,close,volume,close_time,quote_volume,count,"
                    "taker_buy_volume,taker_buy_quote_volume,ignore\n")
            for i, (o, h, l, c) in enumerate(bars):
                t = START_MS + i * MINUTE
                quote = qv * math.exp(rng.gauss(0.0, 0.5))
                close = c / 10 ** dec
                base = quote / close
                trades = 50 + int(rng.random() * 500)
                f.write(f"{t},{fmt(o, dec)},{fmt(h, dec)},{fmt(l, dec)},{fmt(c, dec)},{base:.3f},"
                        f"{t + MINUTE - 1},{quote:.4f},{trades},{base / 2:.3f},{quote / 2:.4f},0\n")
    names = [c[0] for c in chosen]
    with open(os.path.join(args.out, "signals.csv"), "w", newline="\n") as f:
        f.write("id,timestamp,exchange,symbol,side,score_week,score_month\n")
        sid = 0
        candles = minutes // 15
        # The last two hours get no signals: their outcome would be cut by the end of the data.
        for k in range(1, candles - 8):
            if rng.random() >= args.signal_rate:
                continue
            name = rng.choice(names)
            bars, dec = series[name]
            at = (k + 1) * 15  # the candle closes here: the signal is known from now on
            future = bars[min(at + 120, len(bars) - 1)][3] - bars[at][0]
            right = rng.random() < 0.55
            up = (future >= 0) == right
            sid += 1
            ts = START_MS + k * 15 * MINUTE
            iso = _iso(ts)
            f.write(f"{sid},{iso},binance,{name},{'BUY' if up else 'SELL'},"
                    f"{rng.uniform(5, 95):.2f},{rng.uniform(5, 95):.2f}\n")
    # Funding from its own generator: the klines and signals stay as they were for a seed.
    frng = random.Random(args.seed + 1)
    fdir = os.path.join(args.out, "funding")
    os.makedirs(fdir, exist_ok=True)
    for name in names:
        bars, dec = series[name]
        entries = []
        for at in range(0, minutes, 8 * 60):
            rate = max(-0.00075, min(0.00075, frng.gauss(0.0001, 0.0001)))
            mark = fmt(bars[at][0], dec)
            entries.append(f'  {{"symbol": "{name}", "fundingTime": {START_MS + at * MINUTE}, '
                           f'"fundingRate": "{rate:.8f}", "markPrice": "{mark}"}}')
        with open(os.path.join(fdir, f"{name}-fundingRate.json"), "w", newline="\n") as f:
            f.write("[\n" + ",\n".join(entries) + "\n]\n")
    print(os.path.abspath(args.out))


def _iso(ms):
    import datetime
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    main()
