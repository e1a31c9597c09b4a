#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"

namespace tradebot::backtest {

// What a reader gives back: the value, or one error naming the file and the line.
template <class T>
struct loaded {
    std::optional<T> value;
    std::string error;
};

// One 1-minute candle.
struct bar {
    std::int64_t open_ms = 0;
    core::decimal open;
    core::decimal high;
    core::decimal low;
    core::decimal close;
    core::decimal quote_volume;  // USDT traded in the minute (the venue's quote volume)
    // Whether the high came before the low, when the data says (bars made from trades); the
    // replay then takes the extremes in that order whatever the intrabar option.
    std::optional<bool> high_first;
};

struct kline_series {
    core::symbol symbol;
    std::vector<bar> bars;  // strictly increasing open_ms, each on the minute

    // The bar opening at `open_ms`, nullptr if the data has none.
    [[nodiscard]] const bar* at(std::int64_t open_ms) const;
    // The bars with open_ms in [from_ms, to_ms).
    [[nodiscard]] std::pair<const bar*, const bar*> range(std::int64_t from_ms, std::int64_t to_ms) const;
};

using price_history = std::map<core::symbol, kline_series>;

// 1-minute klines in the layout of Binance's public data dumps (data.binance.vision:
// open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,
// taker_buy_quote_volume,ignore), with or without the header line; open_time in milliseconds
// (or microseconds, as the newer dumps write). Without a quote_volume column, volume x close.
// `path` is one file or a directory whose *.csv files are all read (several months of a symbol
// are joined). The symbol is the file name up to the first '-' ("BTCUSDT-1m-2024-01.csv").
// Missing columns, bad numbers, high/low not around open/close, times off the minute, unsorted or
// repeated times are errors naming the file and line; nothing is dropped.
[[nodiscard]] loaded<price_history> load_klines(const std::filesystem::path& path);

// Binance's aggTrades dumps (data.binance.vision .../aggTrades/BTCUSDT-aggTrades-2025-01-01.csv:
// agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker[,is_best_match]),
// with or without the header; transact_time in ms (or µs). One file or a directory, the symbol from
// the file name, as load_klines. The trades become 1-minute bars: open / close the minute's first
// and last trade, high / low its extremes (with the order they came in: high_first), quote volume
// the sum of price x quantity; a minute without trades has no bar. Repeated or decreasing
// agg_trade_ids, decreasing times, bad numbers are errors naming the file and line.
// `progress` (optional): called after each file with (files read, files).
[[nodiscard]] loaded<price_history> load_agg_trades(
    const std::filesystem::path& path, const std::function<void(std::size_t, std::size_t)>& progress = {});

// One file's bars (exposed for the tests); `symbol` names the series.
[[nodiscard]] loaded<kline_series> read_kline_file(const std::filesystem::path& file, const core::symbol& symbol);

}  // namespace tradebot::backtest
