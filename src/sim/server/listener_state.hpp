#pragma once

// The state shared by the listener object and the coroutines of its connections. Asio only: the
// Beast code lives in connection.cpp (HTTP, TLS detection) and ws_session.cpp (WebSocket).

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "sim/server/ws_link.hpp"
#include "tradebot/sim/server/listener.hpp"

namespace tradebot::sim::server {

struct listener::state : std::enable_shared_from_this<listener::state> {
    state(boost::asio::io_context& io, listener_options opts, wire::venue& v, control_handler c);

    struct connection_entry {
        // Closes the connection's socket wherever it is now (the stream moves between layers as
        // the connection goes from TCP to TLS to WebSocket, so each phase sets it again).
        std::function<void()> abort;
        std::shared_ptr<ws_link> link;  // set while the connection is an open WebSocket
    };

    boost::asio::io_context& io_;
    const listener_options options_;
    wire::venue* venue_;  // null once the listener is gone: the venue is not called again
    control_handler control_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
    std::unordered_map<std::uint64_t, connection_entry> connections_;
    std::uint64_t next_id_ = 1;
    std::size_t ws_peers_ = 0;

    [[nodiscard]] bool streams_stalled() const noexcept {
        return venue_ != nullptr && venue_->faults().streams_stalled;
    }
    void set_abort(std::uint64_t id, std::function<void()> abort);
    void forget(std::uint64_t id);
    // Registers an accepted WebSocket and tells the venue (ws_open).
    void ws_opened(std::uint64_t id, const std::shared_ptr<ws_link>& link);
    // Tells the venue once (ws_closed) and marks the link dead; later calls do nothing.
    void ws_finished(ws_link& link);
    // The venue's or control handler's answer; an exception becomes a 500. `arrival`: when the
    // request's last byte was read (the venue logs order arrivals with it).
    [[nodiscard]] wire::reply route(const net::http_request& request, wire::arrival_time arrival);

    static boost::asio::awaitable<void> accept_loop(std::shared_ptr<state> self);
};

// Serves one accepted connection until it ends (connection.cpp).
boost::asio::awaitable<void> serve_connection(std::shared_ptr<listener::state> self, std::uint64_t id,
                                              boost::asio::ip::tcp::socket socket);

}  // namespace tradebot::sim::server
