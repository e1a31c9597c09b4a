#include "bench/frames.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <random>
#include <set>
#include <string_view>

namespace tradebot::bench {
namespace {

// mt19937_64's output sequence is fixed by the standard (distributions are not), so frames are
// the same bytes with every standard library.
class rng {
public:
    explicit rng(std::uint64_t seed) : engine_{seed} {}
    std::uint64_t below(std::uint64_t n) { return engine_() % n; }
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
    }

private:
    std::mt19937_64 engine_;
};

std::int64_t pow10(int n) {
    std::int64_t p = 1;
    for (int i = 0; i < n; ++i) {
        p *= 10;
    }
    return p;
}

// units / 10^scale in plain notation with exactly `scale` fractional digits.
void append_fixed(std::string& out, std::int64_t units, int scale) {
    if (units < 0) {
        out.push_back('-');
        units = -units;
    }
    const std::int64_t p = pow10(scale);
    std::array<char, 24> buf{};
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), units / p);
    out.append(buf.data(), r.ptr);
    if (scale > 0) {
        out.push_back('.');
        r = std::to_chars(buf.data(), buf.data() + buf.size(), units % p);
        const auto digits = static_cast<int>(r.ptr - buf.data());
        out.append(static_cast<std::size_t>(scale - digits), '0');
        out.append(buf.data(), r.ptr);
    }
}

void append_int(std::string& out, std::int64_t v) {
    std::array<char, 24> buf{};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
}

void str_field(std::string& out, std::string_view key, std::string_view value) {
    out.append("\"").append(key).append("\":\"").append(value).append("\"");
}

void fixed_field(std::string& out, std::string_view key, std::int64_t units, int scale) {
    out.append("\"").append(key).append("\":\"");
    append_fixed(out, units, scale);
    out.push_back('"');
}

void int_field(std::string& out, std::string_view key, std::int64_t v) {
    out.append("\"").append(key).append("\":");
    append_int(out, v);
}

