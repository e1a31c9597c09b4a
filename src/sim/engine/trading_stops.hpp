#pragma once

#include "sim/engine/account_book.hpp"
#include "sim/engine/engine_context.hpp"
#include "sim/engine/market_table.hpp"
#include "sim/engine/order_book.hpp"
#include "tradebot/sim/engine/trading_stop.hpp"

namespace tradebot::sim::engine {

// Bybit's position TP/SL (trading-stop): take profit, stop loss and a trailing stop attached
// to a position, kept on the account, closing the whole position by a market order once hit.
class trading_stops {
public:
    trading_stops(engine_context& ctx, const market_table& markets, account_book& accounts, order_book& orders);

    result<trading_stop> set(const account_id& a, const trading_stop_request& r);
    // Checks every account's TP/SL on `s` at its new prices.
    void run(const core::symbol& s);

private:
    void close_position_market(account& acc, const core::symbol& s);

    engine_context& ctx_;
    const market_table& markets_;
    account_book& accounts_;
    order_book& orders_;
};

}  // namespace tradebot::sim::engine
