#pragma once

#include <optional>

#include "sim/binance/context.hpp"

namespace tradebot::sim::binance {

enum class security : std::uint8_t { none, api_key, signed_ };

// §A2 / §A12 step 2: API key (-2014 / -2015, HTTP 401), timestamp (-1102), recvWindow (-1021),
// signature over the exact query + body bytes (-1022). Sets c.account on success.
std::optional<wire::reply> authenticate(const context& ctx, call& c, security level);

}  // namespace tradebot::sim::binance
