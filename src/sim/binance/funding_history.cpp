#include <algorithm>

#include "sim/binance/context.hpp"
#include "tradebot/sim/engine/funding_schedule.hpp"

namespace tradebot::sim::binance {

namespace {

constexpr std::size_t fundings_kept = 1000;

}  // namespace

void settle_funding(context& ctx, time_point now) {
    engine::advance_through_funding(ctx.ex, now, [&ctx](const core::symbol& symbol, time_point due) {
        const auto* p = ctx.ex.prices(symbol);
        auto& rows = ctx.fundings[symbol];
        rows.push_back({due, ctx.ex.funding_rate(symbol), p != nullptr ? p->mark : core::decimal{}});
        if (rows.size() > fundings_kept) {
            rows.pop_front();
        }
    });
}

// GET /fapi/v1/fundingRate ("Get Funding Rate History", public): ccxt's fetchFundingRateHistory.
// exchange-apis.md names it only in §C3's list of facts: the shape is the official USD-M docs', an
// array of {symbol, fundingRate, fundingTime, markPrice}, oldest first, the newest `limit` (default
// 100, max 1000) within startTime/endTime [U]. Only settlements since the simulator started exist.
wire::reply md_funding_rate(context& ctx, call& c) {
    if (auto e = check_params(c, {"symbol", "startTime", "endTime", "limit"})) {
        return *e;
    }
    std::optional<core::symbol> s;
    if (param(c, "symbol")) {
        s = symbol_param(ctx, c, nullptr);
        if (!s) {
            return error_reply(400, -1121, "Invalid symbol.");
        }
    }
    const auto number = [&](std::string_view name) -> std::optional<std::int64_t> {
        const auto v = param(c, name);
        return v ? to_i64(*v) : std::nullopt;
    };
    const auto start = number("startTime");
    const auto end = number("endTime");
    const auto limit = param(c, "limit") ? number("limit") : std::optional<std::int64_t>{100};
    if ((param(c, "startTime") && !start) || (param(c, "endTime") && !end)) {
        return invalid_param(!start ? "startTime" : "endTime");
    }
    if (!limit || *limit < 1 || *limit > 1000) {
        return invalid_param("limit");
    }
    struct item {
        const engine::instrument* spec;
        const funding_record* rec;
    };
    std::vector<item> rows;
    for (const auto& [sym, recs] : ctx.fundings) {
        if (s && sym != *s) {
            continue;
        }
        const auto* spec = ctx.ex.find_instrument(sym);
        for (const auto& r : recs) {
            const auto ms = engine::to_ms(r.time);
            if ((start && ms < *start) || (end && ms > *end)) {
                continue;
            }
            rows.push_back({spec, &r});
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const item& a, const item& b) { return a.rec->time < b.rec->time; });
    const auto keep = std::min<std::size_t>(rows.size(), static_cast<std::size_t>(*limit));
    boost::json::array out;
    for (auto it = rows.end() - static_cast<std::ptrdiff_t>(keep); it != rows.end(); ++it) {
        out.push_back({{"symbol", it->spec->venue_name()},
                       {"fundingRate", it->rec->rate.rescale(8, core::rounding::half_even).to_string()},
                       {"fundingTime", engine::to_ms(it->rec->time)},
                       {"markPrice", px(it->spec, it->rec->mark)}});
    }
    return json_reply(200, out);
}

}  // namespace tradebot::sim::binance
