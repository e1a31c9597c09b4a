#include "tradebot/backtest/scenario_input.hpp"

#include <algorithm>

#include "tradebot/sim/scenario/price_feed.hpp"

namespace tradebot::backtest {

namespace {

constexpr std::int64_t scenario_minute_ms = 60'000;

exchange::instrument_rules scenario_rules(const sim::engine::instrument& i) {
    exchange::instrument_rules r;
    r.symbol = i.symbol;
    r.tick_size = i.tick_size;
    r.min_price = i.min_price;
    r.max_price = i.max_price;
    r.step_size = i.step_size;
    r.min_qty = i.min_qty;
    r.max_qty = i.max_qty;
    r.market_max_qty = i.market_max_qty;
    r.min_notional = i.min_notional;
    r.band_up = i.multiplier_up;
    r.band_down = i.multiplier_down;
    r.price_precision = i.price_precision.value_or(i.tick_size.normalized().scale());
    r.quantity_precision = i.qty_precision.value_or(i.step_size.normalized().scale());
    r.max_leverage = core::decimal::from_int(i.max_leverage);
    return r;
}

}  // namespace

price_history scenario_history(const sim::scenario::scenario_spec& spec, std::int64_t start_ms, int minutes) {
    sim::scenario::price_feed feed{spec};
    price_history out;
    for (const auto& s : spec.symbols) {
        auto& series = out[s.instrument.symbol];
        series.symbol = s.instrument.symbol;
        series.bars.reserve(static_cast<std::size_t>(std::max(0, minutes)));
    }
    const auto tick = std::max<std::int64_t>(1, spec.tick.count());
    std::int64_t elapsed = 0;
    for (int m = 0; m < minutes; ++m) {
        const auto minute_end = (m + 1) * scenario_minute_ms;
        std::map<core::symbol, bar> bars;
        for (const auto& [sym, series] : out) {
            const auto p = feed.current(sym)->mark;
            bars[sym] = bar{start_ms + m * scenario_minute_ms, p, p, p, p, core::decimal::from_int(1'000'000), std::nullopt};
        }
        while (elapsed + tick <= minute_end) {
            elapsed += tick;
            for (const auto& [sym, prices] : feed.step(std::chrono::milliseconds{elapsed})) {
                auto& b = bars[sym];
                b.high = std::max(b.high, prices.mark);
                b.low = std::min(b.low, prices.mark);
                b.close = prices.mark;
            }
        }
        for (auto& [sym, b] : bars) out[sym].bars.push_back(b);
    }
    return out;
}

scenario_market scenario_market_of(const sim::scenario::scenario_spec& spec, std::int64_t start_ms, int minutes) {
    scenario_market out;
    out.prices = scenario_history(spec, start_ms, minutes);
    const auto end_ms = start_ms + minutes * scenario_minute_ms;
    for (const auto& s : spec.symbols) {
        out.instruments[s.instrument.symbol] = scenario_rules(s.instrument);
        if (s.funding_rate.is_zero()) continue;
        // The simulator's grid: every funding_interval_h from 00:00 UTC.
        const std::int64_t every = std::chrono::duration_cast<std::chrono::milliseconds>(s.instrument.funding_interval).count();
        if (every <= 0) continue;
        auto& points = out.funding[s.instrument.symbol];
        for (std::int64_t t = start_ms - start_ms % every + every; t < end_ms; t += every) {
            points.push_back(funding_point{t, s.funding_rate, 0});
        }
    }
    return out;
}

}  // namespace tradebot::backtest
