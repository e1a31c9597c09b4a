#include "tradebot/signals/spread.hpp"

namespace tradebot::signals {

std::optional<core::decimal> spread_percent(core::decimal bid, core::decimal ask) {
    if (!bid.is_positive() || ask < bid) {
        return std::nullopt;
    }
    const auto two = core::decimal::from_int(2);
    const auto hundred = core::decimal::from_int(100);
    // (ask - bid) x 200 / (ask + bid): the mid without a division of its own.
    return ((ask - bid) * hundred * two).divide(ask + bid, 4, core::rounding::half_even);
}

}  // namespace tradebot::signals
