#pragma once

#include "sim/bybit/context.hpp"
#include "sim/bybit/protocol.hpp"

namespace tradebot::sim::bybit {

// One function per REST endpoint; each returns the retCode/retMsg/result the venue wraps.

// market_data.cpp (public)
outcome market_time(context& ctx, const request& r);
outcome instruments_info(context& ctx, const request& r);
outcome tickers(context& ctx, const request& r);
outcome kline(context& ctx, const request& r);
outcome mark_price_kline(context& ctx, const request& r);
outcome funding_history(context& ctx, const request& r);  // funding_history.cpp
// Settles funding up to `now`, recording each symbol's settlements for funding_history.
void settle_funding(context& ctx, engine::time_point now);
outcome orderbook(context& ctx, const request& r);
outcome open_interest(context& ctx, const request& r);  // open_interest.cpp
outcome risk_limit(context& ctx, const request& r);     // risk_limit.cpp
outcome fee_rate(context& ctx, const request& r);       // fee_rate.cpp (private)
outcome closed_pnl(context& ctx, const request& r);     // closed_pnl.cpp (private)
outcome transaction_log(context& ctx, const request& r);  // transaction_log.cpp (private)
// The JSON of one ticker (REST list item and WS tickers data).
json::object ticker_json(const context& ctx, const engine::instrument& spec);

// orders.cpp
outcome order_create(context& ctx, const request& r);
outcome order_cancel(context& ctx, const request& r);
outcome order_cancel_all(context& ctx, const request& r);
// order_amend.cpp
outcome order_amend(context& ctx, const request& r);
// order_queries.cpp
outcome order_realtime(context& ctx, const request& r);
outcome order_history(context& ctx, const request& r);
outcome execution_list(context& ctx, const request& r);

// positions.cpp
outcome position_list(context& ctx, const request& r);
outcome set_leverage(context& ctx, const request& r);
outcome switch_mode(context& ctx, const request& r);
outcome set_margin_mode(context& ctx, const request& r);
// trading_stop.cpp
outcome trading_stop(context& ctx, const request& r);
// wallet.cpp
outcome wallet_balance(context& ctx, const request& r);
// account_info.cpp: the key's and the account's settings (ccxt's first private calls)
outcome query_api(context& ctx, const request& r);
outcome account_info(context& ctx, const request& r);
// coin_info.cpp: the coins ccxt loads before its markets
outcome coin_info(context& ctx, const request& r);

// Resolves a request's symbol against the venue's names; nullptr when unknown.
const engine::instrument* instrument_of(const context& ctx, std::string_view venue_symbol);

// The instrument a request names in its required `symbol`, after the category check; otherwise
// the venue's answer (10001 for a missing category or symbol, the unknown-symbol error).
struct symbol_lookup {
    const engine::instrument* instrument = nullptr;
    std::optional<outcome> error;
};
symbol_lookup required_instrument(const context& ctx, const request& r, bool category_required = true);

}  // namespace tradebot::sim::bybit
