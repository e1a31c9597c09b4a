#include <algorithm>
#include <charconv>

#include "backtest/csv.hpp"
#include "backtest/input_files.hpp"
#include "tradebot/backtest/price_history.hpp"

namespace tradebot::backtest {

namespace {

constexpr std::int64_t agg_minute_ms = 60'000;
constexpr std::int64_t agg_max_ms = 100'000'000'000'000;  // above: microseconds (the dumps since 2025)
constexpr std::size_t agg_columns = 7;

std::string agg_where(const std::filesystem::path& file, int line) {
    return file.string() + ":" + std::to_string(line) + ": ";
}

std::optional<std::int64_t> agg_integer(const std::string& s) {
    std::int64_t v = 0;
    const auto* end = s.data() + s.size();
    const auto r = std::from_chars(s.data(), end, v);
    if (r.ec != std::errc{} || r.ptr != end) return std::nullopt;
    return v;
}

// One minute being built from its trades.
struct agg_minute {
    bar b;
    std::size_t high_at = 0;  // the trade that set the high / low, counted in the minute
    std::size_t low_at = 0;
    std::size_t trades = 0;
    core::decimal quote;

    void add(core::decimal price, core::decimal qty) {
        if (trades == 0) {
            b.open = b.high = b.low = price;
        }
        if (price > b.high) {
            b.high = price;
            high_at = trades;
        }
        if (price < b.low) {
            b.low = price;
            low_at = trades;
        }
        b.close = price;
        quote += price.multiply(qty, 8, core::rounding::half_even);
        ++trades;
    }
    bar done() {
        b.quote_volume = quote.rescale(std::min(quote.scale(), 4), core::rounding::half_even);
        if (b.high != b.low) b.high_first = high_at < low_at;
        return b;
    }
};

loaded<kline_series> read_agg_file(csv::line_reader& rows, const std::filesystem::path& file,
                                   const core::symbol& symbol) {
    loaded<kline_series> out;
    kline_series series;
    series.symbol = symbol;
    std::optional<std::int64_t> last_id;
    std::int64_t last_time = 0;
    std::optional<agg_minute> current;
    std::vector<std::string> f;
    while (rows.next(f)) {
        const int line = rows.line();
        if (line == 1 && !agg_integer(f[0])) {
            if (f.size() < agg_columns || csv::lower(f[0]) != "agg_trade_id" || csv::lower(f[5]) != "transact_time") {
                out.error = agg_where(file, line) +
                            "expected the aggTrades header agg_trade_id,price,quantity,first_trade_id,last_trade_id,"
                            "transact_time,is_buyer_maker";
                return out;
            }
            continue;
        }
        if (f.size() < agg_columns) {
            out.error = agg_where(file, line) + "expected at least 7 columns, got " + std::to_string(f.size());
            return out;
        }
        const auto id = agg_integer(f[0]);
        if (!id) {
            out.error = agg_where(file, line) + "agg_trade_id '" + f[0] + "' is not an integer";
            return out;
        }
        if (last_id && *id <= *last_id) {
            out.error = agg_where(file, line) + (*id == *last_id ? "repeated" : "unsorted") + " agg_trade_id " + f[0];
            return out;
        }
        last_id = id;
        const auto price = core::decimal::parse(f[1]);
        if (!price || !price->is_positive()) {
            out.error = agg_where(file, line) + "price '" + f[1] + "' is not a positive decimal";
            return out;
        }
        const auto qty = core::decimal::parse(f[2]);
        if (!qty || qty->is_negative()) {
            out.error = agg_where(file, line) + "quantity '" + f[2] + "' is not a decimal";
            return out;
        }
        auto t = agg_integer(f[5]);
        if (!t || *t <= 0) {
            out.error = agg_where(file, line) + "transact_time '" + f[5] + "' is not a positive integer";
            return out;
        }
        if (*t > agg_max_ms) *t /= 1000;
        if (*t < last_time) {
            out.error = agg_where(file, line) + "transact_time " + f[5] + " is before the previous trade's";
            return out;
        }
        last_time = *t;
        const auto minute = *t - *t % agg_minute_ms;
        if (current && current->b.open_ms != minute) {
            series.bars.push_back(current->done());
            current.reset();
        }
        if (!current) {
            current.emplace();
            current->b.open_ms = minute;
        }
        current->add(price->normalized(), *qty);
    }
    if (current) series.bars.push_back(current->done());
    out.value = std::move(series);
    return out;
}

}  // namespace

loaded<price_history> load_agg_trades(const std::filesystem::path& path,
                                      const std::function<void(std::size_t, std::size_t)>& progress) {
    return load_bar_files(path, read_agg_file,
                          {"BTCUSDT-aggTrades-2025-01-01.csv", "no trades", " (a minute split over two files?)"},
                          progress);
}

}  // namespace tradebot::backtest
