#include "sim/bybit/render.hpp"

namespace tradebot::sim::bybit {

namespace {

const engine::instrument& spec_of(const context& ctx, const core::symbol& s) {
    static const engine::instrument fallback{};
    const auto* i = ctx.ex.find_instrument(s);
    return i ? *i : fallback;
}

std::string_view tif_text(engine::time_in_force t) noexcept {
    switch (t) {
    case engine::time_in_force::gtc: return "GTC";
    case engine::time_in_force::ioc: return "IOC";
    case engine::time_in_force::fok: return "FOK";
    case engine::time_in_force::gtx: return "PostOnly";
    }
    return "GTC";
}

std::string leg_of(const context& ctx, engine::order_id id) {
    const auto it = ctx.tpsl_leg.find(id);
    return it == ctx.tpsl_leg.end() ? std::string{} : it->second;
}

std::string create_type(const context& ctx, const engine::order& o) {
    switch (o.origin) {
    case engine::order_origin::user: return "CreateByUser";
    case engine::order_origin::conditional: return "CreateByStopOrder";
    case engine::order_origin::liquidation: return "CreateByLiq";
    case engine::order_origin::trading_stop: {
        const auto leg = leg_of(ctx, o.id);
        return leg == "take_profit" ? "CreateByTakeProfit" : leg == "trailing_stop" ? "CreateByTrailingStop" : "CreateByStopLoss";
    }
    }
    return "CreateByUser";
}

std::string stop_order_type(const context& ctx, const engine::order& o) {
    if (o.origin == engine::order_origin::conditional) {
        return "Stop";
    }
    if (o.origin == engine::order_origin::trading_stop) {
        const auto leg = leg_of(ctx, o.id);
        return leg == "take_profit" ? "TakeProfit" : leg == "trailing_stop" ? "TrailingStop" : "StopLoss";
    }
    return "";
}

}  // namespace

std::string_view status_text(const engine::order& o) noexcept {
    switch (o.status) {
    case engine::order_status::new_: return "New";
    case engine::order_status::partially_filled: return "PartiallyFilled";
    case engine::order_status::filled: return "Filled";
    case engine::order_status::canceled:
    case engine::order_status::expired: return "Cancelled";
    case engine::order_status::rejected: return "Rejected";
    }
    return "New";
}

std::string_view status_text(const engine::conditional_order& c) noexcept {
    switch (c.status) {
    case engine::conditional_status::new_: return "Untriggered";
    case engine::conditional_status::triggered: return "Triggered";
    case engine::conditional_status::canceled: return "Cancelled";
    case engine::conditional_status::expired: return "Deactivated";
    case engine::conditional_status::rejected: return "Rejected";
    }
    return "Untriggered";
}

json::object order_json(const context& ctx, const engine::order& o) {
    const auto& i = spec_of(ctx, o.symbol);
    const engine::order_id pub = ctx.aliases.to_public(o.id);
    const auto link = ctx.aliases.link_of.find(pub);
    const bool open = o.is_open();
    std::string cancel_type = "UNKNOWN";
    std::string reject_reason = "EC_NoError";
    if (o.status == engine::order_status::canceled) {
        cancel_type = "CancelByUser";
    } else if (o.status == engine::order_status::expired) {
        // Reduce-only leftovers are cancelled by the venue; IOC/market remainders just lapse.
        cancel_type = o.reduce_only && o.type == core::order_type::limit ? "CancelByReduceOnly" : "UNKNOWN";
        reject_reason = o.filled_qty.is_zero() ? "EC_NoImmediateQtyToFill" : "EC_CancelForNoFullFill";
    }
    const core::decimal leaves = open ? o.remaining() : core::decimal{};
    json::object j;
    j["orderId"] = std::to_string(pub);
    j["orderLinkId"] = link != ctx.aliases.link_of.end() ? link->second : o.client_id;
    j["blockTradeId"] = "";
    j["symbol"] = i.venue_name();
    j["price"] = px(i, o.price);
    j["qty"] = qt(i, o.qty);
    j["side"] = side_text(o.side);
    j["isLeverage"] = "";
    j["positionIdx"] = 0;
    j["orderStatus"] = status_text(o);
    j["createType"] = create_type(ctx, o);
    j["cancelType"] = cancel_type;
    j["rejectReason"] = reject_reason;
    j["avgPrice"] = o.filled_qty.is_zero() ? std::string{} : px(i, o.avg_price);
    j["leavesQty"] = qt(i, leaves);
    j["leavesValue"] = money(leaves * o.price);
    j["cumExecQty"] = qt(i, o.filled_qty);
    j["cumExecValue"] = money(o.cum_quote);
    j["cumExecFee"] = money(o.fee_total);
    j["cumFeeDetail"] = o.fee_total.is_zero() ? json::object{} : json::object{{"USDT", money(o.fee_total)}};
    j["timeInForce"] = tif_text(o.tif);
    j["orderType"] = o.type == core::order_type::limit ? "Limit" : "Market";
    j["stopOrderType"] = stop_order_type(ctx, o);
    j["orderIv"] = "";
    j["marketUnit"] = "";
    j["triggerPrice"] = px(i, {});
    j["takeProfit"] = px(i, {});
    j["stopLoss"] = px(i, {});
    j["tpslMode"] = "";
    j["ocoTriggerBy"] = "";
    j["tpLimitPrice"] = px(i, {});
    j["slLimitPrice"] = px(i, {});
    j["tpTriggerBy"] = "";
    j["slTriggerBy"] = "";
    j["triggerDirection"] = 0;
    j["triggerBy"] = "";
    j["lastPriceOnCreated"] = "";
    j["reduceOnly"] = o.reduce_only;
    j["closeOnTrigger"] = o.close_position;
    j["placeType"] = "";
    j["smpType"] = "None";
    j["smpGroup"] = 0;
    j["smpOrderId"] = "";
    j["createdTime"] = ms_text(o.created);
    j["updatedTime"] = ms_text(o.updated);
    return j;
}

json::object conditional_json(const context& ctx, const engine::conditional_order& c) {
    const auto& r = c.request;
    const auto& i = spec_of(ctx, r.symbol);
    const engine::order_id pub = ctx.aliases.to_public(c.id);
    const auto link = ctx.aliases.link_of.find(pub);
    const bool trailing = r.kind == engine::conditional_kind::trailing_stop_market;
    json::object j;
    j["orderId"] = std::to_string(pub);
    j["orderLinkId"] = link != ctx.aliases.link_of.end() ? link->second : r.client_id;
    j["blockTradeId"] = "";
    j["symbol"] = i.venue_name();
    j["price"] = px(i, {});
    j["qty"] = qt(i, r.qty);
    j["side"] = side_text(r.side);
    j["isLeverage"] = "";
    j["positionIdx"] = 0;
    j["orderStatus"] = status_text(c);
    j["createType"] = "CreateByUser";
    j["cancelType"] = c.status == engine::conditional_status::canceled ? "CancelByUser" : "UNKNOWN";
    j["rejectReason"] = "EC_NoError";
    j["avgPrice"] = "";
    j["leavesQty"] = qt(i, c.is_open() ? r.qty : core::decimal{});
    j["leavesValue"] = "0";
    j["cumExecQty"] = qt(i, {});
    j["cumExecValue"] = "0";
    j["cumExecFee"] = "0";
    j["cumFeeDetail"] = json::object{};
    j["timeInForce"] = "IOC";
    j["orderType"] = "Market";
    j["stopOrderType"] = trailing ? "TrailingStop" : "Stop";
    j["orderIv"] = "";
    j["marketUnit"] = "";
    j["triggerPrice"] = px(i, r.trigger_price);
    j["takeProfit"] = px(i, {});
    j["stopLoss"] = px(i, {});
    j["tpslMode"] = "";
    j["ocoTriggerBy"] = "";
    j["tpLimitPrice"] = px(i, {});
    j["slLimitPrice"] = px(i, {});
    j["tpTriggerBy"] = "";
    j["slTriggerBy"] = "";
    j["triggerDirection"] = c.direction == engine::trigger_direction::rising ? 1 : 2;
    j["triggerBy"] = trigger_by_text(r.working);
    j["lastPriceOnCreated"] = px(i, c.price_on_create);
    j["reduceOnly"] = r.reduce_only || r.close_position;
    j["closeOnTrigger"] = r.close_position;
    j["placeType"] = "";
    j["smpType"] = "None";
    j["smpGroup"] = 0;
    j["smpOrderId"] = "";
    j["createdTime"] = ms_text(c.created);
    j["updatedTime"] = ms_text(c.updated);
    return j;
}

json::object execution_json(const context& ctx, const execution_record& e, bool ws) {
    const auto& f = e.fill;
    const auto& o = f.record;
    const auto& i = spec_of(ctx, o.symbol);
    const engine::order_id pub = ctx.aliases.to_public(o.id);
    const auto link = ctx.aliases.link_of.find(pub);
    const auto* acc = ctx.ex.find_account(o.account);
    const core::decimal rate = acc ? acc->fee_rate(f.role) : core::decimal{};
    json::object j;
    if (ws) {
        j["category"] = "linear";
    }
    j["symbol"] = i.venue_name();
    j["orderId"] = std::to_string(pub);
    j["orderLinkId"] = link != ctx.aliases.link_of.end() ? link->second : o.client_id;
    j["side"] = side_text(o.side);
    j["orderPrice"] = px(i, o.price);
    j["orderQty"] = qt(i, o.qty);
    j["leavesQty"] = qt(i, o.is_open() ? o.remaining() : core::decimal{});
    j["createType"] = create_type(ctx, o);
    j["orderType"] = o.type == core::order_type::limit ? "Limit" : "Market";
    j["stopOrderType"] = stop_order_type(ctx, o);
    j["execFee"] = money(f.fee);
    j["execId"] = std::to_string(f.trade_id);
    j["execPrice"] = px(i, f.price);
    j["execQty"] = qt(i, f.qty);
    if (ws) {
        j["execPnl"] = money(f.realized_pnl);
    }
    j["execType"] = "Trade";
    j["execValue"] = money(f.qty * f.price);
    j["execTime"] = ms_text(f.time);
    j["feeCurrency"] = "USDT";
    j["isMaker"] = f.role == engine::liquidity::maker;
    j["feeRate"] = rate.normalized().to_string();
    j["tradeIv"] = "";
    j["markIv"] = "";
    j["markPrice"] = px(i, e.mark_price);
    j["indexPrice"] = "";
    j["underlyingPrice"] = "";
    j["blockTradeId"] = "";
    // [simplification] closedSize: the whole fill for reduce-only orders, else 0.
    j["closedSize"] = qt(i, o.reduce_only || o.close_position ? f.qty : core::decimal{});
    j["seq"] = e.seq;
    j["extraFees"] = "";
    return j;
}

}  // namespace tradebot::sim::bybit
