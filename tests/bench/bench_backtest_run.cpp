// The whole backtest, one core: candles and signals per second of CPU through backtest::run (the
// live signal pipeline and trading core on sim::engine, four marks per 1-minute bar).
//
// The market is `tradebot simulate`'s synthetic one (backtest::make_market: seeded regime-switching
// random walks with jumps), made before the clock starts: --symbols symbols (default 50) over --days
// days (default 7) with signals at the density of --signals-per-year (default 5,000, the issue's
// "a year of 1-minute bars for 50 symbols with 5,000 signals"), edge 0.55, the default
// configuration. It prints one JSON line: candles (symbol-minutes), signals, trades, CPU seconds,
// candles/s, signals/s and the CPU time a year of the same market would take at that rate.
// Exits non-zero when the run traded nothing (the figure would not be a backtest's).
// --json=PATH writes the run's backtest.json there (to compare two builds byte for byte).

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include "tradebot/backtest/report.hpp"
#include "tradebot/backtest/simulation.hpp"
#include "tradebot/logging/logger.hpp"

namespace {

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The value of --name=VALUE, empty when not given.
std::string text_option(int argc, char** argv, std::string_view name) {
    const std::string prefix = "--" + std::string{name} + "=";
    for (int i = 1; i < argc; ++i) {
        const std::string_view a{argv[i]};
        if (a.starts_with(prefix)) return std::string{a.substr(prefix.size())};
    }
    return {};
}

long option(int argc, char** argv, std::string_view name, long fallback) {
    const auto text = text_option(argc, argv, name);
    return text.empty() ? fallback : std::strtol(text.c_str(), nullptr, 10);
}

}  // namespace

int main(int argc, char** argv) {
    namespace bt = tradebot::backtest;
    // As `tradebot backtest` runs by default: the trading core's log at warn.
    tradebot::logging::options log;
    log.level = "warn";
    tradebot::logging::init(log);
    bt::simulation_options o;
    o.paths = 1;
    o.seed = static_cast<std::uint64_t>(option(argc, argv, "seed", 20260127));
    o.symbols = static_cast<std::size_t>(option(argc, argv, "symbols", 50));
    o.days = static_cast<int>(option(argc, argv, "days", 7));
    const double per_year = static_cast<double>(option(argc, argv, "signals-per-year", 5000));
    o.signal_rate = per_year / (365.0 * 96.0);  // 96 fifteen-minute candles a day
    o.edge = 0.55;
    const auto market = bt::make_market(o, 0);
    std::size_t candles = 0;
    for (const auto& [symbol, series] : market.prices) candles += series.bars.size();

    const tradebot::config::settings settings;
    const bt::run_options run;
    const double start = cpu_seconds();
    const auto result = bt::run(settings, market.prices, market.signals, run);
    const double cpu = cpu_seconds() - start;
    const auto stats = bt::summarize(result);
    const double candles_per_s = static_cast<double>(candles) / cpu;
    const double year_candles = static_cast<double>(o.symbols) * 365.0 * 1440.0;
    std::printf("{\"symbols\": %zu, \"days\": %d, \"candles\": %zu, \"signals\": %zu, \"trades\": %zu, "
                "\"cpu_seconds\": %.3f, \"candles_per_second\": %.0f, \"signals_per_second\": %.1f, "
                "\"year_cpu_seconds\": %.1f}\n",
                o.symbols, o.days, candles, market.signals.size(), stats.trades, cpu, candles_per_s,
                static_cast<double>(market.signals.size()) / cpu, year_candles / candles_per_s);
    if (const auto json = text_option(argc, argv, "json"); !json.empty()) {
        std::ofstream{json, std::ios::binary} << bt::to_json(result, stats);
    }
    tradebot::logging::shutdown();
    return stats.trades > 0 ? 0 : 1;
}
