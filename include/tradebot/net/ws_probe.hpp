#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace tradebot::net {

// How far a WebSocket probe got before it stopped.
enum class ws_probe_stage : std::uint8_t {
    connect,  // resolve and TCP
    tls,      // the TLS handshake (certificate verified)
    upgrade,  // the HTTP upgrade to WebSocket
    reply,    // a request sent after the upgrade got no answer frame
    done,     // every request answered
};

[[nodiscard]] std::string_view to_string(ws_probe_stage s) noexcept;

struct ws_probe_result {
    ws_probe_stage stage = ws_probe_stage::connect;
    boost::system::error_code error;  // why it stopped at `stage`; none when done
    unsigned upgrade_status = 0;      // the HTTP status of an upgrade the server declined
    std::vector<std::string> replies;  // the first frame after each request, in order
};

// One short WebSocket conversation with `url` (ws:// or wss://, trust from `ca_file` or the
// system store): connect, upgrade, then each of `requests` is sent and the next text frame read
// as its answer, everything within `timeout`. The caller judges the answers (a venue's subscribe
// acknowledgement or refusal). For pre-start checks: closes the connection when done.
[[nodiscard]] boost::asio::awaitable<ws_probe_result> probe_websocket(std::string url, std::string ca_file,
                                                                      std::vector<std::string> requests,
                                                                      std::chrono::milliseconds timeout);

}  // namespace tradebot::net
