#include <utility>

#include "sim/bybit/handlers.hpp"
#include "sim/bybit/order_lookup.hpp"
#include "tradebot/sim/engine/trigger_rules.hpp"

namespace tradebot::sim::bybit {

namespace {

struct symbol_arg {
    const engine::instrument* spec = nullptr;
    std::optional<outcome> error;
};

symbol_arg required_symbol(const context& ctx, const request& r) {
    symbol_arg out;
    const auto s = r.text("symbol");
    if (!s || s->empty()) {
        out.error = param_error("symbol");
        return out;
    }
    out.spec = instrument_of(ctx, *s);
    if (out.spec == nullptr) {
        out.error = rejected(engine::reject(engine::reject_reason::unknown_symbol));
    }
    return out;
}

// positionIdx 0/1/2 -> one-way / hedge Buy side / hedge Sell side; -1 when malformed.
int position_idx(const request& r) {
    const auto f = int_field(r, "positionIdx");
    if (f.absent()) {
        return 0;
    }
    return f.ok() && f.value >= 0 && f.value <= 2 ? static_cast<int>(f.value) : -1;
}

void set_position_side(int idx, std::optional<core::position_side>& out) {
    if (idx == 1) {
        out = core::position_side::long_;
    } else if (idx == 2) {
        out = core::position_side::short_;
    }
}

// Attached TP/SL (tpslMode Full): checked against the base price now, applied to the
// position once the order fills.
std::optional<outcome> attached_tpsl(const context& ctx, const request& r, const engine::instrument& spec,
                                     core::side side, engine::trading_stop_request& out, bool& any) {
    const auto tp = decimal_field(r, "takeProfit");
    const auto sl = decimal_field(r, "stopLoss");
    if (tp.invalid()) {
        return param_error("takeProfit");
    }
    if (sl.invalid()) {
        return param_error("stopLoss");
    }
    any = (tp.ok() && !tp.value.is_zero()) || (sl.ok() && !sl.value.is_zero());
    if (!any) {
        return std::nullopt;
    }
    if (const auto mode = r.text("tpslMode"); mode && *mode != "Full") {
        return param_error("tpslMode");  // [simplification] Partial TP/SL is not simulated
    }
    out.symbol = spec.symbol;
    const auto* p = ctx.ex.prices(spec.symbol);
    if (p == nullptr || !p->valid()) {
        return rejected(engine::reject(engine::reject_reason::no_market_data));
    }
    const auto pos_side = side == core::side::buy ? core::position_side::long_ : core::position_side::short_;
    for (const char* key : {"tpTriggerBy", "slTriggerBy"}) {
        if (const auto t = r.text(key); t && !parse_trigger_by(*t)) {
            return param_error(key);
        }
    }
    if (tp.ok() && !tp.value.is_zero()) {
        out.tp_trigger_by = parse_trigger_by(r.text("tpTriggerBy").value_or("LastPrice"));
        if (auto e = engine::check_take_profit(pos_side, tp.value, p->by(*out.tp_trigger_by), *out.tp_trigger_by)) {
            return rejected(*e);
        }
        out.take_profit = tp.value;
    }
    if (sl.ok() && !sl.value.is_zero()) {
        out.sl_trigger_by = parse_trigger_by(r.text("slTriggerBy").value_or("LastPrice"));
        if (auto e = engine::check_stop_loss(pos_side, sl.value, p->by(*out.sl_trigger_by), *out.sl_trigger_by)) {
            return rejected(*e);
        }
        out.stop_loss = sl.value;
    }
    return std::nullopt;
}

outcome create_conditional(context& ctx, const request& r, const engine::instrument& spec, core::side side,
                           core::decimal qty, bool reduce_only, bool close_on_trigger, core::decimal trigger,
                           int pos_idx) {
    if (r.text("orderType") != "Market") {
        // [simplification] the engine's conditionals become market orders; Limit ones are refused.
        return param_error("orderType");
    }
    const auto dir = int_field(r, "triggerDirection");
    if (!dir.ok() || (dir.value != 1 && dir.value != 2)) {
        return param_error("triggerDirection");  // [U] required for linear conditionals
    }
    const auto by = parse_trigger_by(r.text("triggerBy").value_or("LastPrice"));
    if (!by) {
        return param_error("triggerBy");
    }
    engine::conditional_request c;
    c.symbol = spec.symbol;
    c.side = side;
    c.kind = engine::conditional_kind::stop_market;
    c.working = *by;
    c.trigger_price = trigger;
    c.direction = dir.value == 1 ? engine::trigger_direction::rising : engine::trigger_direction::falling;
    c.client_id = r.text("orderLinkId").value_or("");
    set_position_side(pos_idx, c.position_side);
    // qty "0" + reduceOnly + closeOnTrigger closes the whole position at trigger time.
    c.close_position = qty.is_zero() && reduce_only && close_on_trigger;
    c.reduce_only = reduce_only && !c.close_position;
    c.qty = c.close_position ? core::decimal{} : qty;
    auto placed = ctx.ex.place_conditional(r.account, c);
    ctx.arrivals.record(placed ? placed->request.client_id : c.client_id, r.arrival, placed.ok());
    if (!placed) {
        return rejected(placed.error());
    }
    outcome o;
    o.result = ack(placed->id, placed->request.client_id);
    return o;
}

}  // namespace

outcome order_create(context& ctx, const request& r) {
    if (auto e = check_category(r)) {
        return *e;
    }
    const auto sym = required_symbol(ctx, r);
    if (sym.error) {
        return *sym.error;
    }
    const auto& spec = *sym.spec;
    const auto side_name = r.text("side");
    if (side_name != "Buy" && side_name != "Sell") {
        return param_error("side");
    }
    const core::side side = *side_name == "Buy" ? core::side::buy : core::side::sell;
    const auto type_text = r.text("orderType");
    if (type_text != "Market" && type_text != "Limit") {
        return param_error("orderType");
    }
    const bool market = *type_text == "Market";
    const auto qty = decimal_field(r, "qty");
    if (qty.absent()) {
        return param_error("qty");
    }
    if (qty.invalid() || qty.value.is_negative()) {
        return fail(10001, "Qty invalid");
    }
    const auto price = decimal_field(r, "price");
    if (price.invalid() || (price.ok() && !price.value.is_positive() && !market)) {
        return param_error("price");
    }
    engine::time_in_force tif = engine::time_in_force::gtc;
    if (const auto t = r.text("timeInForce")) {
        if (*t == "GTC") {
            tif = engine::time_in_force::gtc;
        } else if (*t == "IOC") {
            tif = engine::time_in_force::ioc;
        } else if (*t == "FOK") {
            tif = engine::time_in_force::fok;
        } else if (*t == "PostOnly") {
            tif = engine::time_in_force::gtx;
        } else if (*t == "RPI") {
            return fail(110119, "RPI orders are restricted to approved market makers");  // [U] text
        } else {
            return param_error("timeInForce");
        }
    }
    const int pos_idx = position_idx(r);
    if (pos_idx < 0) {
        return param_error("positionIdx");
    }
    const auto reduce = bool_field(r, "reduceOnly");
    const auto close_trig = bool_field(r, "closeOnTrigger");
    if (reduce.invalid()) {
        return param_error("reduceOnly");
    }
    if (close_trig.invalid()) {
        return param_error("closeOnTrigger");
    }
    const auto trigger = decimal_field(r, "triggerPrice");
    if (trigger.invalid()) {
        return param_error("triggerPrice");
    }
    if (trigger.ok() && !trigger.value.is_zero()) {
        return create_conditional(ctx, r, spec, side, qty.value, reduce.value, close_trig.value, trigger.value,
                                  pos_idx);
    }
    engine::trading_stop_request tpsl;
    bool with_tpsl = false;
    if (!reduce.value) {  // B6: with reduceOnly, TP/SL cannot be set; they are ignored
        if (auto e = attached_tpsl(ctx, r, spec, side, tpsl, with_tpsl)) {
            return *e;
        }
    }
    engine::order_request req;
    req.symbol = spec.symbol;
    req.side = side;
    req.type = market ? core::order_type::market : core::order_type::limit;
    req.qty = qty.value;
    if (!market && price.ok()) {
        req.price = price.value;
    }
    req.tif = market ? engine::time_in_force::ioc : tif;
    req.reduce_only = reduce.value;
    req.client_id = r.text("orderLinkId").value_or("");
    set_position_side(pos_idx, req.position_side);
    if (auto fraction = std::exchange(ctx.faults.partial_fill_next, std::nullopt);
        fraction && (market || tif == engine::time_in_force::ioc)) {
        ctx.ex.fill_next_market_partially(*fraction);
    }
    auto placed = ctx.ex.place_order(r.account, req);
    // Logged here, where the engine has decided, so the entry says whether the order stands;
    // requests refused before (signature, limits, fields) never reached the book.
    ctx.arrivals.record(placed ? placed->client_id : req.client_id, r.arrival, placed.ok());
    if (!placed) {
        return rejected(placed.error());
    }
    if (with_tpsl) {
        ctx.pending_tpsl[placed->id] = tpsl;  // applied by the event drain at the first fill
    }
    outcome o;
    o.result = ack(placed->id, placed->client_id);
    return o;
}

outcome order_cancel(context& ctx, const request& r) {
    if (auto e = check_category(r)) {
        return *e;
    }
    const auto sym = required_symbol(ctx, r);
    if (sym.error) {
        return *sym.error;
    }
    if (!r.has("orderId") && !r.has("orderLinkId")) {
        return param_error("orderId or orderLinkId");  // [U] text
    }
    const auto found = locate(ctx, r.account, sym.spec->symbol, r);
    engine::order_ref ref;
    if (found.order != nullptr) {
        ref.id = found.order->id;
        auto c = ctx.ex.cancel_order(r.account, sym.spec->symbol, ref);
        if (!c) {
            return rejected(c.error());
        }
    } else if (found.conditional != nullptr) {
        ref.id = found.conditional->id;
        auto c = ctx.ex.cancel_conditional(r.account, sym.spec->symbol, ref);
        if (!c) {
            return rejected(c.error());
        }
    } else {
        return rejected(engine::reject(engine::reject_reason::unknown_order));
    }
    outcome o;
    o.result = ack(found.public_id, found.link);
    return o;
}

outcome order_cancel_all(context& ctx, const request& r) {
    if (auto e = check_category(r)) {
        return *e;
    }
    std::vector<core::symbol> symbols;
    if (r.has("symbol")) {
        const auto sym = required_symbol(ctx, r);
        if (sym.error) {
            return *sym.error;
        }
        symbols.push_back(sym.spec->symbol);
    } else if (const auto coin = r.text("settleCoin"); coin && *coin == ctx.ex.config().settlement_asset) {
        for (const auto& sv : ctx.ex.snapshot().symbols) {
            symbols.push_back(sv.spec.symbol);
        }
    } else if (!r.has("settleCoin") && !r.has("baseCoin")) {
        return param_error("symbol");  // [U] text; linear needs symbol, baseCoin or settleCoin
    } else if (const auto base = r.text("baseCoin")) {
        for (const auto& sv : ctx.ex.snapshot().symbols) {
            if (sv.spec.base_asset == *base) {
                symbols.push_back(sv.spec.symbol);
            }
        }
    }
    const auto filter = r.text("orderFilter").value_or("");
    if (!filter.empty() && filter != "Order" && filter != "StopOrder" && filter != "OpenOrder") {
        return param_error("orderFilter");
    }
    json::array list;
    for (const auto& s : symbols) {
        if (filter != "StopOrder") {
            for (const auto& o : ctx.ex.cancel_all_orders(r.account, s)) {
                const auto pub = ctx.aliases.to_public(o.id);
                const auto l = ctx.aliases.link_of.find(pub);
                list.push_back(ack(pub, l != ctx.aliases.link_of.end() ? l->second : o.client_id));
            }
        }
        if (filter.empty() || filter == "StopOrder") {
            for (const auto& c : ctx.ex.cancel_all_conditionals(r.account, s)) {
                const auto pub = ctx.aliases.to_public(c.id);
                const auto l = ctx.aliases.link_of.find(pub);
                list.push_back(ack(pub, l != ctx.aliases.link_of.end() ? l->second : c.request.client_id));
            }
        }
    }
    outcome o;
    o.result = json::object{{"list", std::move(list)}, {"success", "1"}};
    return o;
}

}  // namespace tradebot::sim::bybit
