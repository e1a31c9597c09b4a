#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "tradebot/core/decimal.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

// Why the engine refused a request. The wire layers map each reason to a venue code and
// message (venue_errors.hpp); the engine itself never speaks venue dialects.
enum class reject_reason : std::uint8_t {
    unknown_symbol,
    order_type_not_supported,   // conditional type on the regular order path (-4120)
    invalid_parameter,          // a value out of range or a bad combination; `field` names it (-1130 / 10001)
    unknown_account,
    invalid_price_precision,    // more decimals than pricePrecision (-1111)
    invalid_qty_precision,      // more decimals than quantityPrecision (-1111)
    price_not_positive,
    price_below_min,            // PRICE_FILTER minPrice (-4013)
    price_above_max,            // PRICE_FILTER maxPrice (-4002)
    invalid_price_tick,         // (-4014)
    qty_not_positive,           // (-4003)
    qty_too_small,              // LOT_SIZE minQty (-4004)
    qty_too_large,              // LOT_SIZE / MARKET_LOT_SIZE maxQty (-4005)
    invalid_qty_step,           // (-4023)
    price_above_percent_range,  // BUY limit above mark * multiplierUp (-4016)
    price_below_percent_range,  // SELL limit below mark * multiplierDown (-4024)
    market_price_out_of_percent_range,  // best counter price outside PERCENT_PRICE (-4131)
    below_min_notional,         // (-4164 / 110094)
    max_open_orders,            // (-2025)
    missing_price,
    no_market_data,
    duplicate_client_id,        // (-4116 / 110072)
    invalid_client_id,          // over 36 chars or bad charset (-4015 / -1100)
    position_side_mismatch,     // positionSide vs the account's mode (-4061)
    hedge_mode_not_supported,
    insufficient_margin,        // (-2019 / 110007)
    max_position_at_leverage,   // the position would pass the bracket's notional cap (-2027 / 110090)
    reduce_only_rejected,       // would increase the position (-2022 / 110017)
    reduce_only_no_position,    // nothing to reduce (-2022 / 110017)
    post_only_would_take,       // GTX / PostOnly would take liquidity (-5022)
    fok_not_filled,             // (-5021)
    would_trigger_immediately,  // trigger already crossed (-2021 / 110092 / 110093)
    quantity_with_close_position,     // (-4137)
    reduce_only_with_close_position,  // (-1106)
    invalid_callback_rate,      // trailing callback outside 0.1..10 %
    unknown_order,              // (-2011 / 110001)
    order_not_open,
    invalid_leverage,           // (-4028)
    leverage_not_modified,      // Bybit 110043
    margin_mode_not_modified,   // (-4046 / 110026)
    position_mode_not_modified, // (-4059 / 110025)
    open_orders_exist,          // (-4047 / -4067 / 110028)
    position_exists,            // (-4048 / -4068 / 110024)
    zero_position,              // trading-stop on a flat position (Bybit 10001)
    take_profit_wrong_side,     // trading-stop TP vs base price (Bybit 10001)
    stop_loss_wrong_side,       // trading-stop SL vs base price (Bybit 10001)
    not_modified,               // trading-stop no-op (Bybit 34040)
};

[[nodiscard]] std::string_view to_string(reject_reason r) noexcept;

// A refusal plus the numbers a venue message embeds ("must be no smaller than %s",
// "trigger_price[...] <= current[...]??LastPrice", "should lower than base_price:...").
struct rejection {
    reject_reason reason{};
    std::optional<core::decimal> limit;      // the bound that was violated (min notional, max qty, ...)
    std::optional<core::decimal> submitted;  // the offending value (trigger price, SL price, qty ...)
    std::optional<core::decimal> reference;  // the current/base price a trigger was compared with
    std::optional<trigger_direction> expected_direction;
    std::optional<working_type> reference_type;
    std::string field;  // the request field at fault, for "-1130 Data sent for parameter '%s'"

    friend bool operator==(const rejection&, const rejection&) = default;
};

[[nodiscard]] inline rejection reject(reject_reason r) {
    rejection out;
    out.reason = r;
    return out;
}

// The engine's result type: a value or a typed rejection (no exceptions across the API).
template <class T>
class result {
public:
    result(T value) : v_{std::in_place_index<0>, std::move(value)} {}            // NOLINT: implicit by design
    result(rejection error) : v_{std::in_place_index<1>, std::move(error)} {}     // NOLINT: implicit by design

    [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] const T& value() const& { return std::get<0>(v_); }
    [[nodiscard]] T& value() & { return std::get<0>(v_); }
    [[nodiscard]] const rejection& error() const& { return std::get<1>(v_); }
    [[nodiscard]] reject_reason reason() const { return std::get<1>(v_).reason; }
    const T* operator->() const { return &std::get<0>(v_); }

private:
    std::variant<T, rejection> v_;
};

}  // namespace tradebot::sim::engine
