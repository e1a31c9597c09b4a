// Orders and the protective stop of the Binance venue_client (§A6, §A7): order_desk.

#include <utility>

#include <boost/json.hpp>

#include "tradebot/exchange/binance/order_desk.hpp"
#include "tradebot/exchange/binance/wire.hpp"
#include "tradebot/logging/structured.hpp"

namespace tradebot::exchange::binance {

using logging::kv;

namespace {

error order_desk_unreadable_ack(const error& parse_error) {
    // The venue accepted the request (2xx) but its answer cannot be read: the order exists or may
    // exist, so the core must look it up by client id, as after a timeout.
    error e = parse_error;
    e.kind = error_kind::unknown_outcome;
    return e;
}

}  // namespace

order_desk::order_desk(rest_client& rest, const symbol_map& symbols, std::shared_ptr<spdlog::logger> log,
                       venue_client& account)
    : rest_{rest}, symbols_{symbols}, log_{std::move(log)}, account_{account} {}

rest_request algo_stop_request(std::string_view venue_symbol, const stop_request& request,
                               std::optional<core::decimal> trailing_quantity) {
    rest_request r;
    r.method = "POST";
    r.path = "/fapi/v1/algoOrder";
    r.query = stop_query(venue_symbol, request, trailing_quantity).str();
    r.endpoint = binance_endpoint::algo_order_new;
    r.priority = request_priority::critical;
    r.idempotent = false;
    return r;
}

result<rest_request> algo_cancel_request(const stop_state& stop) {
    rest_request r;
    r.method = "DELETE";
    r.path = "/fapi/v1/algoOrder";
    if (!stop.venue_id.empty()) {
        r.query = query_builder{}.add("algoId", stop.venue_id).str();
    } else if (stop.client_id) {
        r.query = query_builder{}.add("clientAlgoId", stop.client_id->str()).str();
    } else {
        error e;
        e.kind = error_kind::invalid_request;
        e.message = "cancel_stop without algoId or clientAlgoId";
        return e;
    }
    r.endpoint = binance_endpoint::algo_order_cancel;
    r.priority = request_priority::critical;
    return r;
}

venue_client::task<order_ack> order_desk::place_order(std::string query, core::client_order_id client_id,
                                                  request_priority priority) {
    rest_request r;
    r.method = "POST";
    r.path = "/fapi/v1/order";
    r.query = std::move(query);
    r.endpoint = binance_endpoint::order_new;
    r.priority = priority;
    r.idempotent = false;
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    auto state = parse_order(*v, symbols_);
    if (!state) co_return order_desk_unreadable_ack(state.error());
    order_ack ack;
    ack.venue_order_id = state->venue_order_id;
    ack.client_id = client_id;
    ack.state = std::move(*state);
    co_return ack;
}

venue_client::task<order_ack> order_desk::place_market_order(market_order_request request, request_priority priority) {
    auto name = venue_symbol_of(symbols_, request.symbol);
    if (!name) co_return name.error();
    std::string query = market_order_query(*name, request).str();
    co_return co_await place_order(std::move(query), request.client_id, priority);
}

venue_client::task<order_ack> order_desk::place_limit_order(limit_order_request request, request_priority priority) {
    auto name = venue_symbol_of(symbols_, request.symbol);
    if (!name) co_return name.error();
    std::string query = limit_order_query(*name, request).str();
    co_return co_await place_order(std::move(query), request.client_id, priority);
}

venue_client::task<order_state> order_desk::query_order(core::symbol symbol, core::client_order_id client_id) {
    auto name = venue_symbol_of(symbols_, symbol);
    if (!name) co_return name.error();
    rest_request r;
    r.path = "/fapi/v1/order";
    r.query = query_builder{}.add("symbol", *name).add("origClientOrderId", client_id.str()).str();
    r.endpoint = binance_endpoint::order_query;
    r.priority = request_priority::critical;  // reconciliation after an unknown outcome
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return parse_order(*v, symbols_);
}

venue_client::task<void> order_desk::cancel_order(core::symbol symbol, core::client_order_id client_id,
                                              request_priority priority) {
    auto name = venue_symbol_of(symbols_, symbol);
    if (!name) co_return name.error();
    rest_request r;
    r.method = "DELETE";
    r.path = "/fapi/v1/order";
    r.query = query_builder{}.add("symbol", *name).add("origClientOrderId", client_id.str()).str();
    r.endpoint = binance_endpoint::order_cancel;
    r.priority = priority;
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    co_return result<void>{};
}

venue_client::task<stop_state> order_desk::place_stop(stop_request request) {
    auto name = venue_symbol_of(symbols_, request.symbol);
    if (!name) co_return name.error();
    std::optional<core::decimal> trailing_qty;
    if (request.kind == stop_kind::trailing) {
        // TRAILING_STOP_MARKET cannot closePosition (§A7), so it needs the position's size.
        auto all = co_await account_.positions(request_priority::critical);
        if (!all) co_return all.error();
        for (const auto& p : *all) {
            if (p.symbol == request.symbol && p.side == request.position) trailing_qty = p.quantity;
        }
        if (!trailing_qty) {
            error e;
            e.kind = error_kind::reduce_only_rejected;  // nothing to protect: read the position
            e.message = "no " + std::string{core::to_string(request.position)} + " position on " +
                        request.symbol.str() + " for a trailing stop";
            co_return e;
        }
    }
    rest_request r = algo_stop_request(*name, request, trailing_qty);
    auto v = co_await rest_.call(std::move(r));
    if (!v) co_return v.error();
    auto stop = parse_algo_order(*v, symbols_);
    if (!stop) co_return order_desk_unreadable_ack(stop.error());
    if (!stop->client_id) stop->client_id = request.client_id;
    co_return stop;
}

venue_client::task<stop_state> order_desk::amend_stop(stop_state current, stop_request request) {
    // Untriggered algo orders cannot be modified (§A7): new first, then the old one goes, so the
    // position is never without a stop (DESIGN.md rule 3).
    auto placed = co_await place_stop(request);
    if (!placed) co_return placed.error();
    auto cancelled = co_await cancel_stop(current);
    if (!cancelled && cancelled.error().kind != error_kind::unknown_order) {
        logging::error(log_, "binance amend_stop: new stop placed, old one not cancelled",
                       kv("symbol", request.symbol), kv("old_algo_id", current.venue_id),
                       kv("new_algo_id", placed->venue_id), kv("error", cancelled.error().describe()));
    }
    co_return placed;
}

venue_client::task<void> order_desk::cancel_stop(stop_state stop) {
    auto r = algo_cancel_request(stop);
    if (!r) co_return r.error();
    auto v = co_await rest_.call(std::move(*r));
    if (!v) co_return v.error();
    co_return result<void>{};
}

}  // namespace tradebot::exchange::binance
