#include <charconv>

#include "sim/binance/context.hpp"
#include "tradebot/sim/engine/venue_errors.hpp"

namespace tradebot::sim::binance {

namespace {

// [U] The docs list only algoId/clientAlgoId for GET/DELETE algoOrder, but ccxt 4.5 also sends the
// symbol and works against the venue: the simulator accepts it, and a symbol other than the order's
// finds nothing.
bool symbol_matches(const context& ctx, const call& c, const engine::conditional_order& o) {
    if (!param(c, "symbol")) {
        return true;
    }
    const auto s = symbol_param(ctx, c, nullptr);
    return s && *s == o.request.symbol;
}

std::optional<wire::reply> bool_param(const call& c, std::string_view name, bool& out) {
    if (const auto v = param(c, name)) {
        if (*v != "true" && *v != "false") {
            return invalid_param(name);
        }
        out = *v == "true";
    }
    return std::nullopt;
}

std::optional<wire::reply> decimal_param(const call& c, std::string_view name, std::optional<core::decimal>& out) {
    if (const auto v = param(c, name)) {
        out = core::decimal::parse(*v);
        if (!out) {
            return invalid_param(name);
        }
    }
    return std::nullopt;
}

}  // namespace

wire::reply algo_new(context& ctx, call& c) {
    if (auto e = check_params(c, {"algoType", "symbol", "side", "positionSide", "type", "timeInForce", "quantity",
                                  "price", "triggerPrice", "workingType", "priceMatch", "closePosition",
                                  "priceProtect", "reduceOnly", "activatePrice", "activationPrice", "callbackRate",
                                  "clientAlgoId",
                                  "selfTradePreventionMode", "goodTillDate", "newOrderRespType"})) {
        return *e;
    }
    for (const auto* name : {"algoType", "symbol", "side", "type"}) {
        if (!param(c, name)) {
            return mandatory_missing(name);
        }
    }
    if (*param(c, "algoType") != "CONDITIONAL") {
        return invalid_param("algoType");
    }
    engine::conditional_request r;
    const auto side = *param(c, "side");
    if (side != "BUY" && side != "SELL") {
        return error_reply(400, -1117, "Invalid side.");
    }
    r.side = side == "BUY" ? core::side::buy : core::side::sell;
    const auto type = *param(c, "type");
    if (type == "STOP_MARKET") r.kind = engine::conditional_kind::stop_market;
    else if (type == "TAKE_PROFIT_MARKET") r.kind = engine::conditional_kind::take_profit_market;
    else if (type == "TRAILING_STOP_MARKET") r.kind = engine::conditional_kind::trailing_stop_market;
    else if (type == "STOP" || type == "TAKE_PROFIT") {
        // The engine models market conditionals only; limit STOP/TAKE_PROFIT are refused. [U]
        return invalid_param("type");
    } else {
        return error_reply(400, -1116, "Invalid orderType.");
    }
    const engine::instrument* spec = nullptr;
    const auto sym = symbol_param(ctx, c, &spec);
    if (!sym) {
        return error_reply(400, -1121, "Invalid symbol.");
    }
    r.symbol = *sym;
    if (const auto ps = param(c, "positionSide")) {
        if (*ps == "LONG" || *ps == "SHORT") {
            r.position_side = *ps == "LONG" ? core::position_side::long_ : core::position_side::short_;
        } else if (*ps != "BOTH") {
            return invalid_param("positionSide");
        }
    }
    if (const auto w = param(c, "workingType")) {
        if (*w == "MARK_PRICE") r.working = engine::working_type::mark;
        else if (*w == "CONTRACT_PRICE") r.working = engine::working_type::last;
        else return invalid_param("workingType");
    }
    if (auto e = bool_param(c, "closePosition", r.close_position)) return *e;
    if (auto e = bool_param(c, "reduceOnly", r.reduce_only)) return *e;
    const bool trailing = r.kind == engine::conditional_kind::trailing_stop_market;
    std::optional<core::decimal> quantity, trigger, activate, callback;
    if (auto e = decimal_param(c, "quantity", quantity)) return *e;
    if (auto e = decimal_param(c, "triggerPrice", trigger)) return *e;
    if (auto e = decimal_param(c, "activatePrice", activate)) return *e;
    // [U] The algo API documents `activatePrice`; ccxt 4.5 sends the regular order API's name
    // `activationPrice` (§0.1). The simulator takes either, and both only when they agree (-1128).
    std::optional<core::decimal> activation;
    if (auto e = decimal_param(c, "activationPrice", activation)) return *e;
    if (activation) {
        if (activate && *activate != *activation) {
            return error_reply(400, -1128, "Combination of optional parameters invalid.");
        }
        activate = activation;
    }
    if (auto e = decimal_param(c, "callbackRate", callback)) return *e;
    if (r.close_position && quantity) {
        return engine_error(engine::reject(engine::reject_reason::quantity_with_close_position));
    }
    if (!r.close_position && !quantity) {
        return mandatory_missing("quantity");
    }
    if (!trailing && !trigger) {
        return mandatory_missing("triggerPrice");
    }
    if (trailing && !callback) {
        return mandatory_missing("callbackRate");
    }
    r.qty = quantity.value_or(core::decimal{});
    r.trigger_price = trigger.value_or(core::decimal{});
    r.activation_price = activate;
    r.callback_rate = callback.value_or(core::decimal{});
    r.client_id = std::string{param(c, "clientAlgoId").value_or("")};
    auto placed = ctx.ex.place_conditional(c.account, r);
    if (!placed) {
        return engine_error(placed.error());
    }
    return json_reply(200, algo_json(ctx, placed.value(), false));
}

wire::reply algo_cancel(context& ctx, call& c) {
    if (auto e = check_params(c, {"algoId", "clientAlgoId", "symbol"})) {
        return *e;
    }
    engine::order_ref ref;
    if (auto e = order_ref_of(c, "algoId", "clientAlgoId", ref)) {
        return *e;
    }
    const auto* found = ctx.ex.find_conditional(c.account, ref);
    if (found == nullptr || !found->is_open() || !symbol_matches(ctx, c, *found)) {
        return error_reply(400, -2011, "Unknown order sent.");
    }
    const std::int64_t id = found->id;
    auto r = ctx.ex.cancel_conditional(c.account, found->request.symbol, ref);
    if (!r) {
        return engine_error(r.error());
    }
    // `code` is a string on this endpoint (§A7).
    return json_reply(200, boost::json::object{
                               {"algoId", id}, {"clientAlgoId", r.value().request.client_id}, {"code", "200"}, {"msg", "success"}});
}

wire::reply algo_query(context& ctx, call& c) {
    if (auto e = check_params(c, {"algoId", "clientAlgoId", "symbol"})) {
        return *e;
    }
    engine::order_ref ref;
    if (auto e = order_ref_of(c, "algoId", "clientAlgoId", ref)) {
        return *e;
    }
    const auto* found = ctx.ex.find_conditional(c.account, ref);
    if (found == nullptr || !symbol_matches(ctx, c, *found)) {
        return error_reply(400, -2013, "Order does not exist.");
    }
    return json_reply(200, algo_json(ctx, *found, true));
}

wire::reply algo_open_orders(context& ctx, call& c) {
    if (auto e = check_params(c, {"algoType", "symbol", "algoId"})) {
        return *e;
    }
    std::optional<core::symbol> s;
    if (param(c, "symbol")) {
        s = symbol_param(ctx, c, nullptr);
        if (!s) {
            return error_reply(400, -1121, "Invalid symbol.");
        }
    }
    const auto id = param(c, "algoId") ? to_i64(*param(c, "algoId")) : std::nullopt;
    boost::json::array out;
    for (const auto& o : ctx.ex.open_conditionals(c.account, s)) {
        if (!id || o.id == *id) {
            out.push_back(algo_json(ctx, o, true));
        }
    }
    return json_reply(200, out);
}

wire::reply algo_cancel_all(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol"})) {
        return *e;
    }
    if (!param(c, "symbol")) {
        return mandatory_missing("symbol");
    }
    const auto s = symbol_param(ctx, c, nullptr);
    if (!s) {
        return error_reply(400, -1121, "Invalid symbol.");
    }
    ctx.ex.cancel_all_conditionals(c.account, *s);
    return json_reply(200, boost::json::object{{"code", 200}, {"msg", "The operation of cancel all open order is done."}});
}

}  // namespace tradebot::sim::binance
