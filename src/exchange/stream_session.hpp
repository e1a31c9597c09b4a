#pragma once

// What every venue WebSocket stream reports about itself, whatever its wire format: the
// stream_state events and the stream metrics. Private to the venue adapters.

#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <boost/system/error_code.hpp>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/events/topic.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/venue_metrics.hpp"
#include "tradebot/net/ws_client.hpp"

namespace tradebot::exchange {

// The client options every stream takes from its own options; `Options` is a venue's stream
// options struct. A venue whose options have no connect_timeout keeps the client's default.
template <class Options>
[[nodiscard]] net::ws_client_options ws_options(const Options& options, std::string url) {
    net::ws_client_options o;
    o.url = std::move(url);
    o.verify_peer = options.verify_peer;
    o.ca_file = options.ca_file;
    if constexpr (requires { options.connect_timeout; }) {
        o.connect_timeout = options.connect_timeout;
    }
    o.idle_timeout = options.idle_timeout;
    o.stall_timeout = options.stall_timeout;
    o.backoff = options.backoff;
    return o;
}

// Whether a client state is one a stream reports as down (disconnected, stalled), and as which
// status; the other states are reported by each venue in its own way.
[[nodiscard]] bool is_down(net::ws_state s) noexcept;
[[nodiscard]] events::stream_status down_status(net::ws_state s) noexcept;

// The state events and metrics of one stream. venue_metrics is not thread-safe, so every metric
// goes through the mutex the caller shares with whoever else reports to the same instance.
class stream_session {
public:
    // `states` and `metrics` may be null: that part is then not reported.
    stream_session(core::exchange_id venue, std::string name, const core::clock& clock,
                   events::topic<events::stream_state>* states, venue_metrics* metrics, std::mutex& metrics_mutex);

    [[nodiscard]] const std::string& name() const noexcept { return name_; }

    // The stream_state event alone.
    void publish_state(events::stream_status status, std::string reason) const;
    // The stream_up gauge alone: 1 connected, -1 stalled, 0 disconnected.
    void set_up(events::stream_status status) const;
    // The event, then the gauge.
    void report(events::stream_status status, std::string reason) const;

    void count_message() const;
    void count_malformed() const;
    void count_reconnect() const;

private:
    template <class F>
    void with_metrics(F&& f) const;

    core::exchange_id venue_;
    std::string name_;
    const core::clock& clock_;
    events::topic<events::stream_state>* states_;
    venue_metrics* metrics_;
    std::mutex& metrics_mutex_;
};

}  // namespace tradebot::exchange
