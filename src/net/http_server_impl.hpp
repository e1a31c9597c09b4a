#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "tradebot/net/http_server.hpp"

namespace tradebot::net {

struct http_connection {
    explicit http_connection(boost::asio::ip::tcp::socket socket) : stream(std::move(socket)) {}
    boost::beast::tcp_stream stream;  // its executor is the connection's strand
};

// Shared by the public object and every coroutine of the server, so that a coroutine still
// queued on the io_context never outlives the state it touches.
struct http_server::impl : std::enable_shared_from_this<http_server::impl> {
    impl(boost::asio::io_context& io, http_server_options opts, handler on_request);

    boost::asio::io_context& io_;
    const http_server_options options_;
    boost::asio::strand<boost::asio::io_context::executor_type> acceptor_strand_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::atomic<bool> stopped_{false};

    // The handler is cleared by ~http_server under the unique lock, so no call can start or be
    // running once the destructor has returned.
    mutable std::shared_mutex handler_mutex_;
    handler handler_;

    mutable std::mutex connections_mutex_;
    std::unordered_map<std::uint64_t, std::shared_ptr<http_connection>> connections_;
    std::uint64_t next_connection_id_ = 0;
    http_endpoint local_endpoint_;  // written once by start(), under connections_mutex_

    // Static, taking the owner by value, so the coroutine frame keeps the state alive.
    static boost::asio::awaitable<void> accept_loop(std::shared_ptr<impl> self);
    static boost::asio::awaitable<void> serve(std::shared_ptr<impl> self, std::uint64_t id,
                                              std::shared_ptr<http_connection> connection);
    [[nodiscard]] http_response call_handler(const http_request& request);
    void close_all();
    void forget(std::uint64_t id);
};

}  // namespace tradebot::net
