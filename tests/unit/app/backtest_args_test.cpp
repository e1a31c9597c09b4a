#include <gtest/gtest.h>

#include "tradebot/app/cli.hpp"

namespace tradebot::app {
namespace {

TEST(backtest_args, everything_after_the_word_goes_to_the_backtest_unparsed) {
    const auto r = parse_command_line({"backtest", "--klines", "k", "--set", "a.b=1", "--config", "c"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_EQ(r.value->cmd, command::backtest);
    EXPECT_EQ(r.value->backtest_args, (std::vector<std::string>{"--klines", "k", "--set", "a.b=1", "--config", "c"}));
}

TEST(backtest_args, the_usage_names_the_command) {
    EXPECT_NE(usage_text().find("  tradebot backtest --klines PATH --signals FILE"), std::string::npos);
    EXPECT_NE(usage_text().find("  tradebot simulate [--paths N]"), std::string::npos);
}

TEST(backtest_args, simulate_takes_everything_after_its_word_too) {
    const auto r = parse_command_line({"simulate", "--paths", "3", "--set", "a.b=1"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_EQ(r.value->cmd, command::simulate);
    EXPECT_EQ(r.value->backtest_args, (std::vector<std::string>{"--paths", "3", "--set", "a.b=1"}));
}

}  // namespace
}  // namespace tradebot::app
