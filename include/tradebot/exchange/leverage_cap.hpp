#pragma once

#include <optional>
#include <vector>

#include "tradebot/core/decimal.hpp"
#include "tradebot/core/symbol.hpp"
#include "tradebot/core/types.hpp"
#include "tradebot/exchange/error.hpp"

namespace tradebot::exchange {

// One notional tier of a symbol (Binance GET /fapi/v1/leverageBracket): a position whose notional
// lies in [notional_floor, notional_cap] may use at most initial_leverage.
struct leverage_bracket {
    int bracket = 0;  // 1 = the smallest notional, the highest leverage
    int initial_leverage = 0;
    core::decimal notional_floor;
    core::decimal notional_cap;
    core::decimal maint_margin_ratio;
    core::decimal cum;  // the venue's quick-calculation amount for the maintenance margin
};

struct symbol_brackets {
    core::symbol symbol;
    std::vector<leverage_bracket> brackets;  // bracket 1 first

    // The highest leverage the venue accepts for the symbol: bracket 1's; 0 when none are known.
    [[nodiscard]] int max_leverage() const noexcept;
    // The largest notional a position may reach at `leverage` (§11 #49, Binance -2027): the
    // highest cap among the brackets whose initial leverage allows it. nullopt when no bracket
    // is known or a cap is not positive ("0" / "INF": no limit); 0 when the leverage is above every
    // bracket (check_leverage_cap refuses that leverage anyway).
    [[nodiscard]] std::optional<core::decimal> max_notional_at(int leverage) const;
};

// The rule both adapters apply before POST-ing a leverage: a leverage above the venue's maximum is
// refused here, without a request (invalid_request naming the symbol, the leverage and the cap),
// never clamped: the configured leverage sizes the margin the operator chose, and the venue would
// refuse it anyway (Binance -4028, Bybit 10001). A cap that is not positive is unknown: no check.
[[nodiscard]] result<void> check_leverage_cap(core::exchange_id venue, const core::symbol& symbol, int leverage,
                                              core::decimal max_leverage);

}  // namespace tradebot::exchange
