#include <algorithm>
#include <map>

#include "sim/bybit/handlers.hpp"

namespace tradebot::sim::bybit {

namespace {

// The closing part of one order's executions.
struct closing {
    const engine::order* last = nullptr;  // the record after its latest closing fill
    engine::order_id public_id = 0;
    core::decimal closed, entry_value, exit_value, realized, close_fee, open_fee;
    std::int64_t fills = 0;
};

json::object closed_pnl_json(const context& ctx, const closing& c) {
    const auto& o = *c.last;
    const auto& i = *ctx.ex.find_instrument(o.symbol);
    const auto* acc = ctx.ex.find_account(o.account);
    const auto avg = [&](core::decimal value) { return px(i, value.divide(c.closed, 8, core::rounding::half_even)); };
    return json::object{{"symbol", i.venue_name()},
                        {"orderId", std::to_string(c.public_id)},
                        {"side", side_text(o.side)},
                        {"qty", qt(i, o.qty)},
                        {"orderPrice", px(i, o.price)},
                        {"orderType", o.type == core::order_type::limit ? "Limit" : "Market"},
                        {"execType", "Trade"},
                        {"closedSize", qt(i, c.closed)},
                        {"cumEntryValue", money(c.entry_value)},
                        {"avgEntryPrice", avg(c.entry_value)},
                        {"cumExitValue", money(c.exit_value)},
                        {"avgExitPrice", avg(c.exit_value)},
                        {"closedPnl", money(c.realized - c.close_fee - c.open_fee)},
                        {"fillCount", std::to_string(c.fills)},
                        {"leverage", std::to_string(acc != nullptr ? acc->leverage(o.symbol) : 1)},
                        {"openFee", money(c.open_fee)},
                        {"closeFee", money(c.close_fee)},
                        {"createdTime", ms_text(o.created)},
                        {"updatedTime", ms_text(o.updated)}};
}

}  // namespace

// GET /v5/position/closed-pnl ("Get Closed PnL"): one row per order that reduced a position, newest
// first; ccxt's fetchPositionsHistory. The reference names the endpoint only in the rate-limit
// table (§B3): fields and rules are the official V5 docs' [U]: closedPnl = the closed part's PnL
// minus its closing fees and its share of the opening fees; startTime/endTime on updatedTime
// (default: all, the simulator keeps every execution it holds), limit 1–100 (default 50), no paging.
outcome closed_pnl(context& ctx, const request& r) {
    if (auto e = check_category(r)) {
        return *e;
    }
    std::optional<core::symbol> symbol;
    if (const auto s = r.text("symbol")) {
        const auto* i = instrument_of(ctx, *s);
        if (i == nullptr) {
            return param_error("symbol");  // [U]
        }
        symbol = i->symbol;
    }
    const auto limit = int_field(r, "limit");
    if (limit.invalid() || (limit.ok() && (limit.value < 1 || limit.value > 100))) {
        return param_error("limit");
    }
    const auto start = int_field(r, "startTime");
    const auto end = int_field(r, "endTime");
    if (start.invalid() || end.invalid()) {
        return param_error(start.invalid() ? "startTime" : "endTime");
    }
    std::map<engine::order_id, closing> by_order;
    for (const auto& e : ctx.executions) {
        const auto& f = e.fill;
        if (f.record.account != r.account || !f.closed_qty.is_positive() || (symbol && f.record.symbol != *symbol)) {
            continue;
        }
        const auto id = ctx.aliases.to_public(f.record.id);
        auto& c = by_order[id];
        c.public_id = id;
        c.last = &f.record;
        c.closed += f.closed_qty;
        c.entry_value += f.closed_qty * f.closed_entry;
        c.exit_value += f.closed_qty * f.price;
        c.realized += f.realized_pnl;
        c.close_fee += (f.fee * f.closed_qty).divide(f.qty, 8, core::rounding::half_even);
        c.open_fee += e.open_fee;
        ++c.fills;
    }
    std::vector<const closing*> rows;
    for (const auto& [id, c] : by_order) {
        const auto ms = engine::to_ms(c.last->updated);
        if ((start.ok() && ms < start.value) || (end.ok() && ms > end.value)) {
            continue;
        }
        rows.push_back(&c);
    }
    std::sort(rows.begin(), rows.end(), [](const closing* a, const closing* b) {
        return a->last->updated != b->last->updated ? a->last->updated > b->last->updated : a->public_id > b->public_id;
    });
    json::array list;
    const auto max_rows = static_cast<std::size_t>(limit.ok() ? limit.value : 50);
    for (const auto* c : rows) {
        if (list.size() == max_rows) {
            break;
        }
        list.push_back(closed_pnl_json(ctx, *c));
    }
    outcome o;
    o.result = json::object{{"category", "linear"}, {"list", std::move(list)}, {"nextPageCursor", ""}};
    return o;
}

}  // namespace tradebot::sim::bybit
