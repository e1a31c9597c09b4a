#include <algorithm>
#include <chrono>

#include "sim/binance/context.hpp"

namespace tradebot::sim::binance {

namespace {

constexpr std::size_t income_kept = 10'000;
constexpr std::int64_t seven_days_ms = 7LL * 24 * 3600 * 1000;

void add_income(context& ctx, const engine::account_id& a, income_record r) {
    r.tran_id = ++ctx.income_tran_id;
    auto& rows = ctx.income[a];
    rows.push_back(std::move(r));
    if (rows.size() > income_kept) {
        rows.pop_front();
    }
}

}  // namespace

void record_income(context& ctx, const engine::event& ev) {
    if (const auto* f = std::get_if<engine::fill_event>(&ev)) {
        const auto ms = engine::to_ms(f->time);
        if (!f->realized_pnl.is_zero()) {
            add_income(ctx, f->record.account, {f->record.symbol, "REALIZED_PNL", f->realized_pnl, ms, 0, f->trade_id});
        }
        if (!f->fee.is_zero()) {
            add_income(ctx, f->record.account, {f->record.symbol, "COMMISSION", -f->fee, ms, 0, f->trade_id});
        }
    } else if (const auto* fu = std::get_if<engine::funding_event>(&ev)) {
        if (!fu->amount.is_zero()) {
            add_income(ctx, fu->account, {fu->symbol, "FUNDING_FEE", fu->amount, engine::to_ms(fu->time), 0, 0});
        }
    }
}

// GET /fapi/v1/income (§A8): the window is [startTime, endTime], both inclusive, by default the
// last 7 days; rows oldest first, `limit` (default 100, max 1000) per `page` [U: the order and the
// paging are the official docs' reading]. Only the income kinds the simulator makes appear.
wire::reply income_history(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "incomeType", "startTime", "endTime", "page", "limit"})) {
        return *e;
    }
    std::optional<core::symbol> s;
    if (param(c, "symbol")) {
        s = symbol_param(ctx, c, nullptr);
        if (!s) {
            return error_reply(400, -1121, "Invalid symbol.");
        }
    }
    const auto number = [&](std::string_view name, std::int64_t fallback) -> std::optional<std::int64_t> {
        const auto v = param(c, name);
        return v ? to_i64(*v) : std::optional{fallback};
    };
    const auto end = number("endTime", ctx.server_ms());
    const auto start = number("startTime", end.value_or(0) - seven_days_ms);
    const auto limit = number("limit", 100);
    const auto page = number("page", 1);
    if (!end || !start) {
        return invalid_param(!end ? "endTime" : "startTime");
    }
    if (!limit || *limit < 1 || *limit > 1000) {
        return invalid_param("limit");
    }
    if (!page || *page < 1) {
        return invalid_param("page");
    }
    const auto type = param(c, "incomeType");
    boost::json::array out;
    std::int64_t skip = (*page - 1) * *limit;
    if (const auto it = ctx.income.find(c.account); it != ctx.income.end()) {
        for (const auto& r : it->second) {
            if ((s && r.symbol != *s) || (type && r.type != *type) || r.time_ms < *start || r.time_ms > *end) {
                continue;
            }
            if (skip > 0) {
                --skip;
                continue;
            }
            if (std::cmp_greater_equal(out.size(), *limit)) {
                break;
            }
            const auto* spec = ctx.ex.find_instrument(r.symbol);
            out.push_back({{"symbol", spec != nullptr ? spec->venue_name() : std::string{}},
                           {"incomeType", r.type},
                           {"income", money(r.amount)},
                           {"asset", ctx.ex.config().settlement_asset},
                           {"info", r.type},
                           {"time", r.time_ms},
                           {"tranId", r.tran_id},
                           {"tradeId", r.trade_id == 0 ? std::string{} : std::to_string(r.trade_id)}});
        }
    }
    return json_reply(200, out);
}

}  // namespace tradebot::sim::binance
