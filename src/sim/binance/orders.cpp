#include <algorithm>
#include <charconv>
#include <utility>

#include "sim/binance/context.hpp"
#include "tradebot/sim/engine/venue_errors.hpp"

namespace tradebot::sim::binance {

namespace {

std::optional<wire::reply> need_symbol(const context& ctx, const call& c, core::symbol& out,
                                       const engine::instrument** spec = nullptr) {
    if (!param(c, "symbol")) {
        return mandatory_missing("symbol");
    }
    const auto s = symbol_param(ctx, c, spec);
    if (!s) {
        return error_reply(400, -1121, "Invalid symbol.");
    }
    out = *s;
    return std::nullopt;
}

// A request naming one order: the symbol, then orderId or origClientOrderId.
std::optional<wire::reply> need_order(const context& ctx, const call& c, core::symbol& s, engine::order_ref& ref) {
    if (auto e = need_symbol(ctx, c, s)) {
        return e;
    }
    return order_ref_of(c, "orderId", "origClientOrderId", ref);
}

// side: BUY or SELL.
std::optional<wire::reply> need_side(const call& c, core::side& out) {
    const auto side = param(c, "side");
    if (!side) {
        return mandatory_missing("side");
    }
    if (*side != "BUY" && *side != "SELL") {
        return error_reply(400, -1117, "Invalid side.");
    }
    out = *side == "BUY" ? core::side::buy : core::side::sell;
    return std::nullopt;
}

// A decimal the request must carry: missing and unreadable are both "mandatory parameter".
std::optional<wire::reply> need_decimal(const call& c, const char* name, core::decimal& out) {
    const auto text = param(c, name);
    const auto value = text ? core::decimal::parse(*text) : std::nullopt;
    if (!value) {
        return mandatory_missing(name);
    }
    out = *value;
    return std::nullopt;
}

const engine::order* history_find(const context& ctx, const call& c, const core::symbol& s, const engine::order_ref& ref) {
    const auto acc = ctx.orders.find(c.account);
    if (acc == ctx.orders.end()) {
        return nullptr;
    }
    for (const auto& [id, o] : acc->second) {
        if (o.symbol == s && ((ref.id && *ref.id == id) || (!ref.id && o.client_id == ref.client_id))) {
            return &o;
        }
    }
    return nullptr;
}

bool is_conditional_type(std::string_view t) {
    return t == "STOP" || t == "STOP_MARKET" || t == "TAKE_PROFIT" || t == "TAKE_PROFIT_MARKET" ||
           t == "TRAILING_STOP_MARKET";
}

}  // namespace

wire::reply order_new(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "side", "type", "positionSide", "timeInForce", "quantity", "reduceOnly",
                                  "price", "newClientOrderId", "newOrderRespType", "priceMatch",
                                  "selfTradePreventionMode", "goodTillDate", "stopPrice", "closePosition",
                                  "activationPrice", "callbackRate", "workingType", "priceProtect"})) {
        return *e;
    }
    for (const auto* name : {"symbol", "side", "type"}) {
        if (!param(c, name)) {
            return mandatory_missing(name);
        }
    }
    engine::order_request r;
    if (auto e = need_side(c, r.side)) {
        return *e;
    }
    const auto type = *param(c, "type");
    if (type != "LIMIT" && type != "MARKET" && !is_conditional_type(type)) {
        return error_reply(400, -1116, "Invalid orderType.");
    }
    const engine::instrument* spec = nullptr;
    if (auto e = need_symbol(ctx, c, r.symbol, &spec)) {
        return *e;
    }
    if (is_conditional_type(type)) {
        return engine_error(engine::reject(engine::reject_reason::order_type_not_supported));
    }
    r.type = type == "LIMIT" ? core::order_type::limit : core::order_type::market;
    if (const auto ps = param(c, "positionSide")) {
        if (*ps == "LONG" || *ps == "SHORT") {
            r.position_side = *ps == "LONG" ? core::position_side::long_ : core::position_side::short_;
        } else if (*ps != "BOTH") {
            return invalid_param("positionSide");
        }
    }
    if (r.type == core::order_type::limit) {
        const auto tif = param(c, "timeInForce");
        if (!tif) {
            return mandatory_missing("timeInForce");
        }
        if (*tif == "GTC") r.tif = engine::time_in_force::gtc;
        else if (*tif == "IOC") r.tif = engine::time_in_force::ioc;
        else if (*tif == "FOK") r.tif = engine::time_in_force::fok;
        else if (*tif == "GTX") r.tif = engine::time_in_force::gtx;
        else return error_reply(400, -1115, "Invalid timeInForce.");  // GTD/RPI are not simulated
    }
    if (auto e = need_decimal(c, "quantity", r.qty)) {
        return *e;
    }
    if (r.type == core::order_type::limit) {
        core::decimal price;
        if (auto e = need_decimal(c, "price", price)) {
            return *e;
        }
        r.price = price;
    }
    if (const auto ro = param(c, "reduceOnly")) {
        if (*ro != "true" && *ro != "false") {
            return invalid_param("reduceOnly");
        }
        r.reduce_only = *ro == "true";
        const auto* acc = ctx.ex.find_account(c.account);
        if (acc != nullptr && acc->pos_mode() == engine::position_mode::hedge) {
            return error_reply(400, -1106, "Parameter 'reduceonly' sent when not required.");
        }
    }
    bool result_resp = false;
    if (const auto rt = param(c, "newOrderRespType")) {
        if (*rt != "ACK" && *rt != "RESULT") {
            return invalid_param("newOrderRespType");
        }
        result_resp = *rt == "RESULT";
    }
    r.client_id = std::string{param(c, "newClientOrderId").value_or("")};
    if (auto fraction = std::exchange(ctx.faults.partial_fill_next, std::nullopt);
        fraction && (r.type == core::order_type::market || r.tif == engine::time_in_force::ioc)) {
        ctx.ex.fill_next_market_partially(*fraction);
    }
    auto placed = ctx.ex.place_order(c.account, r);
    // Logged here, where the engine has decided, so the entry says whether the order stands;
    // requests refused before (signature, limits, parameters) never reached the book.
    ctx.arrivals.record(placed ? placed->client_id : r.client_id, c.arrival, placed.ok());
    if (!placed) {
        return engine_error(placed.error());
    }
    engine::order o = placed.value();
    if (!result_resp) {
        // ACK reports the order as the engine accepted it, before any execution.
        o.status = engine::order_status::new_;
        o.filled_qty = {};
        o.avg_price = {};
        o.cum_quote = {};
        o.updated = o.created;
    }
    return json_reply(200, order_json(ctx, o, false));
}

