#!/usr/bin/env python3
"""Client side of the end-to-end benchmarks (tests/bench/e2e/run.sh). Standard library only.

  driver.py scenario OUT N_SYMBOLS          write a sim scenario with N_SYMBOLS symbols
  driver.py sym I                           the I-th scenario symbol's name
  driver.py open N                          N market buys on the sim's Binance account (signed REST)
  driver.py cold_start OUT_JSON -- CMD...   start CMD, time process start -> first GET /ready 200
  driver.py rss PID SECONDS OUT_JSON        sample VmRSS / VmHWM of PID every 5 s
  driver.py signals N FIRST OUT_JSON        insert N signals one by one (symbols FIRST..FIRST+N-1),
                                            time commit -> position row visible (client side), then
                                            join the entry orders with the sim's GET /sim/arrivals
Environment: SIM_PORT, SIM_CA, PG_URL, BOT_PORT.
"""
import hashlib
import hmac
import http.client
import json
import os
import ssl
import subprocess
import sys
import time
import urllib.parse

KEY, SECRET = "sim-api-key", "sim-api-secret"


def sym(i):
    # Letters only: X + three base-26 letters (XAAA, XAAB, ...), 17,576 names.
    s = ""
    for _ in range(3):
        s = chr(ord("A") + i % 26) + s
        i //= 26
    return f"X{s}USDT"


def scenario(out, n):
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("name: e2e-bench\nseed: 7\ntick_ms: 250\n"
                 "accounts:\n  - {api_key: sim-api-key, api_secret: sim-api-secret, balance: \"1000000\"}\n"
                 "defaults: {model: random_walk, volatility_bps: \"1\", min_notional: \"5\", max_leverage: 50, "
                 "multiplier_up: \"1.10\", multiplier_down: \"0.90\"}\nsymbols:\n")
        for i in range(n):
            fh.write(f"  - {{symbol: {sym(i)}, price: \"10.000\", tick_size: \"0.001\", step_size: \"0.1\", "
                     f"min_qty: \"0.1\"}}\n")


class binance:
    def __init__(self):
        ctx = ssl.create_default_context(cafile=os.environ["SIM_CA"])
        self.conn = http.client.HTTPSConnection("127.0.0.1", int(os.environ["SIM_PORT"]), context=ctx)

    def signed(self, method, path, params):
        params = dict(params, timestamp=int(time.time() * 1000), recvWindow=10000)
        q = urllib.parse.urlencode(params)
        q += "&signature=" + hmac.new(SECRET.encode(), q.encode(), hashlib.sha256).hexdigest()
        self.conn.request(method, f"{path}?{q}", headers={"X-MBX-APIKEY": KEY})
        r = self.conn.getresponse()
        body = r.read()
        return r.status, json.loads(body), r.getheader("X-MBX-ORDER-COUNT-10S")


def open_positions(n):
    b = binance()
    for i in range(n):
        st, body, count10s = b.signed("POST", "/fapi/v1/order",
                                      {"symbol": sym(i), "side": "BUY", "type": "MARKET", "quantity": "2"})
        if st != 200:
            sys.exit(f"order {sym(i)}: HTTP {st} {body}")
        if count10s and int(count10s) > 250:  # stay under the venue's 300 orders / 10 s
            time.sleep(2)
    st, body, _ = b.signed("GET", "/fapi/v2/positionRisk", {})
    live = sum(1 for p in body if float(p["positionAmt"]) != 0)
    print(json.dumps({"opened": n, "positions_on_venue": live}))


def count_stops():
    st, body, _ = binance().signed("GET", "/fapi/v1/openAlgoOrders", {})
    return len(body) if isinstance(body, list) else len(body.get("orders", []))


def ready_once(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        c.request("GET", "/ready")
        r = c.getresponse()
        r.read()
        return r.status == 200
    except OSError:
        return False
    finally:
        c.close()


def status(pid):
    out = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
        for line in fh:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])  # kB
    return out


