#pragma once

#include "sim/engine/account_book.hpp"
#include "sim/engine/conditional_book.hpp"
#include "sim/engine/engine_context.hpp"
#include "sim/engine/market_table.hpp"
#include "sim/engine/order_book.hpp"

namespace tradebot::sim::engine {

// Takes over the positions that fall below maintenance margin: an isolated position on its
// own, a cross account's cross positions all together.
class liquidator {
public:
    liquidator(engine_context& ctx, const market_table& markets, account_book& accounts, order_book& orders,
               conditional_book& conditionals);

    // One pass over every account at the current marks.
    void run();

private:
    void liquidate(account& acc, const core::symbol& s, margin_mode mode);

    engine_context& ctx_;
    const market_table& markets_;
    account_book& accounts_;
    order_book& orders_;
    conditional_book& conditionals_;
};

}  // namespace tradebot::sim::engine
