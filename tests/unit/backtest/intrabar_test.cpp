// The intrabar order decides which extreme of a bar a position meets first.
#include <gtest/gtest.h>

#include "scenario.hpp"
#include "tradebot/backtest/report.hpp"

namespace tradebot::backtest::test {
namespace {

using namespace core::literals;

// Entry at the 00:20 wave (long at 100.01 / short at 99.99, stops 2 % away, trailing from
// 1.5 %); the 00:21 bar reaches both 97.00 and 103.00, each beyond the stop on one side and past
// the trailing activation on the other.
price_history wide_bar() {
    return flat_then(-60, 21, {make_bar(21, "100.00", "103.00", "97.00", "100.00"),
                               make_bar(22, "100.00", "100.00", "100.00", "100.00")});
}

trade one_trade(const char* side, intrabar order) {
    const auto prices = wide_bar();
    const auto signals =
        signals_from(std::string{"1,2025-01-01T00:00:00Z,binance,TESTUSDT,"} + side + ",50,50\n", prices);
    run_options o;
    o.order = order;
    const auto r = run(config::settings{}, prices, signals, o);
    EXPECT_EQ(r.order, order);
    EXPECT_NE(to_json(r, summarize(r)).find(std::string{"\"intrabar\": \""} + std::string{to_string(order)} + "\""),
              std::string::npos);
    EXPECT_EQ(r.trades.size(), 1U);
    return r.trades.empty() ? trade{} : r.trades.front();
}

TEST(backtest_intrabar, worst_case_meets_the_extreme_against_a_long_first) {
    const auto t = one_trade("BUY", intrabar::worst);
    EXPECT_EQ(t.exit_reason, "stop_loss");  // 97.00 before 103.00: the untrailed stop at 98.01
    EXPECT_EQ(t.exit_ms, at(21) + 15'000);  // the bar's second mark
    EXPECT_EQ(t.exit_price, "96.99"_d);
    EXPECT_EQ(t.last_stop, "98.01"_d);
}

TEST(backtest_intrabar, optimistic_meets_the_extreme_in_favour_of_a_long_first) {
    const auto t = one_trade("BUY", intrabar::optimistic);
    // 103.00 first trails the stop to 102.49; 97.00 then fills it at the gap: 96.99.
    EXPECT_EQ(t.exit_reason, "trailing_stop");
    EXPECT_EQ(t.exit_ms, at(21) + 30'000);  // the bar's third mark
    EXPECT_EQ(t.last_stop, "102.49"_d);
    EXPECT_EQ(t.exit_price, "96.99"_d);
}

TEST(backtest_intrabar, worst_case_meets_the_high_first_against_a_short) {
    const auto t = one_trade("SELL", intrabar::worst);
    // Short at the bid 99.99, stop 2 % above: 101.9898 -> 101.99; 103.00 fires it, filled at the
    // ask 103.01.
    EXPECT_EQ(t.side, core::position_side::short_);
    EXPECT_EQ(t.entry_price, "99.99"_d);
    EXPECT_EQ(t.exit_reason, "stop_loss");
    EXPECT_EQ(t.exit_ms, at(21) + 15'000);
    EXPECT_EQ(t.exit_price, "103.01"_d);
}

TEST(backtest_intrabar, ohlc_goes_to_the_high_first_whatever_the_position) {
    const auto long_trade = one_trade("BUY", intrabar::ohlc);
    EXPECT_EQ(long_trade.exit_reason, "trailing_stop");
    const auto short_trade = one_trade("SELL", intrabar::ohlc);
    EXPECT_EQ(short_trade.exit_reason, "stop_loss");
    EXPECT_EQ(short_trade.exit_ms, at(21) + 15'000);
}

TEST(backtest_marks, mark_price_klines_are_the_path_and_klines_only_give_volume) {
    // The klines stay at 100.00; the mark-price klines fall to 97.00 at 00:23: the stop (98.01)
    // fires on the mark and fills at 96.99. Without the marks nothing but the end closes it.
    const auto klines = flat_then(-60, 30, {});
    const auto marks = flat_then(-60, 23, {make_bar(23, "100.00", "100.00", "97.00", "97.00"),
                                           make_bar(24, "97.00", "97.00", "97.00", "97.00")});
    const auto signals = signals_from("1,2025-01-01T00:00:00Z,binance,TESTUSDT,BUY,50,50\n", klines);
    run_options o;
    o.marks = &marks;
    const auto with_marks = run(config::settings{}, klines, signals, o);
    ASSERT_EQ(with_marks.trades.size(), 1U);
    EXPECT_EQ(with_marks.trades.front().exit_reason, "stop_loss");
    EXPECT_EQ(with_marks.trades.front().exit_price, "96.99"_d);
    const auto without = run(config::settings{}, klines, signals, run_options{});
    ASSERT_EQ(without.trades.size(), 1U);
    EXPECT_EQ(without.trades.front().exit_reason, "backtest_end");
}

}  // namespace
}  // namespace tradebot::backtest::test
