#pragma once

#include <string>
#include <unordered_map>

#include "tradebot/exchange/bybit/rest_client.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::exchange::bybit {

// The trading-stop parameters place_stop / amend_stop send for a fixed stop at `trigger`: the
// stopLoss, and the trailing stop cleared (one left from an earlier attempt would fight it).
[[nodiscard]] trading_stop_params fixed_stop_params(core::decimal trigger);

// The mutations of bybit::client: orders (create, query, cancel) and the position's protective
// trading-stop. Part of client, which documents the venue's behaviour; `rules` (the client's
// cache of load_instruments) and `prices` (for a trailing stop's reference mark) must outlive it.
class order_desk {
public:
    order_desk(rest_client& rest, const symbol_map& symbols, bool fetch_market_fill,
               const std::unordered_map<core::symbol, instrument_rules>& rules, venue_client& prices);

    venue_client::task<order_ack> place_market_order(market_order_request request, request_priority priority);
    venue_client::task<order_ack> place_limit_order(limit_order_request request, request_priority priority);
    venue_client::task<order_state> query_order(core::symbol symbol, core::client_order_id client_id);
    venue_client::task<void> cancel_order(core::symbol symbol, core::client_order_id client_id,
                                          request_priority priority);

    venue_client::task<stop_state> place_stop(stop_request request);
    venue_client::task<stop_state> amend_stop(stop_state current, stop_request request);
    venue_client::task<void> cancel_stop(stop_state stop);

private:
    [[nodiscard]] static core::exchange_id venue() noexcept { return core::exchange_id::bybit; }
    [[nodiscard]] result<std::string> venue_name(const core::symbol& s) const { return venue_name_of(symbols_, s); }
    [[nodiscard]] const instrument_rules* rules(const core::symbol& s) const noexcept;

    rest_client& rest_;
    const symbol_map& symbols_;
    bool fetch_market_fill_;
    const std::unordered_map<core::symbol, instrument_rules>& rules_;
    venue_client& prices_;
};

}  // namespace tradebot::exchange::bybit
