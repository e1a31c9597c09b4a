#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"

namespace tradebot::sim::bybit {

inline constexpr std::int64_t minute_ms = 60'000;

struct candle {
    std::int64_t start_ms = 0;
    core::decimal open;
    core::decimal high;
    core::decimal low;
    core::decimal close;
    core::decimal volume;
    core::decimal turnover;
};

// A bounded history of 1-minute candles per symbol, built from last prices and fills.
class kline_store {
public:
    static constexpr std::size_t max_candles = 1000;

    // Records a last price at `ms`. Returns the candle that closed if this price opened a new minute.
    std::optional<candle> on_price(const core::symbol& s, core::decimal last, std::int64_t ms);
    void on_trade(const core::symbol& s, core::decimal qty, core::decimal price, std::int64_t ms);

    [[nodiscard]] const candle* current(const core::symbol& s) const;
    // Newest first, at most `limit`, within [start, end] when given.
    [[nodiscard]] std::vector<candle> query(const core::symbol& s, std::optional<std::int64_t> start,
                                            std::optional<std::int64_t> end, std::size_t limit) const;

private:
    std::map<core::symbol, std::deque<candle>> candles_;
};

}  // namespace tradebot::sim::bybit
