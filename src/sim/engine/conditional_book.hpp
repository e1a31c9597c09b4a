#pragma once

#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "sim/engine/account_book.hpp"
#include "sim/engine/engine_context.hpp"
#include "sim/engine/margin_model.hpp"
#include "sim/engine/market_table.hpp"
#include "sim/engine/order_book.hpp"
#include "tradebot/sim/engine/conditional_order.hpp"
#include "tradebot/sim/engine/exchange_config.hpp"

namespace tradebot::sim::engine {

// The conditional (algo) orders: stop, take-profit and trailing stop market orders waiting on
// the mark, last or index price. A triggered one becomes a market order in the order book;
// it holds no margin until then.
class conditional_book {
public:
    conditional_book(engine_context& ctx, const market_table& markets, account_book& accounts, order_book& orders,
                     const margin_model& margins);

    // Places a conditional that passed validation.
    conditional_order& place(const account_id& a, const conditional_request& r);
    // The account exists (the facade checks it).
    result<conditional_order> cancel(const account_id& a, const core::symbol& s, const order_ref& ref);
    std::vector<conditional_order> cancel_all(const account_id& a, const core::symbol& s);
    // The position on `s` is flat: its close-position conditionals have nothing left to close.
    void expire_close_position(const account& acc, const core::symbol& s);

    // The open conditionals of `s`, oldest first, and their triggering at the new prices.
    [[nodiscard]] std::vector<order_id> open_ids(const core::symbol& s) const;
    void run(const core::symbol& s, const std::vector<order_id>& ids);

    [[nodiscard]] const conditional_order* find(const account_id& a, const order_ref& ref) const;
    [[nodiscard]] std::vector<conditional_order> open_conditionals(const account_id& a,
                                                                   std::optional<core::symbol> s = {}) const;
    // As order_book::uses_client_id.
    [[nodiscard]] bool uses_client_id(const account_id& a, const std::string& client_id, bool closed_too) const;
    [[nodiscard]] const std::map<order_id, conditional_order>& all() const noexcept { return conditionals_; }

private:
    // Whether `c` fires at `p`; moves a trailing stop's extreme (and arms it) on the way.
    bool fires(conditional_order& c, const market_prices& p);
    void fire(conditional_order& c);
    // Ends an open conditional with `status` and reports it.
    void close(conditional_order& c, conditional_status status);

    engine_context& ctx_;
    const market_table& markets_;
    account_book& accounts_;
    order_book& orders_;
    const margin_model& margins_;
    std::map<order_id, conditional_order> conditionals_;
    // As order_book's: the conditionals that may still be open.
    mutable std::set<order_id> maybe_open_;
};

}  // namespace tradebot::sim::engine
