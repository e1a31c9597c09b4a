#pragma once

// The connection side both Bybit streams share (private to the adapter).

#include <atomic>
#include <chrono>
#include <memory>

#include <boost/asio/steady_timer.hpp>

#include "exchange/stream_session.hpp"
#include "tradebot/net/ws_client.hpp"

namespace tradebot::exchange::bybit {

// A Bybit stream's client and the application ping that keeps it open (§B9: the venue drops a
// connection without one). The ping timer holds only a weak reference, so a stream that is gone
// is not pinged; the owning stream makes the impl with make_shared.
struct ws_stream : std::enable_shared_from_this<ws_stream> {
    ws_stream(boost::asio::io_context& io, const net::ws_client_options& options,
              std::chrono::milliseconds ping_every);

    void start();
    void stop();
    // stop(), then end the client: its handlers point at the stream, so it must go first.
    void close();
    [[nodiscard]] net::ws_counters counters() const noexcept { return ws->counters(); }

    std::chrono::milliseconds ping_interval;
    boost::asio::steady_timer ping_timer;
    std::atomic<bool> stopped{false};
    std::unique_ptr<net::ws_client> ws;

private:
    void schedule_ping();
};

// How both Bybit streams report their connection going down (`s` is one is_down() accepts): the
// reconnect only if it had been up, then the event with the error or else the state's name.
void report_down(const stream_session& session, net::ws_state s, const boost::system::error_code& ec, bool was_up);

}  // namespace tradebot::exchange::bybit
