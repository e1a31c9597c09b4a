#include "exchange/stream_session.hpp"

#include <utility>

namespace tradebot::exchange {

bool is_down(net::ws_state s) noexcept { return s == net::ws_state::disconnected || s == net::ws_state::stalled; }

events::stream_status down_status(net::ws_state s) noexcept {
    return s == net::ws_state::stalled ? events::stream_status::stalled : events::stream_status::disconnected;
}

stream_session::stream_session(core::exchange_id venue, std::string name, const core::clock& clock,
                               events::topic<events::stream_state>* states, venue_metrics* metrics,
                               std::mutex& metrics_mutex)
    : venue_{venue},
      name_{std::move(name)},
      clock_{clock},
      states_{states},
      metrics_{metrics},
      metrics_mutex_{metrics_mutex} {}

template <class F>
void stream_session::with_metrics(F&& f) const {
    if (metrics_ == nullptr) {
        return;
    }
    const std::lock_guard lock{metrics_mutex_};
    std::forward<F>(f)(*metrics_);
}

void stream_session::publish_state(events::stream_status status, std::string reason) const {
    if (states_ == nullptr) {
        return;
    }
    events::stream_state e;
    e.exchange = venue_;
    e.stream = name_;
    e.status = status;
    e.reason = std::move(reason);
    e.ts = clock_.now();
    states_->publish(e);
}

void stream_session::set_up(events::stream_status status) const {
    const int up = status == events::stream_status::connected ? 1 : status == events::stream_status::stalled ? -1 : 0;
    with_metrics([&](venue_metrics& m) { m.stream_up(name_, up); });
}

void stream_session::report(events::stream_status status, std::string reason) const {
    publish_state(status, std::move(reason));
    set_up(status);
}

void stream_session::count_message() const {
    with_metrics([&](venue_metrics& m) { m.stream_message(name_); });
}

void stream_session::count_malformed() const {
    with_metrics([&](venue_metrics& m) { m.stream_malformed(name_); });
}

void stream_session::count_reconnect() const {
    with_metrics([&](venue_metrics& m) { m.stream_reconnect(name_); });
}

}  // namespace tradebot::exchange
