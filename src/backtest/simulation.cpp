#include "tradebot/backtest/simulation.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tradebot/backtest/report.hpp"

namespace tradebot::backtest {

namespace {

using core::decimal;

double drawing_value(decimal d) { return std::stod(d.to_string()); }

path_outcome run_path(const config::settings& settings, const simulation_options& options, const run_options& run_opts,
                      std::size_t path) {
    const auto market = make_market(options, path);
    const auto r = run(settings, market.prices, market.signals, run_opts);
    const auto s = summarize(r);
    path_outcome o;
    o.path = path;
    o.seed = path_seed(options.seed, path);
    o.pnl = r.final_equity - r.starting_equity;
    o.max_drawdown = s.max_drawdown;
    o.max_drawdown_percent = s.max_drawdown_percent;
    o.min_equity = r.starting_equity;
    for (const auto& p : r.equity) o.min_equity = std::min(o.min_equity, p.equity);
    const auto floor = r.starting_equity.multiply(options.ruin_fraction, 8, core::rounding::half_even);
    o.ruined = o.min_equity < floor;
    o.signals = market.signals.size();
    o.trades = s.trades;
    o.wins = s.wins;
    if (s.trades > 0) {
        o.win_rate = decimal::from_int(static_cast<std::int64_t>(s.wins))
                         .divide(decimal::from_int(static_cast<std::int64_t>(s.trades)), 4, core::rounding::half_even);
    }
    const std::size_t every = std::max<std::size_t>(1, (r.equity.size() + curve_points - 1) / curve_points);
    o.curve.push_back(drawing_value(r.starting_equity));
    for (std::size_t i = every - 1; i < r.equity.size(); i += every) o.curve.push_back(drawing_value(r.equity[i].equity));
    if (!r.equity.empty() && r.equity.size() % every != 0) o.curve.push_back(drawing_value(r.equity.back().equity));
    return o;
}

}  // namespace

std::vector<path_outcome> run_simulation(const config::settings& settings, const simulation_options& options,
                                         const run_options& run, unsigned jobs,
                                         const std::function<void(std::size_t, std::size_t)>& progress) {
    const auto total = options.paths;
    std::vector<path_outcome> out(total);
    std::atomic<std::size_t> next{0};
    std::mutex m;
    std::condition_variable cv;
    std::size_t done = 0;
    run_options path_options = run;
    path_options.progress = nullptr;  // the simulation reports paths, not minutes
    path_options.marks = nullptr;
    const auto worker = [&] {
        for (auto i = next++; i < total; i = next++) {
            auto o = run_path(settings, options, path_options, i);
            const std::lock_guard lock{m};
            out[i] = std::move(o);
            ++done;
            cv.notify_one();
        }
    };
    jobs = std::max(1U, std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(1, total))));
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
    {
        std::unique_lock lock{m};
        std::size_t reported = 0;
        while (reported < total) {
            cv.wait(lock, [&] { return done > reported; });
            reported = done;
            if (progress) progress(reported, total);
        }
    }
    for (auto& t : threads) t.join();
    return out;
}

percentiles percentiles_of(std::vector<decimal> values) {
    percentiles p;
    if (values.empty()) return p;
    std::sort(values.begin(), values.end());
    const auto n = static_cast<std::int64_t>(values.size());
    const auto at = [&](std::int64_t pct) {
        // rank = pct (n - 1) / 100: the whole part indexes, the rest (hundredths) interpolates.
        const auto scaled = pct * (n - 1);
        const auto lo = static_cast<std::size_t>(scaled / 100);
        const auto rest = scaled % 100;
        if (rest == 0) return values[lo];
        return values[lo] + (values[lo + 1] - values[lo]).multiply(decimal::from_raw(rest, 2), 10, core::rounding::half_even);
    };
    p.min = values.front();
    p.max = values.back();
    p.p5 = at(5);
    p.p25 = at(25);
    p.p50 = at(50);
    p.p75 = at(75);
    p.p95 = at(95);
    decimal sum;
    for (const auto& v : values) sum += v;
    p.mean = sum.divide(decimal::from_int(n), 8, core::rounding::half_even);
    return p;
}

simulation_summary summarize_simulation(const std::vector<path_outcome>& outcomes) {
    simulation_summary s;
    s.paths = outcomes.size();
    std::vector<decimal> pnl;
    std::vector<decimal> dd;
    std::vector<decimal> dd_pct;
    std::vector<decimal> win;
    std::vector<decimal> trades;
    for (const auto& o : outcomes) {
        pnl.push_back(o.pnl);
        dd.push_back(o.max_drawdown);
        dd_pct.push_back(o.max_drawdown_percent);
        if (o.win_rate) win.push_back(*o.win_rate);
        trades.push_back(decimal::from_int(static_cast<std::int64_t>(o.trades)));
        s.ruined += o.ruined ? 1 : 0;
        s.profitable += o.pnl.is_positive() ? 1 : 0;
        s.total_trades += o.trades;
        s.total_wins += o.wins;
    }
    s.pnl = percentiles_of(std::move(pnl));
    s.max_drawdown = percentiles_of(std::move(dd));
    s.max_drawdown_percent = percentiles_of(std::move(dd_pct));
    s.win_rate = percentiles_of(std::move(win));
    s.trades = percentiles_of(std::move(trades));
    if (s.paths > 0) {
        s.ruin_probability = decimal::from_int(static_cast<std::int64_t>(s.ruined))
                                 .divide(decimal::from_int(static_cast<std::int64_t>(s.paths)), 4, core::rounding::half_even);
    }
    if (s.total_trades > 0) {
        s.pooled_win_rate = decimal::from_int(static_cast<std::int64_t>(s.total_wins))
                                .divide(decimal::from_int(static_cast<std::int64_t>(s.total_trades)), 4,
                                        core::rounding::half_even);
    }
    return s;
}

}  // namespace tradebot::backtest
