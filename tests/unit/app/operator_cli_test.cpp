// The operator's commands on the command line, and the control endpoint's token check.
#include <gtest/gtest.h>

#include "tradebot/app/cli.hpp"
#include "tradebot/control/server.hpp"

using namespace tradebot::app;

namespace {
cli_result parse_args(std::vector<std::string> args) { return parse_command_line(args); }
}  // namespace

TEST(operator_cli, close_takes_a_symbol_or_all) {
    auto r = parse_args({"close", "BTCUSDT", "--yes", "--exchange", "bybit"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_EQ(r.value->cmd, command::close);
    EXPECT_EQ(r.value->op.symbol, "BTCUSDT");
    EXPECT_EQ(r.value->op.exchange, "bybit");
    EXPECT_TRUE(r.value->op.yes);
    EXPECT_FALSE(r.value->op.all);

    r = parse_args({"close", "--all", "-y", "--json"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_TRUE(r.value->op.all);
    EXPECT_TRUE(r.value->json);
    EXPECT_FALSE(r.value->op.symbol.has_value());

    EXPECT_EQ(parse_args({"close"}).error, "close takes a SYMBOL or --all (not both)");
    EXPECT_EQ(parse_args({"close", "BTCUSDT", "--all"}).error, "close takes a SYMBOL or --all (not both)");
    EXPECT_EQ(parse_args({"close", "BTCUSDT", "ETHUSDT"}).error, "unexpected argument 'ETHUSDT'");
    EXPECT_EQ(parse_args({"close", "--all", "--exchange", "kraken"}).error,
              "--exchange must be 'binance' or 'bybit', not 'kraken'");
}

TEST(operator_cli, the_other_commands_and_their_flags) {
    EXPECT_EQ(parse_args({"protect"}).value->cmd, command::protect);
    const auto sync = parse_args({"sync", "--apply"});
    ASSERT_TRUE(sync.value);
    EXPECT_EQ(sync.value->cmd, command::sync);
    EXPECT_TRUE(sync.value->op.apply);
    EXPECT_FALSE(parse_args({"sync"}).value->op.apply);
    const auto zombies = parse_args({"orders", "zombies", "--clean"});
    ASSERT_TRUE(zombies.value);
    EXPECT_EQ(zombies.value->cmd, command::orders_zombies);
    EXPECT_TRUE(zombies.value->op.clean);
    const auto duplicates = parse_args({"orders", "duplicates", "--cancel"});
    ASSERT_TRUE(duplicates.value);
    EXPECT_EQ(duplicates.value->cmd, command::orders_duplicates);
    EXPECT_TRUE(duplicates.value->op.cancel);
    const auto cleanup = parse_args({"cleanup", "--older-than", "7"});
    ASSERT_TRUE(cleanup.value);
    EXPECT_EQ(cleanup.value->cmd, command::cleanup);
    EXPECT_EQ(cleanup.value->op.older_than_days, 7);
    EXPECT_EQ(parse_args({"cleanup", "--older-than", "0"}).error, "--older-than must be at least 1 (days)");
    const auto shutdown = parse_args({"shutdown", "--timeout", "5"});
    ASSERT_TRUE(shutdown.value);
    EXPECT_EQ(shutdown.value->cmd, command::shutdown);
    EXPECT_EQ(shutdown.value->op.timeout_seconds, 5);
    EXPECT_EQ(parse_args({"protect", "now"}).error, "unknown command 'protect now'");
    EXPECT_EQ(parse_args({"orders", "frobnicate"}).error, "unknown command 'orders frobnicate'");
}

TEST(operator_cli, help_names_every_operator_command_and_the_exit_codes) {
    const auto text = usage_text();
    for (const char* s : {"close SYMBOL | --all", "protect", "sync [--apply]", "orders zombies [--clean]",
                          "orders duplicates [--cancel]", "cleanup [--older-than DAYS]", "shutdown [--timeout S]",
                          "--yes", "3 not confirmed", "control.token"}) {
        EXPECT_NE(text.find(s), std::string::npos) << s;
    }
}

TEST(control_token, only_the_exact_bearer_token_passes) {
    using tradebot::control::authorized;
    EXPECT_TRUE(authorized("Bearer s3cret", "s3cret"));
    EXPECT_FALSE(authorized("Bearer s3cre", "s3cret"));
    EXPECT_FALSE(authorized("Bearer s3cretX", "s3cret"));
    EXPECT_FALSE(authorized("Bearer S3cret", "s3cret"));
    EXPECT_FALSE(authorized("Basic s3cret", "s3cret"));
    EXPECT_FALSE(authorized("s3cret", "s3cret"));
    EXPECT_FALSE(authorized("", "s3cret"));
    // An empty token refuses everything, even an empty bearer.
    EXPECT_FALSE(authorized("Bearer ", ""));
}
