#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <map>
#include <random>
#include <string>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "tradebot/backtest/simulation.hpp"
#include "tradebot/backtest/scenario_input.hpp"

namespace tradebot::backtest {

namespace {

using core::decimal;

constexpr std::int64_t one_minute_ms = 60'000;
constexpr int sub_steps = 4;  // Gaussian steps per 1-minute bar: the bar's high and low come from them
constexpr int candle_minutes = 15;
// The salt of the signals' generator: its draws never depend on the prices' draws.
constexpr std::uint64_t signal_salt = 0x5157'4e41'4c53'0001ULL;

struct symbol_template {
    std::string name;
    double start;
    int decimals;          // tick = 10^-decimals
    double quote_per_min;  // typical USDT volume of a minute (the 1 h volume filter sees it)
};

// As scripts/gen-sample-data.py: prices and volumes of the usual suspects.
const std::array<symbol_template, 6> known_symbols{{
    {"BTCUSDT", 60000.0, 1, 400000.0},
    {"ETHUSDT", 3000.0, 2, 200000.0},
    {"SOLUSDT", 150.0, 3, 80000.0},
    {"DOGEUSDT", 0.15, 5, 40000.0},
    {"XRPUSDT", 0.6, 4, 50000.0},
    {"LINKUSDT", 15.0, 3, 30000.0},
}};

symbol_template template_of(std::size_t i) {
    if (i < known_symbols.size()) return known_symbols[i];
    // Further symbols: SIM7USDT ... at 100.000, a quiet alt.
    return {fmt::format("SIM{}USDT", i + 1), 100.0, 3, 50000.0};
}

// Box-Muller over the 64-bit Mersenne twister: the same numbers on every platform and thread.
class gaussian_source {
public:
    explicit gaussian_source(std::uint64_t seed) : rng_{seed} {}
    double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
    double normal() {
        if (spare_) return *std::exchange(spare_, std::nullopt);
        double u = 0;
        while (u <= 0) u = uniform();
        const double v = uniform();
        const double r = std::sqrt(-2.0 * std::log(u));
        spare_ = r * std::sin(2 * std::numbers::pi * v);
        return r * std::cos(2 * std::numbers::pi * v);
    }
    std::uint64_t below(std::uint64_t n) { return rng_() % n; }

private:
    std::mt19937_64 rng_;
    std::optional<double> spare_;
};

struct regime {
    double volatility;  // per minute, as a fraction
    double drift;       // per minute
};

constexpr std::array<regime, 6> regimes{{
    {0.0004, 0}, {0.0008, 0}, {0.0015, 0}, {0.0025, 0}, {0.0008, 0.00005}, {0.0008, -0.00005},
}};
constexpr double regime_switch_per_minute = 0.002;
constexpr double jump_per_step = 0.0005;
constexpr double jump_size = 8;  // in units of the volatility

kline_series synthetic_series(const symbol_template& t, path_model model, int minutes, gaussian_source& g) {
    kline_series s;
    s.symbol = core::symbol::from_string(t.name);
    s.bars.reserve(static_cast<std::size_t>(minutes));
    const double scale = std::pow(10.0, t.decimals);
    auto price = static_cast<std::int64_t>(std::llround(t.start * scale));
    regime now = regimes[1];
    for (int m = 0; m < minutes; ++m) {
        if (model == path_model::regimes && g.uniform() < regime_switch_per_minute) {
            now = regimes[g.below(regimes.size())];
        }
        const auto open = price;
        auto hi = open;
        auto lo = open;
        for (int k = 0; k < sub_steps; ++k) {
            double step = now.drift / sub_steps + g.normal() * now.volatility / 2.0;
            if (model != path_model::walk && g.uniform() < jump_per_step) {
                step += (g.uniform() < 0.5 ? -1.0 : 1.0) * now.volatility * jump_size;
            }
            price = std::max<std::int64_t>(1, std::llround(static_cast<double>(price) * (1.0 + step)));
            hi = std::max(hi, price);
            lo = std::min(lo, price);
        }
        const double quote = t.quote_per_min * std::exp(g.normal() * 0.5);
        s.bars.push_back(bar{simulation_start_ms + m * one_minute_ms, decimal::from_raw(open, t.decimals),
                             decimal::from_raw(hi, t.decimals), decimal::from_raw(lo, t.decimals),
                             decimal::from_raw(price, t.decimals), decimal::from_raw(std::llround(quote * 1e4), 4), std::nullopt});
    }
    return s;
}

std::string iso_minute(std::int64_t ms) {
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::sys_seconds{std::chrono::seconds{ms / 1000}});
}

}  // namespace

