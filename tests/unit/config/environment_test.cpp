#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.hpp"

namespace tradebot::config {
namespace {

using core::decimal;
using test::load_main;
using test::messages;
using testing::ElementsAre;

class config_environment : public testing::Test {
protected:
    [[nodiscard]] std::string main_file() const { return (dir_.path() / "tradebot.yaml").string(); }
    tradebot::test::temp_dir dir_;
};

TEST_F(config_environment, variables_expand_with_and_without_defaults) {
    const auto r = load_main(dir_,
                             "database:\n"
                             "  host: ${DB_HOST}\n"
                             "  user: ${DB_USER:-tradebot}\n"
                             "  name: ${DB_NAME:-fallback}\n"
                             "  password: pre-${DB_PASSWORD:-}-post\n"
                             "  url: \"$${NOT_EXPANDED} $HOME\"\n",
                             {{"DB_HOST", "db.internal"}, {"DB_NAME", ""}});
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    EXPECT_EQ(r.value->database.host, "db.internal");
    EXPECT_EQ(r.value->database.user, "tradebot");
    EXPECT_EQ(r.value->database.name, "fallback");  // set but empty counts as unset for :-
    EXPECT_EQ(r.value->database.password, "pre--post");
    EXPECT_EQ(r.value->database.url, "${NOT_EXPANDED} $HOME");
}

TEST_F(config_environment, expansion_feeds_typed_values_and_lists) {
    const auto r = load_main(dir_,
                             "trading:\n"
                             "  position_size_usd: ${SIZE}\n"
                             "signals:\n"
                             "  wave_minutes: ${WAVES:-1,16,31,46}\n"
                             "  filters:\n"
                             "    stop_list: [\"${BAD_SYMBOL}\", ETHUSDT]\n",
                             {{"SIZE", "12.50"}, {"BAD_SYMBOL", "btc/usdt"}});
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    EXPECT_EQ(r.value->trading.position_size_usd, decimal::from_string("12.5"));
    EXPECT_EQ(r.value->trading.position_size_usd.to_string(), "12.50");
    EXPECT_EQ(r.value->signals.wave_minutes, (std::vector<int>{1, 16, 31, 46}));
    EXPECT_EQ(r.value->signals.filters.stop_list,
              (std::vector{core::symbol::from_string("BTCUSDT"), core::symbol::from_string("ETHUSDT")}));
}

TEST_F(config_environment, an_unset_variable_without_default_is_an_error) {
    const auto r = load_main(dir_, "exchanges:\n  binance:\n    api_key: ${BINANCE_API_KEY}\n");
    EXPECT_THAT(messages(r), ElementsAre(main_file() + ":3:5: exchanges.binance.api_key: environment variable "
                                                       "BINANCE_API_KEY is not set (write ${BINANCE_API_KEY:-} to "
                                                       "allow an empty value)"));
}

TEST_F(config_environment, malformed_references_are_errors) {
    const auto r = load_main(dir_, "database:\n  host: ${DB_HOST\n  user: ${1X}\n");
    EXPECT_THAT(messages(r),
                ElementsAre(main_file() + ":2:3: database.host: unterminated '${'",
                            main_file() + ":3:3: database.user: invalid variable name '1X'"));
}

TEST_F(config_environment, precedence_is_defaults_then_files_then_environment) {
    const auto yaml = "trading:\n  position_size_usd: 100\n  leverage: 4\n";
    const auto from_file = load_main(dir_, yaml);
    ASSERT_TRUE(from_file.value.has_value());
    EXPECT_EQ(from_file.value->trading.position_size_usd, decimal::from_int(100));
    EXPECT_EQ(from_file.value->trading.leverage, 4);
    EXPECT_EQ(from_file.value->trading.max_leverage, 10);  // default kept

    const auto overridden = load_main(dir_, yaml,
                                      {{"TRADEBOT_TRADING_POSITION_SIZE_USD", "50.5"},
                                       {"TRADEBOT_PROTECTION_TRAILING_ACTIVATION_PERCENT", "2.25"},
                                       {"TRADEBOT_SIGNALS_WAVE_MINUTES", "0, 30"},
                                       {"TRADEBOT_LOGGING_MODULES", "exchange=debug, db=warn"},
                                       {"TRADEBOT_EXCHANGES_BYBIT_LEVERAGE", "3"},
                                       {"TRADEBOT_TEST_PG_URL", "ignored: not a config section"}});
    ASSERT_TRUE(overridden.value.has_value()) << messages(overridden).front();
    const auto& s = *overridden.value;
    EXPECT_EQ(s.trading.position_size_usd, decimal::from_string("50.5"));
    EXPECT_EQ(s.trading.leverage, 4);
    EXPECT_EQ(s.protection.trailing.activation_percent, decimal::from_string("2.25"));
    EXPECT_EQ(s.signals.wave_minutes, (std::vector<int>{0, 30}));
    EXPECT_EQ(s.logging.modules, (std::map<std::string, log_level>{{"db", log_level::warn},
                                                                   {"exchange", log_level::debug}}));
    EXPECT_EQ(s.exchanges.bybit.leverage, 3);
}

TEST_F(config_environment, environment_errors_name_the_variable) {
    const auto r = load_main(dir_, "app:\n  threads: 1\n",
                             {{"TRADEBOT_TRADING_LEVERAGE", "ten"}, {"TRADEBOT_TRADING_POSTION_SIZE_USD", "5"}});
    EXPECT_THAT(messages(r),
                ElementsAre("environment:TRADEBOT_TRADING_POSTION_SIZE_USD: unknown configuration variable "
                            "TRADEBOT_TRADING_POSTION_SIZE_USD, did you mean TRADEBOT_TRADING_POSITION_SIZE_USD?",
                            "environment:TRADEBOT_TRADING_LEVERAGE: trading.leverage: expected an integer, got 'ten'"));
}

TEST_F(config_environment, dotenv_file_supplies_variables_but_never_overrides_the_environment) {
    tradebot::test::write_file(dir_.path() / ".env",
                               "# comment\n"
                               "export DB_HOST=from-dotenv\n"
                               "DB_USER=\"quoted user\" \n"
                               "DB_NAME='single # not a comment'\n"
                               "DB_PASSWORD=plain # trailing comment\n"
                               "TRADEBOT_HTTP_PORT=9090\n"
                               "TRADEBOT_APP_THREADS=3\n");
    const auto r = load_main(dir_,
                             "database:\n"
                             "  host: ${DB_HOST}\n"
                             "  user: ${DB_USER}\n"
                             "  name: ${DB_NAME}\n"
                             "  password: ${DB_PASSWORD}\n",
                             {{"DB_HOST", "from-env"}, {"TRADEBOT_APP_THREADS", "2"}});
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    EXPECT_EQ(r.value->database.host, "from-env");
    EXPECT_EQ(r.value->database.user, "quoted user");
    EXPECT_EQ(r.value->database.name, "single # not a comment");
    EXPECT_EQ(r.value->database.password, "plain");
    EXPECT_EQ(r.value->http.port, 9090);
    EXPECT_EQ(r.value->app.threads, 2);
}

TEST_F(config_environment, dotenv_errors_point_at_the_dotenv_line) {
    const auto dotenv = (dir_.path() / ".env").string();
    tradebot::test::write_file(dir_.path() / ".env", "GOOD=1\nthis is not an assignment\nTRADEBOT_HTTP_PORT=70000\n");
    const auto r = load_main(dir_, "app:\n  threads: 1\n");
    EXPECT_THAT(messages(r), ElementsAre(dotenv + ":2:1: expected KEY=VALUE, got 'this is not an assignment'",
                                         dotenv + ":3:1: http.port: must be between 1 and 65535, got 70000"));
}

TEST_F(config_environment, endpoint_choice_fills_urls_unless_given) {
    const auto r = load_main(dir_,
                             "exchanges:\n"
                             "  binance:\n"
                             "    endpoint: testnet\n"
                             "  bybit:\n"
                             "    endpoint: sim\n"
                             "    rest_url: https://sim.local:1234\n");
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    const auto& s = *r.value;
    EXPECT_EQ(s.exchanges.binance.rest_url, "https://demo-fapi.binance.com");
    EXPECT_EQ(s.exchanges.binance.ws_private_url, "wss://fstream.binancefuture.com/private");
    EXPECT_EQ(s.exchanges.bybit.rest_url, "https://sim.local:1234");
    EXPECT_EQ(s.exchanges.bybit.ws_public_url, "wss://127.0.0.1:9444/v5/public/linear");
}

TEST(config_process_environment, reads_environ) {
    ::setenv("TRADEBOT_CONFIG_TEST_PROBE", "a=b", 1);
    const auto env = process_environment();
    ASSERT_TRUE(env.contains("TRADEBOT_CONFIG_TEST_PROBE"));
    EXPECT_EQ(env.at("TRADEBOT_CONFIG_TEST_PROBE"), "a=b");
    ::unsetenv("TRADEBOT_CONFIG_TEST_PROBE");
}

}  // namespace
}  // namespace tradebot::config
