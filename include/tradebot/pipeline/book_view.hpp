#pragma once

#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/signals/filter_chain.hpp"
#include "tradebot/trading/position_manager.hpp"
#include "tradebot/trading/risk_manager.hpp"

// How a trading_port reports one venue's book, shared by the daemon's port and the backtest's.
namespace tradebot::pipeline {

// Each live position at its entry notional, each opening one at `opening_size`.
void append_exposures(core::exchange_id id, const trading::position_manager& m, core::decimal opening_size,
                      std::vector<trading::position_exposure>& out);
// The (exchange, symbol) of each live and each opening position.
void append_open_keys(core::exchange_id id, const trading::position_manager& m, signals::key_set& out);

}  // namespace tradebot::pipeline
