#pragma once

// Hand-over from the HTTP loop's hook (connection.cpp) to the WebSocket session (ws_session.cpp) once
// an upgrade request has been accepted by the venue. Both translation units include Beast.

#include <cstdint>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "sim/server/listener_state.hpp"

namespace tradebot::sim::server {

using upgrade_request = boost::beast::http::request<boost::beast::http::string_body>;

// Accepts the upgrade, tells the venue ws_open, pumps frames both ways and tells it ws_closed
// exactly once when the connection ends.
boost::asio::awaitable<void> run_websocket(std::shared_ptr<listener::state> self,
                                           std::shared_ptr<net::server_connection> connection,
                                           boost::beast::tcp_stream stream, upgrade_request upgrade);
boost::asio::awaitable<void> run_websocket(std::shared_ptr<listener::state> self,
                                           std::shared_ptr<net::server_connection> connection,
                                           boost::beast::ssl_stream<boost::beast::tcp_stream> stream,
                                           upgrade_request upgrade);

}  // namespace tradebot::sim::server
