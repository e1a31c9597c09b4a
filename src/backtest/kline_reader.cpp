#include <algorithm>
#include <charconv>

#include "backtest/csv.hpp"
#include "backtest/input_files.hpp"
#include "tradebot/backtest/price_history.hpp"

namespace tradebot::backtest {

namespace {

constexpr std::int64_t minute_ms = 60'000;
// Open times above this are microseconds (the dumps switched units in 2025).
constexpr std::int64_t max_ms = 100'000'000'000'000;

std::string where(const std::filesystem::path& file, int line) { return file.string() + ":" + std::to_string(line) + ": "; }

std::optional<std::int64_t> integer(const std::string& s) {
    std::int64_t v = 0;
    const auto* end = s.data() + s.size();
    const auto r = std::from_chars(s.data(), end, v);
    if (r.ec != std::errc{} || r.ptr != end) {
        return std::nullopt;
    }
    return v;
}

// Column positions: the dump's order unless a header names them.
struct columns {
    std::size_t open_time = 0, open = 1, high = 2, low = 3, close = 4, volume = 5;
    std::optional<std::size_t> quote_volume = 7;
    std::size_t needed = 6;
    // Bybit's layout (the V5 kline fields: startTime, openPrice, ..., turnover) lists the newest
    // bar first, as GET /v5/market/kline answers: a file wholly in that order is read reversed.
    bool newest_first_allowed = false;
};

std::optional<std::string> from_header(const std::vector<std::string>& names, columns& c) {
    const auto find = [&](std::string_view n) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (csv::lower(names[i]) == n) return i;
        }
        return std::nullopt;
    };
    // Binance's dump names, or Bybit's kline export (its V5 API fields).
    const bool bybit = find("starttime").has_value();
    std::size_t needed = 0;
    for (auto [name, bybit_name, slot] :
         {std::tuple{"open_time", "starttime", &c.open_time}, {"open", "openprice", &c.open},
          {"high", "highprice", &c.high}, {"low", "lowprice", &c.low}, {"close", "closeprice", &c.close},
          {"volume", "volume", &c.volume}}) {
        const auto at = find(bybit ? bybit_name : name);
        if (!at) {
            return std::string{"missing column '"} + (bybit ? bybit_name : name) + "'";
        }
        *slot = *at;
        needed = std::max(needed, *at + 1);
    }
    c.quote_volume = find(bybit ? "turnover" : "quote_volume");
    c.needed = needed;
    c.newest_first_allowed = bybit;
    return std::nullopt;
}

}  // namespace

const bar* kline_series::at(std::int64_t open_ms) const {
    const auto it = std::lower_bound(bars.begin(), bars.end(), open_ms,
                                     [](const bar& b, std::int64_t t) { return b.open_ms < t; });
    return it != bars.end() && it->open_ms == open_ms ? &*it : nullptr;
}

std::pair<const bar*, const bar*> kline_series::range(std::int64_t from_ms, std::int64_t to_ms) const {
    const auto cmp = [](const bar& b, std::int64_t t) { return b.open_ms < t; };
    const auto b = std::lower_bound(bars.begin(), bars.end(), from_ms, cmp);
    const auto e = std::lower_bound(b, bars.end(), to_ms, cmp);
    return {bars.data() + (b - bars.begin()), bars.data() + (e - bars.begin())};
}

namespace {

loaded<kline_series> read_kline_rows(csv::line_reader& rows, const std::filesystem::path& file,
                                     const core::symbol& symbol) {
    loaded<kline_series> out;
    kline_series series;
    series.symbol = symbol;
    columns c;
    std::vector<int> lines;  // each bar's line, for the order check of a newest-first file
    std::vector<std::string> f;
    while (rows.next(f)) {
        const int line = rows.line();
        if (line == 1 && !integer(f[0])) {
            if (auto bad = from_header(f, c)) {
                out.error = where(file, line) + *bad;
                return out;
            }
            continue;
        }
        if (f.size() < c.needed) {
            out.error = where(file, line) + "expected at least " + std::to_string(c.needed) + " columns, got " +
                        std::to_string(f.size());
            return out;
        }
        auto t = integer(f[c.open_time]);
        if (!t || *t <= 0) {
            out.error = where(file, line) + "open_time '" + f[c.open_time] + "' is not a positive integer";
            return out;
        }
        if (*t > max_ms) {
            *t /= 1000;
        }
        if (*t % minute_ms != 0) {
            out.error = where(file, line) + "open_time " + f[c.open_time] + " is not on a minute";
            return out;
        }
        bar b;
        b.open_ms = *t;
        for (auto [idx, slot, name] : {std::tuple{c.open, &b.open, "open"}, {c.high, &b.high, "high"},
                                       {c.low, &b.low, "low"}, {c.close, &b.close, "close"}}) {
            const auto v = core::decimal::parse(f[idx]);
            if (!v || !v->is_positive()) {
                out.error = where(file, line) + std::string{name} + " '" + f[idx] + "' is not a positive decimal";
                return out;
            }
            *slot = v->normalized();
        }
        if (b.high < std::max(b.open, b.close) || b.low > std::min(b.open, b.close)) {
            out.error = where(file, line) + "high/low do not contain open and close";
            return out;
        }
        std::optional<core::decimal> qv;
        if (c.quote_volume && *c.quote_volume < f.size()) {
            qv = core::decimal::parse(f[*c.quote_volume]);
        }
        if (!qv) {
            const auto v = core::decimal::parse(f[c.volume]);
            if (!v || v->is_negative()) {
                out.error = where(file, line) + "volume '" + f[c.volume] + "' is not a decimal";
                return out;
            }
            qv = v->multiply(b.close, 4, core::rounding::half_even);
        }
        b.quote_volume = qv->rescale(std::min(qv->scale(), 4), core::rounding::half_even);
        series.bars.push_back(b);
        lines.push_back(line);
    }
    auto& bars = series.bars;
    if (c.newest_first_allowed && bars.size() > 1 && bars[0].open_ms > bars[1].open_ms) {
        std::reverse(bars.begin(), bars.end());
        std::reverse(lines.begin(), lines.end());
    }
    for (std::size_t i = 1; i < bars.size(); ++i) {
        if (bars[i].open_ms <= bars[i - 1].open_ms) {
            out.error = where(file, lines[i]) + (bars[i].open_ms == bars[i - 1].open_ms ? "repeated" : "unsorted") +
                        " open_time " + std::to_string(bars[i].open_ms);
            return out;
        }
    }
    out.value = std::move(series);
    return out;
}

}  // namespace

loaded<kline_series> read_kline_file(const std::filesystem::path& file, const core::symbol& symbol) {
    csv::line_reader rows{file};
    if (auto e = rows.open_error()) {
        loaded<kline_series> out;
        out.error = std::move(*e);
        return out;
    }
    return read_kline_rows(rows, file, symbol);
}

loaded<price_history> load_klines(const std::filesystem::path& path) {
    return load_bar_files(path, read_kline_rows, {"BTCUSDT-1m-2024-01.csv", "no bars", ""});
}

}  // namespace tradebot::backtest
