#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sim/bybit/context.hpp"
#include "sim/bybit/protocol.hpp"

namespace tradebot::sim::bybit {

struct auth_result {
    std::optional<outcome> error;
    engine::account_id account;
};

// B2 + B11 steps 2-4: headers, recv window, HMAC over timestamp + key + recvWindow + payload
// (the raw query string for GET, the exact body bytes for POST).
[[nodiscard]] auth_result authenticate(const context& ctx, const net::http_request& http, std::string_view payload);

// Private WebSocket op=auth. Returns the failure ret_msg, or nullopt on success.
[[nodiscard]] std::optional<std::string> ws_authenticate(const context& ctx, const boost::json::array& args,
                                                         engine::account_id& account);

}  // namespace tradebot::sim::bybit
