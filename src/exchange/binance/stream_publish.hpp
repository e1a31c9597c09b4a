#pragma once

// Routing of decoded Binance frames onto the router's topics (shared by both streams).

#include <cstdint>

#include "tradebot/events/topic.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/binance/stream_codec.hpp"

namespace tradebot::exchange::binance {

struct stream_sinks {
    events::topic<events::order_update>* orders = nullptr;
    events::topic<events::position_update>* positions = nullptr;
    events::topic<events::balance_update>* balances = nullptr;
    events::topic<events::mark_price>* marks = nullptr;
};

enum class publish_outcome : std::uint8_t { published, not_published, malformed };

// Publishes what the frame carries on the matching sink (a null sink drops it). Algo updates go
// out as order_update with the algo ids (the codec's algo_update.order).
[[nodiscard]] publish_outcome publish_decoded(const decoded& d, const stream_sinks& sinks);

}  // namespace tradebot::exchange::binance
