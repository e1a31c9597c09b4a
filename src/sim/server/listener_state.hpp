#pragma once

// The state shared by the listener object and the coroutines of its connections. Asio only: the
// Beast code lives in connection.cpp (TLS detection, the HTTP loop's hook) and ws_session.cpp
// (WebSocket). The accept loop, the registry of connections and stop() are net::server_core's.

#include <cstdint>
#include <memory>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "sim/server/ws_link.hpp"
#include "tradebot/net/server_core.hpp"
#include "tradebot/sim/server/listener.hpp"

namespace tradebot::sim::server {

struct listener::state final : net::server_core {
    state(boost::asio::io_context& io, listener_options opts, wire::venue& v, control_handler c);

    const listener_options options_;
    wire::venue* venue_;  // null once the listener is gone: the venue is not called again
    control_handler control_;
    std::unordered_map<std::uint64_t, std::shared_ptr<ws_link>> links_;  // open WebSockets, by connection
    std::size_t ws_peers_ = 0;

    [[nodiscard]] bool streams_stalled() const noexcept {
        return venue_ != nullptr && venue_->faults().streams_stalled;
    }
    // Registers an accepted WebSocket and tells the venue (ws_open).
    void ws_opened(std::uint64_t id, const std::shared_ptr<ws_link>& link);
    // Tells the venue once (ws_closed) and marks the link dead; later calls do nothing.
    void ws_finished(ws_link& link);
    // The venue's or control handler's answer; an exception becomes a 500. `arrival`: when the
    // request's last byte was read (the venue logs order arrivals with it).
    [[nodiscard]] wire::reply route(const net::http_request& request, wire::arrival_time arrival);

protected:
    // TLS or not (told by the first byte), then the HTTP loop (connection.cpp).
    boost::asio::awaitable<void> serve_connection(std::shared_ptr<net::server_connection> connection,
                                                  boost::asio::ip::tcp::socket socket) override;
    void connection_closed(std::uint64_t id) override;
};

}  // namespace tradebot::sim::server
