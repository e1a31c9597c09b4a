#include "tradebot/signals/skip.hpp"

namespace tradebot::signals {

std::string_view to_string(skip_reason r) noexcept {
    switch (r) {
    case skip_reason::older_candle:
        return "older_candle";
    case skip_reason::below_min_score:
        return "below_min_score";
    case skip_reason::beyond_limit:
        return "beyond_limit";
    case skip_reason::already_open:
        return "already_open";
    case skip_reason::in_flight:
        return "in_flight";
    case skip_reason::stop_list:
        return "stop_list";
    case skip_reason::not_whitelisted:
        return "not_whitelisted";
    case skip_reason::not_tradable:
        return "not_tradable";
    case skip_reason::no_market_data:
        return "no_market_data";
    case skip_reason::min_notional:
        return "min_notional";
    case skip_reason::open_interest:
        return "open_interest";
    case skip_reason::volume_1h:
        return "volume_1h";
    case skip_reason::price_change_5min:
        return "price_change_5min";
    case skip_reason::max_positions:
        return "max_positions";
    }
    return "unknown";
}

}  // namespace tradebot::signals
