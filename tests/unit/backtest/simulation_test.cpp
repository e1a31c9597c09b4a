// `tradebot simulate`'s parts: the synthetic markets, the paths through the backtest, the
// distribution and its reports.
#include <regex>

#include <gtest/gtest.h>

#include "tradebot/backtest/simulation.hpp"

namespace tradebot::backtest {
namespace {

using core::decimal;

std::vector<decimal> decimals(std::initializer_list<const char*> texts) {
    std::vector<decimal> out;
    for (const char* t : texts) out.push_back(decimal::from_string(t));
    return out;
}

TEST(simulation_percentiles, interpolate_between_the_closest_ranks_exactly) {
    // n = 4, rank = p (n - 1) / 100: p5 -> 0.15, p25 -> 0.75, p50 -> 1.5, p75 -> 2.25, p95 -> 2.85.
    const auto p = percentiles_of(decimals({"40", "10", "30", "20"}));
    EXPECT_EQ(p.min, decimal::from_string("10"));
    EXPECT_EQ(p.p5, decimal::from_string("11.5"));
    EXPECT_EQ(p.p25, decimal::from_string("17.5"));
    EXPECT_EQ(p.p50, decimal::from_string("25"));
    EXPECT_EQ(p.p75, decimal::from_string("32.5"));
    EXPECT_EQ(p.p95, decimal::from_string("38.5"));
    EXPECT_EQ(p.max, decimal::from_string("40"));
    EXPECT_EQ(p.mean, decimal::from_string("25"));

    // 1..11: the ranks fall on halves (p5 -> 0.5 ... p95 -> 9.5); negative values and decimals.
    const auto q = percentiles_of(decimals({"-5", "-4", "-3", "-2", "-1", "0", "1", "2", "3", "4", "5.01"}));
    EXPECT_EQ(q.p5, decimal::from_string("-4.5"));
    EXPECT_EQ(q.p25, decimal::from_string("-2.5"));
    EXPECT_EQ(q.p50, decimal::from_string("0"));
    EXPECT_EQ(q.p75, decimal::from_string("2.5"));
    EXPECT_EQ(q.p95, decimal::from_string("4.505"));
    EXPECT_EQ(q.mean, decimal::from_string("0.00090909"));  // 0.01 / 11, 8 places half-even

    const auto one = percentiles_of(decimals({"7.25"}));
    EXPECT_EQ(one.p5, decimal::from_string("7.25"));
    EXPECT_EQ(one.p95, decimal::from_string("7.25"));
    const auto none = percentiles_of({});
    EXPECT_TRUE(none.p50.is_zero());
}

TEST(simulation_summary, counts_ruin_profit_and_win_rates) {
    std::vector<path_outcome> paths(8);
    for (std::size_t i = 0; i < paths.size(); ++i) {
        paths[i].path = i;
        paths[i].pnl = decimal::from_int(static_cast<std::int64_t>(i) * 100 - 300);  // -300 .. 400
        paths[i].trades = i;
        paths[i].wins = i / 2;
        if (i > 0) {
            paths[i].win_rate = decimal::from_int(static_cast<std::int64_t>(i / 2))
                                    .divide(decimal::from_int(static_cast<std::int64_t>(i)), 4, core::rounding::half_even);
        }
    }
    paths[0].ruined = true;
    paths[1].ruined = true;
    const auto s = summarize_simulation(paths);
    EXPECT_EQ(s.paths, 8U);
    EXPECT_EQ(s.ruined, 2U);
    EXPECT_EQ(s.ruin_probability, decimal::from_string("0.25"));
    EXPECT_EQ(s.profitable, 4U);  // 100, 200, 300, 400
    EXPECT_EQ(s.pnl.p50, decimal::from_string("50"));
    EXPECT_EQ(s.total_trades, 28U);
    EXPECT_EQ(s.total_wins, 12U);  // 0+0+1+1+2+2+3+3
    EXPECT_EQ(*s.pooled_win_rate, decimal::from_string("0.4286"));
    EXPECT_EQ(s.win_rate.min, decimal::from_string("0"));  // the path without trades is not counted
    EXPECT_EQ(s.win_rate.max, decimal::from_string("0.5"));
}

simulation_options small(double edge) {
    simulation_options o;
    o.paths = 6;
    o.seed = 42;
    o.symbols = 3;
    o.days = 2;
    o.edge = edge;
    return o;
}

TEST(simulation_market, a_seed_gives_the_same_market_and_the_edge_changes_only_sides) {
    const auto a = make_market(small(0.5), 3);
    const auto b = make_market(small(0.5), 3);
    const auto strong = make_market(small(1.0), 3);
    const auto other = make_market(small(0.5), 4);
    ASSERT_EQ(a.prices.size(), 3U);
    ASSERT_GT(a.signals.size(), 50U);
    for (const auto& [symbol, series] : a.prices) {
        ASSERT_EQ(series.bars.size(), 2U * 1440);
        for (std::size_t i = 0; i < series.bars.size(); ++i) {
            const auto& x = series.bars[i];
            EXPECT_TRUE(x.low <= std::min(x.open, x.close) && x.high >= std::max(x.open, x.close));
            EXPECT_EQ(x.open, b.prices.at(symbol).bars[i].open);
            EXPECT_EQ(x.close, strong.prices.at(symbol).bars[i].close);
        }
        EXPECT_NE(series.bars.back().close, other.prices.at(symbol).bars.back().close) << "paths differ";
    }
    ASSERT_EQ(a.signals.size(), strong.signals.size());
    std::size_t flipped = 0;
    for (std::size_t i = 0; i < a.signals.size(); ++i) {
        EXPECT_EQ(a.signals[i].raw.side, b.signals[i].raw.side);
        EXPECT_EQ(a.signals[i].raw.symbol, strong.signals[i].raw.symbol);
        EXPECT_EQ(a.signals[i].visible_at, strong.signals[i].visible_at);
        flipped += a.signals[i].raw.side != strong.signals[i].raw.side ? 1 : 0;
        // Edge 1: every side agrees with the move over the horizon from when the signal is known.
        const auto& s = strong.signals[i];
        const auto& bars = strong.prices.at(core::symbol::from_string(s.raw.symbol)).bars;
        const auto known = static_cast<std::size_t>(
            (std::chrono::duration_cast<std::chrono::milliseconds>(s.visible_at.time_since_epoch()).count() -
             simulation_start_ms) / 60'000);
        const auto move = bars[known + 119].close - bars[known].open;
        EXPECT_EQ(s.raw.side, move.is_negative() ? "SELL" : "BUY") << s.raw.id;
    }
    // About half the coin flips were wrong.
    EXPECT_GT(flipped, a.signals.size() / 4);
    EXPECT_LT(flipped, a.signals.size() * 3 / 4);
}

TEST(simulation_market, every_model_moves_and_walk_has_no_jumps) {
    for (const auto m : {path_model::walk, path_model::jumps, path_model::regimes}) {
        auto o = small(0.5);
        o.model = m;
        const auto market = make_market(o, 0);
        const auto& bars = market.prices.begin()->second.bars;
        EXPECT_NE(bars.front().open, bars.back().close) << to_string(m);
    }
    EXPECT_EQ(parse_path_model("jumps"), path_model::jumps);
    EXPECT_FALSE(parse_path_model("brownian"));
}

TEST(simulation_run, one_thread_and_two_give_byte_identical_reports) {
    const config::settings settings;
    const run_options run;
    const auto opts = small(0.55);
    const auto one = run_simulation(settings, opts, run, 1, nullptr);
    std::size_t reported = 0;
    const auto two = run_simulation(settings, opts, run, 2, [&](std::size_t done, std::size_t total) {
        EXPECT_EQ(total, 6U);
        EXPECT_GT(done, reported);
        reported = done;
    });
    EXPECT_EQ(reported, 6U);
    const auto s1 = summarize_simulation(one);
    const auto s2 = summarize_simulation(two);
    EXPECT_EQ(simulation_json(opts, run, one, s1), simulation_json(opts, run, two, s2));
    EXPECT_EQ(simulation_html(opts, run, one, s1), simulation_html(opts, run, two, s2));
    EXPECT_GT(s1.total_trades, 20U) << "the paths should trade";
    // A path is the same backtest whichever paths run beside it.
    auto only_fourth = opts;
    only_fourth.paths = 4;
    const auto fewer = run_simulation(settings, only_fourth, run, 2, nullptr);
    EXPECT_EQ(fewer[3].pnl, one[3].pnl);
    EXPECT_EQ(fewer[3].trades, one[3].trades);

    const auto html = simulation_html(opts, run, one, s1);
    const std::regex row{"<tr class=\"path\">"};
    EXPECT_EQ(std::distance(std::sregex_iterator(html.begin(), html.end(), row), std::sregex_iterator()), 6);
    EXPECT_TRUE(std::regex_search(html, std::regex{"<path class=\"bars\" d=\"M[0-9.]+,[0-9.]+ L"}));
    EXPECT_TRUE(std::regex_search(html, std::regex{"<path class=\"curve (up|down)\" d=\"M[0-9.]+,[0-9.]+( L[0-9.]+,[0-9.]+){100,}\""}));
}

TEST(simulation_run, signals_that_are_always_right_beat_coin_flips_on_the_same_markets) {
    // The same prices, signal times and symbols; only the sides differ. With every side right over
    // the two hours after the signal, the stops and trailing exits of the default configuration
    // make money on average; with coin flips the fees make the average a loss.
    const config::settings settings;
    const run_options run;
    const auto flips = summarize_simulation(run_simulation(settings, small(0.5), run, 2, nullptr));
    const auto right = summarize_simulation(run_simulation(settings, small(1.0), run, 2, nullptr));
    EXPECT_GT(right.pnl.mean, flips.pnl.mean);
    EXPECT_GT(right.pnl.p50, flips.pnl.p50);
    ASSERT_TRUE(right.pooled_win_rate && flips.pooled_win_rate);
    EXPECT_GT(*right.pooled_win_rate, *flips.pooled_win_rate);
    EXPECT_TRUE(right.pnl.mean.is_positive()) << right.pnl.mean.to_string();
}

}  // namespace
}  // namespace tradebot::backtest