std::string lower(std::string_view s) {
    std::string out{s};
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

// Per-symbol market state that the frames random-walk.
struct instrument {
    std::string name;
    std::int64_t price = 0;  // in ticks of 10^-scale
    int scale = 2;
    int qty_scale = 3;
};

std::vector<instrument> make_instruments(std::size_t n, rng& r) {
    static constexpr std::array<std::string_view, 10> real{"BTC", "ETH", "SOL", "XRP", "DOGE",
                                                           "1000PEPE", "BNB", "ADA", "LINK", "AVAX"};
    std::set<std::string> seen;
    std::vector<instrument> out;
    for (std::size_t i = 0; out.size() < n; ++i) {
        std::string base;
        if (i < real.size()) {
            base = real[i];
        } else {
            const auto len = r.between(3, 6);
            for (std::int64_t k = 0; k < len; ++k) {
                base.push_back(static_cast<char>('A' + r.below(26)));
            }
        }
        if (!seen.insert(base).second) {
            continue;
        }
        instrument ins;
        ins.name = base + "USDT";
        // Magnitudes from 10^-4 to 10^4, with the tick getting coarser as the price grows.
        const auto magnitude = static_cast<int>(r.between(-4, 4));
        ins.scale = std::clamp(4 - magnitude, 1, 8);
        ins.qty_scale = static_cast<int>(r.between(0, 3));
        ins.price = r.between(1000, 9999) * pow10(std::max(0, magnitude + ins.scale - 3));
        out.push_back(std::move(ins));
    }
    return out;
}

void walk(instrument& ins, rng& r) { ins.price = std::max<std::int64_t>(1, ins.price + r.between(-5, 5)); }

constexpr std::int64_t start_ms = 1'767'225'600'000;  // 2026-01-01

std::string binance_mark(const instrument& ins, std::int64_t ts, rng& r) {
    // Mark and index carry 8 decimals and are off the tick grid.
    const std::int64_t to8 = pow10(8 - ins.scale);
    binance_mark_fields f;
    f.venue_name = ins.name;
    f.event_ms = ts;
    f.mark = ins.price * to8 + r.between(0, to8 - 1);
    f.index = f.mark + r.between(-50, 50) * to8 / 10;
    f.average = f.mark - r.between(0, 100);
    f.settlement = f.index + r.between(-100, 100);
    f.funding = r.between(-20000, 40000);
    f.next_funding_ms = start_ms + 8 * 3'600'000;
    return binance_mark_price_frame(f);
}

std::string binance_book(const instrument& ins, std::int64_t ts, std::int64_t update_id, rng& r) {
    const std::int64_t to8 = pow10(8 - ins.scale);
    std::string f;
    f.reserve(300);
    f.append("{\"stream\":\"").append(lower(ins.name)).append("@bookTicker\",\"data\":{");
    str_field(f, "e", "bookTicker");
    f.push_back(',');
    int_field(f, "u", update_id);
    f.push_back(',');
    int_field(f, "E", ts + 2);
    f.push_back(',');
    int_field(f, "T", ts);
    f.push_back(',');
    str_field(f, "s", ins.name);
    f.push_back(',');
    fixed_field(f, "b", ins.price * to8, 8);
    f.push_back(',');
    fixed_field(f, "B", r.between(1, 500'000) * pow10(8 - ins.qty_scale), 8);
    f.push_back(',');
    fixed_field(f, "a", (ins.price + 1) * to8, 8);
    f.push_back(',');
    fixed_field(f, "A", r.between(1, 500'000) * pow10(8 - ins.qty_scale), 8);
    f.append("}}");
    return f;
}

void bybit_head(std::string& f, const instrument& ins, std::string_view type) {
    f.append("{\"topic\":\"tickers.").append(ins.name).append("\",\"type\":\"").append(type);
    f.append("\",\"data\":{");
    str_field(f, "symbol", ins.name);
}

void bybit_tail(std::string& f, std::int64_t cs, std::int64_t ts) {
    f.append("},");
    int_field(f, "cs", cs);
    f.push_back(',');
    int_field(f, "ts", ts);
    f.push_back('}');
}

std::string bybit_snapshot(const instrument& ins, std::int64_t cs, std::int64_t ts, rng& r) {
    const int s = ins.scale;
    std::string f;
    f.reserve(720);
    bybit_head(f, ins, "snapshot");
    f.push_back(',');
    str_field(f, "tickDirection", "PlusTick");
    f.push_back(',');
    fixed_field(f, "price24hPcnt", r.between(-200000, 200000), 6);
    f.push_back(',');
    fixed_field(f, "lastPrice", ins.price, s);
    f.push_back(',');
    fixed_field(f, "prevPrice24h", ins.price - r.between(-500, 500), s);
    f.push_back(',');
    fixed_field(f, "highPrice24h", ins.price + r.between(0, 900), s);
    f.push_back(',');
    fixed_field(f, "lowPrice24h", ins.price - r.between(0, 900), s);
    f.push_back(',');
    fixed_field(f, "prevPrice1h", ins.price - r.between(-100, 100), s);
    f.push_back(',');
    fixed_field(f, "markPrice", ins.price + r.between(-3, 3), s);
    f.push_back(',');
    fixed_field(f, "indexPrice", ins.price + r.between(-3, 3), s);
    f.push_back(',');
    fixed_field(f, "openInterest", r.between(1, 900'000'000), ins.qty_scale);
    f.push_back(',');
    fixed_field(f, "openInterestValue", r.between(1, 900'000'000'000), 2);
    f.push_back(',');
    fixed_field(f, "turnover24h", r.between(1, 900'000'000'000), 4);
    f.push_back(',');
    fixed_field(f, "volume24h", r.between(1, 900'000'000), ins.qty_scale);
    f.push_back(',');
    str_field(f, "nextFundingTime", std::to_string(start_ms + 8 * 3'600'000));
    f.push_back(',');
    fixed_field(f, "fundingRate", r.between(-2000, 4000), 6);
    f.push_back(',');
    fixed_field(f, "bid1Price", ins.price, s);
    f.push_back(',');
    fixed_field(f, "bid1Size", r.between(1, 900'000), ins.qty_scale);
    f.push_back(',');
    fixed_field(f, "ask1Price", ins.price + 1, s);
    f.push_back(',');
    fixed_field(f, "ask1Size", r.between(1, 900'000), ins.qty_scale);
    bybit_tail(f, cs, ts);
    return f;
}

// A delta carries only what changed: usually the mark (and index), often the top of book,
// sometimes the 24 h figures; now and then a field goes "" (no value).
std::string bybit_delta(const instrument& ins, std::int64_t cs, std::int64_t ts, rng& r) {
    const int s = ins.scale;
    std::string f;
    f.reserve(400);
    bybit_head(f, ins, "delta");
    if (r.below(10) < 8) {
        f.push_back(',');
        fixed_field(f, "markPrice", ins.price + r.between(-3, 3), s);
        f.push_back(',');
        fixed_field(f, "indexPrice", ins.price + r.between(-3, 3), s);
    }
    if (r.below(10) < 6) {
        f.push_back(',');
        fixed_field(f, "bid1Price", ins.price, s);
        f.push_back(',');
        fixed_field(f, "bid1Size", r.between(1, 900'000), ins.qty_scale);
        f.push_back(',');
        fixed_field(f, "ask1Price", ins.price + 1, s);
        f.push_back(',');
        fixed_field(f, "ask1Size", r.between(1, 900'000), ins.qty_scale);
    }
    if (r.below(10) < 3) {
        f.push_back(',');
        fixed_field(f, "lastPrice", ins.price, s);
        f.push_back(',');
        fixed_field(f, "turnover24h", r.between(1, 900'000'000'000), 4);
        f.push_back(',');
        fixed_field(f, "volume24h", r.between(1, 900'000'000), ins.qty_scale);
        f.push_back(',');
        fixed_field(f, "price24hPcnt", r.between(-200000, 200000), 6);
    }
    if (r.below(20) == 0) {
        f.push_back(',');
        str_field(f, "bid1Price", "");
    }
    if (r.below(10) == 0) {
        f.push_back(',');
        fixed_field(f, "openInterest", r.between(1, 900'000'000), ins.qty_scale);
        f.push_back(',');
        fixed_field(f, "fundingRate", r.between(-2000, 4000), 6);
    }
    bybit_tail(f, cs, ts);
    return f;
}

}  // namespace

std::string binance_mark_price_frame(const binance_mark_fields& m) {
    std::string f;
    f.reserve(320);
    f.append("{\"stream\":\"").append(lower(m.venue_name)).append("@markPrice@1s\",\"data\":{");
    str_field(f, "e", "markPriceUpdate");
    f.push_back(',');
    int_field(f, "E", m.event_ms);
    f.push_back(',');
    str_field(f, "s", m.venue_name);
    f.push_back(',');
    fixed_field(f, "p", m.mark, 8);
    f.push_back(',');
    fixed_field(f, "ap", m.average, 8);
    f.push_back(',');
    fixed_field(f, "i", m.index, 8);
    f.push_back(',');
    fixed_field(f, "P", m.settlement, 8);
    f.push_back(',');
    fixed_field(f, "r", m.funding, 8);
    f.push_back(',');
    int_field(f, "T", m.next_funding_ms);
    f.append("}}");
    return f;
}

std::string bybit_ticker_snapshot_frame(std::string_view venue_name, std::int64_t price, int scale, std::int64_t cs,
                                        std::int64_t ts, std::uint64_t seed) {
    rng r{seed};
    instrument ins;
    ins.name = std::string{venue_name};
    ins.price = price;
    ins.scale = scale;
    return bybit_snapshot(ins, cs, ts, r);
}

std::string bybit_mark_delta_frame(std::string_view venue_name, std::int64_t mark, std::int64_t index, int scale,
                                   std::int64_t cs, std::int64_t ts) {
    instrument ins;
    ins.name = std::string{venue_name};
    std::string f;
    f.reserve(200);
    bybit_head(f, ins, "delta");
    f.push_back(',');
    fixed_field(f, "markPrice", mark, scale);
    f.push_back(',');
    fixed_field(f, "indexPrice", index, scale);
    bybit_tail(f, cs, ts);
    return f;
}

market_frames make_frames(std::size_t symbols, std::size_t rounds, std::uint64_t seed) {
    rng r{seed};
    auto instruments = make_instruments(symbols, r);
    market_frames out;
    out.binance_mark_price.name = "binance_markPrice";
    out.binance_book_ticker.name = "binance_bookTicker";
    out.bybit_tickers.name = "bybit_tickers";
    for (const auto& ins : instruments) {
        out.venue_names.push_back(ins.name);
    }
    std::int64_t update_id = 8'000'000'000;
    std::int64_t cs = 9'532'239'429;
    for (std::size_t round = 0; round < rounds; ++round) {
        const auto ts = start_ms + static_cast<std::int64_t>(round) * 1000;
        for (auto& ins : instruments) {
            walk(ins, r);
            out.binance_mark_price.frames.push_back(binance_mark(ins, ts, r));
            out.binance_book_ticker.frames.push_back(binance_book(ins, ts, ++update_id, r));
            out.bybit_tickers.frames.push_back(round == 0 ? bybit_snapshot(ins, ++cs, ts, r)
                                                          : bybit_delta(ins, ++cs, ts, r));
        }
    }
    return out;
}

exchange::symbol_map make_symbol_map(core::exchange_id venue, const market_frames& frames) {
    exchange::symbol_map map{venue};
    for (const auto& name : frames.venue_names) {
        const std::string_view v{name};
        (void)map.add_instrument(v, v.substr(0, v.size() - 4), "USDT");
    }
    return map;
}

bool write_frames(const std::string& dir, const market_frames& frames) {
    for (const auto* set : {&frames.binance_mark_price, &frames.binance_book_ticker, &frames.bybit_tickers}) {
        std::ofstream out{dir + "/" + set->name + ".jsonl", std::ios::binary | std::ios::trunc};
        for (const auto& f : set->frames) {
            out << f << '\n';
        }
        if (!out) {
            return false;
        }
    }
    return true;
}

}  // namespace tradebot::bench
