#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "tradebot/config/dump.hpp"

namespace tradebot::config {
namespace {

using test::messages;
using testing::HasSubstr;
using testing::Not;

TEST(config_dump, secrets_never_appear) {
    settings s;
    s.exchanges.binance.api_key = "BINANCEKEY123";
    s.exchanges.binance.api_secret = "BINANCESECRET456";
    s.exchanges.bybit.api_key = "BYBITKEY789";
    s.database.password = "dbpass-0";
    s.database.url = "postgresql://bot:urlpass-1@db:5432/fox_crypto?sslmode=require&password=qpass-2";
    const auto text = dump(s);
    for (const auto* secret : {"BINANCEKEY123", "BINANCESECRET456", "BYBITKEY789", "dbpass-0", "urlpass-1", "qpass-2"}) {
        EXPECT_THAT(text, Not(HasSubstr(secret)));
    }
    EXPECT_THAT(text, HasSubstr("    api_key: \"***\"\n"));
    EXPECT_THAT(text, HasSubstr("  password: \"***\"\n"));
    EXPECT_THAT(text, HasSubstr("url: \"postgresql://bot:***@db:5432/fox_crypto?sslmode=require&password=***\""));
    // An empty secret stays visibly empty so `tradebot check` shows what is missing.
    EXPECT_THAT(text, HasSubstr("  bybit:\n    enabled: true\n"));
    EXPECT_THAT(text, HasSubstr("    api_secret: \"\"\n"));
}

TEST(config_dump, keyword_connection_strings_are_redacted) {
    settings s;
    s.database.url = "host=db password='se cret' dbname=x";
    EXPECT_THAT(dump(s), HasSubstr("url: \"host=db password=*** dbname=x\""));
}

TEST(config_dump, prints_nested_sections_and_typed_values) {
    const auto text = dump(settings{});
    EXPECT_THAT(text, HasSubstr("trading:\n  position_size_usd: 200\n"));
    EXPECT_THAT(text, HasSubstr("protection:\n  stop_loss:\n    percent: 2.0\n"));
    EXPECT_THAT(text, HasSubstr("  wave_minutes: [5, 20, 35, 50]\n"));
    EXPECT_THAT(text, HasSubstr("    stop_list: [BTCDOMUSDT, USDCUSDT, BUSDUSDT, EURBUSD, GBPBUSD]\n"));
    EXPECT_THAT(text, HasSubstr("    leverage: null\n"));
}

TEST(config_dump, output_loads_back_to_the_same_settings) {
    settings s;
    s.app.mode = core::mode::test;
    s.trading.position_size_usd = core::decimal::from_string("123.45");
    s.logging.modules = {{"exchange", log_level::debug}};
    s.exchanges.bybit.leverage = 7;
    s.exchanges.binance.endpoint = endpoint_kind::sim;
    s.signals.filters.whitelist = {core::symbol::from_string("SOLUSDT")};
    s.database.host = "quote\"and\\slash";
    s.risk.kill_switch_file = "";
    tradebot::test::temp_dir dir;
    tradebot::test::write_file(dir.path() / "tradebot.yaml", dump(s));
    const auto r = load(dir.path(), {});
    ASSERT_TRUE(r.value.has_value()) << messages(r).front();
    EXPECT_EQ(*r.value, s);
}

}  // namespace
}  // namespace tradebot::config