def cold_start(out_json, cmd):
    stops_before = count_stops()
    log = open(os.environ.get("BOT_STDOUT", "/dev/null"), "ab")
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    port = int(os.environ["BOT_PORT"])
    polls = 0
    while not ready_once(port):
        polls += 1
        if p.poll() is not None:
            sys.exit(f"daemon exited with {p.returncode} before /ready")
        if time.perf_counter() - t0 > 120:
            sys.exit("daemon not ready after 120 s")
        time.sleep(0.002)
    ready_s = time.perf_counter() - t0
    mem = status(p.pid)
    r = {"ready_s": ready_s, "polls": polls, "stops_before": stops_before, "stops_at_ready": count_stops(),
         "pid": p.pid, "rss_kb_at_ready": mem["VmRSS"], "hwm_kb_at_ready": mem["VmHWM"]}
    with open(out_json, "w", encoding="utf-8") as fh:
        json.dump(r, fh)
    print(json.dumps(r))


def rss(pid, seconds, out_json):
    samples = []
    t0 = time.monotonic()
    while True:
        t = time.monotonic() - t0
        samples.append({"t_s": round(t, 1), **status(pid)})
        print(json.dumps(samples[-1]), flush=True)
        if t >= seconds:
            break
        time.sleep(min(5.0, seconds - t))
    with open(out_json, "w", encoding="utf-8") as fh:
        json.dump(samples, fh)


# Seconds from a signal's commit to the driver's first look for its position (E2E_FIRST_LOOK_MS).
FIRST_LOOK_S = float(os.environ.get("E2E_FIRST_LOOK_MS", "10")) / 1e3


class psql:
    """One long-lived psql session: each query's answer ends at a sentinel line."""

    def __init__(self, url):
        self.p = subprocess.Popen(["psql", "-qtAX", "-v", "ON_ERROR_STOP=1", url], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)

    def query(self, sql):
        self.p.stdin.write(sql.rstrip(";") + ";\n\\echo __end__\n")
        self.p.stdin.flush()
        lines = []
        for line in self.p.stdout:
            if line.rstrip("\n") == "__end__":
                return lines
            lines.append(line.rstrip("\n"))
        sys.exit("psql ended")


def sim_arrivals():
    """Client order id -> wall-clock µs at which tradebot-sim had read the order request's bytes
    (GET /sim/arrivals; the first accepted arrival of each id)."""
    ctx = ssl.create_default_context(cafile=os.environ["SIM_CA"])
    c = http.client.HTTPSConnection("127.0.0.1", int(os.environ["SIM_PORT"]), context=ctx, timeout=30)
    try:
        c.request("GET", "/sim/arrivals")
        r = c.getresponse()
        body = r.read()
        if r.status != 200:
            sys.exit(f"GET /sim/arrivals: HTTP {r.status} {body[:200]!r}")
    finally:
        c.close()
    out = {}
    for a in json.loads(body)["arrivals"]:
        if a["accepted"]:
            out.setdefault(a["client_id"], a["arrival_us"])
    return out


