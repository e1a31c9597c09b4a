#pragma once

#include <optional>

#include "tradebot/core/decimal.hpp"

namespace tradebot::signals {

// (ask - bid) / mid x 100, with 4 decimals (half-even): 0.05 means 0.05 %. The original divided
// by the bid (original-bot.md §3.3); the mid is symmetric in the two sides and differs from it
// by far less than the 4th decimal for any spread a trader would accept. nullopt when the book
// is not two-sided (a side missing or zero) or crossed (ask < bid): the spread is unknown then.
[[nodiscard]] std::optional<core::decimal> spread_percent(core::decimal bid, core::decimal ask);

}  // namespace tradebot::signals
