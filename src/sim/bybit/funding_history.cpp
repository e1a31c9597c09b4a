#include "sim/bybit/handlers.hpp"
#include "tradebot/sim/engine/funding_schedule.hpp"

namespace tradebot::sim::bybit {

namespace {

constexpr std::size_t bybit_fundings_kept = 1000;

}  // namespace

void settle_funding(context& ctx, engine::time_point now) {
    engine::advance_through_funding(ctx.ex, now, [&ctx](const core::symbol& symbol, engine::time_point due) {
        auto& rows = ctx.fundings[symbol];
        rows.emplace_back(due, ctx.ex.funding_rate(symbol));
        if (rows.size() > bybit_fundings_kept) {
            rows.pop_front();
        }
    });
}

// GET /v5/market/funding/history ("Get Funding Rate History", public): ccxt's
// fetchFundingRateHistory. §B5 gives `limit` 1–200 and the row {symbol, fundingRate,
// fundingRateTimestamp}; the rest is the official V5 docs' [U]: category and symbol required,
// default limit 200, newest first; startTime alone is an error (10001), endTime alone the newest
// rows up to it, neither the newest rows. Only settlements since the simulator started exist.
outcome funding_history(context& ctx, const request& r) {
    const auto sym = required_instrument(ctx, r);
    if (sym.error) {
        return *sym.error;
    }
    const auto* i = sym.instrument;
    const auto limit = int_field(r, "limit");
    if (limit.invalid() || (limit.ok() && (limit.value < 1 || limit.value > 200))) {
        return param_error("limit");
    }
    const auto start = int_field(r, "startTime");
    const auto end = int_field(r, "endTime");
    if (start.invalid() || end.invalid() || (start.ok() && !end.ok())) {
        return param_error(start.invalid() ? "startTime" : "endTime");
    }
    json::array list;
    const auto max_rows = static_cast<std::size_t>(limit.ok() ? limit.value : 200);
    if (const auto it = ctx.fundings.find(i->symbol); it != ctx.fundings.end()) {
        for (auto row = it->second.rbegin(); row != it->second.rend() && list.size() < max_rows; ++row) {
            const auto ms = engine::to_ms(row->first);
            if ((start.ok() && ms < start.value) || (end.ok() && ms > end.value)) {
                continue;
            }
            list.push_back(json::object{{"symbol", i->venue_name()},
                                        {"fundingRate", row->second.rescale(8, core::rounding::half_even)
                                                            .normalized()
                                                            .to_string()},
                                        {"fundingRateTimestamp", std::to_string(ms)}});
        }
    }
    outcome o;
    o.result = json::object{{"category", "linear"}, {"list", std::move(list)}};
    return o;
}

}  // namespace tradebot::sim::bybit
