#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tradebot/core/clock.hpp"
#include "tradebot/core/decimal.hpp"

namespace tradebot::sim::engine {

using time_point = core::clock::time_point;
using account_id = std::string;
using order_id = std::int64_t;

// The venue whose rules the engine follows where Binance and Bybit differ (client id scope,
// "leverage not modified", reduce-only truncation wording); matching and PnL are the same.
enum class venue : std::uint8_t { binance, bybit };

enum class time_in_force : std::uint8_t { gtc, ioc, fok, gtx };
// Which price a conditional order or a position TP/SL watches. Binance: MARK_PRICE /
// CONTRACT_PRICE (= last); Bybit: MarkPrice / LastPrice / IndexPrice.
enum class working_type : std::uint8_t { mark, last, index };
enum class margin_mode : std::uint8_t { cross, isolated };
enum class position_mode : std::uint8_t { one_way, hedge };
enum class order_status : std::uint8_t { new_, partially_filled, filled, canceled, expired, rejected };
enum class conditional_kind : std::uint8_t { stop_market, take_profit_market, trailing_stop_market };
enum class conditional_status : std::uint8_t { new_, triggered, canceled, expired, rejected };
// Bybit's triggerDirection: 1 = rising (fires at price >= trigger), 2 = falling (price <= trigger).
enum class trigger_direction : std::uint8_t { rising, falling };
enum class liquidity : std::uint8_t { maker, taker };
// Who created an order: the account, a triggered conditional, a position TP/SL, or the liquidation engine.
enum class order_origin : std::uint8_t { user, conditional, trading_stop, liquidation };

[[nodiscard]] std::string_view to_string(venue v) noexcept;
[[nodiscard]] std::string_view to_string(time_in_force t) noexcept;
[[nodiscard]] std::string_view to_string(working_type w) noexcept;
[[nodiscard]] std::string_view to_string(margin_mode m) noexcept;
[[nodiscard]] std::string_view to_string(position_mode m) noexcept;
[[nodiscard]] std::string_view to_string(order_status s) noexcept;
[[nodiscard]] std::string_view to_string(conditional_kind k) noexcept;
[[nodiscard]] std::string_view to_string(conditional_status s) noexcept;
[[nodiscard]] std::string_view to_string(trigger_direction d) noexcept;
[[nodiscard]] std::string_view to_string(liquidity l) noexcept;
[[nodiscard]] std::string_view to_string(order_origin o) noexcept;

// Milliseconds since the epoch, the unit of every venue timestamp.
[[nodiscard]] std::int64_t to_ms(time_point t) noexcept;

}  // namespace tradebot::sim::engine