def signals(n, first, out_json):
    db = psql(os.environ["PG_URL"])
    db.query("SET search_path = trading_bot")
    # The row is measured from its commit timestamp, which PostgreSQL takes before the commit's
    # WAL flush; with synchronous_commit on, nobody (the daemon neither) can see the row until
    # that flush is done, so the producer's fsync would be counted as the daemon's time.
    # E2E_SIGNAL_SYNC_COMMIT=on shows that variant.
    db.query(f"SET synchronous_commit = {os.environ.get('E2E_SIGNAL_SYNC_COMMIT', 'off')}")
    samples, failed, xids = [], [], {}
    for k in range(n):
        s = sym(first + k)
        t0 = time.perf_counter()
        sid, xid = db.query(
            "INSERT INTO signals (source, external_id, exchange, symbol, side, score_week, score_month, candle_time) "
            f"VALUES ('bench', 'e2e-{first + k}', 'binance', '{s}', 'buy', 80, 80, "
            "date_trunc('hour', now()) + floor(extract(minute from now()) / 15) * interval '15 min') "
            "RETURNING id, xmin")[0].split("|")
        sid = int(sid)
        xids[sid] = xid
        t_commit = time.perf_counter()
        # The first look waits FIRST_LOOK_S: a query of ours while the daemon's statement runs
        # competes with it for PostgreSQL and the two cores, and so slows the path it measures.
        time.sleep(FIRST_LOOK_S)
        while True:
            got = db.query(f"SELECT (SELECT count(*) FROM positions WHERE signal_id = {sid}), "
                           f"(SELECT status FROM signals WHERE id = {sid})")[0].split("|")
            if got[0] != "0":
                samples.append({"symbol": s, "insert_ms": (t_commit - t0) * 1e3,
                                "commit_to_position_ms": (time.perf_counter() - t_commit) * 1e3})
                break
            if got[1] not in ("new", "taken"):
                failed.append({"symbol": s, "status": got[1]})
                break
            if time.perf_counter() - t_commit > 30:
                failed.append({"symbol": s, "status": "timeout"})
                break
            # Not a busy poll: on two cores a client polling flat out takes the CPU that PostgreSQL,
            # the daemon and the sim need, and slows the path it measures.
            time.sleep(0.001)
        # The position is opened and protected before the next one (one by one, as asked).
        while db.query(f"SELECT status FROM signals WHERE id = {sid}")[0] == "new":
            time.sleep(0.001)
    # From the signal row's commit (its transaction's commit timestamp: run.sh turns on
    # track_commit_timestamp) to the start of the transaction that wrote the position and entry
    # rows, and to the sim's wall clock when the entry order's bytes arrived (same host, one clock).
    committed = ",".join(f"({sid}, '{xid}')" for sid, xid in xids.items()) or "(0, '0')"
    db_side = db.query(
        "SELECT (extract(epoch FROM pg_xact_commit_timestamp(c.xid::xid)) * 1000000)::bigint, "
        "(extract(epoch FROM p.created_at) * 1000000)::bigint, o.client_order_id "
        f"FROM (VALUES {committed}) AS c(id, xid) JOIN positions p ON p.signal_id = c.id "
        "JOIN orders o ON o.position_id = p.id AND o.purpose = 'entry' ORDER BY c.id")
    arrivals = sim_arrivals()
    rows = []
    for row in db_side:
        if not row:
            continue
        committed_us, position_us, client_id = row.split("|")
        arrival_us = arrivals.get(client_id)
        # [commit -> positions row transaction ms, the same (the entry's journal row is written in
        # that statement), commit -> order bytes at the sim ms (None: the sim did not list it)]
        pos_ms = round((int(position_us) - int(committed_us)) / 1e3, 3)
        rows.append([pos_ms, pos_ms,
                     None if arrival_us is None else round((arrival_us - int(committed_us)) / 1e3, 3)])
    res = {"samples": samples, "failed": failed, "db_side": rows}
    with open(out_json, "w", encoding="utf-8") as fh:
        json.dump(res, fh)
    cs = sorted(x["commit_to_position_ms"] for x in samples)
    at_sim = sorted(r[2] for r in rows if r[2] is not None)
    print(json.dumps({"ok": len(samples), "failed": len(failed),
                      "p50_ms": cs[len(cs) // 2] if cs else None, "p99_ms": cs[int(len(cs) * 0.99)] if cs else None,
                      "signal_to_sim_arrival_p50_ms": at_sim[len(at_sim) // 2] if at_sim else None,
                      "signal_to_sim_arrival_p99_ms": at_sim[int(len(at_sim) * 0.99)] if at_sim else None,
                      "not_listed_by_sim": len(rows) - len(at_sim)}))


def main():
    cmd = sys.argv[1]
    if cmd == "scenario":
        scenario(sys.argv[2], int(sys.argv[3]))
    elif cmd == "open":
        open_positions(int(sys.argv[2]))
    elif cmd == "sym":
        print(sym(int(sys.argv[2])))
    elif cmd == "stops":
        print(count_stops())
    elif cmd == "cold_start":
        cold_start(sys.argv[2], sys.argv[sys.argv.index("--") + 1:])
    elif cmd == "rss":
        rss(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    elif cmd == "signals":
        signals(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
