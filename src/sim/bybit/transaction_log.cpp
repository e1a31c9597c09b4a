#include <chrono>

#include "sim/bybit/handlers.hpp"

namespace tradebot::sim::bybit {

namespace {

constexpr std::int64_t txlog_day_ms = 24LL * 60 * 60 * 1000;

json::object transaction_json(const context& ctx, const transaction_record& t) {
    const auto& i = *ctx.ex.find_instrument(t.symbol);
    const core::decimal change = t.cash_flow + t.funding - t.fee;
    std::string link;
    std::string order_id;
    if (t.order_id != 0) {
        const engine::order_id pub = ctx.aliases.to_public(t.order_id);
        order_id = std::to_string(pub);
        if (const auto l = ctx.aliases.link_of.find(pub); l != ctx.aliases.link_of.end()) {
            link = l->second;
        } else if (const auto o = ctx.orders.find(t.order_id); o != ctx.orders.end()) {
            link = o->second.client_id;
        }
    }
    return json::object{{"id", std::to_string(t.id)},
                        {"symbol", i.venue_name()},
                        {"category", "linear"},
                        {"side", t.side},
                        {"transactionTime", ms_text(t.time)},
                        {"type", t.type},
                        {"transSubType", ""},
                        {"qty", qt(i, t.qty)},
                        {"size", qt(i, t.size.value_or(core::decimal{}))},
                        {"currency", ctx.ex.config().settlement_asset},
                        {"tradePrice", px(i, t.trade_price)},
                        {"funding", money(t.funding)},
                        {"fee", money(t.fee)},
                        {"cashFlow", money(t.cash_flow)},
                        {"change", money(change)},
                        {"cashBalance", money(t.cash_balance.value_or(core::decimal{}))},
                        {"feeRate", t.fee_rate.normalized().to_string()},
                        {"bonusChange", ""},
                        {"tradeId", t.trade_id},
                        {"orderId", order_id},
                        {"orderLinkId", link},
                        {"extraFees", ""}};
}

}  // namespace

// GET /v5/account/transaction-log ("Get Transaction Log", ccxt's fetchLedger on a unified account).
// exchange-apis.md names it only in §B3's limit table (25/s): the parameters, the fields and the
// time window are the official V5 docs' [U]. The rows are the wallet changes the simulator makes:
// TRADE per fill (cashFlow = realized PnL, fee, change = cashFlow + funding - fee) and SETTLEMENT
// per funding (funding: received positive, paid negative), newest first [U]. Window: the last 24 h
// by default, startTime alone gives [startTime, +24 h], endTime alone [-24 h, endTime], both at most
// 7 days apart (else 10001 [U]). limit 1–50, default 20; no paging (nextPageCursor "").
outcome transaction_log(context& ctx, const request& r) {
    if (const auto type = r.text("accountType"); type && *type != "UNIFIED") {
        return param_error("accountType");  // [U] UNIFIED is the only account type
    }
    const auto category = r.text("category");
    if (category && *category != "linear" && *category != "spot" && *category != "inverse" && *category != "option") {
        return param_error("category");
    }
    const auto limit = int_field(r, "limit");
    if (limit.invalid() || (limit.ok() && (limit.value < 1 || limit.value > 50))) {
        return param_error("limit");
    }
    const auto start = int_field(r, "startTime");
    const auto end = int_field(r, "endTime");
    if (start.invalid() || end.invalid()) {
        return param_error(start.invalid() ? "startTime" : "endTime");
    }
    std::int64_t from = 0;
    std::int64_t to = 0;
    if (start.ok() && end.ok()) {
        if (end.value < start.value || end.value - start.value > 7 * txlog_day_ms) {
            return param_error("endTime");  // [U] the text for a window over 7 days
        }
        from = start.value;
        to = end.value;
    } else if (start.ok()) {
        from = start.value;
        to = start.value + txlog_day_ms;
    } else if (end.ok()) {
        from = end.value - txlog_day_ms;
        to = end.value;
    } else {
        to = engine::to_ms(ctx.clock.now());
        from = to - txlog_day_ms;
    }
    const auto currency = r.text("currency");
    const auto base_coin = r.text("baseCoin");
    const auto type = r.text("type");
    const auto sub_type = r.text("transSubType");
    json::array list;
    const auto max_rows = static_cast<std::size_t>(limit.ok() ? limit.value : 20);
    // Only linear perpetuals and their settlement coin exist here; movePosition never happens.
    const bool none = (category && *category != "linear") || (currency && *currency != ctx.ex.config().settlement_asset) ||
                      (sub_type && !sub_type->empty());
    for (auto it = ctx.transactions.rbegin(); !none && it != ctx.transactions.rend() && list.size() < max_rows; ++it) {
        const auto& t = *it;
        const auto ms = engine::to_ms(t.time);
        if (t.account != r.account || ms < from || ms > to || (type && *type != t.type)) {
            continue;
        }
        const auto* i = ctx.ex.find_instrument(t.symbol);
        if (i == nullptr || (base_coin && *base_coin != i->base_asset)) {
            continue;
        }
        list.push_back(transaction_json(ctx, t));
    }
    outcome o;
    o.result = json::object{{"list", std::move(list)}, {"nextPageCursor", ""}};
    return o;
}

}  // namespace tradebot::sim::bybit
