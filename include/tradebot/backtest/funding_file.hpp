#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <vector>

#include "tradebot/backtest/price_history.hpp"
#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"

namespace tradebot::backtest {

// One funding settlement of a symbol: the rate the venue charged at `ms` (a whole hour, UTC).
struct funding_point {
    std::int64_t ms = 0;
    core::decimal rate;  // positive: longs pay shorts
    int line = 0;        // where it was read (CSV line, or the JSON object's line)
};

// Per symbol, strictly increasing times.
using funding_history = std::map<core::symbol, std::vector<funding_point>>;

// Funding-rate history, one file or a directory of *.csv / *.json files:
//   - Binance's GET /fapi/v1/fundingRate answer saved as JSON (an array of {symbol, fundingTime,
//     fundingRate[, markPrice]}) or as CSV with those column names;
//   - Bybit's GET /v5/market/funding/history answer saved as JSON ({"result": {"list": [...]}} or
//     the list alone: {symbol, fundingRate, fundingRateTimestamp}, newest first) or as CSV with
//     those column names;
//   - Binance's public data dump (data.binance.vision .../fundingRate/BTCUSDT-fundingRate-2025-01.csv:
//     calc_time,funding_interval_hours,last_funding_rate; the symbol from the file name as for klines).
// Times in milliseconds; a time up to a minute after a whole hour is that hour (the API stamps a
// few ms late). A file wholly newest first is read reversed. markPrice is read but not used: the
// engine settles at its own mark then, as live. Errors name the file and line: missing columns,
// bad numbers, times not on an hour, unsorted or repeated times, a symbol `prices` has no data for.
[[nodiscard]] loaded<funding_history> load_funding(const std::filesystem::path& path, const price_history& prices);

}  // namespace tradebot::backtest
