#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "sim/engine/engine_context.hpp"
#include "sim/engine/market_table.hpp"
#include "tradebot/sim/engine/account.hpp"
#include "tradebot/sim/engine/reject_reason.hpp"

namespace tradebot::sim::engine {

// The simulated accounts: their settings (leverage, margin and position mode), their wallets
// with funding, and the events that report a position or a wallet change.
class account_book {
public:
    account_book(engine_context& ctx, const market_table& markets);

    void add(const account_config& config);
    [[nodiscard]] const account* find(const account_id& id) const;
    [[nodiscard]] account* find_mut(const account_id& id);
    [[nodiscard]] account& at(const account_id& id) { return accounts_.at(id); }
    [[nodiscard]] const std::map<account_id, account>& all() const noexcept { return accounts_; }
    [[nodiscard]] std::map<account_id, account>& all() noexcept { return accounts_; }
    void set_wallet_balance(const account_id& id, core::decimal amount);
    // A position from before a restart, put back without an order, a fee or an event.
    std::optional<rejection> restore_position(const account_id& a, const core::symbol& s, core::side entry_side,
                                              core::decimal qty, core::decimal entry_price);

    // `orders_open` says whether the account (on the symbol) has open orders or conditionals:
    // the venues refuse a mode change while it has.
    result<int> set_leverage(const account_id& a, const core::symbol& s, int leverage);
    result<margin_mode> set_margin_mode(const account_id& a, const core::symbol& s, margin_mode m,
                                        const std::function<bool()>& orders_open);
    result<position_mode> set_position_mode(const account_id& a, position_mode m,
                                            const std::function<bool()>& orders_open);

    // Pays or charges every position on the symbol at its funding rate and the mark price.
    void settle_funding(const symbol_state& st, time_point at);
    // The long side of every simulated account, in contracts.
    [[nodiscard]] core::decimal open_interest(const core::symbol& s) const;

    void emit_position(const account& acc, const core::symbol& s, const std::string& reason);
    void emit_balance(const account& acc, core::decimal change, const std::string& reason);

private:
    engine_context& ctx_;
    const market_table& markets_;
    std::map<account_id, account> accounts_;
};

}  // namespace tradebot::sim::engine
