#include "tradebot/exchange/bybit/rest_codec.hpp"

#include <algorithm>

#include "exchange/bybit/json_fields.hpp"
#include "tradebot/exchange/signing.hpp"

namespace tradebot::exchange::bybit {

namespace bj = boost::json;
using detail::integer;
using detail::text;

result<envelope> parse_envelope(unsigned http_status, std::string_view body) {
    boost::system::error_code ec;
    bj::value doc = bj::parse(body, ec);
    const bj::object* top = ec ? nullptr : doc.if_object();
    const auto* code_v = top != nullptr ? top->if_contains("retCode") : nullptr;
    if (code_v == nullptr || !code_v->is_number()) {
        if (http_status >= 200 && http_status < 300) {
            return bad_response_error(core::exchange_id::bybit, http_status, "answer is not a V5 envelope");
        }
        // 403 (IP limit), 404, 429, 5xx: often plain text or HTML; the status alone classifies.
        const auto msg = body.substr(0, std::min<std::size_t>(body.size(), 200));
        return bybit_error(http_status, 0, msg);
    }
    const auto code = integer(*top, "retCode").value_or(-1);
    if (code != 0 || http_status < 200 || http_status >= 300) {
        return bybit_error(http_status, static_cast<int>(code), text(*top, "retMsg"));
    }
    envelope out;
    if (auto* r = top->if_contains("result")) {
        out.result = std::move(*r);
    } else {
        out.result = bj::object{};
    }
    out.time_ms = integer(*top, "time").value_or(0);
    return out;
}

std::string url_encode(std::string_view value) { return percent_encode(value); }

std::string with_cursor(std::string query, const std::string& cursor) {
    if (!cursor.empty()) {
        query += "&cursor=" + url_encode(cursor);
    }
    return query;
}

result<std::string> venue_name_of(const symbol_map& symbols, const core::symbol& s) {
    if (const auto name = symbols.to_venue(s)) {
        return std::string{*name};
    }
    return local_error(core::exchange_id::bybit, error_kind::invalid_request,
                       "bybit: unknown symbol " + s.str() + " (load_instruments first)");
}

std::string_view side_text(core::side s) noexcept { return s == core::side::buy ? "Buy" : "Sell"; }

std::string_view tif_text(time_in_force t) noexcept {
    switch (t) {
        case time_in_force::gtc: return "GTC";
        case time_in_force::ioc: return "IOC";
        case time_in_force::fok: return "FOK";
        case time_in_force::post_only: return "PostOnly";
    }
    return "GTC";
}

std::optional<order_status> parse_order_status(std::string_view s) noexcept {
    if (s == "New" || s == "Untriggered" || s == "Triggered" || s == "Created") {
        // Untriggered: a conditional waiting; Triggered: its market order is on the way.
        return order_status::new_;
    }
    if (s == "PartiallyFilled") return order_status::partially_filled;
    if (s == "Filled") return order_status::filled;
    if (s == "Cancelled" || s == "PartiallyFilledCanceled" || s == "Deactivated") return order_status::canceled;
    if (s == "Rejected") return order_status::rejected;
    return std::nullopt;
}

namespace {

std::string to_json(const bj::object& o) { return bj::serialize(o); }

bj::object order_base(std::string_view venue_symbol, core::side side, std::string_view type, core::decimal qty) {
    bj::object o;
    o["category"] = "linear";
    o["symbol"] = venue_symbol;
    o["side"] = side_text(side);
    o["orderType"] = type;
    o["qty"] = qty.to_string();
    return o;
}

}  // namespace

std::string market_order_body(std::string_view venue_symbol, const market_order_request& r) {
    auto o = order_base(venue_symbol, r.side, "Market", r.quantity);
    o["positionIdx"] = 0;
    o["orderLinkId"] = r.client_id.str();
    if (r.reduce_only) {
        o["reduceOnly"] = true;
    }
    return to_json(o);
}

std::string limit_order_body(std::string_view venue_symbol, const limit_order_request& r) {
    auto o = order_base(venue_symbol, r.side, "Limit", r.quantity);
    o["price"] = r.price.to_string();
    o["timeInForce"] = tif_text(r.tif);
    o["positionIdx"] = 0;
    o["orderLinkId"] = r.client_id.str();
    if (r.reduce_only) {
        o["reduceOnly"] = true;
    }
    return to_json(o);
}

std::string cancel_order_body(std::string_view venue_symbol, std::string_view order_link_id) {
    bj::object o;
    o["category"] = "linear";
    o["symbol"] = venue_symbol;
    o["orderLinkId"] = order_link_id;
    return to_json(o);
}

std::string set_leverage_body(std::string_view venue_symbol, int leverage) {
    bj::object o;
    o["category"] = "linear";
    o["symbol"] = venue_symbol;
    o["buyLeverage"] = std::to_string(leverage);
    o["sellLeverage"] = std::to_string(leverage);
    return to_json(o);
}

std::string switch_mode_body() {
    bj::object o;
    o["category"] = "linear";
    o["coin"] = "USDT";
    o["mode"] = 0;
    return to_json(o);
}

std::string margin_mode_body(margin_mode m) {
    // [U] not in the reference: Bybit UTA names cross "REGULAR_MARGIN" (PORTFOLIO_MARGIN unused).
    bj::object o;
    o["setMarginMode"] = m == margin_mode::cross ? "REGULAR_MARGIN" : "ISOLATED_MARGIN";
    return to_json(o);
}

std::string trading_stop_body(std::string_view venue_symbol, const trading_stop_params& p) {
    bj::object o;
    o["category"] = "linear";
    o["symbol"] = venue_symbol;
    o["tpslMode"] = "Full";
    o["positionIdx"] = 0;
    if (p.stop_loss) {
        o["stopLoss"] = p.stop_loss->to_string();
        if (!p.stop_loss->is_zero()) {
            o["slTriggerBy"] = p.mark_trigger ? "MarkPrice" : "LastPrice";
        }
    }
    if (p.trailing_stop) {
        o["trailingStop"] = p.trailing_stop->to_string();
    }
    if (p.active_price) {
        o["activePrice"] = p.active_price->to_string();
    }
    return to_json(o);
}

core::decimal trailing_distance(core::decimal reference_price, core::decimal callback_pct, core::decimal tick_size) {
    const core::decimal raw =
        (reference_price * callback_pct).divide(core::decimal::from_int(100), 10, core::rounding::half_even);
    if (!tick_size.is_positive()) {
        return raw.normalized();
    }
    const core::decimal d = raw.nearest_step(tick_size);
    return d < tick_size ? tick_size : d;
}

std::optional<std::int64_t> parse_server_time(const envelope& e) {
    const auto* o = e.result.if_object();
    if (o == nullptr) {
        return std::nullopt;
    }
    if (const auto ns = integer(*o, "timeNano")) {
        return *ns / 1'000'000;
    }
    if (const auto s = integer(*o, "timeSecond")) {
        return *s * 1000;
    }
    return std::nullopt;
}

}  // namespace tradebot::exchange::bybit
