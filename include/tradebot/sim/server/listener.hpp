#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <boost/system/error_code.hpp>

#include "tradebot/net/http_server.hpp"
#include "tradebot/sim/wire/venue.hpp"

// Beast stays out of this header (it is slow to compile); Asio types are only named.
namespace boost::asio {
class io_context;
namespace ssl {
class context;
}  // namespace ssl
}  // namespace boost::asio

namespace tradebot::sim::server {

// Answers the simulator's own /sim/... requests (the control API).
using control_handler = std::function<wire::reply(const net::http_request&)>;

struct listener_options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: the OS picks one; see local_port()
    // Null: plain HTTP/WS only (a TLS ClientHello is answered by closing the connection).
    // Set: the same port serves plain and TLS, told apart by the first byte.
    std::shared_ptr<boost::asio::ssl::context> tls;
    std::size_t header_limit = 16 * 1024;  // larger -> 431 and close
    std::size_t body_limit = 1024 * 1024;  // larger -> 413 and close
    // Idle keep-alive time, and the bound on reading a request or the TLS handshake.
    std::chrono::milliseconds read_timeout{60'000};
    std::chrono::milliseconds write_timeout{60'000};  // an HTTP answer the client does not read
    std::size_t ws_message_limit = 1024 * 1024;       // incoming WebSocket message
    // Outgoing WebSocket bytes queued for a client that does not read; beyond it the
    // connection is dropped (the venue gets ws_closed).
    std::size_t ws_queue_limit = 4 * 1024 * 1024;
    // How often a stalled stream looks at faults().streams_stalled again (faults are plain
    // fields, nothing notifies a change).
    std::chrono::milliseconds stall_poll{20};
    int backlog = 64;
};

// One listening port serving one venue: HTTP/1.1 keep-alive and WebSocket, plain and TLS on the
// same port. Requests whose path starts with "/sim/" go to the control handler, all others
// (after the transport faults of venue.faults(): http_5xx_next, reset_next) to venue.handle();
// the reply's disposition is honoured (send / reset / hang). Upgrades go through
// venue.ws_accept / ws_open / ws_message / ws_closed.
//
// Threading: the simulator runs its io_context on ONE thread. Every connection has its own
// strand, but the venue, the handler and these member functions are assumed to run on that one
// thread (or while the io_context is not running); nothing here takes a lock.
//
// Lifetime: the venue and the handler must outlive the listener. After stop() (and in the
// destructor) the venue has received ws_closed for every peer and is not called again.
class listener {
public:
    listener(boost::asio::io_context& io, listener_options options, wire::venue& venue, control_handler control);
    ~listener();
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;

    // Binds, listens and starts accepting; the bind/listen error otherwise (e.g. address in use).
    [[nodiscard]] boost::system::error_code start();
    // The bound port, valid after a successful start().
    [[nodiscard]] std::uint16_t local_port() const noexcept;
    // Closes the acceptor and every connection; calls venue.ws_closed for every open peer
    // before returning. Idempotent.
    void stop();

    // Closes every WebSocket of this port abruptly (TCP close, no close frame): the control
    // API's "drop streams" fault. venue.ws_closed is called for each before this returns.
    void drop_streams();

    [[nodiscard]] std::size_t ws_peer_count() const noexcept;
    [[nodiscard]] std::size_t connection_count() const noexcept;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace tradebot::sim::server
