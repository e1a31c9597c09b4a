// The operator's read-only commands on the command line: their words, flags and refusals.
#include <gtest/gtest.h>

#include "tradebot/app/cli.hpp"

using namespace tradebot::app;

namespace {
cli_result parse_read(std::vector<std::string> args) {
    return parse_command_line(args);
}
}  // namespace

TEST(read_cli, positions_and_its_flags) {
    auto r = parse_read({"positions", "--exchange", "bybit", "--age", "--all", "--json", "--since", "7d"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_EQ(r.value->cmd, command::positions);
    EXPECT_EQ(r.value->op.exchange, "bybit");
    EXPECT_TRUE(r.value->op.age);
    EXPECT_TRUE(r.value->op.all);
    EXPECT_TRUE(r.value->json);
    EXPECT_EQ(r.value->op.since, "7d");
    r = parse_read({"positions"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_FALSE(r.value->op.age);
    EXPECT_FALSE(r.value->op.all);
    EXPECT_FALSE(r.value->op.exchange.has_value());
    EXPECT_EQ(parse_read({"positions", "BTCUSDT"}).error, "unknown command 'positions BTCUSDT'");
    EXPECT_EQ(
        parse_read({"positions", "--exchange", "kraken"}).error, "--exchange must be 'binance' or 'bybit', not 'kraken'"
    );
}

TEST(read_cli, orders_lists_and_keeps_its_mutating_subcommands) {
    auto r = parse_read({"orders", "--open", "--position", "42", "--exchange", "binance"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_EQ(r.value->cmd, command::orders);
    EXPECT_TRUE(r.value->op.open);
    EXPECT_EQ(r.value->op.position_id, 42);
    EXPECT_EQ(r.value->op.exchange, "binance");
    EXPECT_FALSE(parse_read({"orders"}).value->op.open);
    EXPECT_EQ(parse_read({"orders", "zombies"}).value->cmd, command::orders_zombies);
    EXPECT_EQ(parse_read({"orders", "duplicates"}).value->cmd, command::orders_duplicates);
    EXPECT_FALSE(parse_read({"orders", "--position", "x"}).value.has_value());
}

TEST(read_cli, signals_subcommands_default_to_check) {
    EXPECT_EQ(parse_read({"signals"}).value->cmd, command::signals_check);
    EXPECT_EQ(parse_read({"signals", "check"}).value->cmd, command::signals_check);
    EXPECT_EQ(parse_read({"signals", "waves", "--json"}).value->cmd, command::signals_waves);
    auto r = parse_read({"signals", "query", "--since", "2026-01-31T12:00", "--status", "skipped"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_EQ(r.value->cmd, command::signals_query);
    EXPECT_EQ(r.value->op.since, "2026-01-31T12:00");
    EXPECT_EQ(r.value->op.status, "skipped");
    for (const char* ok : {"30m", "24h", "7d", "2026-01-31", "2026-01-31 12:00:05", "2026-01-31T12:00Z"}) {
        EXPECT_TRUE(parse_read({"signals", "query", "--since", ok}).value.has_value()) << ok;
    }
    EXPECT_EQ(
        parse_read({"signals", "query", "--since", "yesterday"}).error,
        "--since must be like 30m, 24h, 7d or 2026-01-31[T12:00], not 'yesterday'"
    );
    EXPECT_EQ(
        parse_read({"signals", "query", "--since", "1h; DROP TABLE signals"}).error,
        "--since must be like 30m, 24h, 7d or 2026-01-31[T12:00], not '1h; DROP TABLE signals'"
    );
    EXPECT_EQ(
        parse_read({"signals", "query", "--status", "maybe"}).error,
        "--status must be new, taken, skipped, rejected, failed or expired, not 'maybe'"
    );
    EXPECT_EQ(parse_read({"signals", "explain"}).error, "unknown command 'signals explain'");
    EXPECT_EQ(parse_read({"signals", "check", "now"}).error, "unknown command 'signals check now'");
}

TEST(read_cli, status_takes_no_argument) {
    EXPECT_EQ(parse_read({"status", "--json"}).value->cmd, command::status);
    EXPECT_EQ(parse_read({"status", "now"}).error, "unknown command 'status now'");
}

TEST(read_cli, the_help_names_every_read_command_and_its_exit_codes) {
    const auto help = usage_text();
    for (const char* line :
         {"tradebot positions [",
          "tradebot orders [--open]",
          "tradebot signals [check|query|waves]",
          "tradebot status ["}) {
        EXPECT_NE(help.find(line), std::string::npos) << line;
    }
    EXPECT_NE(help.find("5 positions: a row disagrees with its venue"), std::string::npos);
}

TEST(read_cli, diagnose_takes_json_and_no_further_word) {
    auto r = parse_read({"diagnose", "--json"});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_EQ(r.value->cmd, command::diagnose);
    EXPECT_TRUE(r.value->json);
    EXPECT_FALSE(parse_read({"diagnose", "now"}).value.has_value());
}
