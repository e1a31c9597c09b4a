#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/system/error_code.hpp>

// Beast stays out of this header (it is slow to compile); only the io_context is named.
namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tradebot::net {

struct http_request {
    std::string method;  // as sent, e.g. "GET"
    std::string target;  // path and query, e.g. "/metrics?x=1"
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // The path part of target, without the query string.
    [[nodiscard]] std::string_view path() const noexcept;
    // The first header with this name (case-insensitive), if any.
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept;
};

struct http_response {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. {"Allow", "GET, HEAD"}
};

struct http_server_options {
    std::string address = "127.0.0.1";  // loopback unless the operator asks for more
    std::uint16_t port = 0;             // 0: the OS picks a free port; see local_endpoint()
    std::size_t header_limit = 8 * 1024;  // larger -> 431
    std::size_t body_limit = 64 * 1024;   // larger -> 413
    // Bounds the keep-alive idle time between requests and the reading of a whole request (from
    // its first byte, or from accept for the first request), so a slow or stalled client cannot
    // hold a connection forever.
    std::chrono::milliseconds read_timeout{10'000};
    // The request headers alone must arrive within this (counted the same way, and capped by
    // read_timeout); otherwise the connection is closed, with a 408 if part of a request came.
    // Short, because headers fit in one packet and a client that dribbles them is holding a slot.
    std::chrono::milliseconds header_timeout{2'000};
    std::chrono::milliseconds write_timeout{10'000};
    // Slots. When every slot is taken, a new connection takes the slot of the connection that has
    // waited longest on its client (idle, or still sending its request), and is closed right after
    // accept only when every slot is busy answering a request.
    std::size_t max_connections = 64;
    // Slots one client (an IPv4 address, or an IPv6 /64) may hold, at least 1. A client at its cap
    // gets the slot of its own longest-waiting connection, never another client's.
    std::size_t max_connections_per_client = 8;
    int backlog = 64;
};

// Counters since start(), for the owner's metrics.
struct http_server_stats {
    std::size_t open = 0;                 // connections holding a slot now
    std::uint64_t accepted = 0;           // connections given a slot
    std::uint64_t refused = 0;            // closed right after accept: no slot could be had
    std::uint64_t reclaimed = 0;          // waiting connections closed to give their slot to a newer one
    std::uint64_t header_timeouts = 0;    // closed because the headers did not arrive in time
    std::uint64_t client_limit_hits = 0;  // accepts from a client already at max_connections_per_client
};

struct http_endpoint {
    std::string address;
    std::uint16_t port = 0;
};

// A small HTTP/1.1 server (keep-alive, one strand per connection) on the caller's io_context.
// Protocol errors are answered by the server itself and close the connection: malformed request
// -> 400, header too large -> 431, body too large -> 413, headers too slow -> 408. A HEAD
// request gets the handler's headers without the body. Everything else is up to the handler,
// which runs on the connection's strand (so it may run concurrently for different connections
// when the io_context has several threads) and must not block. An exception from the handler
// becomes a 500.
class http_server {
public:
    using handler = std::function<http_response(const http_request&)>;

    http_server(boost::asio::io_context& io, http_server_options options, handler on_request);
    // Stops the server; once it returns the handler is not called again.
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // Binds, listens and starts accepting. Fails with the bind/listen error (e.g. address in use).
    [[nodiscard]] boost::system::error_code start();
    // Closes the acceptor and every open connection. Thread-safe and idempotent; the closing
    // happens on the server's strands, so it completes once the io_context runs them.
    void stop();

    // The bound address and port (valid after a successful start()).
    [[nodiscard]] http_endpoint local_endpoint() const;
    [[nodiscard]] std::size_t connection_count() const;
    [[nodiscard]] http_server_stats stats() const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace tradebot::net
