#pragma once

#include <optional>
#include <string>

#include "sim/engine/account_book.hpp"
#include "sim/engine/conditional_book.hpp"
#include "sim/engine/engine_context.hpp"
#include "sim/engine/margin_model.hpp"
#include "sim/engine/market_table.hpp"
#include "sim/engine/order_book.hpp"

namespace tradebot::sim::engine {

// One-way mode only: a position side may not be named there, and hedge mode is refused.
[[nodiscard]] std::optional<rejection> check_position_side(const account& acc, std::optional<core::position_side> side);

// The account and the instrument a request names.
struct request_target {
    const account* acc = nullptr;
    const symbol_state* st = nullptr;
};
[[nodiscard]] result<request_target> resolve_target(const account_book& accounts, const market_table& markets,
                                                    const account_id& a, const core::symbol& s);

// The venue's checks of a new order or conditional, in the order the venue applies them (the
// first failure is the one reported): the instrument's filters, market data, the client id,
// reduce-only and margin. Changes nothing.
class order_validator {
public:
    order_validator(const engine_context& ctx, const market_table& markets, const account_book& accounts,
                    const order_book& orders, const conditional_book& conditionals, const margin_model& margins);

    [[nodiscard]] std::optional<rejection> validate_order(const account_id& a, const order_request& r) const;
    [[nodiscard]] std::optional<rejection> validate_conditional(const account_id& a,
                                                                const conditional_request& r) const;
    // A modify of the open limit order `o` to a new total quantity and price: the filters and
    // the margin of what it adds, as for a new order (§A6: PRICE_FILTER, PERCENT_PRICE, LOT_SIZE);
    // an identical modify is not_modified (-5027).
    [[nodiscard]] std::optional<rejection> validate_amend(const order& o, core::decimal qty, core::decimal price) const;

private:
    [[nodiscard]] std::optional<rejection> check_client_id(const account_id& a, const std::string& id) const;

    const engine_context& ctx_;
    const market_table& markets_;
    const account_book& accounts_;
    const order_book& orders_;
    const conditional_book& conditionals_;
    const margin_model& margins_;
};

}  // namespace tradebot::sim::engine
