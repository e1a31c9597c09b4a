#include "tradebot/exchange/leverage_cap.hpp"

#include <string>

namespace tradebot::exchange {

int symbol_brackets::max_leverage() const noexcept { return brackets.empty() ? 0 : brackets.front().initial_leverage; }

std::optional<core::decimal> symbol_brackets::max_notional_at(int leverage) const {
    if (brackets.empty()) {
        return std::nullopt;
    }
    core::decimal cap;
    for (const auto& b : brackets) {
        if (!b.notional_cap.is_positive()) {
            return std::nullopt;  // a tier without a cap: no limit
        }
        if (b.initial_leverage >= leverage && b.notional_cap > cap) {
            cap = b.notional_cap;
        }
    }
    return cap;
}

result<void> check_leverage_cap(core::exchange_id venue, const core::symbol& symbol, int leverage,
                                core::decimal max_leverage) {
    if (!max_leverage.is_positive() || core::decimal::from_int(leverage) <= max_leverage) {
        return {};
    }
    return local_error(venue, error_kind::invalid_request,
                       "leverage " + std::to_string(leverage) + " above the venue's maximum " +
                           max_leverage.normalized().to_string() + " for " + symbol.str() + " (not sent)");
}

}  // namespace tradebot::exchange
