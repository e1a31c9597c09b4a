#pragma once

#include <optional>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/sim/engine/reject_reason.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

// The direction a stop or take-profit waits for (Binance A7 trigger rules):
// STOP BUY / TP SELL fire on a rise, STOP SELL / TP BUY on a fall.
[[nodiscard]] trigger_direction direction_of(conditional_kind kind, core::side side) noexcept;

// Fires when the watched price reaches the trigger (inclusive).
[[nodiscard]] bool is_triggered(trigger_direction d, core::decimal trigger, core::decimal current) noexcept;

// Placement check (Binance -2021, Bybit 110092/110093): a rising trigger must be strictly
// above the current watched price, a falling one strictly below. Returns the rejection
// carrying the trigger, the current price and the expected direction.
[[nodiscard]] std::optional<rejection> check_trigger_placement(trigger_direction d, core::decimal trigger,
                                                               core::decimal current, working_type watched);

// Trailing placement: a SELL needs activation > current, a BUY activation < current.
[[nodiscard]] std::optional<rejection> check_trailing_activation(core::side side, core::decimal activation,
                                                                 core::decimal current, working_type watched);

// The price at which an activated trailing stop fires: extreme * (1 -/+ rate/100).
// Exact in decimal arithmetic, not rounded to the tick.
[[nodiscard]] core::decimal trailing_trigger_price(core::side side, core::decimal extreme, core::decimal rate_percent);

// Position TP/SL base-price rule (Bybit trading-stop): for a long, TP > base and SL < base;
// for a short the reverse.
[[nodiscard]] std::optional<rejection> check_take_profit(core::position_side side, core::decimal tp, core::decimal base,
                                                         working_type watched);
[[nodiscard]] std::optional<rejection> check_stop_loss(core::position_side side, core::decimal sl, core::decimal base,
                                                       working_type watched);

}  // namespace tradebot::sim::engine
