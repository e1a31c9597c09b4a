#pragma once

#include <optional>

#include "sim/engine/account_book.hpp"
#include "sim/engine/market_table.hpp"
#include "sim/engine/order_book.hpp"
#include "tradebot/sim/engine/snapshot.hpp"

namespace tradebot::sim::engine {

// The margin arithmetic at the current mark: what an account has available, whether it can
// afford an order, and the views of its positions with their liquidation prices.
class margin_model {
public:
    margin_model(const market_table& markets, const account_book& accounts, const order_book& orders);

    [[nodiscard]] core::decimal available_balance(const account& acc) const;
    // Only the part of `qty` that opens or grows a position needs margin (plus the taker fee
    // on the whole); the closing part is free.
    [[nodiscard]] std::optional<rejection> check_margin(const account& acc, const symbol_state& st, core::side side,
                                                        core::decimal qty, core::decimal price) const;

    [[nodiscard]] std::optional<position_view> position(const account_id& a, const core::symbol& s) const;
    [[nodiscard]] std::optional<account_view> account_state(const account_id& a) const;
    // account_state(a)->margin_balance without the rest of the view (no margins, no liquidation
    // prices): what a backtest samples every minute.
    [[nodiscard]] std::optional<core::decimal> margin_balance(const account_id& a) const;

private:
    // `cross_total`: cross_backing(acc), when the caller views every position of the account: it
    // is the same for all of them (without it each view sums the account again: O(n^2) in all).
    [[nodiscard]] position_view view_of(const account& acc, const engine::position& p,
                                        std::optional<core::decimal> cross_total = std::nullopt) const;
    [[nodiscard]] core::decimal liquidation_price(const account& acc, const engine::position& p,
                                                  std::optional<core::decimal> cross_total = std::nullopt) const;
    // What stands behind the cross positions: wallet - isolated margins + every cross position's
    // uPnL - maintenance margin.
    [[nodiscard]] core::decimal cross_backing(const account& acc) const;
    // One cross position's part of cross_backing.
    [[nodiscard]] core::decimal cross_part(const core::symbol& sym, const engine::position& q) const;

    const market_table& markets_;
    const account_book& accounts_;
    const order_book& orders_;
};

}  // namespace tradebot::sim::engine
