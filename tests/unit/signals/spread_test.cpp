#include "tradebot/signals/spread.hpp"

#include <gtest/gtest.h>

namespace tradebot::signals {
namespace {

using namespace core::literals;

TEST(spread_percent, is_the_distance_over_the_mid_in_percent) {
    EXPECT_EQ(spread_percent("1990"_d, "2010"_d), "1"_d);
    EXPECT_EQ(spread_percent("59999.9"_d, "60000.0"_d), "0.0002"_d);  // one tick of BTC: 0.000167 % -> 4 digits
    EXPECT_EQ(spread_percent("100"_d, "100"_d), "0"_d);
}

TEST(spread_percent, is_unknown_for_a_one_sided_or_crossed_book) {
    EXPECT_FALSE(spread_percent("0"_d, "2010"_d));
    EXPECT_FALSE(spread_percent("2011"_d, "2010"_d));
    EXPECT_FALSE(spread_percent("-1"_d, "2010"_d));
}

}  // namespace
}  // namespace tradebot::signals
