#pragma once

// Routing of decoded Binance frames onto the router's topics (shared by both streams).

#include <cstdint>

#include "tradebot/events/topic.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/binance/stream_codec.hpp"
#include "tradebot/net/ws_client.hpp"

namespace tradebot::exchange {
class stream_session;
}  // namespace tradebot::exchange

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

// The stream_state event and metrics of a client state change. Both streams report the gauge
// before the event, and the reason is the error's message even when there is no error.
void report_ws_state(const stream_session& session, net::ws_state s, const boost::system::error_code& reason);

}  // namespace tradebot::exchange::binance
