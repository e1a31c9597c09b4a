#pragma once

#include <chrono>

#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

// The first funding time strictly after `t` on a grid of `interval` anchored at 00:00 UTC
// (8 h -> 00/08/16 UTC).
[[nodiscard]] time_point next_funding_time(time_point t, std::chrono::hours interval);

}  // namespace tradebot::sim::engine
