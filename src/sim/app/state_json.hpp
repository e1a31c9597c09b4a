#pragma once

#include <boost/json/value.hpp>

#include "tradebot/sim/engine/snapshot.hpp"

namespace tradebot::sim::app {

// The engine's state as GET /sim/state shows it: internal names, decimals as strings, times in
// epoch milliseconds.
[[nodiscard]] boost::json::value to_json(const engine::exchange_snapshot& snap);

}  // namespace tradebot::sim::app
