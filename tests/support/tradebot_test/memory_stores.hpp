#pragma once

// The trading core's stores in memory: the backtest's (tradebot/backtest/memory_stores.hpp), under
// the names the tests use.

#include "tradebot/backtest/memory_stores.hpp"

namespace tradebot::test {

using backtest::memory_audit;
using backtest::memory_journal;
using backtest::memory_positions;
using backtest::memory_trades;
using backtest::round_trip;

}  // namespace tradebot::test
