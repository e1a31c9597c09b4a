#include "tradebot/core/clock.hpp"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace tradebot::core {
namespace {

using std::chrono::milliseconds;

TEST(time_from_ms, converts_every_millisecond_a_time_point_can_hold) {
    EXPECT_EQ(time_from_ms(0), clock::time_point{});
    EXPECT_EQ(time_from_ms(1'767'225'600'000), clock::time_point{milliseconds{1'767'225'600'000}});
    EXPECT_EQ(time_from_ms(-1), clock::time_point{milliseconds{-1}});
    // int64 nanoseconds end at 9'223'372'036'854'775'807: 2262-04-11.
    EXPECT_EQ(time_from_ms(9'223'372'036'854)->time_since_epoch().count(), 9'223'372'036'854'000'000);
    EXPECT_EQ(time_from_ms(-9'223'372'036'854)->time_since_epoch().count(), -9'223'372'036'854'000'000);
}

TEST(time_from_ms, refuses_what_would_overflow_instead_of_wrapping) {
    EXPECT_FALSE(time_from_ms(9'223'372'036'855));
    EXPECT_FALSE(time_from_ms(-9'223'372'036'855));
    // The one-byte mutation of a Binance frame that UBSan caught in the fast decode path.
    EXPECT_FALSE(time_from_ms(11'562'305'380'000));
    EXPECT_FALSE(time_from_ms(std::numeric_limits<std::int64_t>::max()));
    EXPECT_FALSE(time_from_ms(std::numeric_limits<std::int64_t>::min()));
}

}  // namespace
}  // namespace tradebot::core
