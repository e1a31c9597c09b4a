// Orders and the protective stop of the paper venue_client.
#include "exchange/paper/convert.hpp"
#include "tradebot/exchange/paper/client.hpp"

namespace tradebot::exchange::paper {

namespace engine = sim::engine;

// ---- regular orders ---------------------------------------------------------------------------

result<order_ack> client::submit(const engine::order_request& request, const core::client_order_id& client_id) {
    if (auto e = missing_price(request.symbol)) {
        return *e;
    }
    const auto placed = engine_.place_order(account_, request);
    if (!placed) {
        return rejected(placed.error());
    }
    order_ack ack{std::to_string(placed->id), client_id, to_order_state(placed.value())};
    publish_events();
    return ack;
}

venue_client::task<order_ack> client::place_market_order(market_order_request request, request_priority /*priority*/) {
    engine::order_request r;
    r.symbol = request.symbol;
    r.side = request.side;
    r.type = core::order_type::market;
    r.qty = request.quantity;
    r.reduce_only = request.reduce_only;
    r.client_id = request.client_id.str();
    co_return submit(r, request.client_id);
}

venue_client::task<order_ack> client::place_limit_order(limit_order_request request, request_priority /*priority*/) {
    engine::order_request r;
    r.symbol = request.symbol;
    r.side = request.side;
    r.type = core::order_type::limit;
    r.qty = request.quantity;
    r.price = request.price;
    r.tif = to_engine(request.tif);
    r.reduce_only = request.reduce_only;
    r.client_id = request.client_id.str();
    co_return submit(r, request.client_id);
}

venue_client::task<order_state> client::query_order(core::symbol symbol, core::client_order_id client_id) {
    engine::order_ref ref;
    ref.client_id = client_id.str();
    const auto* found = engine_.find_order(account_, symbol, ref);
    if (found == nullptr) {
        co_return fail(error_kind::unknown_order, "no order " + ref.client_id + " on " + symbol.str());
    }
    co_return to_order_state(*found);
}

venue_client::task<void> client::cancel_order(core::symbol symbol, core::client_order_id client_id,
                                              request_priority /*priority*/) {
    engine::order_ref ref;
    ref.client_id = client_id.str();
    const auto cancelled = engine_.cancel_order(account_, symbol, ref);
    if (!cancelled) {
        co_return rejected(cancelled.error());
    }
    publish_events();
    co_return result<void>{};
}

// ---- the protective stop (stop_desk) ----------------------------------------------------------

venue_client::task<stop_state> client::place_stop(stop_request request) {
    const auto missing = co_await ensure_price(request.symbol);
    if (missing) {
        co_return *missing;
    }
    co_return stops_.place(request);
}

venue_client::task<stop_state> client::amend_stop(stop_state current, stop_request request) {
    const auto missing = co_await ensure_price(request.symbol);
    if (missing) {
        co_return *missing;
    }
    co_return stops_.amend(current, request);
}

venue_client::task<void> client::cancel_stop(stop_state stop) { co_return stops_.cancel(stop); }

venue_client::task<std::vector<stop_state>> client::open_stops(std::optional<core::symbol> symbol) {
    co_return stops_.open(symbol);
}

}  // namespace tradebot::exchange::paper