wire::reply order_cancel(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "orderId", "origClientOrderId"})) {
        return *e;
    }
    core::symbol s;
    engine::order_ref ref;
    if (auto e = need_order(ctx, c, s, ref)) {
        return *e;
    }
    auto r = ctx.ex.cancel_order(c.account, s, ref);
    if (!r) {
        return engine_error(r.error());
    }
    return json_reply(200, order_json(ctx, r.value(), false));
}

// PUT /fapi/v1/order (§A6 "modify"): LIMIT orders only; symbol, side, quantity and price all
// required (priceMatch is not simulated); orderId wins over origClientOrderId. A modify the filters
// refuse leaves the order as it was; an identical one is -5027.
wire::reply order_modify(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "side", "orderId", "origClientOrderId", "quantity", "price", "priceMatch",
                                  "modifyId"})) {
        return *e;
    }
    for (const auto* name : {"symbol", "side"}) {
        if (!param(c, name)) {
            return mandatory_missing(name);
        }
    }
    core::side side{};
    if (auto e = need_side(c, side)) {
        return *e;
    }
    core::symbol s;
    engine::order_ref ref;
    if (auto e = need_order(ctx, c, s, ref)) {
        return *e;
    }
    core::decimal qty;
    if (auto e = need_decimal(c, "quantity", qty)) {
        return *e;
    }
    if (const auto pm = param(c, "priceMatch"); pm && *pm != "NONE") {
        return invalid_param("priceMatch");  // [U] price match is not simulated
    }
    core::decimal price;
    if (auto e = need_decimal(c, "price", price)) {
        return *e;
    }
    std::optional<std::int64_t> modify_id;
    if (const auto m = param(c, "modifyId")) {
        modify_id = to_i64(*m);
        if (!modify_id) {
            return invalid_param("modifyId");
        }
    }
    const engine::order* current = ctx.ex.find_order(c.account, s, ref);
    if (current == nullptr || !current->is_open()) {
        return error_reply(400, -2013, "Order does not exist.");  // [U] the code for an unknown or finished order
    }
    if (side != current->side) {
        return invalid_param("side");  // [U] the venue's answer to a side that is not the order's
    }
    auto r = ctx.ex.amend_order(c.account, s, ref, qty, price);
    if (!r) {
        return engine_error(r.error());
    }
    auto out = order_json(ctx, r.value(), false);
    if (modify_id) {
        out["modifyId"] = *modify_id;  // [U] echoed under its own name
    }
    return json_reply(200, out);
}

wire::reply order_query(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "orderId", "origClientOrderId"})) {
        return *e;
    }
    core::symbol s;
    engine::order_ref ref;
    if (auto e = need_order(ctx, c, s, ref)) {
        return *e;
    }
    const engine::order* o = ctx.ex.find_order(c.account, s, ref);
    if (o == nullptr) {
        o = history_find(ctx, c, s, ref);
    }
    if (o == nullptr) {
        return error_reply(400, -2013, "Order does not exist.");
    }
    return json_reply(200, order_json(ctx, *o, true));
}

wire::reply open_order_query(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "orderId", "origClientOrderId"})) {
        return *e;
    }
    core::symbol s;
    engine::order_ref ref;
    if (auto e = need_order(ctx, c, s, ref)) {
        return *e;
    }
    const engine::order* o = ctx.ex.find_order(c.account, s, ref);
    if (o == nullptr || !o->is_open()) {
        // [U] the real venue answers -2013 for a finished order here too.
        return error_reply(400, -2013, "Order does not exist.");
    }
    return json_reply(200, order_json(ctx, *o, true));
}

