#pragma once

#include <chrono>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace tradebot::net {

// Can a connection to `url` (http(s):// or ws(s)://) be made: resolve, TCP connect and, for
// https/wss, the TLS handshake with the certificate verified (trust from `ca_file` or the system
// store), all within `timeout`. Nothing is sent after the handshake; the connection is closed.
// For pre-start checks: a WebSocket endpoint that accepts TCP and TLS may still refuse the upgrade.
[[nodiscard]] boost::asio::awaitable<boost::system::error_code> probe_endpoint(
    std::string url, std::string ca_file, std::chrono::milliseconds timeout);

}  // namespace tradebot::net
