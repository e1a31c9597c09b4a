// The backtest's accounting against a scenario computed by hand: entry, trailing move, stop-out.
#include <algorithm>

#include <gtest/gtest.h>

#include "scenario.hpp"
#include "tradebot/backtest/report.hpp"

namespace tradebot::backtest::test {
namespace {

using namespace core::literals;

// Default configuration: stop 2 %, trailing from +1.5 % with a 0.5 % callback, 200 USDT
// positions, waves at :05 :20 :35 :50. The signal scores the 00:00 candle, is received when it
// closes (00:15) and the 00:20 wave buys.
//   entry   00:20:00, mark 100.00: ask = mark + 1 tick = 100.01; qty = 200 / 100.00 = 2.00
//           fee 2 x 100.01 x 0.0005 = 0.10001
//   stop    2 % below the entry: 100.01 x 0.98 = 98.0098 -> 98.01 on the tick
//   00:21   low 100.00 first (worst case for a long), then high 103.00: +3 %, the stop trails
//           to 103.00 x (1 - 0.5 %) = 102.485 -> 102.49 on the tick, below the mark
//   00:25   the bar gaps down to 101.50: the stop fires on that mark and fills at its bid,
//           101.50 - 1 tick = 101.49 (a gap through the stop fills at the gap's price)
//           fee 2 x 101.49 x 0.0005 = 0.10149
//   gross   (101.49 - 100.01) x 2 = 2.96; net 2.96 - 0.10001 - 0.10149 = 2.7585
price_history trailing_scenario() {
    return flat_then(-60, 21, {make_bar(21, "100.00", "103.00", "100.00", "103.00"),
                               make_bar(22, "103.00", "103.00", "103.00", "103.00"),
                               make_bar(23, "103.00", "103.00", "103.00", "103.00"),
                               make_bar(24, "103.00", "103.00", "103.00", "103.00"),
                               make_bar(25, "103.00", "103.00", "101.50", "101.50"),
                               make_bar(26, "101.50", "101.50", "101.50", "101.50")});
}

TEST(backtest_accounting, entry_trailing_move_and_stop_out_give_the_hand_computed_numbers) {
    const auto prices = trailing_scenario();
    const auto signals = signals_from("1,2025-01-01T00:00:00Z,binance,TESTUSDT,BUY,50,50\n", prices);
    const auto r = run(config::settings{}, prices, signals, run_options{});

    ASSERT_EQ(r.trades.size(), 1U);
    const auto& t = r.trades.front();
    EXPECT_EQ(t.signal_id, 1);
    EXPECT_EQ(t.side, core::position_side::long_);
    EXPECT_EQ(t.entry_ms, at(20));
    EXPECT_EQ(t.entry_price, "100.01"_d);
    EXPECT_EQ(t.quantity, "2.00"_d);
    EXPECT_EQ(t.exit_ms, at(25) + 15'000);  // the second mark of the 00:25 bar
    EXPECT_EQ(t.exit_price, "101.49"_d);
    EXPECT_EQ(t.fees, "0.2015"_d);
    EXPECT_EQ(t.gross_pnl, "2.96"_d);
    EXPECT_EQ(t.net_pnl, "2.7585"_d);
    EXPECT_EQ(t.exit_reason, "trailing_stop");
    EXPECT_EQ(t.core_reason, "closed_on_venue");
    EXPECT_EQ(t.last_stop, "102.49"_d);

    // The account agrees with the trade to the last digit: nothing else moved the equity.
    EXPECT_EQ(r.starting_equity, "10000"_d);
    EXPECT_EQ(r.final_equity, "10002.7585"_d);
    const auto s = summarize(r);
    EXPECT_EQ(s.net_pnl, "2.7585"_d);
    EXPECT_EQ(s.fees, "0.2015"_d);
    EXPECT_EQ(s.other, "0"_d);
    EXPECT_EQ(s.by_reason.at("trailing_stop").trades, 1U);
    ASSERT_EQ(r.signals.size(), 1U);
    EXPECT_EQ(r.signals.front().outcome, "taken");
}

TEST(backtest_accounting, a_stop_out_without_trailing_loses_the_stop_distance_and_both_fees) {
    // Entry as above at 100.01, stop at 98.01. The 00:23 bar falls to 97.00: the stop fires at
    // the first mark at or below it (97.00, the bar's low) and fills at 96.99.
    //   gross (96.99 - 100.01) x 2 = -6.04; fees 0.10001 + 2 x 96.99 x 0.0005 (0.09699) = 0.197
    const auto prices = flat_then(-60, 23, {make_bar(23, "100.00", "100.00", "97.00", "97.00"),
                                            make_bar(24, "97.00", "97.00", "97.00", "97.00")});
    const auto signals = signals_from("1,2025-01-01T00:00:00Z,binance,TESTUSDT,BUY,50,50\n", prices);
    const auto r = run(config::settings{}, prices, signals, run_options{});
    ASSERT_EQ(r.trades.size(), 1U);
    const auto& t = r.trades.front();
    EXPECT_EQ(t.exit_price, "96.99"_d);
    EXPECT_EQ(t.gross_pnl, "-6.04"_d);
    EXPECT_EQ(t.fees, "0.197"_d);
    EXPECT_EQ(t.net_pnl, "-6.237"_d);
    EXPECT_EQ(t.exit_reason, "stop_loss");
    EXPECT_EQ(t.last_stop, "98.01"_d);
    EXPECT_EQ(r.final_equity, "9993.763"_d);
}

}  // namespace
}  // namespace tradebot::backtest::test

namespace tradebot::backtest::test {
namespace {

using namespace core::literals;

TEST(backtest_accounting, an_aged_position_is_closed_at_the_configured_hour) {
    // Long at 100.01 from 00:20; the price then sits at 100.50, in profit but below the trailing
    // activation (1.5 %). protection.aged.max_age_hours = 3: the first mark at or after 03:20:00
    // closes it, at the bid 100.49.
    std::vector<bar> tail;
    for (int m = 21; m < 20 + 4 * 60; ++m) tail.push_back(make_bar(m, "100.50", "100.50", "100.50", "100.50"));
    const auto prices = flat_then(-60, 21, tail);
    const auto signals = signals_from("1,2025-01-01T00:00:00Z,binance,TESTUSDT,BUY,50,50\n", prices);
    const auto r = run(config::settings{}, prices, signals, run_options{});
    ASSERT_EQ(r.trades.size(), 1U);
    const auto& t = r.trades.front();
    EXPECT_EQ(t.exit_ms, at(20 + 3 * 60));
    EXPECT_EQ(t.exit_reason.rfind("aged", 0), 0U) << t.exit_reason;
    EXPECT_EQ(t.exit_price, "100.49"_d);
    EXPECT_EQ(t.gross_pnl, "0.96"_d);  // (100.49 - 100.01) x 2
}

}  // namespace
}  // namespace tradebot::backtest::test

namespace tradebot::backtest::test {
namespace {

using namespace core::literals;

TEST(backtest_accounting, funding_is_charged_at_each_funding_time_on_the_open_position) {
    // Long 2.00 at 100.01 from 00:20, aged exits off, the price at 100.50 until 16:30; funding
    // 0.0001 every 8 h: at 08:00 and at 16:00 the long pays 2 x 100.50 x 0.0001 = 0.0201 each
    // (nothing at 00:00: no position yet). Closed after the last bar at its close's bid 100.49.
    std::vector<bar> tail;
    for (int m = 21; m < 16 * 60 + 30; ++m) tail.push_back(make_bar(m, "100.50", "100.50", "100.50", "100.50"));
    const auto prices = flat_then(-60, 21, tail);
    const auto signals = signals_from("1,2025-01-01T00:00:00Z,binance,TESTUSDT,BUY,50,50\n", prices);
    config::settings settings;
    settings.protection.aged.enabled = false;
    run_options o;
    o.funding_rate = "0.0001"_d;
    const auto r = run(settings, prices, signals, o);
    ASSERT_EQ(r.trades.size(), 1U);
    EXPECT_EQ(r.trades.front().exit_reason, "backtest_end");
    // 0.96 - 0.10001 - 2 x 100.49 x 0.0005 (0.10049) = 0.7595, and the funding paid while it was open
    EXPECT_EQ(r.trades.front().funding, "-0.0402"_d) << r.trades.front().funding.to_string();
    EXPECT_EQ(r.trades.front().net_pnl, "0.7193"_d);
    const auto s = summarize(r);
    EXPECT_EQ(s.funding, "-0.0402"_d) << s.funding.to_string();
    EXPECT_EQ(s.other, "0"_d) << s.other.to_string();
    EXPECT_EQ(r.final_equity, "10000.7193"_d) << r.final_equity.to_string();  // 10000 + 0.7595 - 0.0402
    // The equity drops by the payment at the first mark of 08:00, not before.
    const auto before = std::find_if(r.equity.begin(), r.equity.end(), [](const auto& p) { return p.ms == at(8 * 60 - 1); });
    const auto after = std::find_if(r.equity.begin(), r.equity.end(), [](const auto& p) { return p.ms == at(8 * 60); });
    ASSERT_NE(before, r.equity.end());
    ASSERT_NE(after, r.equity.end());
    EXPECT_EQ(before->equity - after->equity, "0.0201"_d);
}

}  // namespace
}  // namespace tradebot::backtest::test
