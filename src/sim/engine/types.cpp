#include "tradebot/sim/engine/types.hpp"

#include <chrono>

namespace tradebot::sim::engine {

std::string_view to_string(venue v) noexcept { return v == venue::binance ? "binance" : "bybit"; }

std::string_view to_string(time_in_force t) noexcept {
    switch (t) {
    case time_in_force::gtc: return "GTC";
    case time_in_force::ioc: return "IOC";
    case time_in_force::fok: return "FOK";
    case time_in_force::gtx: return "GTX";
    }
    return "?";
}

std::string_view to_string(working_type w) noexcept {
    switch (w) {
    case working_type::mark: return "MARK_PRICE";
    case working_type::last: return "CONTRACT_PRICE";
    case working_type::index: return "INDEX_PRICE";
    }
    return "?";
}

std::string_view to_string(margin_mode m) noexcept { return m == margin_mode::cross ? "cross" : "isolated"; }
std::string_view to_string(position_mode m) noexcept { return m == position_mode::one_way ? "one_way" : "hedge"; }

std::string_view to_string(order_status s) noexcept {
    switch (s) {
    case order_status::new_: return "NEW";
    case order_status::partially_filled: return "PARTIALLY_FILLED";
    case order_status::filled: return "FILLED";
    case order_status::canceled: return "CANCELED";
    case order_status::expired: return "EXPIRED";
    case order_status::rejected: return "REJECTED";
    }
    return "?";
}

std::string_view to_string(conditional_kind k) noexcept {
    switch (k) {
    case conditional_kind::stop_market: return "STOP_MARKET";
    case conditional_kind::take_profit_market: return "TAKE_PROFIT_MARKET";
    case conditional_kind::trailing_stop_market: return "TRAILING_STOP_MARKET";
    }
    return "?";
}

std::string_view to_string(conditional_status s) noexcept {
    switch (s) {
    case conditional_status::new_: return "NEW";
    case conditional_status::triggered: return "TRIGGERED";
    case conditional_status::canceled: return "CANCELED";
    case conditional_status::expired: return "EXPIRED";
    case conditional_status::rejected: return "REJECTED";
    }
    return "?";
}

std::string_view to_string(trigger_direction d) noexcept { return d == trigger_direction::rising ? "rising" : "falling"; }
std::string_view to_string(liquidity l) noexcept { return l == liquidity::maker ? "maker" : "taker"; }

std::string_view to_string(order_origin o) noexcept {
    switch (o) {
    case order_origin::user: return "user";
    case order_origin::conditional: return "conditional";
    case order_origin::trading_stop: return "trading_stop";
    case order_origin::liquidation: return "liquidation";
    }
    return "?";
}

std::int64_t to_ms(time_point t) noexcept {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace tradebot::sim::engine
