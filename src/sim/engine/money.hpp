#pragma once

#include "tradebot/core/decimal.hpp"

namespace tradebot::sim::engine {

// Money and average prices are kept to 8 decimals (what both venues print for USDT
// amounts), so repeated arithmetic cannot grow the decimal scale until it overflows.
inline constexpr int money_scale = 8;

[[nodiscard]] inline core::decimal money(core::decimal v) {
    return v.scale() > money_scale ? v.rescale(money_scale, core::rounding::half_even) : v;
}

}  // namespace tradebot::sim::engine