std::string_view to_string(path_model m) noexcept {
    switch (m) {
        case path_model::walk: return "walk";
        case path_model::jumps: return "jumps";
        case path_model::regimes: return "regimes";
        case path_model::scenario: return "scenario";
    }
    return "regimes";
}

std::optional<path_model> parse_path_model(std::string_view text) noexcept {
    for (const auto m : {path_model::walk, path_model::jumps, path_model::regimes, path_model::scenario}) {
        if (text == to_string(m)) return m;
    }
    return std::nullopt;
}

std::uint64_t path_seed(std::uint64_t seed, std::size_t path) noexcept {
    std::uint64_t z = seed + 0x9e37'79b9'7f4a'7c15ULL * (static_cast<std::uint64_t>(path) + 1);
    z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebULL;
    return z ^ (z >> 31);
}

synthetic_market make_market(const simulation_options& options, std::size_t path) {
    const auto seed = path_seed(options.seed, path);
    const int minutes = std::max(1, options.days) * 1440;
    synthetic_market out;
    if (options.model == path_model::scenario && options.scenario != nullptr) {
        auto spec = *options.scenario;
        spec.seed = seed;
        out.prices = scenario_history(spec, simulation_start_ms, minutes);
    } else {
        gaussian_source g{seed};
        for (std::size_t i = 0; i < std::max<std::size_t>(1, options.symbols); ++i) {
            auto series = synthetic_series(template_of(i), options.model, minutes, g);
            const auto symbol = series.symbol;
            out.prices.emplace(symbol, std::move(series));
        }
    }
    std::vector<const kline_series*> series;
    for (const auto& [sym, s] : out.prices) series.push_back(&s);
    gaussian_source g{seed ^ signal_salt};
    const int horizon = std::max(1, options.horizon_minutes);
    std::int64_t id = 0;
    // A signal is known when its candle closes; the candles whose horizon runs past the data get none.
    for (int k = 0; (k + 1) * candle_minutes + horizon <= minutes; ++k) {
        const double take = g.uniform();
        const auto which = g.below(series.size());
        const double right_draw = g.uniform();
        const double week = 5 + g.uniform() * 90;
        const double month = 5 + g.uniform() * 90;
        if (take >= options.signal_rate) continue;
        const auto& bars = series[which]->bars;
        const auto known = static_cast<std::size_t>((k + 1) * candle_minutes);
        const auto move = bars[known + static_cast<std::size_t>(horizon) - 1].close - bars[known].open;
        const bool right = right_draw < options.edge;
        const bool up = !move.is_negative() == right;
        signal_line line;
        auto& r = line.raw;
        r.id = ++id;
        r.source = "simulate";
        r.exchange = "binance";
        r.symbol = series[which]->symbol.str();
        r.side = up ? "BUY" : "SELL";
        r.score_week = fmt::format("{:.2f}", week);
        r.score_month = fmt::format("{:.2f}", month);
        const auto candle_ms = simulation_start_ms + k * candle_minutes * one_minute_ms;
        r.candle_time = iso_minute(candle_ms);
        r.received_at = iso_minute(candle_ms + candle_minutes * one_minute_ms);
        line.line = static_cast<int>(id);
        line.visible_at = core::clock::time_point{std::chrono::milliseconds{candle_ms + candle_minutes * one_minute_ms}};
        out.signals.push_back(std::move(line));
    }
    return out;
}

}  // namespace tradebot::backtest
