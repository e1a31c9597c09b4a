#pragma once

#include <functional>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine/account_book.hpp"
#include "sim/engine/book_scan.hpp"
#include "sim/engine/engine_context.hpp"
#include "sim/engine/market_table.hpp"
#include "tradebot/sim/engine/exchange_config.hpp"
#include "tradebot/sim/engine/order.hpp"

namespace tradebot::sim::engine {

// Whether a limit on `side` at `limit` would take the best counter price now.
[[nodiscard]] bool crosses(core::side side, core::decimal limit, const market_prices& p);

// The plain (market and limit) orders: their store, the one-level book that fills resting
// limits, market orders run to completion and the execution of every fill into the
// account's position and wallet.
class order_book {
public:
    // Runs after a fill left a position flat, once the fill is reported: what hung on the
    // position (its TP/SL, reduce-only orders, close-position conditionals) goes with it.
    using position_closed_hook = std::function<void(account&, const core::symbol&)>;

    order_book(engine_context& ctx, const market_table& markets, account_book& accounts);
    void set_position_closed_hook(position_closed_hook hook) { position_closed_ = std::move(hook); }

    // Places an order that passed validation: a market order runs to completion, a limit that
    // crosses takes at once, an IOC limit that does not cross expires, the rest rests.
    order& place(const account_id& a, const order_request& r);
    // Binance's modify of an open limit order that passed validation: the new total quantity and
    // price, reported as an amendment, then matched as on arrival (a new price that crosses takes).
    // A partially filled order whose new quantity is not above its filled part, or a post-only one
    // that would now take, is cancelled instead (§A6).
    order& amend(order& o, core::decimal qty, core::decimal price);
    // A market order of the engine's own (triggered, closing or liquidating): it has its id
    // and the fields all of them share; the caller completes it and submits it.
    [[nodiscard]] order new_market(const account_id& a, const core::symbol& s, core::side side, core::decimal qty,
                                   order_origin origin);
    // Stores a new order and reports it.
    order& submit(order o);
    // Runs a new market order (user, triggered or liquidation) to completion.
    void run_market(order& o);
    // Executes `qty` of the open order at `price`; updates position, wallet and the record.
    void execute(order& o, core::decimal qty, core::decimal price, liquidity role);
    [[nodiscard]] core::decimal market_fill_price(const symbol_state& st, core::side side) const;
    void fill_next_market_partially(core::decimal fraction);

    // The open limit orders of `s`, oldest first, and their matching against the new prices.
    [[nodiscard]] std::vector<order_id> resting_ids(const core::symbol& s) const;
    void match_resting(const core::symbol& s, const std::vector<order_id>& ids);

    // The account exists (the facade checks it).
    result<order> cancel(const account_id& a, const core::symbol& s, const order_ref& ref);
    std::vector<order> cancel_all(const account_id& a, const core::symbol& s);
    void cancel_reduce_only_leftovers(const account& acc, const core::symbol& s);

    [[nodiscard]] const order* find(const account_id& a, const core::symbol& s, const order_ref& ref) const;
    [[nodiscard]] std::vector<order> open_orders(const account_id& a, std::optional<core::symbol> s = {}) const;
    // Whether an order of the account carries `client_id`: an open one, or with
    // `closed_too` any it ever placed.
    [[nodiscard]] bool uses_client_id(const account_id& a, const std::string& client_id, bool closed_too) const;
    // The initial margin the account's open limit orders (not reduce-only) hold.
    [[nodiscard]] core::decimal open_order_margin(const account& acc) const;
    [[nodiscard]] const std::map<order_id, order>& all() const noexcept { return orders_; }

    [[nodiscard]] order* find_open(const order_id id) {
        const auto it = orders_.find(id);
        return it != orders_.end() && it->second.is_open() ? &it->second : nullptr;
    }

private:
    // A limit that crosses takes at the best counter price; an IOC that does not expires.
    void take_on_arrival(order& o);
    void finish(order& o, order_status status);
    // Calls `f` with every open order, in id order (as a scan of orders_ would), looking only at
    // maybe_open_ and dropping the closed ones from it: a query costs the open orders, not the
    // run's whole history.
    template <class F>
    void for_open(F&& f) const {
        for (auto it = maybe_open_.begin(); it != maybe_open_.end();) {
            const auto& o = orders_.at(*it);
            if (!o.is_open()) {
                it = maybe_open_.erase(it);
                continue;
            }
            f(o);
            ++it;
        }
    }

    engine_context& ctx_;
    const market_table& markets_;
    account_book& accounts_;
    position_closed_hook position_closed_;
    std::map<order_id, order> orders_;
    // The ids of the orders that may still be open (every order enters at submit; a scan drops
    // those it finds closed): a price tick looks at these, not at every order ever placed.
    mutable std::set<order_id> maybe_open_;
    std::optional<core::decimal> next_market_fill_fraction_;
};

}  // namespace tradebot::sim::engine
