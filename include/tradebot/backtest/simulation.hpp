#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tradebot/backtest/price_history.hpp"
#include "tradebot/backtest/runner.hpp"
#include "tradebot/backtest/signal_file.hpp"
#include "tradebot/config/settings.hpp"
#include "tradebot/sim/scenario/scenario.hpp"

// `tradebot simulate`: Monte-Carlo over seeded synthetic markets. Each path is a price history
// and a set of signals made up from a seed; each goes through backtest::run, the same replay as
// `tradebot backtest` (the live trading core on sim::engine); the report is the distribution of
// the outcomes.
namespace tradebot::backtest {

// How a path's prices move, minute by minute (four Gaussian sub-steps per 1-minute bar, in whole
// ticks of the symbol):
//   walk:    constant volatility, no drift
//   jumps:   walk plus rare jumps (8x the volatility, either way)
//   regimes: jumps plus regime switches (calm / normal / volatile / wild / trending up or down)
//   scenario: the simulator's price models of a scenario file (sim::scenario::price_feed, sampled
//            at the scenario's tick, seeded per path), aggregated into 1-minute bars
enum class path_model : std::uint8_t { walk, jumps, regimes, scenario };

[[nodiscard]] std::string_view to_string(path_model m) noexcept;
[[nodiscard]] std::optional<path_model> parse_path_model(std::string_view text) noexcept;

struct simulation_options {
    std::size_t paths = 100;
    std::uint64_t seed = 1;
    std::size_t symbols = 3;  // synthetic models: how many symbols (BTCUSDT, ETHUSDT, ... SIM7USDT ...)
    int days = 3;
    // Probability that a signal's side agrees with the move of its symbol over `horizon_minutes`
    // after the signal becomes known (the close of its 15-minute candle): 0.5 is no edge.
    double edge = 0.55;
    int horizon_minutes = 120;
    double signal_rate = 0.6;  // signals per 15-minute candle (one symbol each)
    path_model model = path_model::regimes;
    const sim::scenario::scenario_spec* scenario = nullptr;  // model == scenario
    // A path is ruined when its equity closes a minute below this share of the starting equity.
    core::decimal ruin_fraction = core::decimal::from_string("0.5");
};

// The first minute of every path: 2025-03-03T00:00:00Z, a Monday.
inline constexpr std::int64_t simulation_start_ms = 1'740'960'000'000;

// Path i's seed: a mix of the run's seed and i (splitmix64), so paths are independent of each
// other and of how many there are.
[[nodiscard]] std::uint64_t path_seed(std::uint64_t seed, std::size_t path) noexcept;

struct synthetic_market {
    price_history prices;
    std::vector<signal_line> signals;
};

// Path `path`'s prices and signals. The signals' times, symbols, scores and the draw that decides
// whether each is right come from their own generator, so changing the edge changes only sides.
[[nodiscard]] synthetic_market make_market(const simulation_options& options, std::size_t path);

struct path_outcome {
    std::size_t path = 0;
    std::uint64_t seed = 0;
    core::decimal pnl;  // final - starting equity (trades, fees and funding)
    core::decimal max_drawdown;
    core::decimal max_drawdown_percent;
    core::decimal min_equity;
    bool ruined = false;
    std::size_t signals = 0;
    std::size_t trades = 0;
    std::size_t wins = 0;
    std::optional<core::decimal> win_rate;  // wins / trades, 4 places; none without trades
    std::vector<double> curve;              // equity, at most curve_points samples (drawing only)
};

inline constexpr std::size_t curve_points = 240;

// Runs every path through backtest::run on `jobs` threads. A path's result depends only on its
// seed and the options: any number of jobs gives the same outcomes. `progress(done, total)` is
// called from the calling thread.
[[nodiscard]] std::vector<path_outcome> run_simulation(const config::settings& settings,
                                                       const simulation_options& options, const run_options& run,
                                                       unsigned jobs,
                                                       const std::function<void(std::size_t, std::size_t)>& progress);

// The 5th, 25th, 50th, 75th and 95th percentiles, by linear interpolation between the closest
// ranks (rank p/100 x (n - 1), as numpy's default): exact in decimals.
struct percentiles {
    core::decimal min;
    core::decimal p5;
    core::decimal p25;
    core::decimal p50;
    core::decimal p75;
    core::decimal p95;
    core::decimal max;
    core::decimal mean;  // 8 places, half-even
};

// Empty input: all zero.
[[nodiscard]] percentiles percentiles_of(std::vector<core::decimal> values);

struct simulation_summary {
    std::size_t paths = 0;
    percentiles pnl;
    percentiles max_drawdown;          // USDT
    percentiles max_drawdown_percent;  // of the peak
    percentiles win_rate;              // over the paths with trades
    percentiles trades;
    std::size_t ruined = 0;
    core::decimal ruin_probability;  // ruined / paths, 4 places
    std::size_t profitable = 0;      // paths with pnl > 0
    std::size_t total_trades = 0;
    std::size_t total_wins = 0;
    std::optional<core::decimal> pooled_win_rate;  // all wins / all trades, 4 places
};

[[nodiscard]] simulation_summary summarize_simulation(const std::vector<path_outcome>& outcomes);

// The reports: byte-identical for the same outcomes and options.
[[nodiscard]] std::string simulation_json(const simulation_options& options, const run_options& run,
                                          const std::vector<path_outcome>& outcomes, const simulation_summary& s);
[[nodiscard]] std::string simulation_text(const simulation_options& options, const simulation_summary& s);
// A self-contained page: the distributions as histograms and the paths' equity curves (inline
// SVG), the percentile table and a row per path.
[[nodiscard]] std::string simulation_html(const simulation_options& options, const run_options& run,
                                          const std::vector<path_outcome>& outcomes, const simulation_summary& s);

}  // namespace tradebot::backtest
