#include <charconv>
#include <string>

#include "sim/binance/context.hpp"
#include "tradebot/sim/engine/venue_errors.hpp"

namespace tradebot::sim::binance {

wire::reply json_reply(unsigned status, const boost::json::value& body) {
    wire::reply r;
    r.response.status = status;
    r.response.content_type = "application/json";
    r.response.body = boost::json::serialize(body);
    return r;
}

wire::reply error_reply(unsigned status, int code, const std::string& msg) {
    return json_reply(status, boost::json::object{{"code", code}, {"msg", msg}});
}

wire::reply error_reply(const engine::binance_error& e) {
    return error_reply(static_cast<unsigned>(e.http_status), e.code, e.message);
}

std::string mandatory_msg(std::string_view param) {
    return "Mandatory parameter '" + std::string{param} + "' was not sent, was empty/null, or malformed.";
}

wire::reply mandatory_missing(std::string_view param) { return error_reply(400, -1102, mandatory_msg(param)); }

wire::reply engine_error(const engine::rejection& r) { return error_reply(engine::to_binance_error(r)); }

std::optional<std::int64_t> to_i64(std::string_view s) {
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

std::optional<wire::reply> order_ref_of(const call& c, std::string_view id_param, std::string_view client_param,
                                        engine::order_ref& ref) {
    const auto id = param(c, id_param);
    const auto cid = param(c, client_param);
    if (!id && !cid) {
        return error_reply(400, -1102,
                           "Param '" + std::string{id_param} + "' or '" + std::string{client_param} +
                               "' must be sent, but both were empty/null!");
    }
    if (id) {
        ref.id = to_i64(*id);
        if (!ref.id) {
            return mandatory_missing(id_param);
        }
    } else {
        ref.client_id = std::string{*cid};
    }
    return std::nullopt;
}

wire::reply invalid_param(std::string_view param) {
    return error_reply(400, -1130, "Data sent for parameter '" + std::string{param} + "' is not valid.");
}

engine::binance_error error_for_code(int code) {
    switch (code) {
    case -1000: return {400, -1000, "An unknown error occured while processing the request."};
    case -1003:
        return {429, -1003,
                "Too many requests; current limit is 2400 requests per minute. Please use the websocket for live "
                "updates to avoid polling the API."};
    case -1008:
        return {503, -1008,
                "Request throttled by system-level protection. Reduce-only/close-position orders are exempt. Please "
                "try again."};
    case -1015: return {429, -1015, "Too many new orders; current limit is 300 orders per 10 SECOND."};
    case -1021: return {400, -1021, "Timestamp for this request is outside of the recvWindow."};
    case -1022: return {400, -1022, "Signature for this request is not valid."};
    case -1101: return {400, -1101, "Duplicate values for a parameter detected."};
    case -1103: return {400, -1103, "An unknown parameter was sent."};
    case -1125:
        return {400, -1125, "This listenKey does not exist. Please use `POST /fapi/v1/listenKey` to recreate `listenKey`"};
    case -2013: return {400, -2013, "Order does not exist."};
    case -2014: return {401, -2014, "API-key format invalid."};
    default: break;
    }
    // Everything else: the engine's table, so the two never disagree.
    for (int r = 0; r <= static_cast<int>(engine::reject_reason::not_modified); ++r) {
        engine::rejection rej = engine::reject(static_cast<engine::reject_reason>(r));
        rej.field = "parameter";
        const auto e = engine::to_binance_error(rej);
        if (e.code == code) {
            return e;
        }
    }
    return {400, code, "An unknown error occured while processing the request."};
}

namespace {
std::string at_scale(core::decimal d, int scale) {
    if (d.is_zero()) {
        return "0";
    }
    return d.rescale(scale, core::rounding::half_even).to_string();
}
}  // namespace

std::string px(const engine::instrument* spec, core::decimal d) {
    return at_scale(d, spec != nullptr ? spec->tick_size.normalized().scale() : d.scale());
}
std::string qty(const engine::instrument* spec, core::decimal d) {
    return at_scale(d, spec != nullptr ? spec->step_size.normalized().scale() : d.scale());
}
std::string money(core::decimal d) { return d.rescale(8, core::rounding::half_even).to_string(); }
std::string plain(core::decimal d) { return d.to_string(); }

std::string_view conditional_type_name(engine::conditional_kind k) {
    switch (k) {
    case engine::conditional_kind::stop_market: return "STOP_MARKET";
    case engine::conditional_kind::take_profit_market: return "TAKE_PROFIT_MARKET";
    case engine::conditional_kind::trailing_stop_market: return "TRAILING_STOP_MARKET";
    }
    return "STOP_MARKET";
}

std::string_view algo_status_name(engine::conditional_status s) {
    switch (s) {
    case engine::conditional_status::new_: return "NEW";
    case engine::conditional_status::triggered: return "TRIGGERED";
    case engine::conditional_status::canceled: return "CANCELED";
    case engine::conditional_status::expired: return "EXPIRED";
    case engine::conditional_status::rejected: return "REJECTED";
    }
    return "NEW";
}

std::string_view margin_type_name(engine::margin_mode m) {
    return m == engine::margin_mode::isolated ? "isolated" : "cross";
}

boost::json::object order_json(const context& ctx, const engine::order& o, bool with_time) {
    const auto* spec = ctx.ex.find_instrument(o.symbol);
    const std::string type = o.type == core::order_type::limit ? "LIMIT" : "MARKET";
    boost::json::object j;
    j["orderId"] = o.id;
    j["symbol"] = spec != nullptr ? spec->venue_name() : o.symbol.str();
    j["status"] = std::string{engine::to_string(o.status)};
    j["clientOrderId"] = o.client_id;
    j["price"] = px(spec, o.price);
    j["avgPrice"] = o.avg_price.is_zero() ? "0.00" : px(spec, o.avg_price);
    j["origQty"] = qty(spec, o.qty);
    j["executedQty"] = qty(spec, o.filled_qty);
    j["cumQty"] = qty(spec, o.filled_qty);
    j["cumQuote"] = o.cum_quote.is_zero() ? "0" : money(o.cum_quote);
    j["timeInForce"] = std::string{engine::to_string(o.tif)};
    j["type"] = type;
    j["reduceOnly"] = o.reduce_only;
    j["closePosition"] = o.close_position;
    j["side"] = o.side == core::side::buy ? "BUY" : "SELL";
    j["positionSide"] = "BOTH";  // the engine models one-way accounts only
    j["stopPrice"] = "0";
    j["workingType"] = "CONTRACT_PRICE";
    j["priceProtect"] = false;
    j["origType"] = type;
    j["priceMatch"] = "NONE";
    j["selfTradePreventionMode"] = "NONE";
    j["goodTillDate"] = 0;
    if (with_time) {
        j["time"] = engine::to_ms(o.created);
    }
    j["updateTime"] = engine::to_ms(o.updated);
    return j;
}

boost::json::object algo_json(const context& ctx, const engine::conditional_order& c, bool query) {
    const auto& r = c.request;
    const auto* spec = ctx.ex.find_instrument(r.symbol);
    const bool trailing = r.kind == engine::conditional_kind::trailing_stop_market;
    boost::json::object j;
    j["algoId"] = c.id;
    j["clientAlgoId"] = r.client_id;
    j["algoType"] = "CONDITIONAL";
    j["orderType"] = std::string{conditional_type_name(r.kind)};
    j["symbol"] = spec != nullptr ? spec->venue_name() : r.symbol.str();
    j["side"] = r.side == core::side::buy ? "BUY" : "SELL";
    j["positionSide"] = "BOTH";
    j["timeInForce"] = "GTC";
    j["quantity"] = qty(spec, r.qty);
    j["algoStatus"] = std::string{algo_status_name(c.status)};
    j["triggerPrice"] = trailing ? "0" : px(spec, r.trigger_price);
    j["price"] = "0";
    j["icebergQuantity"] = nullptr;
    j["selfTradePreventionMode"] = "NONE";
    j["workingType"] = r.working == engine::working_type::mark ? "MARK_PRICE" : "CONTRACT_PRICE";
    j["priceMatch"] = "NONE";
    j["closePosition"] = r.close_position;
    j["priceProtect"] = false;
    j["reduceOnly"] = r.reduce_only;
    j["activatePrice"] = trailing && r.activation_price ? px(spec, *r.activation_price) : "";
    j["callbackRate"] = trailing ? plain(r.callback_rate) : "";
    j["createTime"] = engine::to_ms(c.created);
    j["updateTime"] = engine::to_ms(c.updated);
    j["triggerTime"] = c.trigger_time ? engine::to_ms(*c.trigger_time) : 0;
    j["goodTillDate"] = 0;
    if (query) {
        std::string actual_id;
        std::string actual_price = "0";
        if (c.triggered_order_id) {
            actual_id = std::to_string(*c.triggered_order_id);
            const auto acc = ctx.orders.find(c.account);
            if (acc != ctx.orders.end()) {
                const auto it = acc->second.find(*c.triggered_order_id);
                if (it != acc->second.end()) {
                    actual_price = px(spec, it->second.avg_price);
                }
            }
        }
        j["actualOrderId"] = actual_id;
        j["actualPrice"] = actual_price;
    }
    return j;
}

}  // namespace tradebot::sim::binance
