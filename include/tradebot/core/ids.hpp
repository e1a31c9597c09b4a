#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tradebot::core {

// What an order is for; part of its client order id.
enum class order_purpose : std::uint8_t { entry, stop, exit, trailing, aged_exit, manual_close };

[[nodiscard]] std::string_view to_string(order_purpose p) noexcept;

// A client order id derived only from what is already durable (the position id, the purpose
// and the attempt number), so that after a crash or a timeout the same id is found again on
// the venue instead of sending a blind retry. Form: "tb<P>-<position>-<purpose>-<attempt>",
// at most 36 characters of [A-Za-z0-9-], which both Binance (newClientOrderId) and Bybit
// (orderLinkId) accept. <P> is "p" for production and "t" for paper trading.
struct client_order_id {
    std::int64_t position_id = 0;
    order_purpose purpose = order_purpose::entry;
    std::uint16_t attempt = 0;
    bool paper = false;

    [[nodiscard]] std::string str() const;
    static std::optional<client_order_id> parse(std::string_view text) noexcept;
    friend bool operator==(const client_order_id&, const client_order_id&) = default;
};

// Random 128-bit identifier as 32 lower-case hex digits, for correlation ids and instance ids.
[[nodiscard]] std::string random_hex_id();

}  // namespace tradebot::core
