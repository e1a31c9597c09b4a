#include "tradebot/app/cli.hpp"

#include <gtest/gtest.h>

using namespace tradebot::app;
using tradebot::core::mode;

namespace {
cli_result parse(std::vector<std::string> args) { return parse_command_line(args); }
}  // namespace

TEST(cli, default_is_run_with_config_mode) {
    const auto r = parse({});
    ASSERT_TRUE(r.value) << r.error;
    EXPECT_EQ(r.value->cmd, command::run);
    EXPECT_FALSE(r.value->mode.has_value());
    EXPECT_EQ(r.value->config_dir, "config");
}

TEST(cli, mode_and_config_in_both_forms) {
    for (auto args : {std::vector<std::string>{"--mode", "test", "--config", "/etc/tradebot"},
                      std::vector<std::string>{"run", "--mode=test", "--config=/etc/tradebot"}}) {
        const auto r = parse(args);
        ASSERT_TRUE(r.value) << r.error;
        EXPECT_EQ(r.value->cmd, command::run);
        EXPECT_EQ(r.value->mode, mode::test);
        EXPECT_EQ(r.value->config_dir, "/etc/tradebot");
    }
    EXPECT_EQ(parse({"--mode", "production"}).value->mode, mode::production);
}

TEST(cli, subcommands) {
    EXPECT_EQ(parse({"check"}).value->cmd, command::check);
    EXPECT_TRUE(parse({"check", "--json"}).value->json);
    EXPECT_EQ(parse({"db", "migrate"}).value->cmd, command::db_migrate);
    EXPECT_EQ(parse({"--check-instances"}).value->cmd, command::check_instances);
    EXPECT_EQ(parse({"--help"}).value->cmd, command::help);
    EXPECT_EQ(parse({"-h"}).value->cmd, command::help);
    EXPECT_EQ(parse({"--version"}).value->cmd, command::version);
}

TEST(cli, errors_are_reported_not_thrown) {
    EXPECT_EQ(parse({"--mode", "paper"}).error, "--mode must be 'production' or 'test', not 'paper'");
    EXPECT_EQ(parse({"frobnicate"}).error, "unknown command 'frobnicate'");
    EXPECT_EQ(parse({"db", "drop"}).error, "unknown command 'db drop'");
    EXPECT_FALSE(parse({"--no-such-flag"}).value.has_value());
    EXPECT_FALSE(parse({"--mode"}).value.has_value());
    EXPECT_EQ(parse({"--version", "extra"}).error, "unexpected argument 'extra'");
}

TEST(cli, help_lists_only_what_exists) {
    const auto text = usage_text();
    for (const char* s : {"run", "check", "db migrate", "--check-instances", "--mode", "--config", "SIGTERM"}) {
        EXPECT_NE(text.find(s), std::string::npos) << s;
    }
}
