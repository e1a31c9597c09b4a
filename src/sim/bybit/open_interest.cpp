#include <array>
#include <chrono>

#include "sim/bybit/handlers.hpp"

namespace tradebot::sim::bybit {

namespace {

struct oi_interval {
    std::string_view name;
    std::int64_t ms;
};
constexpr std::array<oi_interval, 6> oi_intervals{{{"5min", 300'000},
                                                   {"15min", 900'000},
                                                   {"30min", 1'800'000},
                                                   {"1h", 3'600'000},
                                                   {"4h", 14'400'000},
                                                   {"1d", 86'400'000}}};

}  // namespace

// GET /v5/market/open-interest ("Get Open Interest"): exchange-apis.md lists the figure in the
// ticker only, so the request and result shape are the official V5 docs' [U]. The simulator keeps
// no open-interest history: the list holds one row, the current figure (as in the ticker) stamped
// with the start of the current interval.
outcome open_interest(context& ctx, const request& r) {
    const auto found = required_instrument(ctx, r);
    if (found.error) {
        return *found.error;
    }
    const auto interval = r.text("intervalTime");
    if (!interval) {
        return param_error("intervalTime");
    }
    std::int64_t step = 0;
    for (const auto& i : oi_intervals) {
        if (i.name == *interval) {
            step = i.ms;
        }
    }
    if (step == 0) {
        return param_error("intervalTime");
    }
    const auto& i = *found.instrument;
    const auto now = ctx.clock.server_now_ms();
    json::array list;
    list.push_back(json::object{{"openInterest", qt(i, ctx.ex.open_interest(i.symbol))},
                                {"timestamp", std::to_string(now - now % step)}});
    outcome o;
    o.result = json::object{
        {"symbol", i.venue_name()}, {"category", "linear"}, {"list", std::move(list)}, {"nextPageCursor", ""}};
    return o;
}

}  // namespace tradebot::sim::bybit
