#include "tradebot/signals/wave_schedule.hpp"

#include <gtest/gtest.h>

#include "unit/signals/signals_test_support.hpp"

namespace tradebot::signals {
namespace {

using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using test::utc;

wave_schedule defaults() {
    return wave_schedule{wave_schedule::from_settings(config::signals_settings{})};
}

TEST(wave_schedule, defaults_come_from_the_settings) {
    const auto o = wave_schedule::from_settings(config::signals_settings{});
    EXPECT_EQ(o.wave_minutes, (std::vector<int>{5, 20, 35, 50}));
    EXPECT_EQ(o.check_duration, seconds{240});
    EXPECT_EQ(o.max_wave_age, minutes{120});
    EXPECT_FALSE(o.immediate);
}

TEST(wave_schedule, each_default_wave_trades_the_candle_that_closed_last) {
    // original-bot.md §2.3: :05 -> :45 of the previous hour, :20 -> :00, :35 -> :15, :50 -> :30.
    EXPECT_EQ(wave_schedule::candle_for_wave(utc(1, 5)), utc(0, 45));
    EXPECT_EQ(wave_schedule::candle_for_wave(utc(1, 20)), utc(1, 0));
    EXPECT_EQ(wave_schedule::candle_for_wave(utc(1, 35)), utc(1, 15));
    EXPECT_EQ(wave_schedule::candle_for_wave(utc(1, 50)), utc(1, 30));
    // Midnight: the 00:05 wave trades yesterday's 23:45 candle.
    EXPECT_EQ(wave_schedule::candle_for_wave(utc(0, 5)), utc(-1, 45));
}

TEST(wave_schedule, a_wave_on_a_quarter_trades_the_candle_that_just_closed) {
    // The one documented difference from the original's minute ranges (0-15 -> :45).
    EXPECT_EQ(wave_schedule::candle_for_wave(utc(1, 15)), utc(1, 0));
    EXPECT_EQ(wave_schedule::candle_for_wave(utc(1, 0)), utc(0, 45));
    EXPECT_EQ(wave_schedule::candle_open(utc(1, 14, 59)), utc(1, 0));
}

TEST(wave_schedule, next_wave_is_strictly_after_now) {
    const auto s = defaults();
    EXPECT_EQ(s.next_wave(utc(0, 4, 59))->at, utc(0, 5));
    EXPECT_EQ(s.next_wave(utc(0, 5))->at, utc(0, 20));
    EXPECT_EQ(s.next_wave(utc(0, 50, 1))->at, utc(1, 5));
    const auto w = *s.next_wave(utc(0, 30));
    EXPECT_EQ(w, (wave{.at = utc(0, 35), .candle_open = utc(0, 15), .window_end = utc(0, 39)}));
}

TEST(wave_schedule, current_wave_covers_exactly_the_detection_window) {
    const auto s = defaults();
    EXPECT_FALSE(s.current_wave(utc(0, 5) - nanoseconds{1}).has_value());
    ASSERT_TRUE(s.current_wave(utc(0, 5)).has_value());
    EXPECT_EQ(*s.current_wave(utc(0, 5)), (wave{.at = utc(0, 5), .candle_open = utc(-1, 45), .window_end = utc(0, 9)}));
    EXPECT_EQ(s.current_wave(utc(0, 9) - nanoseconds{1})->at, utc(0, 5));
    EXPECT_FALSE(s.current_wave(utc(0, 9)).has_value());
}

TEST(wave_schedule, latest_wave_reaches_into_the_previous_hour) {
    const auto s = defaults();
    EXPECT_EQ(s.latest_wave(utc(0, 2))->at, utc(-1, 50));
    EXPECT_EQ(s.latest_wave(utc(0, 2))->candle_open, utc(-1, 30));
    EXPECT_EQ(s.latest_wave(utc(0, 20))->at, utc(0, 20));
}

TEST(wave_schedule, a_restart_after_the_window_catches_up_on_the_latest_wave) {
    // §11 #57: the original slept to the next wave although the current one was unprocessed.
    const auto s = defaults();
    const auto w = s.catch_up_wave(utc(0, 12));
    ASSERT_TRUE(w.has_value());
    EXPECT_EQ(w->at, utc(0, 5));
    EXPECT_EQ(w->candle_open, utc(-1, 45));
    EXPECT_FALSE(s.current_wave(utc(0, 12)).has_value());
}

TEST(wave_schedule, max_wave_age_is_inclusive) {
    const auto s = defaults();
    EXPECT_FALSE(s.too_old(utc(0, 0), utc(2, 0)));
    EXPECT_TRUE(s.too_old(utc(0, 0), utc(2, 0) + nanoseconds{1}));

    const wave_schedule tight{
        {.wave_minutes = {5}, .check_duration = seconds{240}, .max_wave_age = minutes{25}, .immediate = false}};
    // At 00:10 the 00:05 wave's candle (23:45) is exactly 25 minutes old; at 00:10:01 it is not tradable.
    EXPECT_EQ(tight.catch_up_wave(utc(0, 10))->at, utc(0, 5));
    EXPECT_FALSE(tight.catch_up_wave(utc(0, 10, 1)).has_value());
}

TEST(wave_schedule, immediate_mode_has_no_waves_but_keeps_the_age_check) {
    auto o = wave_schedule::from_settings(config::signals_settings{}, true);
    const wave_schedule s{o};
    EXPECT_TRUE(s.immediate());
    EXPECT_FALSE(s.current_wave(utc(0, 5)).has_value());
    EXPECT_FALSE(s.next_wave(utc(0, 5)).has_value());
    EXPECT_FALSE(s.latest_wave(utc(0, 5)).has_value());
    EXPECT_FALSE(s.catch_up_wave(utc(0, 5)).has_value());
    EXPECT_TRUE(s.too_old(utc(0, 0), utc(2, 1)));
}

TEST(wave_schedule, minutes_are_sorted_and_out_of_range_values_ignored) {
    const wave_schedule s{
        {.wave_minutes = {50, 5, 5, 70, -1},
         .check_duration = seconds{60},
         .max_wave_age = minutes{120},
         .immediate = false}};
    EXPECT_EQ(s.wave_minutes(), (std::vector<int>{5, 50}));
    EXPECT_EQ(s.next_wave(utc(0, 6))->at, utc(0, 50));
    EXPECT_EQ(s.next_wave(utc(0, 6))->window_end, utc(0, 51));
}

}  // namespace
}  // namespace tradebot::signals
