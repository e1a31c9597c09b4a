#include "exchange/binance/stream_publish.hpp"

#include <type_traits>
#include <variant>

#include "exchange/stream_session.hpp"

namespace tradebot::exchange::binance {

publish_outcome publish_decoded(const decoded& d, const stream_sinks& sinks) {
    return std::visit(
        [&](const auto& v) -> publish_outcome {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, malformed>) {
                return publish_outcome::malformed;
            } else if constexpr (std::is_same_v<T, events::mark_price>) {
                if (sinks.marks == nullptr) return publish_outcome::not_published;
                sinks.marks->publish(v);
                return publish_outcome::published;
            } else if constexpr (std::is_same_v<T, mark_price_batch>) {
                if (sinks.marks == nullptr) return publish_outcome::not_published;
                for (const auto& m : v.prices) sinks.marks->publish(m);
                return publish_outcome::published;
            } else if constexpr (std::is_same_v<T, events::order_update>) {
                if (sinks.orders == nullptr) return publish_outcome::not_published;
                sinks.orders->publish(v);
                return publish_outcome::published;
            } else if constexpr (std::is_same_v<T, algo_update>) {
                if (sinks.orders == nullptr) return publish_outcome::not_published;
                sinks.orders->publish(v.order);
                return publish_outcome::published;
            } else if constexpr (std::is_same_v<T, account_update>) {
                if (sinks.balances != nullptr) {
                    for (const auto& b : v.balances) sinks.balances->publish(b);
                }
                if (sinks.positions != nullptr) {
                    for (const auto& p : v.positions) sinks.positions->publish(p);
                }
                return publish_outcome::published;
            } else {
                return publish_outcome::not_published;
            }
        },
        d);
}

void report_ws_state(const stream_session& session, net::ws_state s, const boost::system::error_code& reason) {
    if (s == net::ws_state::connected) {
        session.set_up(events::stream_status::connected);
        session.publish_state(events::stream_status::connected, {});
    } else if (is_down(s)) {
        session.set_up(down_status(s));
        if (s == net::ws_state::disconnected) {
            session.count_reconnect();
        }
        session.publish_state(down_status(s), reason.message());
    }
}

}  // namespace tradebot::exchange::binance
