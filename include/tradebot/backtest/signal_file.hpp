#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tradebot/backtest/price_history.hpp"
#include "tradebot/signals/signal.hpp"

namespace tradebot::backtest {

// One signal as it would be a row of the `signals` table, and where it came from.
struct signal_line {
    signals::raw_signal raw;
    int line = 0;
    core::clock::time_point visible_at;  // coalesce(wave_time, received_at): when a wave may read it
};

// A CSV of signals with a header naming the signals table's columns: timestamp (or candle_time:
// the open of the scored 15-minute candle), exchange, symbol, side, score_week, score_month, and
// optionally id, source, external_id, wave_time, received_at. Without received_at a signal is
// received when its candle closes (candle_time + 15 min); without id, ids count from 1 by line.
// Each row is checked as the live pipeline checks a row (signals::validate): a bad row is an
// error naming the file and line, as is a symbol `prices` has no data for or a signal visible
// outside the price data's time range.
// One row checked as load_signals() checks each (signals::validate, a symbol with prices, visible
// inside them) and its visible_at set: empty when good, else the reason.
[[nodiscard]] std::string check_signal(signal_line& s, const price_history& prices);

[[nodiscard]] loaded<std::vector<signal_line>> load_signals(const std::filesystem::path& file,
                                                            const price_history& prices);

}  // namespace tradebot::backtest
