#pragma once

#include <memory>
#include <shared_mutex>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "tradebot/net/http_server.hpp"
#include "tradebot/net/server_core.hpp"

namespace tradebot::net {

// The accept loop, the slots and stop() are the core's; what is left here is the handler and the
// options of the HTTP loop (http_server_session.cpp, the one Beast translation unit of the server).
struct http_server::impl final : server_core {
    impl(boost::asio::io_context& io, http_server_options opts, handler on_request);

    const http_server_options options_;

    // The handler is cleared by ~http_server under the unique lock, so no call can start or be
    // running once the destructor has returned.
    mutable std::shared_mutex handler_mutex_;
    handler handler_;

    [[nodiscard]] http_response call_handler(const http_request& request);

protected:
    boost::asio::awaitable<void> serve_connection(std::shared_ptr<server_connection> connection,
                                                  boost::asio::ip::tcp::socket socket) override;
};

}  // namespace tradebot::net
