#pragma once

#include <chrono>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>

#include "url_parts.hpp"

namespace tradebot::net {

// Resolves the origin's host (IP literals skip the resolver), connects `stream` to the first
// address that answers and sets TCP_NODELAY, all before `deadline`. Fails with
// client_errc::timeout_before_send or client_errc::connect_failed. Leaves the stream's timer off.
[[nodiscard]] boost::asio::awaitable<boost::system::error_code> connect_tcp(
    boost::beast::tcp_stream& stream, const url_parts& origin, std::chrono::steady_clock::time_point deadline);

}  // namespace tradebot::net
