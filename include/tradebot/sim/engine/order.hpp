#pragma once

#include <optional>
#include <string>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

// A regular (non-conditional) order as the account sends it. position_side is Binance's
// LONG/SHORT or Bybit's positionIdx 1/2; nullopt means BOTH / 0 (one-way).
struct order_request {
    core::symbol symbol;
    core::side side = core::side::buy;
    core::order_type type = core::order_type::market;  // market or limit only
    core::decimal qty;
    std::optional<core::decimal> price;
    time_in_force tif = time_in_force::gtc;
    bool reduce_only = false;
    std::string client_id;
    std::optional<core::position_side> position_side;

    friend bool operator==(const order_request&, const order_request&) = default;
};

// The engine's record of an order, open or finished.
struct order {
    order_id id = 0;
    std::string client_id;
    account_id account;
    core::symbol symbol;
    core::side side = core::side::buy;
    core::order_type type = core::order_type::market;
    time_in_force tif = time_in_force::gtc;
    core::decimal price;  // zero for market orders
    core::decimal qty;
    core::decimal filled_qty;
    core::decimal avg_price;
    core::decimal cum_quote;
    core::decimal fee_total;
    core::decimal realized_pnl;
    bool reduce_only = false;
    bool close_position = false;
    order_status status = order_status::new_;
    order_origin origin = order_origin::user;
    std::optional<order_id> parent_id;  // the conditional whose trigger created this order
    time_point created{};
    time_point updated{};

    [[nodiscard]] bool is_open() const noexcept {
        return status == order_status::new_ || status == order_status::partially_filled;
    }
    [[nodiscard]] core::decimal remaining() const { return qty - filled_qty; }
    friend bool operator==(const order&, const order&) = default;
};

}  // namespace tradebot::sim::engine
