#pragma once

#include <chrono>
#include <string>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/signals/signal.hpp"

namespace tradebot::signals::test {

// 2026-01-01 00:00:00 UTC plus the given offset (negative hours reach into 2025-12-31).
inline time_point utc(int hours, int minutes = 0, int seconds = 0) {
    return time_point{
        std::chrono::seconds{1'767'225'600} + std::chrono::hours{hours} + std::chrono::minutes{minutes} +
        std::chrono::seconds{seconds}};
}

inline raw_signal good_raw() {
    raw_signal r;
    r.id = 7;
    r.source = "fas";
    r.external_id = "ext-123";
    r.exchange = "binance";
    r.symbol = "BTCUSDT";
    r.side = "BUY";
    r.score_week = "12.5";
    r.score_month = "40";
    r.candle_time = "2026-01-01 00:45:00+00";
    r.wave_time = "2026-01-01 01:05:00+00";
    r.received_at = "2026-01-01 01:04:59.5+00";
    return r;
}

inline signal make_signal(
    std::int64_t id,
    core::exchange_id venue,
    const char* sym,
    const char* week,
    const char* month,
    time_point candle,
    core::side side = core::side::buy
) {
    signal s;
    s.id = id;
    s.source = "test";
    s.exchange = venue;
    s.symbol = core::symbol::from_string(sym);
    s.side = side;
    s.score_week = core::decimal::from_string(week);
    s.score_month = core::decimal::from_string(month);
    s.candle_time = candle;
    s.received_at = candle + std::chrono::minutes{16};
    return s;
}

// An instrument with a 0.001 step and a 20 USD smallest order (limit max 10000, market max 2000).
inline exchange::instrument_rules instrument(const char* sym) {
    using namespace core::literals;
    exchange::instrument_rules r;
    r.symbol = core::symbol::from_string(sym);
    r.tick_size = "0.01"_d;
    r.step_size = "0.001"_d;
    r.min_qty = "0.001"_d;
    r.max_qty = "10000"_d;
    r.market_max_qty = "2000"_d;
    r.min_notional = "20"_d;
    return r;
}

}  // namespace tradebot::signals::test
