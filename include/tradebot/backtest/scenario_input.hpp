#pragma once

#include <cstdint>
#include <map>

#include "tradebot/backtest/funding_file.hpp"
#include "tradebot/backtest/price_history.hpp"
#include "tradebot/exchange/instrument_rules.hpp"
#include "tradebot/sim/scenario/scenario.hpp"

namespace tradebot::backtest {

using instrument_table = std::map<core::symbol, exchange::instrument_rules>;

// A tradebot-sim scenario (docs/SIMULATOR.md) as the backtest's market: what the simulator would
// play from its start, for `minutes` minutes from `start_ms`.
struct scenario_market {
    price_history prices;         // 1-minute bars (scenario_history)
    funding_history funding;      // each symbol's funding_rate at each of its funding_interval_h times
    instrument_table instruments;  // the scenario's instruments, not rules derived from the prices
};

// The scenario's price models through the simulator's own sim::scenario::price_feed (its seed,
// stepped at its tick_ms), each minute's marks one bar (open: the mark at the minute's start;
// high/low: the extremes of its ticks; close: the last). The scenario has no volume: every minute
// trades 1,000,000 USDT, so the volume filter passes.
[[nodiscard]] price_history scenario_history(const sim::scenario::scenario_spec& spec, std::int64_t start_ms,
                                             int minutes);

[[nodiscard]] scenario_market scenario_market_of(const sim::scenario::scenario_spec& spec, std::int64_t start_ms,
                                                 int minutes);

}  // namespace tradebot::backtest
