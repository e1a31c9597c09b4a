#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.hpp"

namespace tradebot::config {
namespace {

using test::load_main;
using test::messages;
using testing::ElementsAre;

class config_errors : public testing::Test {
protected:
    [[nodiscard]] std::string main_file() const { return (dir_.path() / "tradebot.yaml").string(); }
    tradebot::test::temp_dir dir_;
};

TEST_F(config_errors, bad_type_names_file_line_column_and_key) {
    const auto r = load_main(dir_,
                             "app:\n"
                             "  mode: test\n"
                             "trading:\n"
                             "  position_size_usd: abc\n");
    EXPECT_FALSE(r.value.has_value());
    EXPECT_THAT(messages(r),
                ElementsAre(main_file() + ":4:3: trading.position_size_usd: expected a decimal number, got 'abc'"));
    ASSERT_EQ(r.errors.size(), 1U);
    EXPECT_EQ(r.errors[0].line, 4);
    EXPECT_EQ(r.errors[0].column, 3);
    EXPECT_EQ(r.errors[0].key_path, "trading.position_size_usd");
}

TEST_F(config_errors, unknown_key_suggests_the_closest_known_key) {
    const auto r = load_main(dir_,
                             "trading:\n"
                             "  leverage: 5\n"
                             "  postion_size_usd: 100\n");
    EXPECT_THAT(messages(r), ElementsAre(main_file() +
                                         ":3:3: trading.postion_size_usd: unknown key 'trading.postion_size_usd', "
                                         "did you mean 'trading.position_size_usd'?"));
}

TEST_F(config_errors, unknown_section_without_a_close_match_has_no_suggestion) {
    const auto r = load_main(dir_, "telemetry:\n  x: 1\n");
    EXPECT_THAT(messages(r), ElementsAre(main_file() + ":1:1: telemetry: unknown key 'telemetry'"));
}

TEST_F(config_errors, missing_main_file_names_the_path) {
    const auto r = load(dir_.path(), {});
    EXPECT_FALSE(r.value.has_value());
    EXPECT_THAT(messages(r), ElementsAre(main_file() + ": file not found (tradebot.yaml is required)"));
}

TEST_F(config_errors, optional_files_may_be_missing) {
    const auto r = load_main(dir_, "app:\n  threads: 2\n");
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    EXPECT_EQ(r.value->app.threads, 2);
}

TEST_F(config_errors, out_of_range_values_are_reported) {
    const auto r = load_main(dir_,
                             "trading:\n"
                             "  leverage: 200\n"
                             "  commission_percent: -1\n"
                             "http:\n"
                             "  port: 0\n"
                             "signals:\n"
                             "  wave_minutes:\n"
                             "    - 5\n"
                             "    - 60\n"
                             "protection:\n"
                             "  stop_loss:\n"
                             "    percent: 0\n");
    EXPECT_THAT(messages(r),
                ElementsAre(main_file() + ":5:3: http.port: must be between 1 and 65535, got 0",
                            main_file() + ":9:7: signals.wave_minutes: must be between 0 and 59, got 60",
                            main_file() + ":2:3: trading.leverage: must be between 1 and 125, got 200",
                            main_file() + ":3:3: trading.commission_percent: must be at least 0 and at most 100, got -1",
                            main_file() + ":12:5: protection.stop_loss.percent: must be greater than 0 and at most 100, got 0"));
}

TEST_F(config_errors, every_error_is_reported_not_just_the_first) {
    const auto r = load_main(dir_,
                             "app:\n"
                             "  mode: live\n"
                             "  threads: many\n"
                             "  single_instance: maybe\n"
                             "logging:\n"
                             "  modules: {exchange: loud, nosuch: debug}\n");
    EXPECT_THAT(messages(r),
                ElementsAre(main_file() + ":2:3: app.mode: expected one of production, test, got 'live'",
                            main_file() + ":3:3: app.threads: expected an integer, got 'many'",
                            main_file() + ":4:3: app.single_instance: expected true or false, got 'maybe'",
                            main_file() + ":6:13: logging.modules.exchange: expected one of trace, debug, info, warn, "
                                          "error, critical, off, got 'loud'",
                            main_file() + ":6:29: logging.modules.nosuch: unknown module 'nosuch' (known: app, "
                                          "backtest, config, core, db, events, exchange, logging, market, "
                                          "monitoring, net, protection, signals, sim, trading)"));
}

TEST_F(config_errors, shape_mismatches_are_reported) {
    const auto r = load_main(dir_,
                             "trading:\n"
                             "  leverage: [1, 2]\n"
                             "signals:\n"
                             "  wave_minutes: {a: 1}\n"
                             "risk: 5\n");
    EXPECT_THAT(messages(r), ElementsAre(main_file() + ":5:1: risk: expected a mapping of keys",
                                         main_file() + ":4:3: signals.wave_minutes: expected a list, got a mapping",
                                         main_file() + ":2:3: trading.leverage: expected an integer, got a list"));
}

TEST_F(config_errors, yaml_syntax_error_has_a_position) {
    const auto r = load_main(dir_, "app:\n  threads: [1,\n");
    ASSERT_EQ(r.errors.size(), 1U);
    EXPECT_EQ(r.errors[0].file, main_file());
    EXPECT_GT(r.errors[0].line, 0);
    EXPECT_THAT(r.errors[0].message, testing::StartsWith("invalid YAML: "));
}

TEST_F(config_errors, a_key_set_in_two_files_is_an_error) {
    tradebot::test::write_file(dir_.path() / "strategies.yaml", "\ntrading:\n  leverage: 3\n");
    const auto r = load_main(dir_, "trading:\n  leverage: 5\n");
    EXPECT_THAT(messages(r), ElementsAre((dir_.path() / "strategies.yaml").string() +
                                         ":3:3: trading.leverage: duplicate key, already set at " + main_file() +
                                         ":2"));
}

TEST_F(config_errors, cross_field_rules_point_at_the_offending_key) {
    const auto r = load_main(dir_,
                             "trading:\n"
                             "  leverage: 20\n"
                             "  position_size_usd: 6000\n"
                             "signals:\n"
                             "  wave_minutes: [5, 5]\n");
    EXPECT_THAT(messages(r),
                ElementsAre(main_file() + ":5:3: signals.wave_minutes: must not repeat a minute",
                            main_file() + ":2:3: trading.leverage: must not exceed trading.max_leverage (10), got 20",
                            main_file() + ":3:3: trading.position_size_usd: must be between "
                                          "trading.min_position_size_usd (5) and trading.max_position_size_usd "
                                          "(5000), got 6000"));
}

TEST_F(config_errors, http_header_timeout_must_fit_in_the_request_timeout) {
    const auto r = load_main(
        dir_,
        "http:\n"
        "  request_timeout_ms: 1000\n"
        "  header_timeout_ms: 1500\n"
        "  max_connections_per_client: 0\n"
    );
    EXPECT_THAT(
        messages(r),
        ElementsAre(
            main_file() + ":4:3: http.max_connections_per_client: must be between 1 and 100000, got 0",
            main_file() + ":3:3: http.header_timeout_ms: must not exceed http.request_timeout_ms (1000)"
        )
    );
    const auto ok = load_main(dir_, "http:\n  request_timeout_ms: 1000\n  header_timeout_ms: 1000\n");
    ASSERT_TRUE(ok.value.has_value()) << messages(ok).front();
    EXPECT_EQ(ok.value->http.header_timeout_ms, std::chrono::milliseconds{1000});
}

TEST_F(config_errors, the_lease_renewal_must_fit_twice_into_the_lease) {
    const auto r = load_main(dir_, "ha:\n  lease_duration_ms: 1000\n  renew_interval_ms: 600\n");
    EXPECT_THAT(messages(r),
                ElementsAre(main_file() + ":3:3: ha.renew_interval_ms: must be at most half of ha.lease_duration_ms "
                                          "(1000), so that a missed renewal is retried before the lease runs out"));
    const auto ok = load_main(dir_, "ha:\n  scope: acct_a\n  lease_duration_ms: 1000\n  renew_interval_ms: 500\n");
    ASSERT_TRUE(ok.value.has_value()) << messages(ok).front();
    EXPECT_EQ(ok.value->ha.scope, "acct_a");
    EXPECT_EQ(ok.value->ha.lease_duration_ms, std::chrono::milliseconds{1000});
    EXPECT_EQ(ok.value->ha.renew_interval_ms, std::chrono::milliseconds{500});
}

TEST_F(config_errors, a_venue_native_trailing_callback_must_fit_binance_callback_rate) {
    const auto r = load_main(dir_,
                             "protection:\n"
                             "  trailing:\n"
                             "    callback_percent: 12\n"
                             "    venue_native: true\n");
    EXPECT_THAT(messages(r), ElementsAre(main_file() + ":3:5: protection.trailing.callback_percent: must be between "
                                                       "0.1 and 10 with protection.trailing.venue_native (Binance "
                                                       "callbackRate), got 12"));
    EXPECT_TRUE(messages(load_main(dir_, "protection:\n  trailing:\n    callback_percent: 12\n")).empty());
}

TEST_F(config_errors, a_wrong_value_does_not_cause_a_second_misleading_error) {
    const auto r = load_main(dir_, "trading:\n  leverage: 50\n  max_leverage: x\n");
    EXPECT_THAT(messages(r), ElementsAre(main_file() + ":3:3: trading.max_leverage: expected an integer, got 'x'"));
}

TEST_F(config_errors, production_mode_requires_keys_for_enabled_exchanges) {
    const auto r = load_main(dir_,
                             "app:\n"
                             "  mode: production\n"
                             "exchanges:\n"
                             "  binance:\n"
                             "    api_key: k\n"
                             "    api_secret: s\n"
                             "  bybit:\n"
                             "    enabled: true\n");
    EXPECT_THAT(messages(r), ElementsAre("exchanges.bybit.api_key: required in production mode (set "
                                         "TRADEBOT_EXCHANGES_BYBIT_API_KEY)",
                                         "exchanges.bybit.api_secret: required in production mode (set "
                                         "TRADEBOT_EXCHANGES_BYBIT_API_SECRET)"));
    const auto ok = load_main(dir_, "app:\n  mode: production\nexchanges:\n  binance: {api_key: k, api_secret: s}\n"
                                    "  bybit: {enabled: false}\n");
    EXPECT_TRUE(ok.value.has_value()) << messages(ok).front();
}

TEST_F(config_errors, custom_endpoint_needs_every_url_and_urls_need_a_scheme) {
    const auto r = load_main(dir_,
                             "exchanges:\n"
                             "  binance:\n"
                             "    endpoint: custom\n"
                             "    rest_url: https://127.0.0.1:1\n"
                             "    ws_public_url: http://127.0.0.1:1\n"
                             "    ws_market_url: wss://127.0.0.1:1/market\n");
    EXPECT_THAT(messages(r),
                ElementsAre(main_file() + ":5:5: exchanges.binance.ws_public_url: expected a ws:// or wss:// URL, "
                                          "got 'http://127.0.0.1:1'",
                            "exchanges.binance.ws_private_url: required when endpoint is custom"));
}

TEST_F(config_errors, identifiers_used_in_sql_are_checked) {
    const auto r = load_main(dir_, "database:\n  schema: \"x; DROP TABLE signals\"\n");
    EXPECT_THAT(messages(r), ElementsAre(main_file() + ":2:3: database.schema: expected a lower-case SQL "
                                                       "identifier, got 'x; DROP TABLE signals'"));
}

TEST_F(config_errors, top_level_must_be_a_mapping) {
    const auto r = load_main(dir_, "- a\n- b\n");
    EXPECT_THAT(messages(r), ElementsAre(main_file() + ":1:1: expected a mapping of sections at the top level"));
}

TEST(config_load_error, to_string_omits_unknown_parts) {
    EXPECT_EQ((load_error{"f.yaml", 3, 0, "a.b", "bad"}).to_string(), "f.yaml:3: a.b: bad");
    EXPECT_EQ((load_error{"f.yaml", 0, 0, "", "bad"}).to_string(), "f.yaml: bad");
    EXPECT_EQ((load_error{"", 0, 0, "a.b", "bad"}).to_string(), "a.b: bad");
}

}  // namespace
}  // namespace tradebot::config
