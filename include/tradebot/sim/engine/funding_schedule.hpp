#pragma once

#include <chrono>
#include <functional>

#include "tradebot/core/symbol.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

class exchange;

// The first funding time strictly after `t` on a grid of `interval` anchored at 00:00 UTC
// (8 h -> 00/08/16 UTC).
[[nodiscard]] time_point next_funding_time(time_point t, std::chrono::hours interval);

// Called for each symbol whose funding settles at `due`, before the engine settles it: the
// symbol's rate and mark then are the settlement's (a venue's funding history records them).
using funding_observer = std::function<void(const core::symbol& symbol, time_point due)>;

// Moves `ex` to `now` through the funding times due on the way, in order, so that each
// settlement is seen with its own rate.
void advance_through_funding(exchange& ex, time_point now, const funding_observer& observe);

}  // namespace tradebot::sim::engine
