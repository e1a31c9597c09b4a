#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "tradebot/net/backoff.hpp"
#include "tradebot/net/client_errc.hpp"
#include "tradebot/net/client_message.hpp"

// Beast stays out of this header (it is slow to compile); only the io_context is named.
namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tradebot::net {

enum class ws_state : std::uint8_t {
    idle,          // constructed, not started
    connecting,    // resolve, TCP, TLS and WebSocket handshakes
    connected,     // handshake done, frames flow
    disconnected,  // the connection ended or could not be made; a reconnect follows unless stopped
    stalled,       // no data frame within the stall timeout; the connection is dropped and redone
    stopped,       // stop() was called; terminal
};

[[nodiscard]] std::string_view to_string(ws_state s) noexcept;

struct ws_client_options {
    std::string url;  // ws://host[:port]/path or wss://...
    bool verify_peer = true;
    std::string ca_file;          // PEM CA file for wss (e.g. the simulator's); empty: system store
    header_list handshake_headers;  // extra headers on the upgrade request
    std::string user_agent = "tradebot/0.1";
    // Resolve + TCP + TLS + WebSocket handshake.
    std::chrono::milliseconds connect_timeout{10'000};
    // No frame at all (data, ping or pong) for this long -> dead. Beast pings after half of it, so
    // a live but quiet peer answers with a pong and stays connected.
    std::chrono::milliseconds idle_timeout{30'000};
    // No data frame for this long -> stalled: reconnect even though pings still get pongs (a venue
    // whose feed froze). Zero disables it (a private stream can be silent for hours).
    std::chrono::milliseconds stall_timeout{60'000};
    // Reconnect on our own terms before the venue cuts the connection (both cut at 24 h).
    // Zero disables it.
    std::chrono::milliseconds max_connection_age{std::chrono::hours{23}};
    // A connection counts as healthy (and the backoff starts over) after its first data frame or
    // after staying up this long.
    std::chrono::milliseconds healthy_after{10'000};
    backoff_options backoff;
    std::size_t max_message_size = 16 * 1024 * 1024;
    std::size_t max_queued_messages = 4096;  // send() beyond this drops the message and counts it
};

struct ws_counters {
    std::uint64_t connects = 0;            // successful handshakes
    std::uint64_t connect_failures = 0;    // attempts that did not reach "connected"
    std::uint64_t disconnects = 0;         // established connections that ended
    std::uint64_t stalls = 0;              // of which: ended by the stall timeout
    std::uint64_t planned_reconnects = 0;  // of which: ended by max_connection_age or reconnect()
    std::uint64_t messages_received = 0;
    std::uint64_t messages_sent = 0;
    std::uint64_t sends_dropped = 0;       // send() while not connected, or queue full
    std::uint64_t handler_errors = 0;      // exceptions thrown by the message handler
};

// A reconnecting WebSocket client on its own strand. It connects, runs a read loop that hands
// every data frame to the message handler, writes queued messages one at a time (never two writes
// in flight), keeps the connection alive with pings, and reconnects with jittered exponential
// backoff when the connection dies, stalls or gets old. After every (re)connect it calls the
// connected handler, where the venue layer re-sends its auth and subscriptions.
//
// Handlers run on the client's strand and must not block. Set them before start(). Messages
// passed to send() while not connected are dropped (and counted): whatever must survive a
// reconnect is re-sent from the connected handler. Destroy the client from a thread that is not
// running one of its handlers; after the destructor returns no handler is called again.
class ws_client {
public:
    using message_handler = std::function<void(std::string_view)>;
    using connected_handler = std::function<void()>;
    using state_handler = std::function<void(ws_state, boost::system::error_code reason)>;
    using backoff_handler = std::function<void(std::chrono::milliseconds delay)>;

    ws_client(boost::asio::io_context& io, ws_client_options options);
    ~ws_client();
    ws_client(const ws_client&) = delete;
    ws_client& operator=(const ws_client&) = delete;

    // client_errc::invalid_url for a bad URL, or the TLS context error for an unreadable CA file;
    // start() then goes straight to stopped.
    [[nodiscard]] boost::system::error_code init_error() const noexcept;

    void on_message(message_handler h);
    void on_connected(connected_handler h);
    void on_state(state_handler h);
    void on_backoff(backoff_handler h);

    // Starts the connect/read/reconnect loop. Call once.
    void start();
    // Ends the loop and closes the connection; the state becomes stopped. Thread-safe, idempotent.
    void stop();
    // Drops the current connection and connects again at once (no backoff). Thread-safe.
    void reconnect();
    // Queues a text frame. Thread-safe.
    void send(std::string text);

    [[nodiscard]] ws_state state() const noexcept;
    [[nodiscard]] ws_counters counters() const noexcept;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace tradebot::net
