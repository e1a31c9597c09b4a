#pragma once

#include <functional>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "tradebot/net/http_server.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace tradebot::control {

struct server_options {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: any free port (tests)
    // Every request must carry "Authorization: Bearer <token>"; an empty token refuses everything.
    std::string token;
    // Reading a request; the action itself may take longer (a close waits for its fill).
    std::chrono::milliseconds read_timeout{10'000};
};

// The daemon's control endpoint for the operator's mutating commands (DESIGN.md's single-writer
// rule): an HTTP/1.1 server on loopback (net::server_core + net::serve_http, as the monitoring
// server) whose handler is a coroutine, so that an action runs on the trading strand and answers
// when done. The server checks the bearer token (constant time) before the handler sees a request:
// a missing or wrong token gets 401 and nothing else; answers never carry the token.
class server {
public:
    using handler = std::function<boost::asio::awaitable<net::http_response>(net::http_request)>;

    server(boost::asio::io_context& io, server_options options, handler on_request);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    [[nodiscard]] boost::system::error_code start();
    void stop();
    [[nodiscard]] net::http_endpoint local_endpoint() const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

// True when `header` is "Bearer <token>" for this non-empty token; compares in constant time.
[[nodiscard]] bool authorized(std::string_view header, std::string_view token) noexcept;

}  // namespace tradebot::control
