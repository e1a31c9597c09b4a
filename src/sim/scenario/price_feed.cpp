#include "tradebot/sim/scenario/price_feed.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

namespace tradebot::sim::scenario {
namespace {

constexpr int work_scale = 12;

std::uint64_t fnv1a(std::string_view text) noexcept {
    std::uint64_t h = 1469598103934665603ULL;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h;
}

// price * (1 + ppm / 1e6), on the tick and never below one tick.
core::decimal move_by_ppm(core::decimal price, std::int64_t ppm, core::decimal tick) {
    const auto factor = core::decimal::from_int(1) + core::decimal::from_raw(ppm, 6);
    const auto moved = price.multiply(factor, work_scale, core::rounding::half_up).nearest_step(tick);
    return std::max(moved, tick);
}

// The bps figure as a double only to scale a Gaussian draw; the result is rounded to whole
// ppm and applied in decimal, so no floating point reaches a price.
double as_double(core::decimal d) { return static_cast<double>(d.mantissa()) / std::pow(10.0, d.scale()); }

}  // namespace

price_feed::price_feed(const scenario_spec& spec) : seed_{spec.seed} {
    for (const auto& s : spec.symbols) add(s);
}

void price_feed::add(const symbol_spec& spec) {
    const auto tick = spec.instrument.tick_size;
    const auto start = spec.start_price.nearest_step(tick);
    state st{spec, start, start, std::mt19937_64{seed_ ^ fnv1a(spec.instrument.symbol.str())}, 0};
    symbols_.insert_or_assign(spec.instrument.symbol, std::move(st));
}

std::vector<std::pair<core::symbol, engine::market_prices>> price_feed::step(std::chrono::milliseconds elapsed) {
    std::vector<std::pair<core::symbol, engine::market_prices>> out;
    out.reserve(symbols_.size());
    for (auto& [sym, st] : symbols_) {
        advance(st, elapsed);
        out.emplace_back(sym, prices_of(st));
    }
    return out;
}

void price_feed::advance(state& st, std::chrono::milliseconds elapsed) {
    const auto& model = st.spec.model;
    const auto tick = st.spec.instrument.tick_size;
    switch (model.kind) {
    case model_kind::constant: break;
    case model_kind::random_walk: {
        std::normal_distribution<double> gauss{0.0, 1.0};
        const auto drift_ppm = model.drift_bps.rescale(2, core::rounding::half_up).mantissa();
        const auto ppm = std::llround(gauss(st.rng) * as_double(model.volatility_bps) * 100.0) + drift_ppm;
        st.base = move_by_ppm(st.base, ppm, tick);
        break;
    }
    case model_kind::steps:
        for (const auto& p : model.steps) {
            if (p.at <= elapsed) st.base = p.price.nearest_step(tick);
        }
        break;
    case model_kind::series:
        if (!model.series.empty()) {
            const auto i = std::min<std::size_t>(st.steps, model.series.size() - 1);
            st.base = model.series[i].nearest_step(tick);
        }
        break;
    }
    core::decimal pct;
    for (const auto& e : model.events) {
        const bool active = e.kind == event_kind::gap ? e.at <= elapsed : e.at <= elapsed && elapsed < e.at + e.duration;
        if (active) pct += e.move_pct;
    }
    st.mid = pct.is_zero() ? st.base : move_by_ppm(st.base, pct.rescale(4, core::rounding::half_up).mantissa(), tick);
    ++st.steps;
}

engine::market_prices price_feed::prices_of(const state& st) const {
    const auto tick = st.spec.instrument.tick_size;
    const auto spread = tick * core::decimal::from_int(st.spec.spread_ticks);
    return engine::market_prices::from_mid(st.mid, spread, tick, st.spec.depth_qty);
}

std::optional<engine::market_prices> price_feed::current(const core::symbol& s) const {
    const auto it = symbols_.find(s);
    if (it == symbols_.end()) return std::nullopt;
    return prices_of(it->second);
}

bool price_feed::set_mid(const core::symbol& s, core::decimal mid) {
    const auto it = symbols_.find(s);
    if (it == symbols_.end() || !mid.is_positive()) return false;
    auto& st = it->second;
    if (st.spec.model.kind == model_kind::steps || st.spec.model.kind == model_kind::series) {
        st.spec.model.kind = model_kind::constant;
    }
    st.base = st.mid = mid.nearest_step(st.spec.instrument.tick_size);
    return true;
}

}  // namespace tradebot::sim::scenario
