#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "tradebot/core/clock.hpp"
#include "tradebot/events/router.hpp"
#include "tradebot/exchange/api_credentials.hpp"
#include "tradebot/exchange/bybit/stream_codec.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/time_sync.hpp"
#include "tradebot/exchange/venue_metrics.hpp"
#include "tradebot/net/ws_client.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tradebot::exchange::bybit {

struct private_stream_options {
    std::string ws_base;  // "wss://stream.bybit.com" (the path /v5/private is appended)
    std::string ca_file;
    bool verify_peer = true;
    std::chrono::milliseconds ping_interval{20'000};  // §B9: op ping every 20 s
    std::chrono::milliseconds auth_expiry{10'000};    // expires = venue now + this
    std::chrono::milliseconds idle_timeout{30'000};
    // The private stream may be quiet for hours: no stall detection unless asked (tests).
    std::chrono::milliseconds stall_timeout{0};
    net::backoff_options backoff{};
};

// Bybit's private WebSocket: auth (op auth, HMAC over "GET/realtime"+expires) on every connect,
// then order/execution/position/wallet subscriptions once the auth succeeded; decodes with the
// codec and publishes order_update / position_update / balance_update on the router, and
// stream_state "private" (connected after the subscription is confirmed; disconnected / stalled
// from the WebSocket client). After a disconnected -> connected transition the caller must refill
// state over REST before trusting the stream (DESIGN.md rule 7).
//
// The symbol map must be loaded (load_instruments) before events can be mapped; the map, router,
// time_sync and metrics must outlive the stream. start()/stop() from any thread.
class private_stream {
public:
    private_stream(boost::asio::io_context& io, private_stream_options options, api_credentials credentials,
                   const symbol_map& symbols, const time_sync& clock_sync, const core::clock& clock,
                   events::router& router, venue_metrics* metrics = nullptr);
    ~private_stream();
    private_stream(const private_stream&) = delete;
    private_stream& operator=(const private_stream&) = delete;

    // Fills from the execution topic (no router topic carries them yet).
    void on_execution(std::function<void(const execution&)> handler);

    void start();
    void stop();

    [[nodiscard]] bool authenticated() const noexcept;
    [[nodiscard]] std::uint64_t auth_count() const noexcept;       // successful auths, all connections
    [[nodiscard]] std::uint64_t subscribe_count() const noexcept;  // confirmed subscribe replies
    [[nodiscard]] net::ws_counters counters() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace tradebot::exchange::bybit
