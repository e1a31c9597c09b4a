#include <gtest/gtest.h>

#include "tradebot/trading/position_opener.hpp"
#include "tradebot_test/instrument_rules.hpp"

namespace tradebot::trading {
namespace {

using namespace core::literals;

const auto btc_rules = tradebot::test::rules_for(core::symbol::from_string("BTCUSDT"), "0.10"_d, "0.001"_d);

TEST(ioc_entry_limit, moves_against_the_entry_by_the_slippage_then_rounds_towards_less) {
    // 60000.05 x 1.0015 = 60090.075075: a buy pays at most that, so the grid price below it.
    EXPECT_EQ(ioc_entry_limit(core::side::buy, "60000.05"_d, "0.15"_d, btc_rules), "60090.0"_d);
    // 60000.05 x 0.9985 = 59910.049925: a sell takes at least that, so the grid price above it.
    EXPECT_EQ(ioc_entry_limit(core::side::sell, "60000.05"_d, "0.15"_d, btc_rules), "59910.1"_d);
    // Zero slippage: the reference itself, on the grid the safe way.
    EXPECT_EQ(ioc_entry_limit(core::side::buy, "60000.05"_d, "0"_d, btc_rules), "60000.0"_d);
    EXPECT_EQ(ioc_entry_limit(core::side::sell, "60000.05"_d, "0"_d, btc_rules), "60000.1"_d);
}

TEST(ioc_entry_limit, needs_a_positive_reference_and_result) {
    EXPECT_FALSE(ioc_entry_limit(core::side::buy, "0"_d, "0.15"_d, btc_rules));
    EXPECT_FALSE(ioc_entry_limit(core::side::buy, "60000"_d, "-1"_d, btc_rules));
    EXPECT_FALSE(ioc_entry_limit(core::side::sell, "60000"_d, "100"_d, btc_rules));
}

}  // namespace
}  // namespace tradebot::trading
