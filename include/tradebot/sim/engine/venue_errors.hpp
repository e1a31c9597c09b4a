#pragma once

#include <string>

#include "tradebot/sim/engine/reject_reason.hpp"

namespace tradebot::sim::engine {

// Binance answer for a rejection: HTTP status plus {"code":<code>,"msg":"<message>"}.
struct binance_error {
    int http_status = 400;
    int code = 0;
    std::string message;
    friend bool operator==(const binance_error&, const binance_error&) = default;
};

// Bybit answer: HTTP 200 with {"retCode":<code>,"retMsg":"<message>"}.
struct bybit_error {
    int ret_code = 0;
    std::string message;
    friend bool operator==(const bybit_error&, const bybit_error&) = default;
};

// Venue code and message for a rejection (exchange-apis §A4 / §B4), with the rejection's
// numbers substituted where the venue embeds them. Bybit embeds prices as integers scaled
// by 1e8 ("trigger_price[633023000] >= current[632859000]??LastPrice").
[[nodiscard]] binance_error to_binance_error(const rejection& r);
[[nodiscard]] bybit_error to_bybit_error(const rejection& r);

}  // namespace tradebot::sim::engine
