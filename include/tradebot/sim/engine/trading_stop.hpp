#pragma once

#include <optional>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/sim/engine/types.hpp"

namespace tradebot::sim::engine {

// Bybit POST /v5/position/trading-stop in tpslMode=Full. Absent fields stay as they are;
// a zero value cancels that leg. trailing_stop is a price distance, not a rate.
struct trading_stop_request {
    core::symbol symbol;
    std::optional<core::decimal> take_profit;
    std::optional<core::decimal> stop_loss;
    std::optional<core::decimal> trailing_stop;
    std::optional<core::decimal> active_price;
    std::optional<working_type> tp_trigger_by;
    std::optional<working_type> sl_trigger_by;
    std::optional<core::position_side> position_side;  // nullopt = positionIdx 0
};

// The TP/SL attached to one position; cleared when the position closes.
struct trading_stop {
    core::decimal take_profit;   // zero = none
    core::decimal stop_loss;     // zero = none
    core::decimal trailing_stop; // distance; zero = none
    core::decimal active_price;  // zero = active at once
    working_type tp_trigger_by = working_type::last;
    working_type sl_trigger_by = working_type::last;
    bool trailing_active = false;
    core::decimal trailing_extreme;

    [[nodiscard]] bool empty() const noexcept {
        return take_profit.is_zero() && stop_loss.is_zero() && trailing_stop.is_zero();
    }
    // The stop level the trailing leg currently defends (zero while inactive).
    [[nodiscard]] core::decimal trailing_level(core::position_side side) const;
    friend bool operator==(const trading_stop&, const trading_stop&) = default;
};

}  // namespace tradebot::sim::engine
