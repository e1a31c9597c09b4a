#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tradebot/exchange/binance/rest_client.hpp"
#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/exchange/symbol_map.hpp"
#include "tradebot/exchange/venue_client.hpp"

namespace tradebot::exchange::binance {

// The requests place_stop and cancel_stop send (POST / DELETE /fapi/v1/algoOrder), built without
// I/O so the trailing-move benchmark can time exactly these bytes. trailing_quantity: the
// position's size, needed by TRAILING_STOP_MARKET only.
[[nodiscard]] rest_request algo_stop_request(std::string_view venue_symbol, const stop_request& request,
                                             std::optional<core::decimal> trailing_quantity);
// invalid_request when the stop has neither an algoId nor a clientAlgoId.
[[nodiscard]] result<rest_request> algo_cancel_request(const stop_state& stop);

// The mutations of binance::client: orders (new, query, cancel) and the protective algo stop.
// Part of client, which documents the venue's behaviour; `account` (the client, whose positions a
// trailing stop needs for its size) must outlive it.
class order_desk {
public:
    order_desk(rest_client& rest, const symbol_map& symbols, std::shared_ptr<spdlog::logger> log,
               venue_client& account);

    venue_client::task<order_ack> place_market_order(market_order_request request, request_priority priority);
    venue_client::task<order_ack> place_limit_order(limit_order_request request, request_priority priority);
    venue_client::task<order_state> query_order(core::symbol symbol, core::client_order_id client_id);
    venue_client::task<void> cancel_order(core::symbol symbol, core::client_order_id client_id,
                                          request_priority priority);

    venue_client::task<stop_state> place_stop(stop_request request);
    venue_client::task<stop_state> amend_stop(stop_state current, stop_request request);
    venue_client::task<void> cancel_stop(stop_state stop);

private:
    venue_client::task<order_ack> place_order(std::string query, core::client_order_id client_id,
                                              request_priority priority);

    rest_client& rest_;
    const symbol_map& symbols_;
    std::shared_ptr<spdlog::logger> log_;
    venue_client& account_;
};

}  // namespace tradebot::exchange::binance
