#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include "tradebot/net/client_errc.hpp"
#include "tradebot/net/client_message.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tradebot::net {

struct https_client_options {
    // "https://host[:port][/prefix]" or "http://...". A path prefix is put in front of every target.
    std::string base_url;
    bool verify_peer = true;
    // PEM file with the CA certificates to trust (e.g. the simulator's self-signed certificate);
    // empty: the system's default trust store.
    std::string ca_file;
    // Resolve + TCP connect + TLS handshake, also capped by the request's own timeout.
    std::chrono::milliseconds connect_timeout{5'000};
    // For requests that do not set their own timeout.
    std::chrono::milliseconds default_timeout{10'000};
    // Idle connections kept for reuse, and how long one may sit idle before it is dropped.
    std::size_t max_idle_connections = 4;
    std::chrono::milliseconds idle_timeout{30'000};
    std::size_t response_header_limit = 16 * 1024;
    std::size_t response_body_limit = 16 * 1024 * 1024;
    std::string user_agent = "tradebot/0.1";
};

struct https_client_stats {
    std::uint64_t requests = 0;             // completed with a response
    std::uint64_t connections_opened = 0;   // TCP connections established
    std::uint64_t connections_reused = 0;   // requests that ran on a kept-alive connection
    std::uint64_t idle_dropped = 0;         // idle connections found closed or expired
    std::uint64_t tls_sessions_resumed = 0; // TLS handshakes that resumed the previous session
};

// An HTTP/1.1 client for one origin with a small keep-alive pool. Each request takes an idle
// connection (or opens one), and gives it back when the server allows keep-alive. A connection
// found closed while idle is dropped before it is used; a request that failed before any byte was
// written is retried once on a fresh connection. A request that may have reached the server is
// never retried: it fails with timeout_after_send / connection_lost_after_send (outcome_unknown()).
//
// All I/O runs on the client's own strand; request() may be called from any executor and from
// several coroutines at once. The client must outlive the requests it runs.
class https_client {
public:
    https_client(boost::asio::io_context& io, https_client_options options);
    ~https_client();
    https_client(const https_client&) = delete;
    https_client& operator=(const https_client&) = delete;

    // Fails with client_errc::invalid_url for a bad base URL, and with the TLS context error for an
    // unreadable CA file; request() then fails the same way.
    [[nodiscard]] boost::system::error_code init_error() const noexcept;

    [[nodiscard]] boost::asio::awaitable<boost::system::result<client_response>> request(client_request req);

    // Closes the idle connections; later requests open new ones.
    void close_idle();

    [[nodiscard]] https_client_stats stats() const;
    [[nodiscard]] std::size_t idle_count() const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace tradebot::net
