#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tradebot::core {

// The one vocabulary for sides and order kinds inside tradebot. Venue spellings
// ("BUY", "Buy", "LONG", "Sell" ...) are converted only here and in the venue adapters.
enum class side : std::uint8_t { buy, sell };
enum class position_side : std::uint8_t { long_, short_ };
enum class exchange_id : std::uint8_t { binance, bybit, paper };
enum class order_type : std::uint8_t { market, limit, stop_market, take_profit_market, trailing_stop_market };
enum class mode : std::uint8_t { production, test };

[[nodiscard]] std::string_view to_string(side s) noexcept;
[[nodiscard]] std::string_view to_string(position_side s) noexcept;
[[nodiscard]] std::string_view to_string(exchange_id e) noexcept;
[[nodiscard]] std::string_view to_string(order_type t) noexcept;
[[nodiscard]] std::string_view to_string(mode m) noexcept;

// Case-insensitive; accepts the venue spellings ("BUY", "Buy", "long", "LONG", "Short" ...).
[[nodiscard]] std::optional<side> parse_side(std::string_view text) noexcept;
[[nodiscard]] std::optional<position_side> parse_position_side(std::string_view text) noexcept;
[[nodiscard]] std::optional<exchange_id> parse_exchange(std::string_view text) noexcept;
[[nodiscard]] std::optional<order_type> parse_order_type(std::string_view text) noexcept;
[[nodiscard]] std::optional<mode> parse_mode(std::string_view text) noexcept;

// The order side that opens / closes a position of the given direction.
[[nodiscard]] constexpr side entry_side(position_side p) noexcept {
    return p == position_side::long_ ? side::buy : side::sell;
}
[[nodiscard]] constexpr side exit_side(position_side p) noexcept {
    return p == position_side::long_ ? side::sell : side::buy;
}
[[nodiscard]] constexpr side opposite(side s) noexcept { return s == side::buy ? side::sell : side::buy; }

}  // namespace tradebot::core
