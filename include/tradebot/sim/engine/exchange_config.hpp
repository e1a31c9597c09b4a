#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tradebot/core/decimal.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

struct exchange_config {
    engine::venue venue = engine::venue::binance;
    std::uint64_t seed = 1;  // order and trade ids derive from it
    // Market orders fill at the best bid/ask moved against the taker by this many basis
    // points, rounded to the tick against the taker.
    core::decimal slippage_bps;
    std::string settlement_asset = "USDT";
};

// Finds an order by venue id or by client id (Binance origClientOrderId, Bybit orderLinkId).
struct order_ref {
    std::optional<order_id> id;
    std::string client_id;
};

}  // namespace tradebot::sim::engine
