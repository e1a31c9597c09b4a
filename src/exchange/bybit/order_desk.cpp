#include "tradebot/exchange/bybit/order_desk.hpp"

#include <utility>

namespace tradebot::exchange::bybit {

namespace {

// A mutation whose answer we could not read may still have happened.
error as_mutation_error(error e) {
    if (e.kind == error_kind::bad_response) {
        e.kind = error_kind::unknown_outcome;
    }
    return e;
}

// Both placements end here: the venue's id for the order, or why there is none.
venue_client::task<std::string> create_order(rest_client& rest, std::string body, request_priority priority) {
    std::string path = "/v5/order/create";
    auto r = co_await rest.post(std::move(path), std::move(body), priority, false);
    if (!r) {
        co_return as_mutation_error(r.error());
    }
    auto id = parse_order_id(*r);
    if (!id) {
        co_return as_mutation_error(id.error());
    }
    co_return std::move(*id);
}

}  // namespace

order_desk::order_desk(rest_client& rest, const symbol_map& symbols, bool fetch_market_fill,
                       const std::unordered_map<core::symbol, instrument_rules>& rules, venue_client& prices)
    : rest_{rest}, symbols_{symbols}, fetch_market_fill_{fetch_market_fill}, rules_{rules}, prices_{prices} {}

const instrument_rules* order_desk::rules(const core::symbol& s) const noexcept {
    const auto it = rules_.find(s);
    return it == rules_.end() ? nullptr : &it->second;
}

venue_client::task<order_ack> order_desk::place_market_order(market_order_request request, request_priority priority) {
    auto name = venue_name(request.symbol);
    if (!name) {
        co_return name.error();
    }
    std::string body = market_order_body(*name, request);
    auto id = co_await create_order(rest_, std::move(body), priority);
    if (!id) {
        co_return id.error();
    }
    order_ack ack{*id, request.client_id, std::nullopt};
    if (fetch_market_fill_) {
        // One cheap read: the simulator (and usually the venue) has filled a market order by the
        // time the ack arrives. A failure here does not fail the placement.
        auto state = co_await query_order(request.symbol, request.client_id);
        if (state) {
            ack.state = std::move(*state);
        }
    }
    co_return ack;
}

venue_client::task<order_ack> order_desk::place_limit_order(limit_order_request request, request_priority priority) {
    auto name = venue_name(request.symbol);
    if (!name) {
        co_return name.error();
    }
    std::string body = limit_order_body(*name, request);
    auto id = co_await create_order(rest_, std::move(body), priority);
    if (!id) {
        co_return id.error();
    }
    co_return order_ack{*id, request.client_id, std::nullopt};
}

venue_client::task<order_state> order_desk::query_order(core::symbol symbol, core::client_order_id client_id) {
    auto name = venue_name(symbol);
    if (!name) {
        co_return name.error();
    }
    const std::string link = client_id.str();
    const std::string query = "category=linear&symbol=" + url_encode(*name) + "&orderLinkId=" + url_encode(link);
    // order/realtime knows open and recently closed orders; order/history the rest (§B6).
    for (const char* endpoint : {"/v5/order/realtime", "/v5/order/history"}) {
        std::string path = endpoint;
        std::string q = query;
        auto r = co_await rest_.get(std::move(path), std::move(q), true, request_priority::normal);
        if (!r) {
            co_return r.error();
        }
        auto page = parse_orders(*r, symbols_);
        if (!page) {
            co_return page.error();
        }
        for (auto& o : page->orders) {
            if (o.raw_client_id == link) {
                co_return std::move(o);
            }
        }
    }
    auto e = local_error(venue(), error_kind::unknown_order, "bybit: no order with orderLinkId " + link);
    co_return e;
}

venue_client::task<void> order_desk::cancel_order(core::symbol symbol, core::client_order_id client_id,
                                              request_priority priority) {
    auto name = venue_name(symbol);
    if (!name) {
        co_return name.error();
    }
    std::string path = "/v5/order/cancel";
    std::string body = cancel_order_body(*name, client_id.str());
    // Cancelling by id is idempotent: a clock-skew retry cannot cancel anything twice.
    auto r = co_await rest_.post(std::move(path), std::move(body), priority, true);
    if (!r) {
        co_return r.error();
    }
    co_return result<void>{};
}

trading_stop_params fixed_stop_params(core::decimal trigger) {
    trading_stop_params p;
    p.stop_loss = trigger;
    p.trailing_stop = core::decimal{};
    return p;
}

venue_client::task<stop_state> order_desk::place_stop(stop_request request) {
    auto name = venue_name(request.symbol);
    if (!name) {
        co_return name.error();
    }
    trading_stop_params p;
    stop_state out;
    out.symbol = request.symbol;
    out.position = request.position;
    out.kind = request.kind;
    if (request.kind == stop_kind::fixed) {
        if (!request.trigger_price.is_positive()) {
            co_return local_error(venue(), error_kind::invalid_request, "bybit: stop without a trigger price");
        }
        p = fixed_stop_params(request.trigger_price);
        p.mark_trigger = request.trigger_by == stop_trigger::mark;
        out.trigger_price = request.trigger_price;
    } else {
        const auto* r = rules(request.symbol);
        if (r == nullptr) {
            co_return local_error(venue(), error_kind::invalid_request,
                                  "bybit: no instrument rules for " + request.symbol.str());
        }
        core::decimal reference;
        if (request.activation_price) {
            reference = *request.activation_price;
        } else {
            auto mark = co_await prices_.mark_price(request.symbol, request_priority::critical);
            if (!mark) {
                co_return mark.error();
            }
            reference = mark->mark_price;
        }
        if (!reference.is_positive() || !request.callback_pct.is_positive()) {
            co_return local_error(venue(), error_kind::invalid_request,
                                  "bybit: trailing stop without percent or price");
        }
        p.trailing_stop = trailing_distance(reference, request.callback_pct, r->tick_size);
        p.active_price = request.activation_price;
        out.callback_pct = request.callback_pct;
        out.activation_price = request.activation_price;
    }
    std::string path = "/v5/position/trading-stop";
    std::string body = trading_stop_body(*name, p);
    // Setting the same absolute value twice is harmless, so a skew retry is safe.
    auto r = co_await rest_.post(std::move(path), std::move(body), request_priority::critical, true);
    if (!r && r.error().kind != error_kind::no_change) {  // 34040: that very stop is already set
        co_return as_mutation_error(r.error());
    }
    out.updated_ms = r ? r->time_ms : 0;
    co_return out;
}

venue_client::task<stop_state> order_desk::amend_stop(stop_state /*current*/, stop_request request) {
    // Full-mode trading-stop replaces the position's stop in one call: no gap to bridge.
    co_return co_await place_stop(std::move(request));
}

venue_client::task<void> order_desk::cancel_stop(stop_state stop) {
    auto name = venue_name(stop.symbol);
    if (!name) {
        co_return name.error();
    }
    trading_stop_params p;
    p.stop_loss = core::decimal{};
    if (stop.kind == stop_kind::trailing) {
        p.trailing_stop = core::decimal{};
    }
    std::string path = "/v5/position/trading-stop";
    std::string body = trading_stop_body(*name, p);
    auto r = co_await rest_.post(std::move(path), std::move(body), request_priority::critical, true);
    if (!r) {
        auto e = r.error();
        if (e.kind == error_kind::no_change) {
            e.kind = error_kind::unknown_order;  // nothing to cancel: the stop is gone already
        }
        co_return e;
    }
    co_return result<void>{};
}

}  // namespace tradebot::exchange::bybit