wire::reply open_orders(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol"})) {
        return *e;
    }
    std::optional<core::symbol> s;
    if (param(c, "symbol")) {
        s = symbol_param(ctx, c, nullptr);
        if (!s) {
            return error_reply(400, -1121, "Invalid symbol.");
        }
    }
    boost::json::array out;
    for (const auto& o : ctx.ex.open_orders(c.account, s)) {
        out.push_back(order_json(ctx, o, true));
    }
    return json_reply(200, out);
}

wire::reply all_orders(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "orderId", "startTime", "endTime", "limit"})) {
        return *e;
    }
    core::symbol s;
    if (auto e = need_symbol(ctx, c, s)) {
        return *e;
    }
    const auto from_id = param(c, "orderId") ? to_i64(*param(c, "orderId")) : std::nullopt;
    std::int64_t limit = 500;
    if (const auto l = param(c, "limit")) {
        const auto v = to_i64(*l);
        if (!v || *v <= 0 || *v > 1000) {
            return invalid_param("limit");
        }
        limit = *v;
    }
    std::vector<const engine::order*> rows;
    if (const auto acc = ctx.orders.find(c.account); acc != ctx.orders.end()) {
        for (const auto& [id, o] : acc->second) {
            if (o.symbol == s && (!from_id || id >= *from_id)) {
                rows.push_back(&o);
            }
        }
    }
    boost::json::array out;
    const std::size_t n = std::min(rows.size(), static_cast<std::size_t>(limit));
    const std::size_t start = from_id ? 0 : rows.size() - n;
    for (std::size_t k = start; k < start + n; ++k) {
        out.push_back(order_json(ctx, *rows[k], true));
    }
    return json_reply(200, out);
}

wire::reply cancel_all_open(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol"})) {
        return *e;
    }
    core::symbol s;
    if (auto e = need_symbol(ctx, c, s)) {
        return *e;
    }
    // [U] whether this also cancels algo orders; we leave them (§A6: use algoOpenOrders).
    ctx.ex.cancel_all_orders(c.account, s);
    return json_reply(200, boost::json::object{{"code", 200}, {"msg", "The operation of cancel all open order is done."}});
}

wire::reply countdown_cancel_all(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "countdownTime"})) {
        return *e;
    }
    core::symbol s;
    const engine::instrument* spec = nullptr;
    if (auto e = need_symbol(ctx, c, s, &spec)) {
        return *e;
    }
    const auto t = param(c, "countdownTime");
    const auto ms = t ? to_i64(*t) : std::nullopt;
    if (!ms || *ms < 0) {
        return mandatory_missing("countdownTime");
    }
    const auto key = std::pair{c.account, s};
    if (*ms == 0) {
        ctx.countdowns.erase(key);
    } else {
        ctx.countdowns[key] = ctx.clock.now() + std::chrono::milliseconds{*ms};
    }
    return json_reply(200, boost::json::object{{"symbol", spec->venue_name()}, {"countdownTime", std::to_string(*ms)}});
}

void run_countdowns(context& ctx) {
    const auto now = ctx.clock.now();
    for (auto it = ctx.countdowns.begin(); it != ctx.countdowns.end();) {
        if (it->second <= now) {
            ctx.ex.cancel_all_orders(it->first.first, it->first.second);
            it = ctx.countdowns.erase(it);
        } else {
            ++it;
        }
    }
}

wire::reply user_trades(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "orderId", "startTime", "endTime", "fromId", "limit"})) {
        return *e;
    }
    core::symbol s;
    const engine::instrument* spec = nullptr;
    if (auto e = need_symbol(ctx, c, s, &spec)) {
        return *e;
    }
    const auto oid = param(c, "orderId") ? to_i64(*param(c, "orderId")) : std::nullopt;
    boost::json::array out;
    if (const auto it = ctx.trades.find(c.account); it != ctx.trades.end()) {
        for (const auto& t : it->second) {
            const auto& f = t.fill;
            if (f.record.symbol != s || (oid && f.record.id != *oid)) {
                continue;
            }
            const bool buy = f.record.side == core::side::buy;
            out.push_back({{"buyer", buy},
                           {"commission", money(f.fee)},
                           {"commissionAsset", ctx.ex.config().settlement_asset},
                           {"id", f.trade_id},
                           {"maker", f.role == engine::liquidity::maker},
                           {"orderId", f.record.id},
                           {"price", px(spec, f.price)},
                           {"qty", qty(spec, f.qty)},
                           {"quoteQty", money(f.qty * f.price)},
                           {"realizedPnl", money(f.realized_pnl)},
                           {"side", buy ? "BUY" : "SELL"},
                           {"positionSide", "BOTH"},
                           {"symbol", spec->venue_name()},
                           {"time", engine::to_ms(f.time)}});
        }
    }
    return json_reply(200, out);
}

}  // namespace tradebot::sim::binance
