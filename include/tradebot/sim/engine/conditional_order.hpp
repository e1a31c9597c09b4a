#pragma once

#include <optional>
#include <string>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

// A stop / take-profit / trailing order held until its trigger fires (Binance algo order,
// Bybit conditional order). On trigger it becomes a market order with its own id.
struct conditional_request {
    core::symbol symbol;
    core::side side = core::side::sell;
    conditional_kind kind = conditional_kind::stop_market;
    core::decimal qty;             // ignored with close_position
    bool close_position = false;   // close the whole position at trigger time
    bool reduce_only = false;
    working_type working = working_type::last;  // Binance default CONTRACT_PRICE
    core::decimal trigger_price;   // stop / take-profit only
    // Bybit's explicit triggerDirection; when absent it follows from kind and side.
    std::optional<trigger_direction> direction;
    std::optional<core::decimal> activation_price;  // trailing; default: the current price
    core::decimal callback_rate;   // trailing, in percent (1 = 1 %), 0.1 .. 10
    std::string client_id;
    std::optional<core::position_side> position_side;

    friend bool operator==(const conditional_request&, const conditional_request&) = default;
};

struct conditional_order {
    order_id id = 0;
    account_id account;
    conditional_request request;
    trigger_direction direction = trigger_direction::falling;
    conditional_status status = conditional_status::new_;
    bool trailing_active = false;
    core::decimal trailing_extreme;  // best price since activation
    std::optional<order_id> triggered_order_id;
    core::decimal price_on_create;
    time_point created{};
    time_point updated{};
    std::optional<time_point> trigger_time;

    [[nodiscard]] bool is_open() const noexcept { return status == conditional_status::new_; }
    friend bool operator==(const conditional_order&, const conditional_order&) = default;
};

}  // namespace tradebot::sim::engine
