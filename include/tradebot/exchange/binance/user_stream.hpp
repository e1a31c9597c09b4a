#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tradebot/core/clock.hpp"
#include "tradebot/events/topic.hpp"
#include "tradebot/events/types.hpp"
#include "tradebot/exchange/binance/rest_client.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/venue_metrics.hpp"
#include "tradebot/net/backoff.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tradebot::exchange::binance {

// Where the private stream publishes. The caller owns the topics (and their policies).
struct user_stream_topics {
    events::topic<events::order_update>* orders = nullptr;
    events::topic<events::position_update>* positions = nullptr;
    events::topic<events::balance_update>* balances = nullptr;
    events::topic<events::stream_state>* states = nullptr;
};

struct user_stream_options {
    std::string ws_base;  // "wss://fstream.binance.com"; the stream is <ws_base>/private/ws?listenKey=<key>
    bool verify_peer = true;
    std::string ca_file;
    // §A8: a key lives 60 min; PUT keeps it alive.
    std::chrono::milliseconds keepalive_interval{std::chrono::minutes{30}};
    // Wait before trying again when the listenKey cannot be created.
    std::chrono::milliseconds retry_delay{std::chrono::seconds{5}};
    std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
    std::chrono::milliseconds idle_timeout{std::chrono::seconds{60}};
    // A private stream may be silent for hours: no stall detection by default.
    std::chrono::milliseconds stall_timeout{0};
    net::backoff_options backoff;
    std::string name = "private";  // stream label in stream_state and metrics
};

// POST /fapi/v1/listenKey at critical priority: a new key, or the one already open (extended).
[[nodiscard]] boost::asio::awaitable<result<std::string>> create_listen_key(rest_client& rest);

// The Binance user data stream: listenKey lifecycle over REST (POST to create, PUT every
// keepalive_interval; on listenKeyExpired or -1125 a new key and a new connection), one
// reconnecting WebSocket on the 2026 /private path (§A9/§A10), frames decoded by the codec and
// published on the router: ORDER_TRADE_UPDATE and ALGO_UPDATE as order_update (algo updates carry
// the algoId / clientAlgoId as their ids), ACCOUNT_UPDATE as balance_update + position_update,
// and every connect / disconnect / stall as stream_state, after which the core refills its state
// over REST (events may have been missed).
//
// Runs on its own strand; start() and stop() are thread-safe. The rest_client, symbol map, topics
// and metrics must outlive the stream. stop() before destroying the io_context.
class user_stream {
public:
    user_stream(boost::asio::io_context& io, rest_client& rest, const symbol_map& symbols,
                user_stream_topics topics, const core::clock& clock, venue_metrics* metrics,
                std::shared_ptr<spdlog::logger> log, user_stream_options options);
    ~user_stream();
    user_stream(const user_stream&) = delete;
    user_stream& operator=(const user_stream&) = delete;

    void start();
    void stop();

    // For tests and /status: the key in use ("" before the first one), how many keys were made.
    [[nodiscard]] std::string listen_key() const;
    [[nodiscard]] std::uint64_t keys_created() const noexcept;
    [[nodiscard]] std::uint64_t keepalives_sent() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace tradebot::exchange::binance
