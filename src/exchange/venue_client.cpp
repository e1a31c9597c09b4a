// venue_client is an interface; this unit keeps its header self-contained and compiled.
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::exchange {

std::optional<core::decimal> change_percent(core::decimal open, core::decimal close) {
    if (!open.is_positive()) {
        return std::nullopt;
    }
    return ((close - open) * core::decimal::from_int(100)).divide(open, 4, core::rounding::half_even);
}

}  // namespace tradebot::exchange
