#include "tradebot/signals/signal_window.hpp"

#include <gtest/gtest.h>

#include "signals_test_support.hpp"

namespace tradebot::signals {
namespace {

using namespace std::chrono_literals;
using test::make_signal;
using test::utc;

signal candle_at(time_point candle) { return make_signal(1, core::exchange_id::binance, "BTCUSDT", "80", "80", candle); }

TEST(signal_window, the_current_candle_and_one_within_the_window_are_inside) {
    const signal_window w{120min};
    EXPECT_EQ(w.judge(candle_at(utc(12)), utc(12, 16)).verdict, window_verdict::inside);
    EXPECT_EQ(w.judge(candle_at(utc(10)), utc(12)).verdict, window_verdict::inside);  // exactly at the edge
    // A producer clock a little ahead: the allowance covers it.
    EXPECT_EQ(w.judge(candle_at(utc(12, 15)), utc(12, 14, 30)).verdict, window_verdict::inside);
}

TEST(signal_window, a_candle_ahead_beyond_the_allowance_is_future_and_says_by_how_much) {
    const signal_window w{120min};
    const auto j = w.judge(candle_at(utc(12) + std::chrono::days{3}), utc(12));
    EXPECT_EQ(j.verdict, window_verdict::future);
    EXPECT_EQ(j.message, "candle_time 2026-01-04T12:00:00Z is 4320 min ahead of now 2026-01-01T12:00:00Z");
    EXPECT_EQ(w.judge(candle_at(utc(12, 15)), utc(12, 13, 59)).verdict, window_verdict::future);
}

TEST(signal_window, a_wave_time_ahead_is_future_too) {
    const signal_window w{120min};
    auto s = candle_at(utc(12));
    s.wave_time = utc(13);
    EXPECT_EQ(w.judge(s, utc(12, 16)).verdict, window_verdict::future);
}

TEST(signal_window, a_candle_older_than_the_window_is_too_old) {
    const signal_window w{120min};
    const auto j = w.judge(candle_at(utc(9, 45)), utc(12));
    EXPECT_EQ(j.verdict, window_verdict::too_old);
    EXPECT_EQ(j.message, "candle_time 2026-01-01T09:45:00Z is 135 min old, beyond signals.max_wave_age_minutes (120 min)");
    EXPECT_EQ(w.closes_at(candle_at(utc(9, 45))), utc(11, 45));
}

}  // namespace
}  // namespace tradebot::signals
