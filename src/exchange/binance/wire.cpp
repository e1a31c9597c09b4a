#include "tradebot/exchange/binance/wire.hpp"

#include <boost/json.hpp>

#include "exchange/binance/json_get.hpp"

namespace tradebot::exchange::binance {

namespace json = boost::json;

std::string format_decimal(core::decimal d) { return d.normalized().to_string(); }

result<std::string> venue_symbol_of(const symbol_map& symbols, const core::symbol& s) {
    if (const auto name = symbols.to_venue(s)) {
        return std::string{*name};
    }
    return local_error(core::exchange_id::binance, error_kind::invalid_request,
                       "symbol not loaded for binance: " + s.str());
}

query_builder& query_builder::add(std::string_view key, std::string_view value) {
    if (!text_.empty()) {
        text_.push_back('&');
    }
    text_.append(key).push_back('=');
    text_.append(percent_encode(value));
    return *this;
}

query_builder& query_builder::add(std::string_view key, core::decimal value) { return add(key, format_decimal(value)); }

query_builder& query_builder::add(std::string_view key, std::int64_t value) {
    return add(key, std::string_view{std::to_string(value)});
}

query_builder& query_builder::add_bool(std::string_view key, bool value) {
    return add(key, value ? std::string_view{"true"} : std::string_view{"false"});
}

std::string_view side_text(core::side s) noexcept { return s == core::side::buy ? "BUY" : "SELL"; }

std::string_view tif_text(time_in_force t) noexcept {
    switch (t) {
    case time_in_force::gtc: return "GTC";
    case time_in_force::ioc: return "IOC";
    case time_in_force::fok: return "FOK";
    case time_in_force::post_only: return "GTX";
    }
    return "GTC";
}

std::string_view margin_text(margin_mode m) noexcept { return m == margin_mode::cross ? "CROSSED" : "ISOLATED"; }

std::optional<order_status> parse_order_status(std::string_view s) noexcept {
    if (s == "NEW") return order_status::new_;
    if (s == "PARTIALLY_FILLED") return order_status::partially_filled;
    if (s == "FILLED") return order_status::filled;
    if (s == "CANCELED") return order_status::canceled;
    if (s == "REJECTED") return order_status::rejected;
    if (s == "EXPIRED" || s == "EXPIRED_IN_MATCH") return order_status::expired;
    return std::nullopt;
}

query_builder market_order_query(std::string_view venue_symbol, const market_order_request& r) {
    query_builder q;
    q.add("symbol", venue_symbol).add("side", side_text(r.side)).add("type", "MARKET").add("quantity", r.quantity);
    if (r.reduce_only) {
        q.add_bool("reduceOnly", true);
    }
    // RESULT: a market order's answer then carries its final state and fills (§A6).
    q.add("newClientOrderId", r.client_id.str()).add("newOrderRespType", "RESULT");
    return q;
}

query_builder limit_order_query(std::string_view venue_symbol, const limit_order_request& r) {
    query_builder q;
    q.add("symbol", venue_symbol)
        .add("side", side_text(r.side))
        .add("type", "LIMIT")
        .add("timeInForce", tif_text(r.tif))
        .add("quantity", r.quantity)
        .add("price", r.price);
    if (r.reduce_only) {
        q.add_bool("reduceOnly", true);
    }
    q.add("newClientOrderId", r.client_id.str()).add("newOrderRespType", "RESULT");
    return q;
}

query_builder stop_query(std::string_view venue_symbol, const stop_request& r,
                         std::optional<core::decimal> trailing_quantity) {
    query_builder q;
    q.add("algoType", "CONDITIONAL").add("symbol", venue_symbol).add("side", side_text(core::exit_side(r.position)));
    if (r.kind == stop_kind::fixed) {
        q.add("type", "STOP_MARKET").add("triggerPrice", r.trigger_price).add("closePosition", "true");
    } else {
        q.add("type", "TRAILING_STOP_MARKET").add("callbackRate", r.callback_pct);
        if (r.activation_price) {
            q.add("activatePrice", *r.activation_price);
        }
        q.add("quantity", trailing_quantity.value_or(core::decimal{})).add("reduceOnly", "true");
    }
    q.add("workingType", r.trigger_by == stop_trigger::last ? "CONTRACT_PRICE" : "MARK_PRICE")
        .add("clientAlgoId", r.client_id.str());
    return q;
}

std::optional<venue_error_body> parse_error_body(std::string_view body) noexcept {
    boost::system::error_code ec;
    const auto v = json::parse(body, ec);
    if (ec || !v.is_object()) {
        return std::nullopt;
    }
    const auto& o = v.as_object();
    const auto* code = o.if_contains("code");
    if (code == nullptr) {
        return std::nullopt;
    }
    std::optional<std::int64_t> n = detail::as_int(*code);
    if (!n || *n == 200 || *n == 0) {
        return std::nullopt;
    }
    venue_error_body out;
    out.code = static_cast<int>(*n);
    if (const auto* m = o.if_contains("msg"); m != nullptr && m->is_string()) {
        out.msg = std::string{m->as_string()};
    }
    return out;
}

}  // namespace tradebot::exchange::binance
