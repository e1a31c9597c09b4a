#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ from the payloads the unit tests
already record (their raw string literals) and from the repository's config files, plus a few
hand-written seeds where the tests hold none (HTTP requests, signal rows). Rerun after adding
recorded payloads: python3 tests/fuzz/make_corpus.py (files are named by content hash, so a
rerun adds and never duplicates)."""
import hashlib
import pathlib
import re

root = pathlib.Path(__file__).resolve().parents[2]
corpus = root / "tests" / "fuzz" / "corpus"
raw_literal = re.compile(r'R"\((.*?)\)"', re.S)


def literals(path):
    return raw_literal.findall((root / path).read_text())


def write(target, seeds):
    out = corpus / target
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for seed in seeds:
        data = seed.encode() if isinstance(seed, str) else seed
        if not data or len(data) > 4096:
            continue
        (out / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)
        count += 1
    print(f"{target}: {count} seeds")


def json_literals(paths, must=None):
    found = []
    for p in paths:
        for text in literals(p):
            if text.lstrip().startswith(("{", "[")) and (must is None or must(text)):
                found.append(text)
    return found


binance_stream = json_literals(["tests/unit/exchange_binance/stream_codec_test.cpp",
                                "tests/unit/exchange_binance/flat_scan_test.cpp"])
bybit_stream = json_literals(["tests/unit/exchange_bybit/stream_codec_test.cpp",
                              "tests/unit/exchange_bybit/flat_ticker_test.cpp"])
snapshots = [f for f in bybit_stream if '"snapshot"' in f and "tickers." in f]
deltas = [f for f in bybit_stream if '"delta"' in f and "tickers." in f]
# A snapshot followed by deltas: the target reads one frame per line.
bybit_stream += [s + "\n" + d for s in snapshots[:2] for d in deltas[:4]]
write("binance_stream", binance_stream)
write("bybit_stream", bybit_stream)
write("binance_rest", json_literals(["tests/unit/exchange_binance/rest_wire_test.cpp",
                                     "tests/unit/exchange_binance/leverage_bracket_test.cpp"]))
# bybit_rest: the first byte picks the HTTP status (0 -> 200).
write("bybit_rest", [b"\x00" + t.encode() for t in json_literals(["tests/unit/exchange_bybit/rest_codec_test.cpp"])])
write("config_yaml", [p.read_bytes() for p in sorted((root / "config").rglob("*.yaml"))] + [
    "trading:\n  position_size_usd: ${FUZZ_VALUE}\n  leverage: 3\n",
    "log:\n  level: debug\nwaves:\n  minutes: [3, 18, 33, 48]\n",
    "trading: [1, 2\n",
])
write("http_request", [
    "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "GET /metrics?x=1 HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\nHEAD /ready HTTP/1.1\r\n\r\n",
    "GET /status HTTP/1.0\r\n\r\n",
    "POST /control/close HTTP/1.1\r\nAuthorization: Bearer fuzz-token-0123456789\r\nContent-Length: 14\r\n\r\n{\"all\": true}\n",
    "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
    "DELETE /ready HTTP/1.1\r\nHost: a\r\n\r\n",
])
row = ["1", "fas", "ext-123", "binance", "BTCUSDT", "BUY", "12.5", "40", "2026-01-01 00:45:00+00", "\\N",
       "2026-01-01 00:46:01.5+00"]
write("signal_validate", ["\n".join(row),
                          "\n".join(row[:3] + [" Bybit ", "btc/usdt:USDT", "long", "999", "-3.25",
                                               "2026-01-01T00:45:00", "2026-01-01T00:45:00Z", "2026-01-01T00:46:00"]),
                          "\n".join(row[:3] + ["1", "ETH/USDT", "SHORT", "1e2", ".5", "2026-01-01 06:15:00+05:30",
                                               "\\N", "2026-01-01 00:46:00.123456789-01:30:15"])])
write("decimal_parse", ["0", "-12.3400", "+5", ".5", "5.", "1e-8", "1.5E3", "74980.00000000", "0.04518498",
                        "9223372036854775807", "-9223372036854775808", "0.000000000000000001",
                        "123456789012345678.9", "1e18", "-0.0"])
